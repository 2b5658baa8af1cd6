"""The form to add a diagnosis case: a case file uploaded, or its text pasted."""

from __future__ import annotations

from django import forms

from .services import MAX_CASE_BYTES


class CaseForm(forms.Form):
    title = forms.CharField(
        required=False,
        max_length=200,
        help_text="Empty: the case's own title.",
    )
    file = forms.FileField(
        required=False,
        label="Case file",
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,.txt"}),
        help_text="A kamkit case file (kamkit_case: 1), as kamkit diagnose reads it.",
    )
    text = forms.CharField(
        required=False,
        label="…or paste its text",
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_CASE_BYTES:
                self.add_error("file", f"larger than {MAX_CASE_BYTES // 2**20} MB")
                return data
            raw = upload.read()
            try:
                data["source"] = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("file", "not UTF-8 text: save the case file as UTF-8")
                return data
            data["name"] = upload.name
        elif (data.get("text") or "").strip():
            data["source"], data["name"] = data["text"], "pasted text"
        else:
            self.add_error("file", "choose a case file, or paste its text")
        return data


class WaveForm(CaseForm):
    """A wave of a project: its case file and the day its data were collected."""

    wave_on = forms.DateField(
        required=False,
        label="Wave date",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Empty: the end of the case's period, else today.",
    )


class ProjectForm(forms.Form):
    name = forms.CharField(max_length=200)
    firm = forms.CharField(max_length=200, required=False)
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    kam_unit = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="kamkit's KAM unit",
        empty_label="— none: a firm outside kamkit —",
        help_text="Its KA managers may read the project.",
    )

    def __init__(self, *args, **kwargs) -> None:
        from kamkit.web.accounts.models import KAMUnit

        super().__init__(*args, **kwargs)
        self.fields["kam_unit"].queryset = KAMUnit.objects.alive().select_related("parent")


class ActionForm(forms.Form):
    measure = forms.ChoiceField(choices=())
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    owner = forms.ModelChoiceField(queryset=None, required=False, empty_label="— nobody yet —")
    due = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(choices=())

    def __init__(self, *args, **kwargs) -> None:
        from kamkit.core.diagnosis.countermeasures import CATALOGUE
        from kamkit.web.users.models import Role, User

        from .models import ActionStatus

        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [(m.key, m.title) for m in CATALOGUE] + [
            ("other", "Other (described below)")
        ]
        self.fields["status"].choices = ActionStatus.choices
        self.fields["owner"].queryset = User.objects.filter(is_active=True).exclude(
            role=Role.CUSTOMER
        )
