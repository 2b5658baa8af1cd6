"""One FilterSet for the portfolio page and the accounts API list."""

from __future__ import annotations

import django_filters
from django.db.models import F, Q
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from kamkit.web.base import holds
from kamkit.web.users.models import Role, User

from .models import PHASE_CHOICES, Account, KAMUnit


def _descending_text(fmt, label) -> str:
    return fmt % label


_descending = lazy(_descending_text, str)


class _Ordering(django_filters.OrderingFilter):
    """Accounts without a score sort last, whichever the direction or database. Its
    choices are said in the reader's language when shown (django-filter words them once,
    when the class is made, in whatever language is active then)."""

    def build_choices(self, fields, labels):
        ascending = [(param, labels.get(field, param)) for field, param in fields.items()]
        descending = [
            (f"-{param}", _descending(self.descending_fmt, label)) for param, label in ascending
        ]
        return [choice for pair in zip(ascending, descending, strict=True) for choice in pair]

    def get_ordering_value(self, param):
        value = super().get_ordering_value(param)
        name = value.lstrip("-")
        if name == "last_contact":  # ascending: the longest silence first, never at the top
            field = F(name)
            return (
                field.desc(nulls_last=True)
                if value.startswith("-")
                else field.asc(nulls_first=True)
            )
        if name not in ("latest_index", "latest_index_by_strength"):
            return value
        if name == "latest_index_by_strength":  # the Index column: strongest first by default
            name = "latest_index"
        return (
            F(name).desc(nulls_last=True) if value.startswith("-") else F(name).asc(nulls_last=True)
        )


class AccountFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    phase = django_filters.ChoiceFilter(choices=PHASE_CHOICES, empty_label=_("All phases"))
    decision = django_filters.ChoiceFilter(
        choices=[
            ("needed", _("Decision needed")),
            ("revive", _("Revive")),
            ("wind_down", _("Wind down")),
        ],
        method="by_decision",
        empty_label=_("Any decision"),
        label=_("Decline decision"),
    )
    ka_manager = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(role=Role.KA_MANAGER),
        empty_label=_("All managers"),
        null_label=_("No KA manager"),  # ?ka_manager=null: the accounts nobody manages
        label=_("KA manager"),
    )
    fell = django_filters.ChoiceFilter(
        choices=[("month", _("Index fell this month"))],
        method="by_fall",
        empty_label=_("Any index"),
        label=_("Index"),
    )
    contact = django_filters.ChoiceFilter(
        choices=[("none", _("No contact for 30 days or more"))],
        method="by_contact",
        empty_label=_("Any contact"),
        label=_("Last contact"),
    )
    kam_unit = django_filters.ModelChoiceFilter(
        queryset=KAMUnit.objects.alive().select_related("parent"),
        empty_label=_("All units"),
        label=_("KAM unit"),
    )
    ordering = _Ordering(
        fields=(
            ("latest_index", "risk"),
            ("name", "name"),
            ("phase", "phase"),
            ("industry", "industry"),
            ("country", "country"),
            ("updated_at", "updated"),
            ("ka_manager__username", "manager"),
            ("kam_unit__name", "unit"),
            ("latest_index_by_strength", "index"),
            ("last_contact", "contact"),
        ),
        field_labels={
            "latest_index": _("Risk (lowest index first)"),
            "name": _("Name"),
            "phase": _("Phase"),
            "industry": _("Industry"),
            "country": _("Country"),
            "updated_at": _("Updated"),
            "ka_manager__username": _("KA manager"),
            "kam_unit__name": _("KAM unit"),
            "latest_index_by_strength": _("Index"),
            "last_contact": _("Last contact"),
        },
        label=_("Sort"),
        empty_label=_("Name (A–Z)"),
    )

    class Meta:
        model = Account
        fields = ["q", "phase", "decision", "ka_manager", "kam_unit", "fell", "contact"]

    def by_decision(self, queryset, name, value):
        """Declining accounts by their decision (SPEC §2.3); ``needed``: none yet."""
        if value == "needed":
            return queryset.decision_needed()
        return queryset.filter(phase="decline", decline_decision=value)

    def by_contact(self, queryset, name, value):
        """No interaction for a month or more, or none at all."""
        return queryset.no_contact()

    def by_fall(self, queryset, name, value):
        """Accounts alerted for a fall of their index this month."""
        return queryset.index_fell()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(account_matches(value))


def account_matches(phrase: str) -> Q:
    """Accounts whose name, industry or country holds ``phrase`` (any letter case): the
    portfolio's search box and the accounts of the search in the top bar."""
    return holds("name", phrase) | holds("industry", phrase) | holds("country", phrase)
