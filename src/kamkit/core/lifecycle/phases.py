"""The effective lifecycle phase of an account (SPEC §2.2).

Precedence: the latest KA manager ``decision``; else the latest self-identifications of
both sides where they agree; else the customer's; else the supplier's; else the latest
``inferred`` phase. The result says where it came from and flags when the two sides'
latest self-identifications disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from kamkit.core.i18n import gettext_noop

PHASES: tuple[str, ...] = ("exploration", "build_up", "maturity", "decline")
SOURCES: tuple[str, ...] = ("supplier_self", "customer_self", "decision", "inferred")

SOURCE_LABELS = {
    "decision": gettext_noop("the KA manager's decision"),
    "both_sides": gettext_noop("both sides agree"),
    "customer_self": gettext_noop("the customer's view"),
    "supplier_self": gettext_noop("our own view"),
    "inferred": gettext_noop("inferred from the data"),
}

PHASE_LABELS = {
    "exploration": gettext_noop("Exploration"),
    "build_up": gettext_noop("Build-up"),
    "maturity": gettext_noop("Maturity"),
    "decline": gettext_noop("Decline"),
}

PHASE_DESCRIPTIONS = {
    "exploration": gettext_noop(
        "We are still finding out whether working together is worth it: each side weighs "
        "what it would gain, owe and risk, and trust in the account team is only starting."
    ),
    "build_up": gettext_noop(
        "The relationship is growing fast: we share more information, invest together in "
        "several activities, and first joint results are being delivered."
    ),
    "maturity": gettext_noop(
        "The relationship is stable and grows little: routines work, value has been "
        "delivered together several times, and the main work is keeping it running well."
    ),
    "decline": gettext_noop(
        "The relationship is shrinking: one side or both are dissatisfied and are looking "
        "at alternatives."
    ),
}
"""What a person reads when situating the relationship among the phases (the
self-identification method of Jap & Ganesan): plain descriptions, no phase names needed."""

DECLINE_DECISIONS: tuple[str, ...] = ("revive", "wind_down")
"""What the KAM director or the account's KA manager decides for a declining account
(SPEC §2.3, kamkit's extension)."""

DECISION_MAX_AGE_DAYS = 365
"""A decline decision may be dated at most this many days back (kamkit default: it is
recorded when made, not reconstructed years later)."""

DECISION_LABELS = {"revive": gettext_noop("Revive"), "wind_down": gettext_noop("Wind down")}

DECISION_DESCRIPTIONS = {
    "revive": gettext_noop(
        "Invest to grow the relationship again: communication and co-creation become "
        "motivators again, as in build-up, and the plan may give the account hours."
    ),
    "wind_down": gettext_noop(
        "Keep the relationship orderly while it shrinks: every process is a hygiene "
        "factor, and the plan gives the account only its minimum hours."
    ),
}


def role_row(phase: str | None, decision: str | None = None) -> str | None:
    """The row of the roles table an account is assessed on: its phase, or for a
    declining account with a decision ``decline_revive`` / ``decline_wind_down``."""
    if phase == "decline" and decision in DECLINE_DECISIONS:
        return f"decline_{decision}"
    return phase


def decision_needed(phase: str | None, decision: str | None) -> bool:
    """A declining account without a decision (SPEC §2.3): flagged "decision needed"."""
    return phase == "decline" and not decision


def check_decline_decision(
    *, choice: str, reason: str, phase: str | None, on: dt.date, today: dt.date
) -> dict[str, str]:
    """A decline decision (SPEC §2.3): revive or wind down, for an account whose phase is
    decline, dated no later than today, with a reason. Returns the errors by field."""
    errors = {}
    if choice not in DECLINE_DECISIONS:
        errors["decision"] = (
            f"'{choice}' is not a decision; expected one of: {', '.join(DECLINE_DECISIONS)}"
        )
    if not (reason or "").strip():
        errors["reason"] = "say why: the reason is kept with the decision"
    if on > today:
        errors["decided_on"] = f"{on.isoformat()} is in the future; a decision is dated when made"
    elif (today - on).days > DECISION_MAX_AGE_DAYS:
        errors["decided_on"] = (
            f"{on.isoformat()} is more than {DECISION_MAX_AGE_DAYS} days ago; a decision is "
            "recorded when it is made"
        )
    if phase != "decline":
        now = PHASE_LABELS.get(phase or "", "no phase").lower()
        errors["account"] = (
            f"only a declining account needs this decision; this account is in {now}"
        )
    return errors


STATED_SOURCES: tuple[str, ...] = ("supplier_self", "customer_self", "decision")
"""The sources a person may record; ``inferred`` statements are kamkit's own."""


def check_phase_statement(*, phase: str, source: str, person_side: str | None) -> dict[str, str]:
    """A recorded phase statement: a known phase; a self-identification is made by a person
    of that side; a decision is the KA manager's, with no person of either side."""
    errors = {}
    if phase not in PHASES:
        errors["phase"] = gettext_noop(
            "'{value}' is not a phase; expected one of: {phases}"
        ).format(value=phase, phases=", ".join(PHASES))
    if source not in STATED_SOURCES:
        errors["source"] = (
            gettext_noop("inferred phases are computed by kamkit")
            if source == "inferred"
            else gettext_noop("'{value}' is not a source; expected one of: {sources}").format(
                value=source, sources=", ".join(STATED_SOURCES)
            )
        )
    elif source in ("supplier_self", "customer_self"):
        side = source.removesuffix("_self")
        if person_side is None:
            errors["person"] = _NAMES_THE_PERSON[side]
        elif person_side != side:
            errors["person"] = _PERSON_OF_THE_SIDE[side]
    elif person_side is not None:
        errors["person"] = gettext_noop("a decision is the KA manager's; leave the person empty")
    return errors


_NAMES_THE_PERSON = {
    "supplier": gettext_noop("a supplier self-identification names the supplier-side person"),
    "customer": gettext_noop("a customer self-identification names the customer-side person"),
}
_PERSON_OF_THE_SIDE = {
    "supplier": gettext_noop("must be a supplier-side person for a supplier self-identification"),
    "customer": gettext_noop("must be a customer-side person for a customer self-identification"),
}


@dataclass(frozen=True, slots=True)
class PhaseStatement:
    """A dated statement about an account's phase."""

    phase: str
    source: str
    on: dt.date
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EffectivePhase:
    """The phase an account is treated as being in, and why."""

    value: str | None
    source: str | None
    """``decision``, ``both_sides``, ``customer_self``, ``supplier_self``, ``inferred`` or
    None when nothing is known."""
    supplier_view: str | None = None
    customer_view: str | None = None
    disagreement: bool = False
    reasons: tuple[str, ...] = field(default_factory=tuple)


def _latest(statements: Iterable[PhaseStatement], source: str) -> PhaseStatement | None:
    """The newest statement of a source; of two on the same day, the later in the sequence."""
    found = None
    for s in statements:
        if s.source == source and (found is None or s.on >= found.on):
            found = s
    return found


def effective_phase(statements: Iterable[PhaseStatement]) -> EffectivePhase:
    """Apply the SPEC §2.2 precedence to an account's phase statements."""
    items = list(statements)
    decision = _latest(items, "decision")
    supplier = _latest(items, "supplier_self")
    customer = _latest(items, "customer_self")
    inferred = _latest(items, "inferred")
    s_view = supplier.phase if supplier else None
    c_view = customer.phase if customer else None
    disagreement = bool(s_view and c_view and s_view != c_view)
    common = {"supplier_view": s_view, "customer_view": c_view, "disagreement": disagreement}
    if decision:
        return EffectivePhase(decision.phase, "decision", reasons=decision.reasons, **common)
    if s_view and c_view and not disagreement:
        return EffectivePhase(s_view, "both_sides", **common)
    if customer:
        return EffectivePhase(c_view, "customer_self", **common)
    if supplier:
        return EffectivePhase(s_view, "supplier_self", **common)
    if inferred:
        return EffectivePhase(inferred.phase, "inferred", reasons=inferred.reasons, **common)
    return EffectivePhase(None, None, **common)
