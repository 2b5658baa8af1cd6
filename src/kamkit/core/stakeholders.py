"""The stakeholder map of a key account (issue 20): the customer's people as an org chart
(reports-to), each with a buying role, an attitude towards us and an influence, and who
on our side knows whom, computed from the logged interactions.

Buying roles follow the buying-centre roles of the B2B literature (Webster & Wind 1972:
users, influencers, buyers, deciders, gatekeepers), extended by the champion and the
blocker that account-planning tools (Salesforce's relationship maps, Miller Heiman's
coach) add; the set is kamkit's choice. Every threshold below is a kamkit assumption and
says so.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from kamkit.core.i18n import gettext_noop

BUYING_ROLES: dict[str, str] = {
    "decision_maker": gettext_noop("Decision maker"),
    "influencer": gettext_noop("Influencer"),
    "champion": gettext_noop("Champion"),
    "user": gettext_noop("User"),
    "gatekeeper": gettext_noop("Gatekeeper"),
    "blocker": gettext_noop("Blocker"),
}
ATTITUDES: dict[str, str] = {
    "supporter": gettext_noop("Supporter"),
    "neutral": gettext_noop("Neutral"),
    "critic": gettext_noop("Critic"),
}
INFLUENCE: dict[str, str] = {
    "high": gettext_noop("High"),
    "medium": gettext_noop("Medium"),
    "low": gettext_noop("Low"),
}

FRESH_DAYS = 30
"""A tie whose last contact is at most this old is fresh (kamkit assumption: a month)."""
STALE_DAYS = 90
"""…older than this, stale; between the two, fading (kamkit assumption: a quarter, the
assessment's window)."""
WINDOW_DAYS = 90
"""Contacts are counted over this window, like the process scores (SPEC §2.4)."""
SINGLE_THREAD_SHARE = 0.6
"""A relationship is single-threaded when one pair of people carries more than this
share of the window's contacts (kamkit assumption)."""
SINGLE_THREAD_MIN_CONTACTS = 5
"""…counted only with at least this many contacts in the window (too few say nothing)."""
DECISION_MAKER_DAYS = 90
"""A decision maker nobody of ours met for this long is flagged (issue 20)."""


@dataclass(frozen=True)
class Stakeholder:
    id: int
    name: str
    side: str
    title: str = ""
    department: str = ""
    reports_to: int | None = None
    buying_role: str = ""
    attitude: str = ""
    influence: str = ""
    band: tuple[float, float] | None = None
    """The person's preferred contacts per month (communication preferences), if known."""

    @property
    def buying_role_label(self) -> str:
        return BUYING_ROLES.get(self.buying_role, self.buying_role)

    @property
    def attitude_label(self) -> str:
        return ATTITUDES.get(self.attitude, self.attitude)

    @property
    def influence_label(self) -> str:
        return INFLUENCE.get(self.influence, self.influence)


@dataclass(frozen=True)
class Contact:
    """One interaction between people of both sides: who took part and when."""

    at: dt.datetime
    supplier: tuple[int, ...]
    customer: tuple[int, ...]


@dataclass
class Tie:
    """Who of ours knows a customer person: their contacts, the last one, freshness."""

    supplier: int
    customer: int
    last_at: dt.datetime
    contacts: int
    """In the window."""
    freshness: str
    """``fresh``, ``fading`` or ``stale``."""
    supplier_name: str = ""


@dataclass
class PersonView:
    person: Stakeholder
    ties: list[Tie] = field(default_factory=list)
    reports: list[PersonView] = field(default_factory=list)
    contacts_per_month: float = 0.0
    band_status: str = ""
    """``below``, ``within``, ``above`` the person's preferred band, or "" without one."""
    last_at: dt.datetime | None = None


@dataclass
class StakeholderMap:
    roots: list[PersonView]
    """The customer's org chart: people who report to nobody of the account, with their
    reports below them."""
    people: dict[int, PersonView]
    ours: dict[int, Stakeholder]
    warnings: list[str]
    window_days: int = WINDOW_DAYS


def freshness(last_at: dt.datetime, now: dt.datetime) -> str:
    age = (now - last_at).days
    if age <= FRESH_DAYS:
        return "fresh"
    if age <= STALE_DAYS:
        return "fading"
    return "stale"


def stakeholder_map(
    people: Sequence[Stakeholder],
    contacts: Iterable[Contact],
    last_met: Mapping[tuple[int, int], dt.datetime],
    now: dt.datetime,
) -> StakeholderMap:
    """The map from the account's people, the window's interactions (``contacts``,
    those since ``now − WINDOW_DAYS``) and the last time each pair of people met
    (``last_met``: (supplier, customer) → time, over the whole history)."""
    customers = {p.id: p for p in people if p.side == "customer"}
    ours = {p.id: p for p in people if p.side == "supplier"}
    views = {pid: PersonView(p) for pid, p in customers.items()}
    pair_counts: dict[tuple[int, int], int] = defaultdict(int)
    person_counts: dict[int, int] = defaultdict(int)
    total = 0
    for c in contacts:
        if not c.customer:
            continue
        total += 1
        for cid in set(c.customer):
            person_counts[cid] += 1
            for sid in set(c.supplier):
                pair_counts[(sid, cid)] += 1
    for (sid, cid), last in last_met.items():
        if cid in views and sid in ours:
            views[cid].ties.append(
                Tie(
                    sid,
                    cid,
                    last,
                    pair_counts.get((sid, cid), 0),
                    freshness(last, now),
                    ours[sid].name,
                )
            )
    months = WINDOW_DAYS / 30
    for cid, view in views.items():
        view.ties.sort(key=lambda t: t.last_at, reverse=True)
        view.last_at = view.ties[0].last_at if view.ties else None
        view.contacts_per_month = person_counts.get(cid, 0) / months
        band = view.person.band
        if band:
            low, high = band
            rate = view.contacts_per_month
            view.band_status = "below" if rate < low else "above" if rate > high else "within"
    roots = []
    for cid, view in views.items():
        boss = view.person.reports_to
        if boss in views and not _cycle(cid, customers):
            views[boss].reports.append(view)
        else:
            roots.append(view)
    order = lambda v: (v.person.name.lower(), v.person.id)  # noqa: E731
    roots.sort(key=order)
    for view in views.values():
        view.reports.sort(key=order)
    warnings = []
    if total >= SINGLE_THREAD_MIN_CONTACTS and pair_counts:
        (sid, cid), top = max(pair_counts.items(), key=lambda kv: kv[1])
        if top / total > SINGLE_THREAD_SHARE:
            warnings.append(
                gettext_noop(
                    "Single-threaded: {ours} and {theirs} carry {percent} % of the last "
                    "{days} days' contacts"
                ).format(
                    ours=ours[sid].name if sid in ours else gettext_noop("one of ours"),
                    theirs=customers[cid].name if cid in customers else gettext_noop("one contact"),
                    percent=round(100 * top / total),
                    days=WINDOW_DAYS,
                )
            )
    for view in sorted(views.values(), key=order):
        if view.person.buying_role != "decision_maker":
            continue
        if view.last_at is None:
            warnings.append(
                gettext_noop("Decision maker {name}: nobody of ours has met them").format(
                    name=view.person.name
                )
            )
        elif (now - view.last_at).days > DECISION_MAKER_DAYS:
            warnings.append(
                gettext_noop("Decision maker {name}: not met for {days} days").format(
                    name=view.person.name, days=(now - view.last_at).days
                )
            )
    return StakeholderMap(roots, views, ours, warnings)


def _cycle(start: int, people: Mapping[int, Stakeholder]) -> bool:
    """True when following reports-to from ``start`` comes back to it (a loop the data
    should not have: such a person is shown at the top)."""
    seen = {start}
    cur = people[start].reports_to
    while cur is not None and cur in people:
        if cur in seen:
            return True
        seen.add(cur)
        cur = people[cur].reports_to
    return False
