"""The stakeholder map of an account from kamkit's records (issue 20): the core's map
(:mod:`kamkit.core.stakeholders`) fed with the account's people, their preferred contact
bands, the window's interactions and the kept person pairs. Supplier side only."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kamkit.core.stakeholders import (
    WINDOW_DAYS,
    Contact,
    Stakeholder,
    StakeholderMap,
    stakeholder_map,
)
from kamkit.web.accounts.models import Account, Person

from .models import CommunicationPreference, Interaction, PersonPair


def account_map(account: Account, now: dt.datetime | None = None) -> StakeholderMap:
    """The account's stakeholder map, with a fixed number of queries."""
    now = now or timezone.now()
    bands: dict[int | None, tuple[float, float]] = {}
    for pref in CommunicationPreference.objects.alive().filter(account=account).order_by("pk"):
        bands[pref.person_id] = (pref.ideal_min, pref.ideal_max)  # the newest wins
    people = [
        Stakeholder(
            id=p.pk,
            name=p.name,
            side=p.side,
            title=p.role,
            department=p.department,
            reports_to=p.reports_to_id,
            buying_role=p.buying_role,
            attitude=p.attitude,
            influence=p.influence,
            band=bands.get(p.pk),
        )
        for p in Person.objects.alive().filter(account=account)
    ]
    sides = {p.id: p.side for p in people}
    start = now - dt.timedelta(days=WINDOW_DAYS)
    links = Interaction.participants.through.objects.filter(
        interaction__account=account,
        interaction__deleted_at=None,
        interaction__occurred_at__gte=start,
        interaction__occurred_at__lte=now,
    ).values_list("interaction_id", "interaction__occurred_at", "person_id")
    by_interaction: dict[int, tuple[dt.datetime, list[int], list[int]]] = {}
    for iid, at, pid in links:
        entry = by_interaction.setdefault(iid, (at, [], []))
        if sides.get(pid) == "supplier":
            entry[1].append(pid)
        elif sides.get(pid) == "customer":
            entry[2].append(pid)
    contacts = [Contact(at, tuple(s), tuple(c)) for at, s, c in by_interaction.values()]
    last_met = {
        (s, c): last
        for s, c, last in PersonPair.objects.filter(account=account).values_list(
            "supplier_id", "customer_id", "last_at"
        )
    }
    return stakeholder_map(people, contacts, last_met, now)
