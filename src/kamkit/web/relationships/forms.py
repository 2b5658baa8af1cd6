from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from kamkit.core import relationships as rules
from kamkit.web.accounts.models import Account, Person

from .models import Interaction, JointInitiative


class InteractionForm(forms.ModelForm):
    """Log a contact in seconds: sensible defaults, people picked from both sides."""

    participants = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
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

    def __init__(self, *args, account: Account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = Person.objects.alive().filter(account=account)
        self.fields["participants"].label_from_instance = lambda p: f"{p.name} ({p.side})"
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
