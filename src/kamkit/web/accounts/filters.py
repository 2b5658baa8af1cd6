"""One FilterSet for the portfolio page and the accounts API list."""

from __future__ import annotations

import django_filters
from django.db.models import F, Q

from kamkit.web.users.models import Role, User

from .models import PHASE_CHOICES, Account, KAMUnit


class _Ordering(django_filters.OrderingFilter):
    """Accounts without a score sort last, whichever the direction or database."""

    def get_ordering_value(self, param):
        value = super().get_ordering_value(param)
        name = value.lstrip("-")
        if name not in ("latest_index", "latest_index_by_strength"):
            return value
        if name == "latest_index_by_strength":  # the Index column: strongest first by default
            name = "latest_index"
        return (
            F(name).desc(nulls_last=True) if value.startswith("-") else F(name).asc(nulls_last=True)
        )


class AccountFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    phase = django_filters.ChoiceFilter(choices=PHASE_CHOICES, empty_label="All phases")
    decision = django_filters.ChoiceFilter(
        choices=[
            ("needed", "Decision needed"),
            ("revive", "Revive"),
            ("wind_down", "Wind down"),
        ],
        method="by_decision",
        empty_label="Any decision",
        label="Decline decision",
    )
    ka_manager = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(role=Role.KA_MANAGER),
        empty_label="All managers",
        label="KA manager",
    )
    kam_unit = django_filters.ModelChoiceFilter(
        queryset=KAMUnit.objects.alive().select_related("parent"),
        empty_label="All units",
        label="KAM unit",
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
        ),
        field_labels={"latest_index": "Risk (lowest index first)"},
        label="Sort",
        empty_label="Name (A–Z)",
    )

    class Meta:
        model = Account
        fields = ["q", "phase", "decision", "ka_manager", "kam_unit"]

    def by_decision(self, queryset, name, value):
        """Declining accounts by their decision (SPEC §2.3); ``needed``: none yet."""
        return queryset.filter(phase="decline", decline_decision="" if value == "needed" else value)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(industry__icontains=value) | Q(country__icontains=value)
        )
