"""The SPEC §2.5.1 assessment shape, for the API and its OpenAPI document."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema


class PhaseView(Schema):
    value: str | None
    source: str | None
    reasons: list[str]
    supplier_view: str | None
    customer_view: str | None
    disagreement: bool
    inferred: str | None
    inferred_reasons: list[str]
    inferred_pending: dict[str, str] | None = None
    """A change of the inferred phase waiting to hold 30 days: ``{"phase", "since"}``
    (SPEC §2.2, stability)."""
    decline_decision: str | None = None
    """``revive`` or ``wind_down`` while a declining account has a decision (SPEC §2.3)."""
    decision_needed: bool = False
    """Declining, and nobody has decided yet."""


class ProcessView(Schema):
    score: float | None
    signals: int
    of: int
    role: str
    subscores: dict[str, float | None]


class LeverView(Schema):
    process: str | None
    why: str


class AssessmentOut(Schema):
    account: int
    on: dt.date
    phase: PhaseView
    processes: dict[str, ProcessView]
    index: float | None
    lever: LeverView
    provenance: dict[str, str] = {}
    """Where each rule applied comes from: ``phase_precedence``, ``phase_rules``,
    ``phase_stability``, ``roles``, ``subscores``, ``index``, ``lever`` → the paper (with
    its table), the SPEC section, a kamkit default, or the firm's own settings."""
    kamkit_version: str | None = None
    """The kamkit that computed it (on a page: once, beside the items)."""
    settings: dict[str, Any] | None = None
    """Every assessment setting used: thresholds, weights, baseline, roles (SPEC §2)."""


class AssessmentPage(Schema):
    items: list[AssessmentOut]
    count: int
    limit: int
    offset: int
    kamkit_version: str
    settings: dict[str, Any]


class DeclineDecisionIn(Schema):
    decision: Literal["revive", "wind_down"]
    reason: str = Field(min_length=1, max_length=2000)
    decided_on: dt.date | None = None
    """Defaults to today; never in the future."""


class DeclineDecisionOut(Schema):
    id: int
    account: int
    decision: str
    decided_on: dt.date
    reason: str
    decided_by: int | None


class DeclineDecisionPage(Schema):
    items: list[DeclineDecisionOut]
    count: int
    limit: int
    offset: int
    in_force: str | None
    """The decision the account is assessed by now (None: undecided or not declining)."""


class AlertOut(Schema):
    id: int
    account: int
    on: dt.date
    index: float
    earlier: float
    answer: str
    answered_by: int | None
    answered_at: dt.datetime | None


class AlertPage(Schema):
    items: list[AlertOut]
    count: int
    limit: int
    offset: int


class AlertAnswerIn(Schema):
    answer: str = Field(
        min_length=1, max_length=1000, description="What will be done about the fall."
    )
