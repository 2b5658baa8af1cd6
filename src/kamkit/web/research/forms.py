"""The research data page's form."""

from __future__ import annotations

import calendar
import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from kamkit.core.qca import MAX_CONDITIONS as MAX_QCA_CONDITIONS
from kamkit.core.research.datasets import FORMATS
from kamkit.web.labels import TranslatedLabels

from .data import DATASETS, MAX_MONTHS
from .models import REMIND_AFTER_DAYS

DATASET_LABELS = {
    "panel": _("Panel: key account × month"),
    "pairs": _("Pairs: KAM unit × partner × wave"),
    "responses": _("Responses: respondent × item"),
}
FORMAT_LABELS = {
    "csv": "CSV",
    "xlsx": _("Excel (XLSX)"),
    "dta": _("Stata (.dta)"),
    "sav": _("SPSS (.sav)"),
}


class MonthField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "month"})
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM.")}


class DatasetForm(TranslatedLabels, forms.Form):
    dataset = forms.ChoiceField(choices=[(d, DATASET_LABELS[d]) for d in DATASETS])
    format = forms.ChoiceField(choices=[(f, FORMAT_LABELS[f]) for f in FORMATS], initial="csv")
    pseudonymise = forms.BooleanField(
        required=False,
        label=_("Pseudonymise (stable pseudonyms for ids; names and free text left out)"),
    )
    start = MonthField(
        required=False,
        label=_("From month"),
        help_text=_("Default: 11 months before the last."),
    )
    end = MonthField(required=False, label=_("To month"), help_text=_("Default: this month."))
    projects = forms.MultipleChoiceField(
        required=False,
        label=_("Projects"),
        help_text=_("None chosen: every project you may read."),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].choices = [(str(p.pk), p.name) for p in projects]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if end is not None:
            data["end"] = end.replace(day=calendar.monthrange(end.year, end.month)[1])
        if start and end and start > end:
            self.add_error("end", _("The last month comes before the first."))
        elif start and end and (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
            self.add_error("start", _("A panel covers at most {n} months.").format(n=MAX_MONTHS))
        if start and start > dt.date.today():
            self.add_error("start", _("The first month is in the future."))
        data["projects"] = [int(p) for p in data.get("projects") or []] or None
        return data


class _Reminders:
    def clean_remind_after_days(self) -> int:
        value = self.cleaned_data.get("remind_after_days")
        return REMIND_AFTER_DAYS if value is None else value


class SurveyForm(_Reminders, TranslatedLabels, forms.Form):
    instrument = forms.ChoiceField(
        choices=[
            ("differentiation", _("How your unit works: each unit's members rate their own unit")),
            (
                "frame_alignment",
                _("Working with the KAM unit: partners rate a KAM unit's practices"),
            ),
        ],
        initial="differentiation",
        required=False,
        widget=forms.RadioSelect,
        label=_("Questions"),
    )

    def clean_instrument(self) -> str:
        return self.cleaned_data.get("instrument") or "differentiation"

    anonymous = forms.BooleanField(
        required=False,
        initial=True,
        label=_("Anonymous answers (stored under a random id nothing links to the person)"),
    )
    closes_on = forms.DateField(
        label=_("Last day to answer"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    remind_after_days = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=30,
        initial=REMIND_AFTER_DAYS,
        label=_("Remind who has not answered every … days (0: never)"),
        help_text=_("A new link each time, at most three times, while it is open."),
    )


class InviteForm(TranslatedLabels, forms.Form):
    invitees = forms.CharField(
        label=_("People to invite"),
        widget=forms.Textarea(
            attrs={"rows": 6, "placeholder": "legal, anna.berg@example.com, Anna Berg, de"}
        ),
        help_text=_("One per line: unit id, email[, name[, language en or de]]."),
        max_length=100_000,
    )


class DocumentForm(TranslatedLabels, forms.Form):
    file = forms.FileField(
        label=_("Transcript or REFI-QDA project"),
        help_text=_(
            ".txt or .docx (paragraphs, 'Speaker: text'), or .qdpx from MAXQDA, NVivo, "
            "ATLAS.ti or QualCoder (with each coder's codes)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx,.qdpx"}),
    )
    unit = forms.ChoiceField(
        required=False,
        label=_("Unit of speakers who are no respondents"),
        help_text=_(
            "Paragraphs by a speaker who is a respondent of the wave count for their unit."
        ),
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—"), *[(u.id, u.name) for u in units]]


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return (
            f"{obj.name} <{obj.email}>"
            if obj.email
            else _("{name} (no email address)").format(name=obj.name)
        )


class PulseSurveyForm(_Reminders, TranslatedLabels, forms.Form):
    people = PeopleField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label=_("Customer contacts to ask"),
    )
    language = forms.ChoiceField(
        choices=[("en", "English"), ("de", "Deutsch")], label=_("Language")
    )
    closes_on = forms.DateField(
        label=_("Last day to answer"), widget=forms.DateInput(attrs={"type": "date"})
    )
    remind_after_days = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=30,
        initial=REMIND_AFTER_DAYS,
        label=_("Remind who has not answered every … days (0: never)"),
        help_text=_("A new link each time, at most three times, while it is open."),
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        from kamkit.web.accounts.models import Person

        ids = [p.pk for p in people]
        self.fields["people"].queryset = Person.objects.filter(pk__in=ids).order_by("name")


# -- fsQCA (issue 21, items 3 and 4) -----------------------------------------------------

QCA_SOURCE_LABELS = {
    "pairs": _("Diagnosis pairs: KAM unit × partner, every wave"),
    "accounts": _("Key accounts on one day"),
}
QCA_SOLUTION_LABELS = {
    "complex": _("Complex (conservative)"),
    "parsimonious": _("Parsimonious"),
    "intermediate": _("Intermediate (with directional expectations)"),
}
ANCHOR_LABELS = {
    "e": _("full exclusion (0.05)"),
    "c": _("crossover (0.5)"),
    "i": _("full inclusion (0.95)"),
}


class QCACasesForm(TranslatedLabels, forms.Form):
    """Which cases: the pairs of diagnosis projects, or the key accounts on a day."""

    source = forms.ChoiceField(
        label=_("Cases"), choices=list(QCA_SOURCE_LABELS.items()), initial="pairs"
    )
    projects = forms.MultipleChoiceField(
        required=False,
        label=_("Projects"),
        help_text=_("None chosen: every project you may read."),
        widget=forms.CheckboxSelectMultiple,
    )
    on = forms.DateField(
        required=False,
        label=_("Assessed on"),
        help_text=_("Default: today."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].choices = [(str(p.pk), p.name) for p in projects]

    def clean(self):
        data = super().clean()
        data["projects"] = [int(p) for p in data.get("projects") or []] or None
        return data


class QCAForm(TranslatedLabels, forms.Form):
    """The analysis: outcome, conditions, the raw columns' anchors, the cut-offs and the
    solution. Its fields follow the case set (``cases``: a ``qca.CaseSet``)."""

    outcome = forms.ChoiceField(label=_("Outcome"))
    negate = forms.BooleanField(required=False, label=_("Its negation (~Y)"))
    conditions = forms.MultipleChoiceField(
        label=_("Conditions"), widget=forms.CheckboxSelectMultiple
    )
    incl_cut = forms.FloatField(
        label=_("Inclusion cut-off"),
        initial=0.8,
        min_value=0.5,
        max_value=1.0,
        help_text=_("A row is sufficient for the outcome at this consistency or more."),
    )
    n_cut = forms.IntegerField(
        label=_("Frequency cut-off"),
        initial=1,
        min_value=1,
        max_value=10_000,
        help_text=_("Rows with fewer cases are remainders."),
    )
    solution = forms.ChoiceField(
        label=_("Solution"), choices=list(QCA_SOLUTION_LABELS.items()), initial="complex"
    )
    dir_exp = forms.CharField(
        required=False,
        max_length=500,
        label=_("Directional expectations"),
        help_text=_(
            "For the intermediate solution: conditions whose presence (A) or absence (~B) "
            "should lead to the outcome, comma-separated; others may go either way."
        ),
    )

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = cases
        offered = [*cases.outcomes, *[c for c in cases.columns if c not in cases.outcomes]]
        self.fields["outcome"].choices = [(c, c) for c in offered]
        self.fields["outcome"].initial = cases.outcomes[0] if cases.outcomes else None
        self.fields["conditions"].choices = [(c, c) for c in cases.conditions]
        self.anchor_fields: list[tuple[str, list[str]]] = []
        if self.is_bound:  # an anchor left out of the address shows (and is) its default
            self.data = self.data.copy()
            for column, anchors in cases.anchors.items():
                for key, value in zip("eci", anchors, strict=True):
                    if not str(self.data.get(f"{key}_{column}", "")).strip():
                        self.data[f"{key}_{column}"] = f"{value:g}"
        for column, anchors in cases.anchors.items():
            names = []
            for key, value in zip("eci", anchors, strict=True):
                name = f"{key}_{column}"
                self.fields[name] = forms.FloatField(
                    label=f"{column}: {ANCHOR_LABELS[key]}",
                    initial=value,
                    localize=True,
                    widget=forms.NumberInput(attrs={"step": "any"}),
                )
                names.append(name)
            self.anchor_fields.append((column, names))

    def anchor_rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        """Per raw column its three anchor fields, for the page's table."""
        return [(column, [self[n] for n in names]) for column, names in self.anchor_fields]

    def anchors(self) -> dict[str, tuple[float, float, float]]:
        """The anchors as given (after ``is_valid``)."""
        return {
            column: tuple(self.cleaned_data[n] for n in names)
            for column, names in self.anchor_fields
        }

    def clean(self):
        data = super().clean()
        outcome, conditions = data.get("outcome"), data.get("conditions") or []
        if outcome and outcome in conditions:
            self.add_error("conditions", _("The outcome cannot also be a condition."))
        if len(conditions) > MAX_QCA_CONDITIONS:
            self.add_error(
                "conditions",
                _("Choose at most {n} conditions.").format(n=MAX_QCA_CONDITIONS),
            )
        for _column, names in self.anchor_fields:
            e, c, i = (data.get(n) for n in names)
            if None in (e, c, i):
                continue
            if not (e < c < i or e > c > i):
                self.add_error(names[1], _("The crossover must lie between the other two anchors."))
        return data
