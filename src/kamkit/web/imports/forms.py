"""The import page's upload form."""

from __future__ import annotations

import re

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kamkit.core.imports.mail import MAIL_SUFFIXES
from kamkit.web.labels import TranslatedLabels

ACCEPTED = (".csv", ".txt", ".xlsx", ".xlsm", ".ics", *MAIL_SUFFIXES)
MAX_FILES = 20
"""Files per upload (kamkit default: a CRM export is five files, a mail export a few)."""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(ACCEPTED)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


def safe_name(name: str) -> str:
    """A file name without folders or characters a file system might refuse."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^\w.\- ()]", "_", name).strip(" .") or "file"
    return name[:120]


class UploadForm(TranslatedLabels, forms.Form):
    files = MultipleFileField(
        label=_("Files"),
        help_text=format_lazy(
            _(
                "CRM exports (CSV or XLSX), mail (.mbox, .eml) or calendars (.ics); "
                "up to {n} at once."
            ),
            n=MAX_FILES,
        ),
    )
    source = forms.ChoiceField(
        choices=[
            ("auto", _("Recognise from the columns")),
            ("salesforce", "Salesforce"),
            ("hubspot", "HubSpot"),
            ("dynamics", "Dynamics 365"),
            ("kamkit", "kamkit"),
        ],
        initial="auto",
    )
    skip_invalid = forms.BooleanField(
        required=False,
        label=_("Import the valid rows of a file that has invalid ones"),
        help_text=_("Otherwise a file with an invalid row imports nothing."),
    )
    keep_body = forms.BooleanField(
        required=False,
        label=_("Keep mail bodies"),
        help_text=_("Otherwise only the subject is kept."),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"at most {MAX_FILES} files at once")
        names = [safe_name(f.name) for f in files]
        wrong = [n for n in names if not n.lower().endswith(ACCEPTED)]
        if wrong:
            raise forms.ValidationError(
                f"{wrong[0]}: not a file kamkit imports ({', '.join(ACCEPTED)})"
            )
        if len(set(names)) != len(names):
            raise forms.ValidationError("two files have the same name")
        return files
