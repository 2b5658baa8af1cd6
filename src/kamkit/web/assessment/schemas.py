"""The SPEC §2.5.1 assessment shape, for the API and its OpenAPI document."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class PhaseView(Schema):
    value: str | None
    source: str | None
    reasons: list[str]
    supplier_view: str | None
    customer_view: str | None
    disagreement: bool
    inferred: str | None
    inferred_reasons: list[str]


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
