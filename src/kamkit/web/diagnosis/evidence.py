"""The key accounts' evidence on a KAM unit–partner pair (issue 18, item 4): the problems
of the unit's accounts that involved the partner's internal unit, against the others,
and the customers' problem-solving ratings (core: ``kamkit.core.diagnosis.spillover``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Min, Q
from django.utils.translation import gettext_noop

from kamkit.core.diagnosis.scales import category_key
from kamkit.core.diagnosis.spillover import SpillOver, spill_over
from kamkit.core.relationships import SOLVED_STAGES
from kamkit.web.accounts.models import Account, InternalUnit, KAMUnit
from kamkit.web.relationships.models import Problem, Pulse
from kamkit.web.users.models import User

from .models import DiagnosisProject

WINDOW = dt.timedelta(days=365)
"""The problems raised and the ratings given in the year before the wave's date (kamkit
assumption: the period a wave's interviews look back on)."""


MAX_LISTED = 20


def internal_unit_for(partner_name: str, partner_id: str) -> InternalUnit | None:
    """kamkit's internal unit for a case's partner: the one of the same name or id (case,
    spaces, ``_`` and ``-`` aside)."""
    wanted = {category_key(partner_name), category_key(partner_id)}
    for unit in InternalUnit.objects.all():
        if category_key(unit.name) in wanted:
            return unit
    return None


@dataclass(frozen=True)
class Evidence:
    unit: InternalUnit
    kam_unit: KAMUnit
    since: dt.date
    until: dt.date
    accounts: int
    result: SpillOver
    listed: list[Problem]
    """The involved problems this user may open (none for an analyst)."""


def evidence(
    project: DiagnosisProject, partner_name: str, partner_id: str, on: dt.date | None, user: User
) -> Evidence | str:
    """The evidence, or why there is none (a sentence)."""
    if project.kam_unit_id is None:
        return gettext_noop("the project is not linked to one of kamkit's KAM units")
    mapped = project.partner_units.filter(partner=partner_id).select_related("internal_unit")
    unit = mapped[0].internal_unit if mapped else internal_unit_for(partner_name, partner_id)
    if unit is None:
        return gettext_noop(
            "kamkit has no internal unit named “{name}”: choose the one it is below, or an "
            "administrator adds it (problems and initiatives then name the internal units "
            "involved)"
        ).format(name=partner_name)
    until = on or dt.date.today()
    since = until - WINDOW
    units = KAMUnit.objects.filter(Q(pk=project.kam_unit_id) | Q(parent_id=project.kam_unit_id))
    accounts = Account.objects.alive().filter(kam_unit__in=units)
    problems = (
        Problem.objects.alive()
        .filter(account__in=accounts, raised_on__gte=since, raised_on__lte=until)
        .annotate(
            solved_on=Min(
                "stage_changes__changed_on",
                filter=Q(stage_changes__stage__in=SOLVED_STAGES),
            )
        )
    )
    involved_ids = set(problems.filter(internal_units=unit).values_list("pk", flat=True))
    facts = []
    touched: set[int] = set()
    for pk, account_id, raised, solved in problems.values_list(
        "pk", "account_id", "raised_on", "solved_on"
    ):
        hit = pk in involved_ids
        if hit:
            touched.add(account_id)
        facts.append((hit, (solved - raised).days if solved else None))
    ratings = [
        (account_id in touched, float(value))
        for account_id, value in Pulse.objects.alive()
        .filter(
            account__in=accounts,
            rated_on__gte=since,
            rated_on__lte=until,
            problem_solving__isnull=False,
        )
        .values_list("account_id", "problem_solving")
    ]
    listed = list(
        Problem.objects.visible_to(user)
        .filter(pk__in=involved_ids)
        .select_related("account")
        .order_by("-raised_on")[:MAX_LISTED]
    )
    return Evidence(
        unit,
        project.kam_unit,
        since,
        until,
        accounts.count(),
        spill_over(facts, ratings),
        listed,
    )
