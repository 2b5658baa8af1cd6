"""Phase records → the account's effective phase, by the core rule."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from kamkit.core import relationships as rules
from kamkit.core.lifecycle import PhaseStatement, effective_phase
from kamkit.core.lifecycle.phases import check_decline_decision
from kamkit.web.accounts.models import Account, Person, can
from kamkit.web.base import save_versioned

from .models import (
    DeclineDecision,
    Interaction,
    InteractionWeek,
    PersonPair,
    PhaseRecord,
    ProblemStageChange,
)


def refresh_phases(account_ids: Iterable[int] | None = None) -> int:
    """Recompute the stored effective phase of the given accounts (all when None) from
    their phase records, with one query for the records and one bulk update."""
    records = PhaseRecord.objects.alive()
    accounts = Account.objects.all()
    if account_ids is not None:
        ids = list(account_ids)
        records = records.filter(account_id__in=ids)
        accounts = accounts.filter(pk__in=ids)
    statements: dict[int, list[PhaseStatement]] = defaultdict(list)
    # oldest first: on a tie of dates the statement recorded later wins (core rule)
    for account_id, phase, source, on, reasons in records.order_by("recorded_on", "pk").values_list(
        "account_id", "phase", "source", "recorded_on", "reasons"
    ):
        statements[account_id].append(PhaseStatement(phase, source, on, tuple(reasons or ())))
    # accounts grouped by their new (phase, source, flag): one UPDATE per distinct triple
    # (a few dozen at most), rather than a CASE per account as bulk_update writes it
    changed: dict[tuple[str, str, bool], list[int]] = defaultdict(list)
    for pk, *current in accounts.values_list("pk", "phase", "phase_source", "phase_disagreement"):
        eff = effective_phase(statements.get(pk, ()))
        new = (eff.value or "", eff.source or "", eff.disagreement)
        if tuple(current) != new:
            changed[new].append(pk)
    with transaction.atomic():
        for (phase, source, flag), pks in changed.items():
            # a decline decision holds for the decline it was made in (SPEC §2.3)
            lapse = {} if phase == "decline" else {"decline_decision": ""}
            for start in range(0, len(pks), 900):
                Account.objects.filter(pk__in=pks[start : start + 900]).update(
                    phase=phase, phase_source=source, phase_disagreement=flag, **lapse
                )
    return sum(len(pks) for pks in changed.values())


class DecisionError(ValueError):
    """A decline decision that cannot be recorded; ``errors`` names each field."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def record_decline_decision(
    account: Account, decision: str, reason: str, user, decided_on: dt.date | None = None
) -> DeclineDecision:
    """Record revive or wind down for a declining account (SPEC §2.3): the one write path
    for the page, the API and the demo. Only the KAM director (or an administrator) and
    the account's KA manager may; the account must be in decline. Raises
    ``PermissionDenied`` or ``DecisionError`` (nothing is written then)."""
    if user is not None and not can(user, "change", account):
        raise PermissionDenied("only the KAM director and the account's KA manager decide")
    today = timezone.localdate()
    decided_on = decided_on or today
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        errors = check_decline_decision(
            choice=decision, reason=reason, phase=locked.phase, on=decided_on, today=today
        )
        if errors:
            raise DecisionError(errors)
        record = DeclineDecision.objects.create(
            account=locked,
            decision=decision,
            decided_on=decided_on,
            reason=reason.strip(),
            decided_by=user,
        )
        Account.objects.filter(pk=account.pk).update(decline_decision=decision)
    account.decline_decision = decision
    return record


def move_problem_stage(problem, stage: str, on, user) -> str | None:
    """Move a problem to a later stage and keep the date; returns the problem in words
    when the move is not allowed (nothing is changed then)."""

    if message := rules.check_stage_move(problem.stage, stage):
        return message
    on = on or timezone.localdate()
    if isinstance(on, dt.datetime):
        on = on.date()
    with transaction.atomic():
        save_versioned(problem, {"stage": stage}, problem.version)
        ProblemStageChange.objects.create(
            problem=problem, stage=stage, changed_on=on, changed_by=user
        )
    return None


def _rebuild(table: str, account_ids: Iterable[int] | None, insert: str) -> None:
    """Replace an aggregate table's rows of the given accounts (all when None): one DELETE
    and one ``INSERT … SELECT`` over the interactions ``x``, whose ``{accounts}`` marks
    where the filter on the accounts goes."""
    ids = None if account_ids is None else sorted(set(account_ids))
    if ids == []:
        return
    marks = "" if ids is None else ", ".join(["%s"] * len(ids))
    with transaction.atomic(), connection.cursor() as cur:
        if ids is None:
            cur.execute(f"DELETE FROM {table}")
            cur.execute(insert.format(accounts=""))
        else:
            cur.execute(f"DELETE FROM {table} WHERE account_id IN ({marks})", ids)
            cur.execute(insert.format(accounts=f"AND x.account_id IN ({marks})"), ids)


def rebuild_pairs(account_ids: Iterable[int] | None = None) -> None:
    """Recompute the supplier–customer person pairs of the given accounts (all when None)
    from their living interactions."""
    x = Interaction._meta.db_table
    link = Interaction.participants.through._meta.db_table
    person = Person._meta.db_table
    pairs = PersonPair._meta.db_table
    _rebuild(
        pairs,
        account_ids,
        f"""
        INSERT INTO {pairs} (account_id, supplier_id, customer_id, first_at, last_at)
        SELECT x.account_id, sl.person_id, cl.person_id, MIN(x.occurred_at), MAX(x.occurred_at)
        FROM {x} x
        JOIN {link} sl ON sl.interaction_id = x.id
        JOIN {person} sp ON sp.id = sl.person_id AND sp.side = 'supplier'
        JOIN {link} cl ON cl.interaction_id = x.id
        JOIN {person} cp ON cp.id = cl.person_id AND cp.side = 'customer'
        WHERE x.deleted_at IS NULL {{accounts}}
        GROUP BY x.account_id, sl.person_id, cl.person_id
        """,
    )


def count_if(condition: str) -> str:
    """SQL that counts the rows of a group where ``condition`` holds, on either database."""
    if connection.vendor == "postgresql":
        return f"COUNT(*) FILTER (WHERE {condition})"
    return f"SUM({condition})"  # SQLite: a condition is 0 or 1


def week_of(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week: the key of ``InteractionWeek``."""
    return day - dt.timedelta(days=day.weekday())


def rebuild_weeks(account_ids: Iterable[int] | None = None) -> None:
    """Recompute the weekly interaction counts of the given accounts (all when None) from
    their living interactions. The week is the Monday of the interaction's UTC date,
    whatever the firm's time zone."""
    x = Interaction._meta.db_table
    weeks = InteractionWeek._meta.db_table
    if connection.vendor == "postgresql":
        week = "(date_trunc('week', x.occurred_at AT TIME ZONE 'UTC'))::date"
    else:  # SQLite keeps UTC text; back six days, then forward to the next Monday
        week = "date(x.occurred_at, '-6 days', 'weekday 1')"
    counts = ", ".join(
        count_if(cond)
        for cond in (
            "x.initiated_by = 'customer'",
            "x.two_way",
            "x.content = 'strategic'",
            "x.formality = 'formal'",
        )
    )
    _rebuild(
        weeks,
        account_ids,
        f"""
        INSERT INTO {weeks}
            (account_id, week, interactions, by_customer, two_way, strategic, formal)
        SELECT x.account_id, {week}, COUNT(*), {counts}
        FROM {x} x
        WHERE x.deleted_at IS NULL {{accounts}}
        GROUP BY x.account_id, {week}
        """,
    )
