from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kamkit.core import relationships as rules
from kamkit.core.lifecycle.phases import DECLINE_DECISIONS, PHASES
from kamkit.web.accounts.forms import VersionedForm
from kamkit.web.accounts.models import Account, Person
from kamkit.web.labels import (
    DECISION_DESCRIPTIONS,
    DECISION_LABELS,
    PHASE_DESCRIPTIONS,
    PHASE_LABELS,
    SIDE_WORDS,
    TranslatedLabels,
    choices,
)

from .models import (
    CommunicationPreference,
    Interaction,
    JointInitiative,
    Objective,
    PhaseRecord,
    Problem,
    Pulse,
    Task,
)

NOT_OURS = {"invalid_choice": "person %(value)s is not one of this account's people"}


class InteractionForm(TranslatedLabels, forms.ModelForm):
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
                attrs={"rows": 2, "placeholder": _("What was discussed, agreed, next steps")}
            ),
        }

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, account: Account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = Person.objects.alive().filter(account=account)
        self.fields["participants"].label_from_instance = lambda p: (
            f"{p.name} ({SIDE_WORDS.get(p.side, p.side)})"
        )
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


class InitiativeForm(TranslatedLabels, forms.ModelForm):
    """An initiative with both sides' contributions and value side by side."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    SIDE_BY_SIDE = (
        (_("Owner"), "supplier_owner", "customer_owner"),
        (_("Effort (days)"), "supplier_effort_days", "customer_effort_days"),
        (_("Money"), "supplier_money", "customer_money"),
        (_("Know-how"), "supplier_know_how", "customer_know_how"),
        (_("Expected value for"), "expected_value_supplier", "expected_value_customer"),
        (_("Realized value for"), "realized_value_supplier", "realized_value_customer"),
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
                attrs={"rows": 3, "placeholder": _("The problem as we see it")}
            ),
            "customer_framing": forms.Textarea(
                attrs={"rows": 3, "placeholder": _("The problem in the customer's words")}
            ),
            "outcome": forms.Textarea(attrs={"rows": 2}),
            "lessons": forms.Textarea(
                attrs={"rows": 2, "placeholder": _("What both sides learned, to reuse next time")}
            ),
        }
        labels = {"shared": _("Shared with the customer")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = _people_of(self.instance.account_id)
        self.fields["participants"].label_from_instance = lambda p: (
            f"{p.name} ({SIDE_WORDS.get(p.side, p.side)})"
        )
        from .services import customer_frames_itself

        if self.instance.account_id and customer_frames_itself(self.instance.account):
            # the customer's people write their own framing in the portal (issue 15)
            field = self.fields["customer_framing"]
            field.disabled = True
            field.help_text = _("Written by the customer's people in kamkit; read-only here.")
            self.fields["raised_by"].disabled = True

    def changes(self) -> dict:
        out = {
            n: self.cleaned_data[n]
            for n in self.Meta.fields
            if n != "participants" and not self.fields[n].disabled
        }
        return out


class PulseForm(TranslatedLabels, forms.ModelForm):
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
            "communication": _("Communication quality"),
            "co_creation": _("Joint value creation"),
            "problem_solving": _("Joint problem solving"),
            "satisfaction": _("Overall satisfaction"),
            "trust": _("Trust"),
        }

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, account: Account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.account = account
        self.fields["person"].queryset = _people_of(account.pk)
        self.fields["person"].label_from_instance = lambda p: (
            f"{p.name} ({SIDE_WORDS.get(p.side, p.side)})"
        )
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        for item in rules.PULSE_ITEMS:
            self.fields[item].widget = forms.Select(choices=self.SCALE)
        if not self.is_bound:
            self.initial.setdefault("rated_on", timezone.localdate().isoformat())


class PreferenceForm(VersionedForm):
    """Preferred channels and the ideal number of contacts per 30 days."""

    channels = forms.MultipleChoiceField(
        choices=choices(rules.CHANNELS),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = CommunicationPreference
        fields = ["person", "channels", "ideal_min", "ideal_max"]
        labels = {
            "person": _("For"),
            "ideal_min": _("At least (contacts per 30 days)"),
            "ideal_max": _("At most (contacts per 30 days)"),
        }

    def __init__(self, *args, account: Account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.account = account
        self.fields["version"].required = bool(self.instance.pk)
        self.fields["person"].queryset = _people_of(account.pk).filter(side="customer")
        self.fields["person"].empty_label = _("The whole account")


class PhaseForm(TranslatedLabels, forms.ModelForm):
    """A phase statement: where a person of either side situates the relationship, or the
    KA manager's decision. The phases are shown with their descriptions."""

    SOURCE_CHOICES = [
        ("supplier_self", _("Our view: a person of our side situates the relationship")),
        ("customer_self", _("The customer's view: a person of theirs situates it")),
        ("decision", _("My decision as KA manager (overrides both views)")),
    ]

    class Meta:
        model = PhaseRecord
        fields = ["phase", "source", "person", "recorded_on", "note"]
        widgets = {
            "recorded_on": forms.DateInput(attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 2, "placeholder": _("Why, in a sentence")}),
        }
        labels = {"person": _("Who said so"), "recorded_on": _("On")}

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
        self.fields["person"].label_from_instance = lambda p: (
            f"{p.name} ({SIDE_WORDS.get(p.side, p.side)})"
        )
        self.fields["person"].empty_label = _("— nobody (a decision)")
        if not self.is_bound:
            self.initial.setdefault("recorded_on", timezone.localdate().isoformat())
            self.initial.setdefault("source", "supplier_self")

    def phase_options(self) -> list[tuple[object, str]]:
        """Each phase's radio button with the description the person reads."""
        return [(w, PHASE_DESCRIPTIONS[w.data["value"]]) for w in self["phase"]]


class DeclineDecisionForm(TranslatedLabels, forms.Form):
    """Revive or wind down a declining account (SPEC §2.3): what the service needs,
    shown with what each choice does. The rules are checked by the service."""

    decision = forms.ChoiceField(
        choices=[(d, DECISION_LABELS[d]) for d in DECLINE_DECISIONS], widget=forms.RadioSelect
    )
    decided_on = forms.DateField(
        label=_("Decided on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Why, in a sentence or two")}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("decided_on", timezone.localdate().isoformat())

    def options(self) -> list[tuple[object, str]]:
        """Each choice's radio button with what it does."""
        return [(w, DECISION_DESCRIPTIONS[w.data["value"]]) for w in self["decision"]]


class RaiseProblemForm(TranslatedLabels, forms.Form):
    """A problem the supplier's side raises: in its own words, who takes part (people of
    both sides), and whether the customer sees it. The service applies the rules."""

    title = forms.CharField(max_length=200)
    framing = forms.CharField(
        label=_("The problem as we see it"),
        required=False,
        max_length=rules.TEXT_LIMITS["supplier_framing"],
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    raised_on = forms.DateField(
        label=_("Raised on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    shared = forms.BooleanField(
        label=_("Shared with the customer"),
        required=False,
        initial=True,
        help_text=_("The customer's people see it, its stages and the shared thread."),
    )
    participants = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=NOT_OURS,
        label=_("Working on it, from both sides"),
    )

    def __init__(self, *args, account: Account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = _people_of(account.pk)
        self.fields["participants"].label_from_instance = lambda p: (
            f"{p.name} ({SIDE_WORDS.get(p.side, p.side)})"
        )
        if not self.is_bound:
            self.initial.setdefault("raised_on", timezone.localdate().isoformat())


class CommentForm(TranslatedLabels, forms.Form):
    """A reply on a problem: on the thread both sides read, or an internal note."""

    text = forms.CharField(
        label=_("Reply"),
        max_length=rules.TEXT_LIMITS["text"],
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("Write to the customer's people")}
        ),
    )
    internal = forms.BooleanField(
        label=_("Internal note (the customer never sees it)"), required=False
    )


class UndoStageForm(TranslatedLabels, forms.Form):
    reason = forms.CharField(
        label=_("Why take the last move back?"),
        max_length=rules.TEXT_LIMITS["note"],
        widget=forms.TextInput(attrs={"placeholder": _("e.g. clicked by mistake")}),
    )


class StakeholderForm(VersionedForm):
    """A customer person on the stakeholder map: title, department, who they report to,
    and our judgement of their buying role, attitude and influence (internal)."""

    class Meta:
        model = Person
        fields = ["role", "department", "reports_to", "buying_role", "attitude", "influence"]
        labels = {"role": _("Title or role"), "reports_to": _("Reports to")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        person = self.instance
        self.fields["reports_to"].queryset = (
            Person.objects.alive()
            .filter(account_id=person.account_id, side=person.side)
            .exclude(pk=person.pk)
            .order_by("name")
        )


class ObjectiveForm(VersionedForm):
    """An objective of the account plan."""

    class Meta:
        model = Objective
        fields = [
            "title",
            "measure",
            "start_value",
            "current_value",
            "target_value",
            "due_on",
            "status",
            "owner",
            "review_every_days",
            "shared",
            "initiatives",
            "problems",
        ]
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}),
            "initiatives": forms.CheckboxSelectMultiple,
            "problems": forms.CheckboxSelectMultiple,
        }
        labels = {
            "review_every_days": _("Review every … days"),
            "shared": _("Share with the customer (mutual plan)"),
        }

    def __init__(self, *args, account=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["version"].required = False
        from kamkit.web.users.models import User

        self.fields["owner"].queryset = User.objects.filter(is_active=True).exclude(role="customer")
        self.fields["initiatives"].queryset = JointInitiative.objects.alive().filter(
            account=account
        )
        self.fields["problems"].queryset = Problem.objects.alive().filter(account=account)

    def changes(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name not in ("initiatives", "problems")
        }


class TaskForm(TranslatedLabels, forms.ModelForm):
    """A task on an account: a title, a due day and one owner of either side, maybe
    linked to an objective, a problem or an initiative, or to the lever's next action."""

    class Meta:
        model = Task
        fields = [
            "title",
            "due_on",
            "owner",
            "owner_person",
            "objective",
            "problem",
            "initiative",
            "from_lever",
        ]
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}),
            "from_lever": forms.HiddenInput,
        }
        labels = {
            "owner": _("Owner (our side)"),
            "owner_person": _("…or owner (the customer's side)"),
        }

    def __init__(self, *args, account=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from kamkit.web.users.models import User

        if account is not None and not self.instance.pk:
            self.instance.account = account  # the model's checks compare with it
        self.fields["owner"].queryset = User.objects.filter(is_active=True).exclude(role="customer")
        self.fields["owner_person"].queryset = Person.objects.alive().filter(
            account=account, side="customer"
        )
        self.fields["objective"].queryset = Objective.objects.alive().filter(account=account)
        self.fields["problem"].queryset = Problem.objects.alive().filter(account=account)
        self.fields["initiative"].queryset = JointInitiative.objects.alive().filter(account=account)
