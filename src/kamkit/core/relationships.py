"""The relational records of a key account (SPEC §2.1): vocabularies and the rules a
record must satisfy, as plain functions returning ``{field: message}`` (empty when valid).
The web layer calls these from its models' ``clean()``; a notebook can call them too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from kamkit.core.i18n import gettext_noop

CHANNELS: tuple[str, ...] = (
    "in_person",
    "video",
    "phone",
    "email",
    "messaging",
    "social",
    "letter",
    "event",
)
SIDES: tuple[str, ...] = ("supplier", "customer")
FORMALITY: tuple[str, ...] = ("formal", "informal")
CONTENT: tuple[str, ...] = ("strategic", "operational", "social")
INITIATIVE_STATUSES: tuple[str, ...] = ("proposed", "agreed", "in_delivery", "realized", "dropped")
PROBLEM_STAGES: tuple[str, ...] = (
    "reported",
    "jointly_defined",
    "solution_designed",
    "deployed",
    "supported",
    "closed",
)
SOLVED_STAGES: tuple[str, ...] = ("deployed", "supported", "closed")
"""A problem counts as solved from its move to deployed: the speed signal's reading
(SPEC §2.4), used by the scores, the diagnosis's evidence and the review pack."""
OPEN_STAGES: tuple[str, ...] = tuple(s for s in PROBLEM_STAGES if s not in SOLVED_STAGES)
PULSE_ITEMS: tuple[str, ...] = (
    "communication",
    "co_creation",
    "problem_solving",
    "satisfaction",
    "trust",
)
RATING_MIN, RATING_MAX = 1, 7

EARLIEST_DAY = dt.date(1900, 1, 1)
"""No relationship record is dated before this (kamkit default: catches mistyped years)."""
FUTURE_GRACE_DAYS = 1
"""What happened (an interaction, a pulse, a phase statement, a problem raised) is dated
at most this many days ahead of the server's today: a day covers the time zones
(kamkit default)."""

TEXT_LIMITS: dict[str, int] = {
    # short notes: what fits a paragraph
    "summary": 2000,
    "comment": 2000,
    "note": 2000,
    "value_note": 2000,
    "supplier_know_how": 2000,
    "customer_know_how": 2000,
    "text": 4000,
    # longer descriptions
    "goal": 10000,
    "supplier_framing": 10000,
    "customer_framing": 10000,
    "outcome": 10000,
    "lessons": 10000,
    "internal_notes": 10000,
}
"""The longest text each field takes, in characters (kamkit defaults: a summary is a
paragraph, a framing or lessons a page; a 100,000-character summary is a paste error)."""


def check_day(
    name: str, day: dt.date | None, today: dt.date, *, not_before: dt.date | None = None
) -> dict[str, str]:
    """A day something happened: not before 1900 (or ``not_before``, e.g. the day a
    problem was raised) and not more than a day ahead of ``today``."""
    if day is None:
        return {}
    latest = today + dt.timedelta(days=FUTURE_GRACE_DAYS)
    if day > latest:
        return {
            name: gettext_noop("{day} is in the future; the latest is {latest}").format(
                day=day.isoformat(), latest=latest.isoformat()
            )
        }
    earliest = max(EARLIEST_DAY, not_before or EARLIEST_DAY)
    if day < earliest:
        template = (
            gettext_noop("{day} is too early; the earliest is {earliest}")
            if earliest == EARLIEST_DAY
            else gettext_noop(
                "{day} is too early; the earliest is {earliest} (the day the problem was raised)"
            )
        )
        return {name: template.format(day=day.isoformat(), earliest=earliest)}
    return {}


DUE_YEARS_AHEAD = 20  # kamkit default: a joint initiative is planned for years, not centuries


def check_due_day(name: str, day: dt.date | None, today: dt.date) -> dict[str, str]:
    """A day something is due: not before 1900 and at most ``DUE_YEARS_AHEAD`` years
    ahead of ``today`` (a due date may lie ahead, but 9999-12-31 is a typing error)."""
    if day is None:
        return {}
    try:
        latest = today.replace(year=today.year + DUE_YEARS_AHEAD)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + DUE_YEARS_AHEAD, day=28)
    if day > latest:
        return {
            name: gettext_noop("{day} is too far ahead; the latest is {latest}").format(
                day=day.isoformat(), latest=latest.isoformat()
            )
        }
    if day < EARLIEST_DAY:
        return {
            name: gettext_noop("{day} is too early; the earliest is {earliest}").format(
                day=day.isoformat(), earliest=EARLIEST_DAY
            )
        }
    return {}


def check_texts(values: Mapping[str, str | None]) -> dict[str, str]:
    """Each text within its field's limit (``TEXT_LIMITS``); the message names the limit."""
    errors = {}
    for name, value in values.items():
        limit = TEXT_LIMITS.get(name)
        if limit is not None and value and len(value) > limit:
            errors[name] = gettext_noop(
                "at most {limit} characters (this one has {length})"
            ).format(limit=f"{limit:,}", length=f"{len(value):,}")
    return errors


def check_interaction(*, two_way: bool, participant_sides: Iterable[str]) -> dict[str, str]:
    """A two-way interaction is a dialogue: it needs someone from the customer's side."""
    sides = set(participant_sides)
    errors = {}
    if two_way and "customer" not in sides:
        errors["two_way"] = gettext_noop(
            "a two-way interaction needs at least one participant from the customer's side; "
            "add one, or untick two-way if it was a one-way message"
        )
    return errors


def check_initiative(
    *,
    status: str,
    realized_value_customer: float | None,
    realized_value_supplier: float | None,
    expected_value_customer: float | None = None,
    expected_value_supplier: float | None = None,
) -> dict[str, str]:
    """Realized value belongs to a realized initiative; values are never negative."""
    errors = {}
    realized = [v for v in (realized_value_customer, realized_value_supplier) if v is not None]
    if realized and status != "realized":
        errors["status"] = gettext_noop(
            "realized value is recorded but the status is '{status}'; set the status to "
            "'realized', or clear the realized value"
        ).format(status=status)
    for name, value in (
        ("expected_value_customer", expected_value_customer),
        ("expected_value_supplier", expected_value_supplier),
        ("realized_value_customer", realized_value_customer),
        ("realized_value_supplier", realized_value_supplier),
    ):
        if value is not None and value < 0:
            errors[name] = gettext_noop("a value cannot be negative")
    return errors


def check_stage_move(current: str, new: str) -> str | None:
    """A problem moves forward through its stages (any number at once), never back; a
    closed problem stays closed. Returns the problem in words, or None when allowed."""
    if new not in PROBLEM_STAGES:
        return gettext_noop("'{new}' is not a stage; expected one of: {stages}").format(
            new=new, stages=", ".join(PROBLEM_STAGES)
        )
    if current == "closed":
        return gettext_noop("the problem is closed; raise a new problem instead")
    if PROBLEM_STAGES.index(new) <= PROBLEM_STAGES.index(current):
        return gettext_noop(
            "a problem moves forward: it is '{current}', so '{new}' is not a next stage"
        ).format(current=current, new=new)
    return None


def check_joint_definition(
    *, supplier_framing: str, customer_framing: str, supplier_agreed: bool, customer_agreed: bool
) -> str | None:
    """A problem is jointly defined when both sides have framed it and both have agreed on
    the definition (issue 15; the paper's joint problem solving starts from a problem both
    sides define). Returns what is missing in words, or None when it is complete."""
    missing = []
    if not (supplier_framing or "").strip():
        missing.append(gettext_noop("the supplier's framing"))
    if not (customer_framing or "").strip():
        missing.append(gettext_noop("the customer's framing"))
    if not supplier_agreed:
        missing.append(gettext_noop("the supplier's agreement"))
    if not customer_agreed:
        missing.append(gettext_noop("the customer's agreement"))
    if not missing:
        return None
    if len(missing) == 1:
        return gettext_noop("jointly defined needs {missing}").format(missing=missing[0])
    return gettext_noop("jointly defined needs {missing} and {final}").format(
        missing=", ".join(missing[:-1]), final=missing[-1]
    )


def next_stage(current: str) -> str | None:
    """The stage a one-click move goes to (None when closed)."""
    i = PROBLEM_STAGES.index(current)
    return PROBLEM_STAGES[i + 1] if i + 1 < len(PROBLEM_STAGES) else None


def check_pulse(ratings: dict[str, int | None]) -> dict[str, str]:
    """A pulse rates at least one item, each on the 1–7 scale."""
    errors = {}
    given = {k: v for k, v in ratings.items() if v is not None}
    if not given:
        errors["communication"] = gettext_noop("rate at least one of: {items}").format(
            items=", ".join(PULSE_ITEMS)
        )
    for item, value in given.items():
        if not RATING_MIN <= value <= RATING_MAX:
            errors[item] = gettext_noop(
                "{value} is off the scale; rate from {low} to {high}"
            ).format(value=value, low=RATING_MIN, high=RATING_MAX)
    return errors


def check_preference(*, channels: Iterable[str], ideal_min: int, ideal_max: int) -> dict[str, str]:
    """Known channels; a contact band of 0 ≤ min ≤ max interactions per 30 days."""
    errors = {}
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        errors["channels"] = gettext_noop("unknown channel(s) {unknown}; use: {known}").format(
            unknown=", ".join(unknown), known=", ".join(CHANNELS)
        )
    if ideal_min < 0:
        errors["ideal_min"] = gettext_noop("cannot be negative")
    if ideal_max < ideal_min:
        errors["ideal_max"] = gettext_noop("must be at least the minimum ({minimum})").format(
            minimum=ideal_min
        )
    return errors


CUSTOMER_STEPS: dict[str, tuple[tuple[str, ...], str]] = {
    # the customer's step: (stages it is open from, stage it moves the problem to)
    "agree": (("reported",), "jointly_defined"),
    "confirm": (("deployed", "supported"), "closed"),
}


def customer_step(step: str, current: str) -> tuple[str | None, str | None]:
    """The customer's two steps on a shared problem (SPEC §2.7): agree on the definition
    of a reported problem, confirm the resolution of a deployed one. Returns (the stage to
    move to, None) or (None, why not in words)."""
    if step not in CUSTOMER_STEPS:
        return None, gettext_noop("'{step}' is not a step; expected one of: {steps}").format(
            step=step, steps=", ".join(CUSTOMER_STEPS)
        )
    open_from, target = CUSTOMER_STEPS[step]
    if current not in open_from:
        return None, gettext_noop("the problem is {stage}; that step is not open now").format(
            stage=current.replace("_", " ")
        )
    return target, None


# What a customer user may write, and what it never receives (SPEC §2.7). A customer
# creates problems and initiatives in its own words; the fields it may set are listed,
# the rest are fixed for it, and the supplier's value never leaves the supplier's side.
CUSTOMER_PROBLEM_FIELDS: tuple[str, ...] = ("title", "customer_framing", "raised_on")
CUSTOMER_INITIATIVE_FIELDS: tuple[str, ...] = (
    "title",
    "goal",
    "due_date",
    "customer_effort_days",
    "customer_money",
    "customer_know_how",
    "expected_value_customer",
)
CUSTOMER_CONTRIBUTION_FIELDS: tuple[str, ...] = (
    "customer_effort_days",
    "customer_money",
    "customer_know_how",
    "expected_value_customer",
)
HIDDEN_FROM_CUSTOMER: dict[str, tuple[str, ...]] = {
    "initiative": ("expected_value_supplier", "realized_value_supplier"),
}
CUSTOMER_CONTRIBUTES_WHILE: tuple[str, ...] = ("proposed", "agreed", "in_delivery")
CUSTOMER_CONFIRMS_WHILE: tuple[str, ...] = ("in_delivery", "realized")


def customer_record(kind: str, data: dict) -> dict:
    """A record a customer user creates: only the fields it may set, and what is fixed for
    it (its side raised it, it is shared, a new initiative is a proposal)."""
    if kind == "problem":
        allowed, fixed = CUSTOMER_PROBLEM_FIELDS, {"raised_by": "customer", "shared": True}
    elif kind == "initiative":
        allowed, fixed = CUSTOMER_INITIATIVE_FIELDS, {"status": "proposed", "shared": True}
    else:
        raise ValueError(f"a customer does not create {kind} records")
    return {**{k: v for k, v in data.items() if k in allowed}, **fixed}


def customer_contribution(status: str) -> str | None:
    """Whether the customer may change its own contribution now; None when it may,
    otherwise why not in words."""
    if status in CUSTOMER_CONTRIBUTES_WHILE:
        return None
    return gettext_noop(
        "the initiative is {status}; contributions change while it is {open_while}"
    ).format(
        status=status.replace("_", " "),
        open_while=", ".join(s.replace("_", " ") for s in CUSTOMER_CONTRIBUTES_WHILE),
    )


def customer_confirmation(
    status: str, value: float | Decimal | None
) -> tuple[dict, dict[str, str]]:
    """The customer confirms the value it realized from an initiative in delivery or
    realized: returns (the changes, errors). Confirming an initiative in delivery
    realizes it; the value is the customer's own, never negative."""
    errors: dict[str, str] = {}
    if status not in CUSTOMER_CONFIRMS_WHILE:
        errors["status"] = gettext_noop(
            "the initiative is {status}; value is confirmed once it is in delivery or realized"
        ).format(status=status.replace("_", " "))
    if value is None:
        errors["realized_value_customer"] = gettext_noop(
            "say what value your side realized (0 if none)"
        )
    elif value < 0:
        errors["realized_value_customer"] = gettext_noop("a value cannot be negative")
    if errors:
        return {}, errors
    return {"realized_value_customer": value, "status": "realized"}, {}


def for_customer(kind: str, data: dict) -> dict:
    """A record's serialised fields without what the customer never receives."""
    hidden = HIDDEN_FROM_CUSTOMER.get(kind, ())
    return {k: v for k, v in data.items() if k not in hidden}
