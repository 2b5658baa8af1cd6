from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from kamkit.core import relationships as rules
from kamkit.web.accounts.models import Account, Person

from .models import Interaction


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
