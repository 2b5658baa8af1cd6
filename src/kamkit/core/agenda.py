"""Today: what needs the KA manager's action on their accounts, the most pressing first.

The portfolio answers "how are my accounts doing"; this answers "what do I do next". Each
item comes from a rule kamkit already applies elsewhere, so the page and the portfolio's
chips never disagree:

- ``task_overdue``: an open task of our side due before today (issue 20's reminders).
- ``problem_waiting``: the customer spoke last on an open problem they share with us, or
  raised it and we have not framed it yet (``waiting_since``): they wait for our answer.
- ``initiative_proposed``: the customer proposed a shared initiative and it is still
  proposed: our side has neither agreed to it nor dropped it.
- ``index_fell``: the account's index fell ``ALERT_DROP_POINTS`` or more within
  ``ALERT_WINDOW_DAYS`` (``kamkit.core.portfolio``), with its principal lever.
- ``decision_needed``: a declining account without a decision, revive or wind down
  (SPEC §2.3).
- ``no_contact``: no interaction for ``NO_CONTACT_DAYS`` days or more, or ever
  (``kamkit.core.portfolio.no_contact``).
- ``task_due``: an open task of our side due today.

The order is a kamkit assumption: what is late on a promise comes before what is at risk,
and a customer waiting for us before our own signals (``URGENCY``); within a kind, the
oldest first. The core imports no Django: the web layer gathers the facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from kamkit.core.i18n import gettext_noop

KINDS: tuple[str, ...] = (
    "task_overdue",
    "problem_waiting",
    "initiative_proposed",
    "index_fell",
    "decision_needed",
    "no_contact",
    "task_due",
)
"""The kinds of item, in the order of their urgency (``URGENCY``)."""

URGENCY: dict[str, int] = {kind: rank for rank, kind in enumerate(KINDS)}
"""A promise already late (an overdue task), then the customer waiting for our answer
(to its problem, then to its proposal), then the signals of risk (a falling index, an
open decision, silence), then what is due today (kamkit assumption)."""

KIND_LABELS: dict[str, str] = {
    "task_overdue": gettext_noop("Overdue task"),
    "problem_waiting": gettext_noop("Customer waiting"),
    "initiative_proposed": gettext_noop("Customer's proposal"),
    "index_fell": gettext_noop("Index fell"),
    "decision_needed": gettext_noop("Decision needed"),
    "no_contact": gettext_noop("No contact"),
    "task_due": gettext_noop("Due today"),
}

RULE_SOURCES: dict[str, str] = {
    "task_overdue": gettext_noop("an open task due before today (kamkit)"),
    "problem_waiting": gettext_noop(
        "the customer raised a shared problem or wrote on it last, and it is not solved (kamkit)"
    ),
    "initiative_proposed": gettext_noop(
        "the customer proposed a shared initiative that is still proposed (kamkit)"
    ),
    "index_fell": gettext_noop(
        "the index fell 10 points or more within 30 days (kamkit assumption, kamkit.core.portfolio)"
    ),
    "decision_needed": gettext_noop(
        "declining without a decision to revive or wind down (SPEC §2.3)"
    ),
    "no_contact": gettext_noop(
        "no interaction for 30 days or more: below every phase's ideal band (SPEC §2.4)"
    ),
    "task_due": gettext_noop("an open task due today (kamkit)"),
}
"""Where each kind's rule comes from, as the page's footnote says it."""


@dataclass(frozen=True, slots=True)
class Item:
    """One thing to act on. ``since`` is the day it began to need action (a task's due
    day, the customer's last word, the alert, the last contact); ``ref`` the task's or
    problem's id; ``facts`` what the sentence says (days, points, the lever)."""

    kind: str
    account_id: int
    since: dt.date | None
    ref: int | None = None
    title: str = ""
    facts: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in URGENCY:
            raise ValueError(f"kind: expected one of {', '.join(KINDS)}, got {self.kind!r}")


def waiting_since(
    *,
    raised_by: str,
    raised_on: dt.date,
    stage: str,
    open_stages: Collection[str],
    last_shared_side: str | None,
    last_shared_on: dt.date | None,
    supplier_framed: bool = False,
) -> dt.date | None:
    """Since when the customer has waited for our answer on a shared problem, or None.

    The customer spoke last when the latest message of the shared thread is theirs, or,
    with no message yet, when they raised it and our side has neither framed it (our
    framing is our first answer in the joint definition, SPEC §2.1) nor moved it on from
    ``reported``. A solved problem (a stage outside ``open_stages``) waits for nobody.
    """
    if stage not in open_stages:
        return None
    if last_shared_side is not None:
        return last_shared_on if last_shared_side == "customer" else None
    if raised_by == "customer" and stage == "reported" and not supplier_framed:
        return raised_on
    return None


def task_kind(due_on: dt.date, today: dt.date) -> str | None:
    """``task_overdue`` before today, ``task_due`` today, None later."""
    if due_on < today:
        return "task_overdue"
    return "task_due" if due_on == today else None


def ordered(items: Iterable[Item]) -> list[Item]:
    """The most pressing first: by ``URGENCY``, then the oldest, then by account."""
    return sorted(
        items, key=lambda i: (URGENCY[i.kind], i.since or dt.date.min, i.account_id, i.ref or 0)
    )


def days_between(since: dt.date | None, today: dt.date) -> int | None:
    """Whole days from ``since`` to ``today`` (0: today), None when unknown."""
    return None if since is None else max(0, (today - since).days)


def sentence(item: Item, today: dt.date) -> tuple[str, dict]:
    """What the item says, as a template to translate and its values. ``{days}`` is a
    whole number of days, which the web layer writes as "1 day" or "5 days" in the
    reader's language before filling the template; ``{title}`` is the task's or the
    problem's title."""
    days = days_between(item.since, today)
    f = item.facts
    if item.kind == "task_overdue":
        return gettext_noop("Overdue by {days}: {title}"), {"days": days, "title": item.title}
    if item.kind == "task_due":
        return gettext_noop("Due today: {title}"), {"title": item.title}
    if item.kind == "problem_waiting":
        if days == 0:
            return (
                gettext_noop("The customer is waiting for our answer on: {title}"),
                {"title": item.title},
            )
        return (
            gettext_noop("The customer has waited {days} for our answer on: {title}"),
            {"days": days, "title": item.title},
        )
    if item.kind == "initiative_proposed":
        if days == 0:
            return gettext_noop("The customer proposed today: {title}"), {"title": item.title}
        return (
            gettext_noop("The customer proposed {days} ago: {title}"),
            {"days": days, "title": item.title},
        )
    if item.kind == "index_fell":
        return (
            gettext_noop("The index fell {points} points in a month ({earlier} → {now})"),
            {"points": f["points"], "earlier": f["earlier"], "now": f["now"]},
        )
    if item.kind == "decision_needed":
        return gettext_noop("Declining: decide to revive or to wind down"), {}
    if days is None:
        return gettext_noop("Never contacted"), {}
    return gettext_noop("No contact for {days}"), {"days": days}


# The customer's side: what the supplier waits for from the customer (the mirror of
# Today, shown to the customer's people on their account's page). Each is a step the
# portal offers them (SPEC §2.7).
CUSTOMER_KINDS: tuple[str, ...] = ("task", "reply", "agree", "confirm", "value")
"""In this order: a task of the customer's side that is due (a promise, as on Today),
the supplier asked something, then the steps that move a problem or an initiative on
(kamkit assumption: a question waits on a person, a step on a decision)."""

CUSTOMER_SENTENCES: dict[str, str] = {
    "task": gettext_noop("Your task, due {due}: {title}"),
    "reply": gettext_noop("Your supplier wrote on: {title}"),
    "agree": gettext_noop("Agree on what the problem is: {title}"),
    "confirm": gettext_noop("Confirm that the solution works: {title}"),
    "value": gettext_noop("Say what value your side realized: {title}"),
}


def customer_turn(
    *,
    stage: str,
    confirm_stages: Collection[str],
    open_stages: Collection[str],
    both_framed: bool,
    customer_agreed: bool,
    last_shared_side: str | None,
) -> str | None:
    """The customer's turn on a shared problem, or None: confirm a deployed solution;
    agree on a reported problem both sides have framed; answer our side's latest
    message on an open one."""
    if stage in confirm_stages:
        return "confirm"
    if stage == "reported" and both_framed and not customer_agreed:
        return "agree"
    if stage in open_stages and last_shared_side == "supplier":
        return "reply"
    return None


def value_awaited(status: str, realized_value_customer: object) -> bool:
    """A realized initiative whose value for the customer the customer has not said."""
    return status == "realized" and realized_value_customer is None
