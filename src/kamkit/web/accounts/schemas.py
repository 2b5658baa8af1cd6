"""API shapes. A customer user receives ``AccountPublic``: no internal fields."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema
from pydantic import field_validator

from kamkit.web.base import MAX_ID

from .services import REASSIGN_LIMIT

SCORE = Field(None, ge=0, le=5)


class AccountPublic(Schema):
    """What a customer user receives about its own account."""

    id: int
    version: int
    name: str
    industry: str
    country: str


class AccountOut(AccountPublic):
    phase: str
    is_key_account: bool
    revenue_share: int | None
    growth_potential: int | None
    lead_user: int | None
    reputation: int | None
    market_access: int | None
    selection_weights: dict
    selection_score: float | None
    ka_manager: int | None = Field(None, alias="ka_manager_id")
    kam_unit: int | None = Field(None, alias="kam_unit_id")
    relationship_start: dt.date | None
    revenue_history: list
    internal_notes: str
    phase_source: str
    phase_disagreement: bool
    last_contact: dt.datetime | None = Field(
        None,
        description="When the latest interaction the caller may see took place; null "
        "when there is none (the portfolio's Last contact).",
    )
    created_at: dt.datetime
    updated_at: dt.datetime


class AccountIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    industry: str = Field("", max_length=120)
    country: str = Field("", max_length=80)
    is_key_account: bool = True
    revenue_share: int | None = SCORE
    growth_potential: int | None = SCORE
    lead_user: int | None = SCORE
    reputation: int | None = SCORE
    market_access: int | None = SCORE
    selection_weights: dict[str, float] = {}
    ka_manager: int | None = None
    kam_unit: int | None = None
    relationship_start: dt.date | None = None
    revenue_history: list[dict] = []
    internal_notes: str = ""

    @field_validator("name")
    @classmethod
    def not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be blank")
        return v.strip()


class AccountPatch(Schema):
    version: int = Field(..., ge=1, description="The version you loaded; 409 if it is stale.")
    name: str | None = Field(None, min_length=1, max_length=200)
    industry: str | None = Field(None, max_length=120)
    country: str | None = Field(None, max_length=80)
    is_key_account: bool | None = None
    revenue_share: int | None = SCORE
    growth_potential: int | None = SCORE
    lead_user: int | None = SCORE
    reputation: int | None = SCORE
    market_access: int | None = SCORE
    selection_weights: dict[str, float] | None = None
    ka_manager: int | None = None
    kam_unit: int | None = None
    relationship_start: dt.date | None = None
    revenue_history: list[dict] | None = None
    internal_notes: str | None = None


RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A record's id: what a database here can hold (a larger number was a 500 in a list)."""


class ReassignIn(Schema):
    accounts: list[RecordId] = Field(
        ...,
        min_length=1,
        max_length=REASSIGN_LIMIT,
        description=f"The ids of the accounts to move, 1 to {REASSIGN_LIMIT}.",
    )
    ka_manager: RecordId = Field(..., description="The KA manager (a user id) they go to.")
    kam_unit: RecordId | None = Field(
        None, description="Also another KAM unit (an id); left as they are when absent."
    )


class ReassignOut(Schema):
    changed: int
    accounts: list[int]


class PersonOut(Schema):
    id: int
    version: int
    account: int = Field(..., alias="account_id")
    side: str
    name: str
    role: str
    email: str
    phone: str


class PersonIn(Schema):
    side: str = Field(..., pattern="^(supplier|customer)$")
    name: str = Field(..., min_length=1, max_length=200)
    role: str = Field("", max_length=80)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)


class PersonPatch(Schema):
    version: int = Field(..., ge=1)
    side: str | None = Field(None, pattern="^(supplier|customer)$")
    name: str | None = Field(None, min_length=1, max_length=200)
    role: str | None = Field(None, max_length=80)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)


class Page(Schema):
    items: list
    count: int
    limit: int
    offset: int
