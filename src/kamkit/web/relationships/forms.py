from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from kamkit.core import relationships as rules
from kamkit.core.lifecycle.phases import (
    DECISION_DESCRIPTIONS,
    DECISION_LABELS,
    DECLINE_DECISIONS,
    PHASE_DESCRIPTIONS,
    PHASE_LABELS,
    PHASES,
)
from kamkit.web.accounts.forms import VersionedForm
from kamkit.web.accounts.models import Account, Person

from .models import (
    CommunicationPreference,
    Interaction,
    JointInitiative,
    PhaseRecord,
    Problem,
    Pulse,
)

NOT_OURS = {"invalid_choice": "person %(value)s is not one of this account's people"}


class InteractionForm(forms.ModelForm):
    """Log a contact in seconds: sensible defaults, people picked from both sides."""

    participants = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=NOT_OURS,
    )

    class Meta:
        model = Interaction
        fields = [
            "occurred_at",
            "channel",
            "initiated_by",
            "two_way",
            "formality",
            "content",
            "participants",
            "summary",
            "shared_with_customer",
        ]
        widgets = {
            "occurred_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "summary": forms.Textarea(
                attrs={"rows": 2, "placeholder": "What was discussed, agreed, next steps"}
            ),
        }

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, account: Account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = Person.objects.alive().filter(account=account)
        self.fields["participants"].label_from_instance = lambda p: f"{p.name} ({p.side})"
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        if not self.is_bound:
            self.initial.setdefault("occurred_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
            self.initial.setdefault("channel", "video")
            self.initial.setdefault("initiated_by", "supplier")

    def clean(self):
        data = super().clean()
        errors = rules.check_interaction(
            two_way=data.get("two_way", False),
            participant_sides=[p.side for p in data.get("participants") or []],
        )
        if errors:
            raise ValidationError(errors)
        return data


class InitiativeForm(forms.ModelForm):
    """An initiative with both sides' contributions and value side by side."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    SIDE_BY_SIDE = (
        ("Owner", "supplier_owner", "customer_owner"),
        ("Effort (days)", "supplier_effort_days", "customer_effort_days"),
        ("Money", "supplier_money", "customer_money"),
        ("Know-how", "supplier_know_how", "customer_know_how"),
        ("Expected value for", "expected_value_supplier", "expected_value_customer"),
        ("Realized value for", "realized_value_supplier", "realized_value_customer"),
    )

    class Meta:
        model = JointInitiative
        fields = [
            "title",
            "goal",
            "status",
            "due_date",
            "realized_on",
            "shared",
            "value_note",
            "supplier_owner",
            "customer_owner",
            "supplier_effort_days",
            "customer_effort_days",
            "supplier_money",
            "customer_money",
            "supplier_know_how",
            "customer_know_how",
            "expected_value_supplier",
            "expected_value_customer",
            "realized_value_supplier",
            "realized_value_customer",
        ]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}),
            "realized_on": forms.DateInput(attrs={"type": "date"}),
            "goal": forms.Textarea(attrs={"rows": 2}),
            "value_note": forms.Textarea(attrs={"rows": 2}),
            "supplier_know_how": forms.Textarea(attrs={"rows": 2}),
            "customer_know_how": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        account_id = self.instance.account_id
        people = Person.objects.alive().filter(account_id=account_id)
        self.fields["supplier_owner"].queryset = people.filter(side="supplier")
        self.fields["customer_owner"].queryset = people.filter(side="customer")
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def rows(self):
        return [(label, self[a], self[b]) for label, a, b in self.SIDE_BY_SIDE]

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def _people_of(account_id: int):
    return Person.objects.alive().filter(account_id=account_id).order_by("side", "name")


class ProblemForm(VersionedForm):
    """A problem as both sides frame it, who works on it, and what came of it."""

    participants = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=NOT_OURS,
    )

    class Meta:
        model = Problem
        fields = [
            "title",
            "raised_by",
            "raised_on",
            "shared",
            "supplier_framing",
            "customer_framing",
            "participants",
            "outcome",
            "lessons",
        ]
        widgets = {
            "raised_on": forms.DateInput(attrs={"type": "date"}),
            "supplier_framing": forms.Textarea(
                attrs={"rows": 3, "placeholder": "The problem as we see it"}
            ),
            "customer_framing": forms.Textarea(
                attrs={"rows": 3, "placeholder": "The problem in the customer's words"}
            ),
            "outcome": forms.Textarea(attrs={"rows": 2}),
            "lessons": forms.Textarea(
                attrs={"rows": 2, "placeholder": "What both sides learned, to reuse next time"}
            ),
        }
        labels = {"shared": "Shared with the customer"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = _people_of(self.instance.account_id)
        self.fields["participants"].label_from_instance = lambda p: f"{p.name} ({p.side})"
        from .services import customer_frames_itself

        if self.instance.account_id and customer_frames_itself(self.instance.account):
            # the customer's people write their own framing in the portal (issue 15)
            field = self.fields["customer_framing"]
            field.disabled = True
            field.help_text = "Written by the customer's people in kamkit; read-only here."
            self.fields["raised_by"].disabled = True

    def changes(self) -> dict:
        out = {
            n: self.cleaned_data[n]
            for n in self.Meta.fields
            if n != "participants" and not self.fields[n].disabled
        }
        return out


class PulseForm(forms.ModelForm):
    """A person's 1–7 ratings: quick to give, any subset of the five items."""

    SCALE = [("", "–")] + [(str(n), str(n)) for n in range(rules.RATING_MIN, rules.RATING_MAX + 1)]

    class Meta:
        model = Pulse
        fields = ["person", "rated_on", *rules.PULSE_ITEMS, "comment"]
        widgets = {
            "rated_on": forms.DateInput(attrs={"type": "date"}),
            "comment": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "communication": "Communication quality",
            "co_creation": "Joint value creation",
            "problem_solving": "Joint problem solving",
            "satisfaction": "Overall satisfaction",
            "trust": "Trust",
        }

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, account: Account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.account = account
        self.fields["person"].queryset = _people_of(account.pk)
        self.fields["person"].label_from_instance = lambda p: f"{p.name} ({p.side})"
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        for item in rules.PULSE_ITEMS:
            self.fields[item].widget = forms.Select(choices=self.SCALE)
        if not self.is_bound:
            self.initial.setdefault("rated_on", timezone.localdate().isoformat())


class PreferenceForm(VersionedForm):
    """Preferred channels and the ideal number of contacts per 30 days."""

    channels = forms.MultipleChoiceField(
        choices=[(c, c.replace("_", " ").capitalize()) for c in rules.CHANNELS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = CommunicationPreference
        fields = ["person", "channels", "ideal_min", "ideal_max"]
        labels = {
            "person": "For",
            "ideal_min": "At least (contacts per 30 days)",
            "ideal_max": "At most (contacts per 30 days)",
        }

    def __init__(self, *args, account: Account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.account = account
        self.fields["version"].required = bool(self.instance.pk)
        self.fields["person"].queryset = _people_of(account.pk).filter(side="customer")
        self.fields["person"].empty_label = "The whole account"


class PhaseForm(forms.ModelForm):
    """A phase statement: where a person of either side situates the relationship, or the
    KA manager's decision. The phases are shown with their descriptions."""

    SOURCE_CHOICES = [
        ("supplier_self", "Our view: a person of our side situates the relationship"),
        ("customer_self", "The customer's view: a person of theirs situates it"),
        ("decision", "My decision as KA manager (overrides both views)"),
    ]

    class Meta:
        model = PhaseRecord
        fields = ["phase", "source", "person", "recorded_on", "note"]
        widgets = {
            "recorded_on": forms.DateInput(attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 2, "placeholder": "Why, in a sentence"}),
        }
        labels = {"person": "Who said so", "recorded_on": "On"}

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, account: Account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.account = account
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        self.fields["phase"].widget = forms.RadioSelect(
            choices=[(p, PHASE_LABELS[p]) for p in PHASES]
        )
        self.fields["source"].choices = self.SOURCE_CHOICES
        self.fields["source"].widget = forms.RadioSelect(choices=self.SOURCE_CHOICES)
        self.fields["person"].queryset = _people_of(account.pk)
        self.fields["person"].label_from_instance = lambda p: f"{p.name} ({p.side})"
        self.fields["person"].empty_label = "— nobody (a decision)"
        if not self.is_bound:
            self.initial.setdefault("recorded_on", timezone.localdate().isoformat())
            self.initial.setdefault("source", "supplier_self")

    def phase_options(self) -> list[tuple[object, str]]:
        """Each phase's radio button with the description the person reads."""
        return [(w, PHASE_DESCRIPTIONS[w.data["value"]]) for w in self["phase"]]


class DeclineDecisionForm(forms.Form):
    """Revive or wind down a declining account (SPEC §2.3): what the service needs,
    shown with what each choice does. The rules are checked by the service."""

    decision = forms.ChoiceField(
        choices=[(d, DECISION_LABELS[d]) for d in DECLINE_DECISIONS], widget=forms.RadioSelect
    )
    decided_on = forms.DateField(label="Decided on", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Why, in a sentence or two"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("decided_on", timezone.localdate().isoformat())

    def options(self) -> list[tuple[object, str]]:
        """Each choice's radio button with what it does."""
        return [(w, DECISION_DESCRIPTIONS[w.data["value"]]) for w in self["decision"]]


class RaiseProblemForm(forms.Form):
    """A problem the supplier's side raises: in its own words, who takes part (people of
    both sides), and whether the customer sees it. The service applies the rules."""

    title = forms.CharField(max_length=200)
    framing = forms.CharField(
        label="The problem as we see it",
        required=False,
        max_length=rules.TEXT_LIMITS["supplier_framing"],
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    raised_on = forms.DateField(label="Raised on", widget=forms.DateInput(attrs={"type": "date"}))
    shared = forms.BooleanField(
        label="Shared with the customer",
        required=False,
        initial=True,
        help_text="The customer's people see it, its stages and the shared thread.",
    )
    participants = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=NOT_OURS,
        label="Working on it, from both sides",
    )

    def __init__(self, *args, account: Account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = _people_of(account.pk)
        self.fields["participants"].label_from_instance = lambda p: f"{p.name} ({p.side})"
        if not self.is_bound:
            self.initial.setdefault("raised_on", timezone.localdate().isoformat())


class CommentForm(forms.Form):
    """A reply on a problem: on the thread both sides read, or an internal note."""

    text = forms.CharField(
        label="Reply",
        max_length=rules.TEXT_LIMITS["text"],
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Write to the customer's people"}),
    )
    internal = forms.BooleanField(
        label="Internal note (the customer never sees it)", required=False
    )


class UndoStageForm(forms.Form):
    reason = forms.CharField(
        label="Why take the last move back?",
        max_length=rules.TEXT_LIMITS["note"],
        widget=forms.TextInput(attrs={"placeholder": "e.g. clicked by mistake"}),
    )
