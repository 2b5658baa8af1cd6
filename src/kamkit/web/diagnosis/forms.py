"""The form to add a diagnosis case: a case file uploaded, or its text pasted."""

from __future__ import annotations

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from kamkit.web.labels import TranslatedLabels

from .services import MAX_CASE_BYTES


class CaseForm(TranslatedLabels, forms.Form):
    title = forms.CharField(
        required=False,
        max_length=200,
        help_text=_("Empty: the case's own title."),
    )
    file = forms.FileField(
        required=False,
        label=_("Case file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,.txt"}),
        help_text=_("A kamkit case file (kamkit_case: 1), as kamkit diagnose reads it."),
    )
    text = forms.CharField(
        required=False,
        label=_("…or paste its text"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_CASE_BYTES:
                self.add_error(
                    "file",
                    _("larger than {mb} MB").format(mb=MAX_CASE_BYTES // 2**20),
                )
                return data
            raw = upload.read()
            try:
                data["source"] = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("file", _("not UTF-8 text: save the case file as UTF-8"))
                return data
            data["name"] = upload.name
        elif (data.get("text") or "").strip():
            data["source"], data["name"] = data["text"], "pasted text"
        else:
            self.add_error("file", _("choose a case file, or paste its text"))
        return data


class WaveForm(CaseForm):
    """A wave of a project: its case file and the day its data were collected."""

    wave_on = forms.DateField(
        required=False,
        label=_("Wave date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the end of the case's period, else today."),
    )


class ProjectForm(TranslatedLabels, forms.Form):
    name = forms.CharField(max_length=200)
    firm = forms.CharField(max_length=200, required=False)
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    kam_unit = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("kamkit's KAM unit"),
        empty_label=_("— none: a firm outside kamkit —"),
        help_text=_("Its KA managers may read the project."),
    )

    def __init__(self, *args, **kwargs) -> None:
        from kamkit.web.accounts.models import KAMUnit

        super().__init__(*args, **kwargs)
        self.fields["kam_unit"].queryset = KAMUnit.objects.alive().select_related("parent")


class ActionForm(TranslatedLabels, forms.Form):
    measure = forms.ChoiceField(choices=())
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    owner = forms.ModelChoiceField(queryset=None, required=False, empty_label=_("— nobody yet —"))
    due = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(choices=())

    def __init__(self, *args, **kwargs) -> None:
        from kamkit.core.diagnosis.countermeasures import CATALOGUE
        from kamkit.web.users.models import Role, User

        from .models import ActionStatus

        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [(m.key, _(m.title)) for m in CATALOGUE] + [
            ("other", _("Other (described below)"))
        ]
        self.fields["status"].choices = ActionStatus.choices
        self.fields["owner"].queryset = User.objects.filter(is_active=True).exclude(
            role=Role.CUSTOMER
        )


def _blank(label, values, labels=None) -> list[tuple[str, object]]:
    """Choices of stored values with an empty first one (``label``), each value by its
    label in ``labels`` or, else, by itself in the reader's language (the catalogue has
    the diagnosis's words: ``kamkit.web.labels.DIAGNOSIS_WORDS``)."""
    labels = labels or {}
    return [("", label)] + [(v, labels.get(v) or _(v.replace("_", " "))) for v in values]


class PairForm(TranslatedLabels, forms.Form):
    """One KAM unit–partner link of a wave, as its case file records it (SPEC §3.1). The
    form only carries the values: the core applies the rules (preview and save)."""

    def __init__(self, *args, **kwargs) -> None:
        from kamkit.core.diagnosis.scales import (
            ALIGNMENT_LEVELS,
            DIMENSIONS,
            FLOW_KINDS,
            FLOW_LEVELS,
            PRACTICE_VALUES,
            PRACTICES,
            REQUISITE_INTEGRATION,
            REQUISITE_TEXT,
        )
        from kamkit.web.labels import DIMENSION_LABELS, FLOW_LABELS, PRACTICE_LABELS

        super().__init__(*args, **kwargs)
        for kind in FLOW_KINDS:
            self.fields[kind] = forms.ChoiceField(
                required=False,
                choices=_blank(_("not recorded"), FLOW_LEVELS),
                label=FLOW_LABELS[kind],
            )
        self.fields["requisite_integration"] = forms.ChoiceField(
            required=False,
            choices=_blank(
                _("not recorded"),
                REQUISITE_INTEGRATION,
                {k: _(text) for k, text in REQUISITE_TEXT.items()},
            ),
            label=_("Requisite integration"),
        )
        self.fields["differentiation"] = forms.ChoiceField(
            choices=[
                ("computed", _("computed from the units' profiles and rating means")),
                ("analyst", _("the analyst's judgement: the dimensions ticked differ")),
            ],
            widget=forms.RadioSelect,
            initial="computed",
            label=_("Differentiation"),
        )
        self.fields["differs"] = forms.MultipleChoiceField(
            required=False,
            choices=[(d, DIMENSION_LABELS[d]) for d in DIMENSIONS],
            widget=forms.CheckboxSelectMultiple,
            label=_("Differs on"),
        )
        for practice in PRACTICES:
            self.fields[practice] = forms.ChoiceField(
                required=False,
                choices=_blank(_("not recorded"), PRACTICE_VALUES),
                label=PRACTICE_LABELS[practice],
            )
        self.fields["alignment_level"] = forms.ChoiceField(
            required=False,
            choices=_blank(_("from the practices"), ALIGNMENT_LEVELS),
            label=_("Alignment level"),
            help_text=_("Set it only to overrule the practices (the report says so)."),
        )
        self.fields["evidence"] = forms.CharField(
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("One piece of evidence a line: meetings, newsletters, task forces…"),
        )
        self.fields["quality"] = forms.ChoiceField(
            required=False,
            choices=_blank(_("not recorded"), ("positive", "mixed", "negative")),
            label=_("Relationship quality"),
        )
        self.fields["quality_description"] = forms.CharField(
            required=False, max_length=200, label=_("…in words")
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


class UnitForm(TranslatedLabels, forms.Form):
    """A unit of a wave (SPEC §3.1 ``units`` and its ``profiles``): the id and kind only
    when it is added; a KAM unit's repertoire of practices; its profile per dimension
    (a category, a ranking written ``first > second``, or a 1–7 mean)."""

    def __init__(self, *args, adding: bool, kam_units: list[tuple[str, str]], **kwargs) -> None:
        from kamkit.core.diagnosis.scales import (
            DIMENSIONS,
            PRACTICE_VALUES,
            PRACTICES,
            UNIT_KINDS,
        )
        from kamkit.web.labels import DIMENSION_LABELS, PRACTICE_LABELS, UNIT_KIND_LABELS

        super().__init__(*args, **kwargs)
        if adding:
            self.fields["id"] = forms.SlugField(
                max_length=60, help_text=_("Kept across waves: the same unit, the same id.")
            )
            self.fields["kind"] = forms.ChoiceField(
                choices=[(k, UNIT_KIND_LABELS[k]) for k in UNIT_KINDS], initial="partner"
            )
        self.fields["name"] = forms.CharField(max_length=120)
        self.fields["parent"] = forms.ChoiceField(
            required=False,
            choices=[("", _("— none —")), *kam_units],
            help_text=_("For a team: the KAM unit it belongs to."),
        )
        self.fields["members"] = forms.IntegerField(required=False, min_value=0, max_value=100000)
        self.fields["age_years"] = forms.FloatField(
            required=False, min_value=0, max_value=500, label=_("Age (years)")
        )
        self.fields["description"] = forms.CharField(
            required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
        )
        for practice in PRACTICES:
            self.fields[f"practice_{practice}"] = forms.ChoiceField(
                required=False,
                choices=_blank(_("not recorded"), PRACTICE_VALUES),
                label=PRACTICE_LABELS[practice],
            )
        self.fields["evidence"] = forms.CharField(
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_("The repertoire's evidence, one a line."),
        )
        for dim in DIMENSIONS:
            self.fields[f"profile_{dim}"] = forms.CharField(
                required=False, max_length=200, label=DIMENSION_LABELS[dim]
            )

    @staticmethod
    def initial_from(unit, profile: dict) -> dict:
        from kamkit.core.diagnosis.scales import DIMENSIONS, PRACTICES

        def shown(value) -> str:
            if isinstance(value, tuple):
                return " > ".join(value)
            if isinstance(value, float):
                return f"{value:g}"
            return value or ""

        return {
            "name": unit.name,
            "parent": unit.parent or "",
            "members": unit.members,
            "age_years": unit.age_years,
            "description": unit.description or "",
            **{f"practice_{p}": (unit.practices or {}).get(p, "") for p in PRACTICES},
            "evidence": "\n".join(unit.evidence),
            **{f"profile_{d}": shown(profile.get(d)) for d in DIMENSIONS},
        }

    def unit_and_profile(self, unit=None):
        """The unit (a new one when ``unit`` is None) and its profile, from the form."""
        from dataclasses import replace

        from kamkit.core.diagnosis import Unit
        from kamkit.core.diagnosis.scales import DIMENSIONS, PRACTICES

        d = self.cleaned_data
        practices = {p: d[f"practice_{p}"] for p in PRACTICES if d[f"practice_{p}"]}
        values = {
            "name": d["name"].strip(),
            "parent": d["parent"] or None,
            "members": d["members"],
            "age_years": d["age_years"],
            "description": d["description"].strip() or None,
            "practices": practices or None,
            "evidence": tuple(x.strip() for x in d["evidence"].splitlines() if x.strip()),
        }
        if unit is None:
            unit = Unit(id=d["id"], name=values["name"], kind=d["kind"])
        profile: dict = {}
        for dim in DIMENSIONS:
            text = d[f"profile_{dim}"].strip()
            if not text:
                continue
            if ">" in text:
                profile[dim] = tuple(x.strip().lower() for x in text.split(">") if x.strip())
                continue
            try:
                profile[dim] = float(text.replace(",", "."))
            except ValueError:
                profile[dim] = text.lower()
        return replace(unit, **values), profile


class NewPairForm(TranslatedLabels, forms.Form):
    kam = forms.ChoiceField(label=_("KAM unit"))
    partner = forms.ChoiceField(label=_("Partner"))

    def __init__(self, *args, kams: list, partners: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kam"].choices = kams
        self.fields["partner"].choices = partners


class NextWaveForm(TranslatedLabels, forms.Form):
    title = forms.CharField(max_length=200, help_text=_("e.g. Wave 2026"))
    wave = forms.CharField(
        max_length=60, required=False, help_text=_("The case's wave label (e.g. 2026).")
    )
    wave_on = forms.DateField(
        required=False,
        label=_("Wave date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: today."),
    )


class StartWaveForm(NextWaveForm):
    """A wave begun in forms: a case needs a KAM unit, a partner and a pair between them
    (SPEC §3.1); the rest is added on the wave's editing page."""

    kam_id = forms.SlugField(max_length=60, label=_("KAM unit id"), initial="kam1")
    kam_name = forms.CharField(max_length=120, label=_("KAM unit name"))
    partner_id = forms.SlugField(max_length=60, label=_("Partner id"), initial="legal")
    partner_name = forms.CharField(max_length=120, label=_("Partner name"))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kam_id") and data.get("kam_id") == data.get("partner_id"):
            self.add_error("partner_id", _("the partner needs an id of its own"))
        return data


class RespondentForm(TranslatedLabels, forms.Form):
    """A respondent of a wave and their ratings (1–7), one item per dimension; a
    dimension rated on several items (from a file) is shown, not edited here."""

    def __init__(
        self, *args, adding: bool, units: list, ratings: dict[str, list], **kwargs
    ) -> None:
        from kamkit.core.diagnosis.scales import DIMENSIONS
        from kamkit.web.labels import DIMENSION_LABELS

        super().__init__(*args, **kwargs)
        if adding:
            self.fields["id"] = forms.SlugField(max_length=60, label=_("Respondent id"))
        self.fields["unit"] = forms.ChoiceField(choices=units)
        self.fields["position"] = forms.CharField(max_length=120, required=False)
        self.fields["tenure_years"] = forms.FloatField(
            required=False, min_value=0, max_value=80, label=_("Tenure (years)")
        )
        for dim in DIMENSIONS:
            given = ratings.get(dim, [])
            field = forms.IntegerField(
                required=False, min_value=1, max_value=7, label=DIMENSION_LABELS[dim]
            )
            if len(given) > 1:
                mean = sum(r.value for r in given) / len(given)
                field.disabled = True
                # always two or more here: one item is edited in the form
                field.help_text = _(
                    "%(n)s items in the file, mean %(mean)s: edit them in the case file"
                ) % {"n": len(given), "mean": formats.number_format(mean, 2)}
            self.fields[f"rating_{dim}"] = field


class StatementForm(TranslatedLabels, forms.Form):
    respondent = forms.ChoiceField(required=False)
    unit = forms.ChoiceField(required=False, help_text=_("When no respondent is named."))
    dimensions = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    def __init__(self, *args, respondents: list, units: list, **kwargs) -> None:
        from kamkit.core.diagnosis.scales import DIMENSIONS
        from kamkit.web.labels import DIMENSION_LABELS

        super().__init__(*args, **kwargs)
        self.fields["respondent"].choices = [("", "—")] + respondents
        self.fields["unit"].choices = [("", "—")] + units
        self.fields["dimensions"].choices = [(d, DIMENSION_LABELS[d]) for d in DIMENSIONS]

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("respondent") and not data.get("unit"):
            self.add_error("unit", _("name the respondent or the unit the statement is about"))
        return data
