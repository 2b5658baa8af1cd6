from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kamkit.core.portfolio import SELECTION_CRITERIA
from kamkit.web.labels import TranslatedLabels
from kamkit.web.users.models import Role, User

from .models import Account, KAMUnit, Person


class VersionedForm(TranslatedLabels, forms.ModelForm):
    """A model form that carries the version the editor loaded."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AccountForm(VersionedForm):
    class Meta:
        model = Account
        fields = [
            "name",
            "industry",
            "country",
            "is_key_account",
            "ka_manager",
            "kam_unit",
            "relationship_start",
            "revenue_share",
            "growth_potential",
            "lead_user",
            "reputation",
            "market_access",
            "internal_notes",
        ]
        widgets = {
            "relationship_start": forms.DateInput(attrs={"type": "date"}),
            "internal_notes": forms.Textarea(attrs={"rows": 3}),
        }

    ASSIGNMENT = ("ka_manager", "kam_unit")

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # only a KAM director (or an administrator) assigns accounts to managers and units
        if user is not None and not user.sees_all_accounts:
            for name in self.ASSIGNMENT:
                self.fields.pop(name)
        for name in SELECTION_CRITERIA:  # the key-account selection scores, 0–5 (SPEC §2.1)
            self.fields[name].widget.attrs.update(min=0, max=5, placeholder="0–5")
        if "kam_unit" in self.fields:  # a unit's label names its parent: one query for all
            field = self.fields["kam_unit"]
            field.queryset = field.queryset.select_related("parent")

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != "version"}


class NewAccountForm(AccountForm):
    """A new account (the "New account" page): the edit form's fields, without the
    version an edit carries. A name that an account has already (letter case and spaces
    aside) is asked about first: "Create it anyway" makes a second one (kamkit
    assumption: two firms may share a name, but most often it is the same customer)."""

    anyway = forms.BooleanField(required=False, label=_("Create it anyway"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("version")
        self.same_name: Account | None = None  # the page offers "Create it anyway" then

    def clean(self) -> dict:
        data = super().clean()
        name = " ".join((data.get("name") or "").split())
        if name and not data.get("anyway"):
            self.same_name = (
                Account.objects.alive().filter(name__iexact=name).order_by("pk").first()
            )
            if self.same_name is not None:
                self.add_error(
                    "name",
                    _("An account of this name exists already: {name}.").format(
                        name=self.same_name.name
                    ),
                )
        return data

    def changes(self) -> dict:
        return {n: v for n, v in super().changes().items() if n != "anyway"}


class ReassignForm(TranslatedLabels, forms.Form):
    """The portfolio's Reassign: every account its filters list (``filters``, the
    portfolio's query; ``expected``, how many it listed) to another KA manager, and to
    another KAM unit if one is chosen."""

    filters = forms.CharField(
        required=False, max_length=2000, widget=forms.HiddenInput, label=_("Filters")
    )
    expected = forms.IntegerField(
        min_value=1, widget=forms.HiddenInput, label=_("Number of accounts listed")
    )
    ka_manager = forms.ModelChoiceField(
        queryset=User.objects.filter(role=Role.KA_MANAGER, is_active=True).order_by(
            "first_name", "last_name", "username"
        ),
        empty_label=_("Choose…"),  # no default: a stray click reassigns nothing
        label=_("KA manager"),
    )
    kam_unit = forms.ModelChoiceField(
        queryset=KAMUnit.objects.alive().select_related("parent"),
        required=False,
        empty_label=_("Unchanged"),
        label=_("KAM unit"),
    )


class PersonForm(VersionedForm):
    class Meta:
        model = Person
        fields = ["side", "name", "role", "email", "phone"]
