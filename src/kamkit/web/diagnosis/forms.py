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


def _blank(label: str, values) -> list[tuple[str, str]]:
    return [("", label)] + [(v, v.replace("_", " ")) for v in values]


class PairForm(forms.Form):
    """One KAM unit–partner link of a wave, as its case file records it (SPEC §3.1). The
    form only carries the values: the core applies the rules (preview and save)."""

    def __init__(self, *args, **kwargs) -> None:
        from kamkit.core.diagnosis.scales import (
            ALIGNMENT_LEVELS,
            DIMENSION_LABELS,
            DIMENSIONS,
            FLOW_KINDS,
            FLOW_LEVELS,
            PRACTICE_VALUES,
            PRACTICES,
            REQUISITE_INTEGRATION,
        )

        super().__init__(*args, **kwargs)
        for kind in FLOW_KINDS:
            self.fields[kind] = forms.ChoiceField(
                required=False, choices=_blank("not recorded", FLOW_LEVELS), label=f"{kind} flow"
            )
        self.fields["requisite_integration"] = forms.ChoiceField(
            required=False,
            choices=_blank("not recorded", REQUISITE_INTEGRATION),
            label="Requisite integration",
        )
        self.fields["differentiation"] = forms.ChoiceField(
            choices=[
                ("computed", "computed from the units' profiles and rating means"),
                ("analyst", "the analyst's judgement: the dimensions ticked differ"),
            ],
            widget=forms.RadioSelect,
            initial="computed",
            label="Differentiation",
        )
        self.fields["differs"] = forms.MultipleChoiceField(
            required=False,
            choices=[(d, DIMENSION_LABELS[d]) for d in DIMENSIONS],
            widget=forms.CheckboxSelectMultiple,
            label="Differs on",
        )
        for practice in PRACTICES:
            self.fields[practice] = forms.ChoiceField(
                required=False,
                choices=_blank("not recorded", PRACTICE_VALUES),
                label=practice.capitalize(),
            )
        self.fields["alignment_level"] = forms.ChoiceField(
            required=False,
            choices=_blank("from the practices", ALIGNMENT_LEVELS),
            label="Alignment level",
            help_text="Set it only to overrule the practices (the report says so).",
        )
        self.fields["evidence"] = forms.CharField(
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="One piece of evidence a line: meetings, newsletters, task forces…",
        )
        self.fields["quality"] = forms.ChoiceField(
            required=False,
            choices=_blank("not recorded", ("positive", "mixed", "negative")),
            label="Relationship quality",
        )
        self.fields["quality_description"] = forms.CharField(
            required=False, max_length=200, label="…in words"
        )
        self.fields["notes"] = forms.CharField(
            required=False, widget=forms.Textarea(attrs={"rows": 2})
        )

    @staticmethod
    def initial_from(link) -> dict:
        from kamkit.core.diagnosis.scales import PRACTICES

        alignment = link.alignment
        practices = (alignment.practices if alignment else None) or {}
        quality = link.relationship_quality
        return {
            **dict(link.flows),
            "requisite_integration": link.requisite_integration or "",
            "differentiation": "computed" if link.differs is None else "analyst",
            "differs": list(link.differs or ()),
            **{p: practices.get(p, "") for p in PRACTICES},
            "alignment_level": (alignment.level if alignment else None) or "",
            "evidence": "\n".join(alignment.evidence) if alignment else "",
            "quality": quality.valence if quality else "",
            "quality_description": quality.description if quality else "",
            "notes": link.notes or "",
        }

    def link(self, link):
        """The link with this form's values (the form must be valid)."""
        from dataclasses import replace

        from kamkit.core.diagnosis import Alignment
        from kamkit.core.diagnosis.model import RelationshipQuality
        from kamkit.core.diagnosis.scales import DIMENSIONS, FLOW_KINDS, PRACTICES

        d = self.cleaned_data
        practices = {p: d[p] for p in PRACTICES if d[p]}
        evidence = tuple(line.strip() for line in d["evidence"].splitlines() if line.strip())
        alignment = (
            Alignment(practices or None, d["alignment_level"] or None, evidence)
            if practices or d["alignment_level"] or evidence
            else None
        )
        quality = (
            RelationshipQuality(d["quality"], d["quality_description"].strip() or d["quality"])
            if d["quality"]
            else None
        )
        return replace(
            link,
            flows={k: d[k] for k in FLOW_KINDS if d[k]},
            requisite_integration=d["requisite_integration"] or None,
            differs=tuple(x for x in DIMENSIONS if x in d["differs"])
            if d["differentiation"] == "analyst"
            else None,
            alignment=alignment,
            relationship_quality=quality,
            notes=d["notes"].strip() or None,
        )
