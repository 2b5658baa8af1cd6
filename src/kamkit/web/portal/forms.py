from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kamkit.web.labels import TranslatedLabels
from kamkit.web.users.models import User


class ChoosePasswordForm(TranslatedLabels, forms.Form):
    password1 = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
    )
    password2 = forms.CharField(
        label=_("The same again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, name: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.probe = User(username=email, email=email, first_name=name)

    def clean(self):
        data = super().clean()
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            raise ValidationError({"password2": _("The two passwords differ.")})
        if one:
            try:
                validate_password(one, self.probe)
            except ValidationError as exc:
                raise ValidationError({"password1": exc.messages}) from None
        return data


class RaiseProblemForm(TranslatedLabels, forms.Form):
    title = forms.CharField(max_length=200, label=_("In a few words"))
    framing = forms.CharField(
        label=_("The problem as you see it"),
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": _("What happens, since when, what it costs you")}
        ),
        max_length=5000,
    )


class FramingForm(TranslatedLabels, forms.Form):
    framing = forms.CharField(
        label=_("Your framing"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class CommentForm(TranslatedLabels, forms.Form):
    text = forms.CharField(
        label=_("Add a comment"),
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("Facts, questions, what you tried")}
        ),
        max_length=5000,
    )


def _money(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=0, max_digits=14, decimal_places=2
    )


class ContributionForm(TranslatedLabels, forms.Form):
    """What the customer's side puts into an initiative and expects from it."""

    customer_effort_days = forms.DecimalField(
        label=_("Your effort (person-days)"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=1,
    )
    customer_money = _money(_("Your money"))
    customer_know_how = forms.CharField(
        label=_("Your know-how"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("Data, expertise, access")}),
    )
    expected_value_customer = _money(_("Value you expect"))


class ProposeInitiativeForm(ContributionForm):
    title = forms.CharField(max_length=200, label=_("The initiative in a few words"))
    goal = forms.CharField(
        label=_("What it should achieve"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due_date = forms.DateField(
        label=_("Wanted by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    field_order = ["title", "goal", "due_date"]


class ConfirmValueForm(TranslatedLabels, forms.Form):
    realized_value_customer = forms.DecimalField(
        label=_("Value your side realized"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        error_messages={"required": _("Say what value your side realized (0 if none).")},
    )


class EditContributionForm(ContributionForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
