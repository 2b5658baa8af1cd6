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
