"""The rows of each list's export (issue 16): what the page shows, with its filters, in
the columns ``kamkit import --source kamkit`` reads back. A customer's export holds only
what the customer's page shows (shared records, no internal notes or supplier values)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

from kamkit.core.relationships import HIDDEN_FROM_CUSTOMER
from kamkit.web.users.models import Role

ACCOUNT_COLUMNS = [
    "id",
    "name",
    "industry",
    "country",
    "ka_manager",
    "kam_unit",
    "parent_id",
    "phase",
    "phase_source",
    "decline_decision",
    "assessed_on",
    "communication",
    "co_creation",
    "problem_solving",
    "index",
    "lever",
    "last_contact",
    "selection_score",
    "is_key_account",
    "source",
    "source_id",
]


def accounts(qs: QuerySet) -> tuple[list[str], Iterator[list[Any]]]:
    """The portfolio as filtered (``with_assessment`` annotated), every page of it, with
    the latest assessment's process scores."""

    def rows() -> Iterator[list[Any]]:
        scored = qs.with_scores().select_related("ka_manager", "kam_unit")
        for a in scored.iterator(chunk_size=2000):
            yield [
                a.pk,
                a.name,
                a.industry,
                a.country,
                a.ka_manager.username if a.ka_manager else "",
                str(a.kam_unit) if a.kam_unit else "",
                a.parent_id,
                a.phase,
                a.phase_source,
                a.decline_decision,
                a.latest_on,
                a.latest_communication,
                a.latest_co_creation,
                a.latest_problem_solving,
                getattr(a, "latest_index", None),
                getattr(a, "latest_lever", None),
                getattr(a, "last_contact", None),
                a.selection_score,
                a.is_key_account,
                a.source,
                a.source_id,
            ]

    return ACCOUNT_COLUMNS, rows()


def people(qs: QuerySet, user) -> tuple[list[str], Iterator[list[Any]]]:
    header = [
        "id",
        "account_id",
        "side",
        "name",
        "email",
        "role",
        "department",
        "phone",
        "reports_to_id",
        "source",
        "source_id",
    ]
    return header, (
        [
            p.pk,
            p.account_id,
            p.side,
            p.name,
            p.email,
            p.role,
            p.department,
            p.phone,
            p.reports_to_id,
            p.source,
            p.source_id,
        ]
        for p in qs.order_by("side", "name", "pk")
    )


def interactions(qs: QuerySet, user) -> tuple[list[str], Iterator[list[Any]]]:
    internal = user.role != Role.CUSTOMER
    header = [
        "id",
        "account_id",
        "occurred_at",
        "channel",
        "initiated_by",
        "two_way",
        "formality",
        "content",
        "summary",
        "participant_ids",
    ]
    if internal:
        header += ["shared_with_customer", "source", "source_id"]

    def rows() -> Iterator[list[Any]]:
        for i in qs.prefetch_related("participants").order_by("-occurred_at", "-pk"):
            row = [
                i.pk,
                i.account_id,
                i.occurred_at,
                i.channel,
                i.initiated_by,
                i.two_way,
                i.formality,
                i.content,
                i.summary,
                ";".join(str(p.pk) for p in i.participants.all()),
            ]
            if internal:
                row += [i.shared_with_customer, i.source, i.source_id]
            yield row

    return header, rows()


def problems(qs: QuerySet, user) -> tuple[list[str], Iterator[list[Any]]]:
    internal = user.role != Role.CUSTOMER
    header = [
        "id",
        "account_id",
        "title",
        "raised_by",
        "raised_on",
        "stage",
        "supplier_framing",
        "customer_framing",
        "outcome",
        "lessons",
    ]
    if internal:
        header += ["shared"]

    def rows() -> Iterator[list[Any]]:
        for p in qs.order_by("-raised_on", "-pk"):
            row = [
                p.pk,
                p.account_id,
                p.title,
                p.raised_by,
                p.raised_on,
                p.stage,
                p.supplier_framing,
                p.customer_framing,
                p.outcome,
                p.lessons,
            ]
            if internal:
                row += [p.shared]
            yield row

    return header, rows()


INITIATIVE_FIELDS = [
    "title",
    "goal",
    "status",
    "supplier_effort_days",
    "customer_effort_days",
    "supplier_money",
    "customer_money",
    "expected_value_customer",
    "expected_value_supplier",
    "realized_value_customer",
    "realized_value_supplier",
]


def initiatives(qs: QuerySet, user) -> tuple[list[str], Iterator[list[Any]]]:
    hidden = HIDDEN_FROM_CUSTOMER["initiative"] if user.role == Role.CUSTOMER else ()
    fields = [f for f in INITIATIVE_FIELDS if f not in hidden]
    header = ["id", "account_id", *fields]
    if not hidden:
        header += ["shared"]

    def rows() -> Iterator[list[Any]]:
        for i in qs.order_by("-pk"):
            row = [i.pk, i.account_id, *(getattr(i, f) for f in fields)]
            if not hidden:
                row += [i.shared]
            yield row

    return header, rows()


def timeline(entries: Iterable) -> tuple[list[str], Iterator[list[Any]]]:
    """The timeline's entries as the page shows them (built for the user, so a customer
    gets only what it sees)."""
    header = ["on", "process", "side", "title", "detail", "kind", "id"]
    return header, (
        [
            e.on,
            e.kind_label,
            e.side or "",
            e.title,
            e.detail,
            e.process,
            getattr(e.record, "pk", ""),
        ]
        for e in entries
    )
