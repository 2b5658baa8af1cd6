"""API shapes of the relational records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import Field as PydanticField
from pydantic import WithJsonSchema

from kamkit.core import relationships as rules
from kamkit.core.lifecycle.phases import PHASES, STATED_SOURCES

CHANNEL = "^(" + "|".join(rules.CHANNELS) + ")$"
SIDE = "^(supplier|customer)$"
RATING = Field(None, ge=1, le=7)


def _amount(max_digits: int, places: int, *, non_negative: bool) -> Any:
    """A decimal input as the model stores it (``max_digits``, ``places``), checked
    here (422 naming the field) and documented as a bounded JSON number (issue 17)."""
    top = Decimal(10) ** (max_digits - places) - Decimal(10) ** -places
    low = Decimal(0) if non_negative else -top
    return Annotated[
        Decimal,
        PydanticField(ge=low, le=top, max_digits=max_digits, decimal_places=places),
        WithJsonSchema(
            {
                "type": "number",
                "minimum": float(low),
                "maximum": float(top),
                "description": f"At most {places} decimal place{'s' if places > 1 else ''}.",
            }
        ),
    ]


EFFORT = _amount(8, 1, non_negative=True)  # days (the model's DecimalField)
MONEY = _amount(14, 2, non_negative=True)
VALUE = _amount(14, 2, non_negative=False)


class InteractionOut(Schema):
    id: int
    version: int
    account: int = Field(..., alias="account_id")
    occurred_at: dt.datetime
    channel: str
    initiated_by: str
    two_way: bool
    formality: str
    content: str
    participants: list[int]
    summary: str
    initiative: int | None = Field(None, alias="initiative_id")
    problem: int | None = Field(None, alias="problem_id")
    shared_with_customer: bool

    @staticmethod
    def resolve_participants(obj) -> list[int]:
        return [p.pk for p in obj.participants.all()]


class InteractionIn(Schema):
    occurred_at: dt.datetime | None = None
    channel: str = Field(..., pattern=CHANNEL)
    initiated_by: str = Field(..., pattern=SIDE)
    two_way: bool = True
    formality: str = Field("formal", pattern="^(formal|informal)$")
    content: str = Field("operational", pattern="^(strategic|operational|social)$")
    participants: list[int] = []
    summary: str = ""
    initiative: int | None = None
    problem: int | None = None
    shared_with_customer: bool = False


class InteractionPatch(InteractionIn):
    version: int = Field(..., ge=1)
    channel: str | None = Field(None, pattern=CHANNEL)
    initiated_by: str | None = Field(None, pattern=SIDE)
    two_way: bool | None = None
    formality: str | None = Field(None, pattern="^(formal|informal)$")
    content: str | None = Field(None, pattern="^(strategic|operational|social)$")
    participants: list[int] | None = None
    summary: str | None = None
    shared_with_customer: bool | None = None


class InitiativeOut(Schema):
    id: int
    version: int
    account: int = Field(..., alias="account_id")
    title: str
    goal: str
    status: str
    supplier_owner: int | None = Field(None, alias="supplier_owner_id")
    customer_owner: int | None = Field(None, alias="customer_owner_id")
    supplier_effort_days: Decimal | None
    customer_effort_days: Decimal | None
    supplier_money: Decimal | None
    customer_money: Decimal | None
    supplier_know_how: str
    customer_know_how: str
    expected_value_customer: Decimal | None
    expected_value_supplier: Decimal | None
    realized_value_customer: Decimal | None
    realized_value_supplier: Decimal | None
    value_note: str
    due_date: dt.date | None
    realized_on: dt.date | None
    customer_confirmed_on: dt.date | None
    shared: bool


class InitiativeIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    goal: str = ""
    status: str = Field("proposed", pattern="^(" + "|".join(rules.INITIATIVE_STATUSES) + ")$")
    supplier_owner: int | None = None
    customer_owner: int | None = None
    supplier_effort_days: EFFORT | None = None
    customer_effort_days: EFFORT | None = None
    supplier_money: MONEY | None = None
    customer_money: MONEY | None = None
    supplier_know_how: str = ""
    customer_know_how: str = ""
    expected_value_customer: VALUE | None = None
    expected_value_supplier: VALUE | None = None
    realized_value_customer: VALUE | None = None
    realized_value_supplier: VALUE | None = None
    value_note: str = ""
    due_date: dt.date | None = None
    realized_on: dt.date | None = None
    shared: bool = True


class InitiativePatch(InitiativeIn):
    version: int = Field(..., ge=1)
    title: str | None = Field(None, min_length=1, max_length=200)
    status: str | None = Field(None, pattern="^(" + "|".join(rules.INITIATIVE_STATUSES) + ")$")


class ProblemOut(Schema):
    id: int
    version: int
    account: int = Field(..., alias="account_id")
    title: str
    raised_by: str
    raised_on: dt.date
    supplier_framing: str
    customer_framing: str
    stage: str
    stage_dates: dict[str, dt.date]
    participants: list[int]
    outcome: str
    lessons: str
    shared: bool
    supplier_agreed_on: dt.date | None = None
    customer_agreed_on: dt.date | None = None
    """Each side's agreement on the definition (both, with both framings: jointly
    defined)."""

    @staticmethod
    def resolve_participants(obj) -> list[int]:
        return [p.pk for p in obj.participants.all()]

    @staticmethod
    def resolve_stage_dates(obj) -> dict[str, dt.date]:
        return {c.stage: c.changed_on for c in obj.stage_changes.all()}


class ProblemIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    raised_by: str = Field(..., pattern=SIDE)
    raised_on: dt.date | None = None
    supplier_framing: str = ""
    customer_framing: str = ""
    participants: list[int] = []
    outcome: str = ""
    lessons: str = ""
    shared: bool = True


class ProblemPatch(ProblemIn):
    version: int = Field(..., ge=1)
    title: str | None = Field(None, min_length=1, max_length=200)
    raised_by: str | None = Field(None, pattern=SIDE)
    participants: list[int] | None = None


class StageMove(Schema):
    stage: str
    on: dt.date | None = None


class PulseOut(Schema):
    id: int
    version: int
    account: int = Field(..., alias="account_id")
    person: int = Field(..., alias="person_id")
    side: str
    rated_on: dt.date
    communication: int | None
    co_creation: int | None
    problem_solving: int | None
    satisfaction: int | None
    trust: int | None
    comment: str


class PulseIn(Schema):
    person: int
    rated_on: dt.date | None = None
    communication: int | None = RATING
    co_creation: int | None = RATING
    problem_solving: int | None = RATING
    satisfaction: int | None = RATING
    trust: int | None = RATING
    comment: str = ""


class PulsePatch(PulseIn):
    version: int = Field(..., ge=1)
    person: int | None = None


class PreferenceOut(Schema):
    id: int
    version: int
    account: int = Field(..., alias="account_id")
    person: int | None = Field(None, alias="person_id")
    channels: list[str]
    ideal_min: int
    ideal_max: int


class PreferenceIn(Schema):
    person: int | None = None
    channels: list[str] = []
    ideal_min: int = Field(2, ge=0)
    ideal_max: int = Field(8, ge=0)


class PreferencePatch(PreferenceIn):
    version: int = Field(..., ge=1)
    ideal_min: int | None = Field(None, ge=0)
    ideal_max: int | None = Field(None, ge=0)


PHASE = "^(" + "|".join(PHASES) + ")$"
STATED_SOURCE = "^(" + "|".join(STATED_SOURCES) + ")$"


class PhaseOut(Schema):
    id: int
    version: int
    account: int = Field(..., alias="account_id")
    phase: str
    source: str
    recorded_on: dt.date
    person: int | None = Field(None, alias="person_id")
    recorded_by: int | None = Field(None, alias="recorded_by_id")
    reasons: list[str]
    note: str


class PhaseIn(Schema):
    phase: str = Field(..., pattern=PHASE)
    source: str = Field(
        ...,
        pattern=STATED_SOURCE,
        description="supplier_self, customer_self or decision; inferred phases are kamkit's",
    )
    recorded_on: dt.date | None = None
    person: int | None = Field(None, description="who situated it (self-identifications)")
    note: str = ""


class PhasePatch(PhaseIn):
    version: int = Field(..., ge=1)
    phase: str | None = Field(None, pattern=PHASE)
    source: str | None = Field(None, pattern=STATED_SOURCE)


class CommentIn(Schema):
    text: str = Field(..., min_length=1, max_length=rules.TEXT_LIMITS["text"])
    internal: bool = False
    """The supplier's internal note, never shown to the customer (a customer's is always
    on the shared thread)."""


class CommentOut(Schema):
    id: int
    problem: int = Field(..., alias="problem_id")
    side: str
    internal: bool
    text: str
    author: int | None = Field(None, alias="author_id")
    created_at: dt.datetime


class CommentPage(Schema):
    items: list[CommentOut]
    count: int
    limit: int
    offset: int


class UndoIn(Schema):
    reason: str = Field(..., min_length=1, max_length=rules.TEXT_LIMITS["note"])


class ContributionIn(Schema):
    """The customer's own contribution to a shared initiative (while it is open)."""

    version: int = Field(..., ge=1)
    customer_effort_days: EFFORT | None = None
    customer_money: MONEY | None = None
    customer_know_how: str | None = Field(None, max_length=rules.TEXT_LIMITS["customer_know_how"])
    expected_value_customer: VALUE | None = None


class ConfirmValueIn(Schema):
    realized_value_customer: MONEY


# -- the account plan and tasks (issue 20) ----------------------------------------------

OBJECTIVE_STATUS = "^(open|achieved|missed|dropped)$"


class ObjectiveOut(Schema):
    id: int
    version: int
    account: int = Field(..., alias="account_id")
    title: str
    measure: str
    start_value: Decimal | None
    current_value: Decimal | None
    target_value: Decimal | None
    due_on: dt.date | None
    status: str
    review_every_days: int
    last_reviewed_on: dt.date | None
    shared: bool


class ObjectiveIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    measure: str = Field("", max_length=200)
    start_value: VALUE | None = None
    current_value: VALUE | None = None
    target_value: VALUE | None = None
    due_on: dt.date | None = None
    status: str = Field("open", pattern=OBJECTIVE_STATUS)
    review_every_days: int = Field(90, ge=1, le=366)
    shared: bool = False


class ObjectivePatch(ObjectiveIn):
    version: int = Field(..., ge=1)
    title: str | None = Field(None, min_length=1, max_length=200)
    status: str | None = Field(None, pattern=OBJECTIVE_STATUS)
    review_every_days: int | None = Field(None, ge=1, le=366)
    shared: bool | None = None


class TaskOut(Schema):
    id: int
    version: int
    account: int = Field(..., alias="account_id")
    title: str
    due_on: dt.date
    owner: int | None = Field(None, alias="owner_id")
    owner_person: int | None = Field(None, alias="owner_person_id")
    objective: int | None = Field(None, alias="objective_id")
    problem: int | None = Field(None, alias="problem_id")
    initiative: int | None = Field(None, alias="initiative_id")
    from_lever: str
    shared: bool
    done_on: dt.date | None


class TaskIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    due_on: dt.date
    owner: int | None = Field(None, description="A kamkit user of our side (default: you).")
    owner_person: int | None = Field(None, description="Or a customer contact of the account.")
    objective: int | None = None
    problem: int | None = None
    initiative: int | None = None
    from_lever: str = Field("", pattern="^(|communication|co_creation|problem_solving)$")


class TaskPatch(Schema):
    version: int = Field(..., ge=1)
    title: str | None = Field(None, min_length=1, max_length=200)
    due_on: dt.date | None = None
    done_on: dt.date | None = None


class TieOut(Schema):
    supplier: int
    supplier_name: str
    last_at: dt.datetime
    contacts: int
    freshness: str


class StakeholderOut(Schema):
    id: int
    name: str
    title: str
    department: str
    reports_to: int | None
    buying_role: str
    attitude: str
    influence: str
    contacts_per_month: float
    band_status: str
    ties: list[TieOut]


class StakeholderMapOut(Schema):
    account: int
    window_days: int
    people: list[StakeholderOut]
    warnings: list[str]
