"""The portfolio's assessment: a fixed number of set-based queries over all the accounts
asked for (no query per account), turned into plain values for ``core.lifecycle``, and
stored as dated snapshots (SPEC §2.2–2.5; issue 5).

Each query groups by account; the number of queries does not grow with the number of
accounts (tested). The one place that knows both the tables and the core's inputs.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import gc
import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kamkit.core.lifecycle import (
    Assessment,
    AssessmentConfig,
    PhaseFacts,
    PhaseStatement,
    Signals,
    assess,
)
from kamkit.core.lifecycle.index import PROCESS_LABELS
from kamkit.core.lifecycle.inference import PendingChange
from kamkit.core.relationships import OPEN_STAGES, SOLVED_STAGES
from kamkit.web import pagecache
from kamkit.web.accounts.models import Account
from kamkit.web.labels import value_label
from kamkit.web.relationships.models import (
    CommunicationPreference,
    Interaction,
    InteractionWeek,
    JointInitiative,
    PersonPair,
    PhaseRecord,
    PhaseSource,
    Problem,
    ProblemStageChange,
    Pulse,
)
from kamkit.web.relationships.services import count_if, refresh_phases, week_of

from .models import (
    AssessmentSnapshot,
    LatestAssessment,
    PendingPhaseChange,
    RecordsChanged,
    pack_json,
)

log = logging.getLogger(__name__)

PROCESS_FIELDS = ("communication", "co_creation", "problem_solving")


@lru_cache(maxsize=1)
def configuration() -> AssessmentConfig:
    """The firm's configuration: the defaults, overridden by the YAML or JSON file named
    in ``KAMKIT_ASSESSMENT_CONFIG`` (settings or environment) when there is one."""
    path = getattr(settings, "KAMKIT_ASSESSMENT_CONFIG", "")
    if not path:
        return AssessmentConfig()
    import yaml

    text = Path(path).read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    try:
        return AssessmentConfig.from_mapping(data)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None


@dataclass
class _Inputs:
    statements: list[PhaseStatement]
    facts: PhaseFacts
    signals: Signals
    pending: PendingChange | None = None
    decision: str | None = None

    def assess(self, account: int, today: dt.date, config: AssessmentConfig) -> Assessment:
        return assess(
            account,
            self.statements,
            self.facts,
            self.signals,
            today,
            config,
            self.pending,
            self.decision,
        )


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _in(qs, field: str, ids: Sequence[int] | None):
    return qs if ids is None else qs.filter(**{f"{field}__in": ids})


def _whole_weeks(
    start: dt.datetime, end: dt.datetime
) -> tuple[dt.date, dt.date, list[tuple[dt.datetime, dt.datetime]]]:
    """Split the instants [start, end) into whole UTC weeks, the first and last Monday of
    them (last before first when there is none), and the two ragged ends left over (at
    most six days each, possibly empty) to be counted from the interactions."""
    s, e = start.astimezone(dt.UTC), end.astimezone(dt.UTC)

    def midnight(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)

    first = week_of(s.date())
    if midnight(first) < s:
        first += dt.timedelta(days=7)
    tail_start = week_of(e.date())  # the week starting here does not end before ``end``
    last = tail_start - dt.timedelta(days=7)
    if first > last:
        return first, last, [(start, end)]
    return first, last, [(start, midnight(first)), (midnight(tail_start), end)]


def _interaction_counts(
    ids: Sequence[int] | None, w_start: dt.datetime, p_start: dt.datetime, end: dt.datetime
) -> dict[int, dict[str, int]]:
    """Per account, the counts the communication signals need over the window, and the
    previous window's count (activity trend). The whole weeks inside each window are
    added up from ``InteractionWeek`` (one query for both windows); the ragged ends, at
    most six days at each end of a window, are counted from the interactions. Measured
    on the bench data set, reading the interactions of both windows had cost about three
    times the floor on its own (README, measured performance)."""
    ops = connection.ops
    where, extra = "", []
    if ids is not None:
        where = f" AND account_id IN ({', '.join(['%s'] * len(ids))})"
        extra = list(ids)

    r_first, r_last, r_ends = _whole_weeks(w_start, end)
    p_first, p_last, p_ends = _whole_weeks(p_start, w_start)
    d = ops.adapt_datefield_value
    weeks = InteractionWeek._meta.db_table

    def between(column: str) -> str:  # summed over the weeks between two Mondays
        return f"SUM(CASE WHEN week >= %s AND week <= %s THEN {column} ELSE 0 END)"

    weeks_sql = f"""
        SELECT account_id, {between("interactions")}, {between("by_customer")},
               {between("two_way")}, {between("strategic")}, {between("formal")},
               {between("interactions")}
        FROM {weeks}
        WHERE week >= %s AND week <= %s{where}
        GROUP BY account_id
    """
    weeks_params = [
        *([d(r_first), d(r_last)] * 5),  # the window
        d(p_first),  # the previous window
        d(p_last),
        d(min(r_first, p_first)),
        d(max(r_last, p_last)),
        *extra,
    ]
    table = Interaction._meta.db_table
    ends_sql = f"""
        SELECT account_id, COUNT(*), {count_if("initiated_by = 'customer'")},
               {count_if("two_way")}, {count_if("content = 'strategic'")},
               {count_if("formality = 'formal'")}
        FROM {table}
        WHERE deleted_at IS NULL AND occurred_at >= %s AND occurred_at < %s{where}
        GROUP BY account_id
    """
    prev_sql = (
        f"SELECT account_id, COUNT(*) FROM {table} WHERE deleted_at IS NULL "
        f"AND occurred_at >= %s AND occurred_at < %s{where} GROUP BY account_id"
    )
    keys = ("n", "by_customer", "two_way", "strategic", "formal")
    out: dict[int, dict[str, int]] = {}

    def counts(account_id: int) -> dict[str, int]:
        c = out.get(account_id)
        if c is None:
            c = out[account_id] = dict.fromkeys((*keys, "prev"), 0)
        return c

    dt_value = ops.adapt_datetimefield_value
    with connection.cursor() as cur:
        cur.execute(weeks_sql, weeks_params)
        for account_id, *values in cur.fetchall():
            c = counts(account_id)
            for key, value in zip((*keys, "prev"), values, strict=True):
                c[key] += int(value or 0)
        for lo, hi in r_ends:
            if lo < hi:
                cur.execute(ends_sql, [dt_value(lo), dt_value(hi), *extra])
                for account_id, *values in cur.fetchall():
                    c = counts(account_id)
                    for key, value in zip(keys, values, strict=True):
                        c[key] += int(value or 0)
        for lo, hi in p_ends:
            if lo < hi:
                cur.execute(prev_sql, [dt_value(lo), dt_value(hi), *extra])
                for account_id, n in cur.fetchall():
                    counts(account_id)["prev"] += int(n)
    for c in out.values():
        c["by_supplier"] = c["n"] - c["by_customer"]  # initiated_by is one side or the other
    return {pk: c for pk, c in out.items() if c["n"] or c["prev"]}


def _by_account(grouped: QuerySet, table_order: bool = True) -> dict[int, dict[str, Any]]:
    """The rows of a queryset grouped by account, by account id, read without the ORM's
    per-row conversions (0.1 s for the initiatives and problems on the bench data set).
    With ``table_order``, SQLite is told to read the table in order and group the rows
    itself (``NOT INDEXED``): through the account index it looked every record up in the
    table, four times as slow (0.25 s against 0.06 s for 100,000 initiatives). Only for
    a whole portfolio: for a few accounts the index finds their rows and nothing else."""
    sql, params = grouped.query.sql_with_params()
    if table_order and connection.vendor == "sqlite":
        table = connection.ops.quote_name(grouped.model._meta.db_table)
        sql = sql.replace(f" FROM {table} ", f" FROM {table} NOT INDEXED ", 1)
    names = [*grouped.query.values_select, *grouped.query.annotation_select]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return {row[0]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}


def _first_interactions(
    ids: Sequence[int] | None,
    accounts: dict[int, dict],
    comm: dict[int, dict[str, int]],
    end: dt.datetime,
) -> dict[int, dt.datetime]:
    """The first living interaction of the accounts that need it: those without a recorded
    relationship start (it gives their age) and those without an interaction in the two
    windows (it says whether they have any record at all). One index seek per account,
    not a scan; most accounts need none."""
    lacking = [pk for pk in accounts if pk not in comm]
    unstarted = any(a["relationship_start"] is None for a in accounts.values())
    if not lacking and not unstarted:
        return {}
    need = Q(relationship_start__isnull=True)
    if len(lacking) > 500:  # a long IN list would cost more than the seeks it saves
        need = Q()
    elif lacking:
        need |= Q(pk__in=lacking)
    first = (
        Interaction.objects.filter(
            account=OuterRef("pk"), deleted_at__isnull=True, occurred_at__lt=end
        )
        .order_by("occurred_at")
        .values("occurred_at")[:1]
    )
    return {
        pk: at
        for pk, at in _in(Account.objects.alive().filter(need), "pk", ids)
        .annotate(first=Subquery(first))
        .values_list("pk", "first")
        if at is not None
    }


def preferred_bands(ids: Sequence[int] | QuerySet | None) -> dict[int, tuple[float, float]]:
    """The customer's ideal contact band per account (contacts per 30 days): the account's
    own preference, else the mean of its people's (SPEC §2.4, frequency fit). Where one
    was stated again, the newest counts (a preference is recorded anew, not overwritten)."""
    bands: dict[int, tuple[float, float]] = {}
    person_bands: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    for account_id, person_id, lo, hi in (
        _in(CommunicationPreference.objects.alive(), "account_id", ids)
        .order_by("-pk")  # the newest first: the first seen of each account or person wins
        .values_list("account_id", "person_id", "ideal_min", "ideal_max")
    ):
        if person_id is None:
            bands.setdefault(account_id, (lo, hi))
        else:
            person_bands[account_id].setdefault(person_id, (lo, hi))
    for account_id, by_person in person_bands.items():
        items = list(by_person.values())
        bands.setdefault(
            account_id,
            (sum(lo for lo, _ in items) / len(items), sum(hi for _, hi in items) / len(items)),
        )
    return bands


def silence_wished(ids: Sequence[int] | QuerySet | None = None) -> set[int]:
    """The accounts whose customer's ideal band asks for no contact at all as its
    minimum (``preferred_bands``' lower end 0): a month without contact is what they
    asked for, not a gap (``kamkit.core.portfolio.no_contact``). Only accounts with a
    preference of minimum 0 can be such; they alone are read."""
    candidates = CommunicationPreference.objects.alive().filter(ideal_min=0)
    candidates = _in(candidates, "account_id", ids).values("account_id")
    return {pk for pk, (lo, _) in preferred_bands(candidates).items() if lo == 0}


def collect(
    account_ids: Sequence[int] | None, today: dt.date, config: AssessmentConfig
) -> dict[int, _Inputs]:
    """Every account's phase statements, inference facts and signals, with a fixed number
    of grouped queries (account_ids None: the whole portfolio)."""
    ids = list(account_ids) if account_ids is not None else None
    end = _aware(today + dt.timedelta(days=1))  # the assessment day counts in full
    w_start = _aware(today - dt.timedelta(days=config.window_days - 1))
    p_start = _aware(today - dt.timedelta(days=2 * config.window_days - 1))
    w_day = today - dt.timedelta(days=config.window_days - 1)

    accounts = {
        a["pk"]: a
        for a in _in(Account.objects.alive(), "pk", ids).values(
            "pk", "relationship_start", "revenue_history", "decline_decision"
        )
    }
    ids_q = list(accounts) if ids is not None else None
    table_order = ids_q is None or len(ids_q) > 1000  # see _by_account

    comm = _interaction_counts(ids_q, w_start, p_start, end)
    first_seen = _first_interactions(ids_q, accounts, comm, end)
    # relational ties from the kept pairs: exact for today; for an earlier day a pair that
    # met both before and after it counts as having met in its window (docs/scores.md)
    met = Q(first_at__lt=end)
    pairs = {
        pk: (r["ever"], r["recent"])
        for pk, r in _by_account(
            _in(PersonPair.objects.all(), "account_id", ids_q)
            .values("account_id")
            .annotate(
                ever=Count("id", filter=met),
                recent=Count("id", filter=met & Q(last_at__gte=w_start)),
            )
            .order_by(),
            table_order=False,  # the covering index is the faster way here
        ).items()
    }

    def contributed(side: str) -> Q:
        return (
            Q(**{f"{side}_effort_days__gt": 0})
            | Q(**{f"{side}_money__gt": 0})
            | (~Q(**{f"{side}_know_how": ""}))
        )

    active = Q(status__in=("agreed", "in_delivery"))
    due = Q(due_date__gte=w_day, due_date__lte=today)
    realized = Q(status="realized")
    zero = Value(0, output_field=JointInitiative._meta.get_field("expected_value_customer"))
    cocreation = _by_account(
        _in(JointInitiative.objects.alive(), "account_id", ids_q)
        .values("account_id")
        .annotate(
            total=Count("id"),
            active=Count("id", filter=active),
            bilateral=Count(
                "id", filter=active & contributed("supplier") & contributed("customer")
            ),
            due_expected=Coalesce(Sum("expected_value_customer", filter=due), zero)
            + Coalesce(Sum("expected_value_supplier", filter=due), zero),
            due_realized=Coalesce(Sum("realized_value_customer", filter=due), zero)
            + Coalesce(Sum("realized_value_supplier", filter=due), zero),
            to_customer=Coalesce(Sum("realized_value_customer", filter=realized), zero),
            to_supplier=Coalesce(Sum("realized_value_supplier", filter=realized), zero),
            realized_ever=Count("id", filter=realized),
            realized_recent=Count(
                "id",
                filter=realized
                & Q(realized_on__gte=today - dt.timedelta(days=config.build_up_realized_days)),
            ),
        )
        .order_by(),
        table_order,
    )

    through = Problem.participants.through
    both_sides = Exists(
        through.objects.filter(problem_id=OuterRef("pk"), person__side="supplier")
    ) & Exists(through.objects.filter(problem_id=OuterRef("pk"), person__side="customer"))
    problem_day = today - dt.timedelta(days=config.problem_window_days - 1)
    young_day = today - dt.timedelta(days=config.backlog_young_days - 1)
    in_record = Q(raised_on__gte=problem_day, raised_on__lte=today)
    problems = _by_account(
        _in(Problem.objects.alive().filter(raised_on__lte=today), "account_id", ids_q)
        .values("account_id")
        .annotate(
            total=Count("id"),
            recent=Count("id", filter=in_record),
            joint=Count("id", filter=in_record & ~Q(stage="reported") & both_sides),
            open=Count("id", filter=Q(stage__in=OPEN_STAGES)),
            open_young=Count("id", filter=Q(stage__in=OPEN_STAGES, raised_on__gte=young_day)),
            closed=Count("id", filter=Q(stage="closed")),
            lessons=Count("id", filter=Q(stage="closed") & ~Q(lessons="")),
        )
        .order_by(),
        table_order,
    )
    deploy_days: dict[int, list[int]] = defaultdict(list)
    solved = (
        _in(
            ProblemStageChange.objects.filter(
                stage__in=SOLVED_STAGES, problem__deleted_at__isnull=True
            ),
            "problem__account_id",
            ids_q,
        )
        .values("problem_id", "problem__account_id", "problem__raised_on")
        .annotate(solved_on=Min("changed_on"))
        .filter(solved_on__gte=w_day, solved_on__lte=today)
        .order_by()
    )
    for r in solved:
        deploy_days[r["problem__account_id"]].append(
            (r["solved_on"] - r["problem__raised_on"]).days
        )

    ratings: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    any_pulse: set[int] = set()
    pulses = (
        _in(Pulse.objects.alive(), "account_id", ids_q)
        .filter(
            rated_on__lte=today,
            rated_on__gte=today - dt.timedelta(days=config.perception_max_age_days),
        )
        .values_list("account_id", "person__side", *PROCESS_FIELDS)
        .order_by("account_id", "-rated_on", "-pk")
    )
    for account_id, side, *values in pulses.iterator(chunk_size=5000):
        any_pulse.add(account_id)
        for process, value in zip(PROCESS_FIELDS, values, strict=True):
            if value is not None:
                ratings[account_id][process].setdefault(side, value)

    bands = preferred_bands(ids_q)

    statements: dict[int, list[PhaseStatement]] = defaultdict(list)
    for account_id, phase, source, on, reasons in (
        _in(PhaseRecord.objects.alive(), "account_id", ids_q)
        .filter(recorded_on__lte=today)
        .order_by("recorded_on", "pk")
        .values_list("account_id", "phase", "source", "recorded_on", "reasons")
    ):
        statements[account_id].append(PhaseStatement(phase, source, on, tuple(reasons or ())))
    pending = {
        account_id: PendingChange(phase, since)
        for account_id, phase, since in _in(
            PendingPhaseChange.objects.all(), "account_id", ids_q
        ).values_list("account_id", "phase", "since")
    }

    zone = timezone.get_current_timezone()  # once, not per account
    out: dict[int, _Inputs] = {}
    for pk, a in accounts.items():
        c = comm.get(pk, {})
        v = cocreation.get(pk, {})
        pr = problems.get(pk, {})
        ever, recent_pairs = pairs.get(pk, (0, 0))
        first = first_seen.get(pk)
        revenue = tuple(
            (r["year"], float(r["revenue"]))
            for r in (a["revenue_history"] or [])
            if isinstance(r, dict) and "year" in r and "revenue" in r
        )
        facts = PhaseFacts(
            relationship_start=a["relationship_start"],
            first_interaction=first.astimezone(zone).date() if first else None,
            interactions_last_90=c.get("n", 0),
            interactions_prev_90=c.get("prev", 0),
            revenue=revenue,
            realized_ever=v.get("realized_ever", 0),
            realized_recent=v.get("realized_recent", 0),
            pairs_ever=ever,
        )
        signals = Signals(
            has_records=bool(first or v.get("total") or pr.get("total") or pk in any_pulse),
            interactions=c.get("n", 0),
            customer_initiated=c.get("by_customer", 0),
            supplier_initiated=c.get("by_supplier", 0),
            two_way=c.get("two_way", 0),
            strategic=c.get("strategic", 0),
            formal=c.get("formal", 0),
            band=bands.get(pk),
            initiatives_active=v.get("active", 0),
            initiatives_active_bilateral=v.get("bilateral", 0),
            due_expected_value=float(v.get("due_expected") or 0),
            due_realized_value=float(v.get("due_realized") or 0),
            realized_value_customer=float(v.get("to_customer") or 0),
            realized_value_supplier=float(v.get("to_supplier") or 0),
            pairs_recent=recent_pairs,
            problems_recent=pr.get("recent", 0),
            problems_jointly_defined=pr.get("joint", 0),
            days_to_deploy=tuple(deploy_days.get(pk, ())),
            problems_open=pr.get("open", 0),
            problems_open_young=pr.get("open_young", 0),
            problems_closed=pr.get("closed", 0),
            problems_closed_with_lessons=pr.get("lessons", 0),
            ratings={k: dict(v) for k, v in ratings.get(pk, {}).items()},
        )
        out[pk] = _Inputs(
            statements.get(pk, []), facts, signals, pending.get(pk), a["decline_decision"] or None
        )
    return out


@contextmanager
def _bulk_work() -> Iterator[None]:
    """Around a whole-portfolio run: one transaction, so every query reads the same state
    of the data; on PostgreSQL without JIT compilation, which on the bench data set cost
    more than it saved on these grouped queries (problems: 0.72 s with it, 0.24 s
    without); and the cyclic garbage collector paused while tens of thousands of small,
    acyclic objects are made (it spent a quarter of the core's time walking them)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute("SET LOCAL jit = off")
            yield
    finally:
        if was_enabled:
            gc.enable()


def assess_accounts(
    account_ids: Sequence[int] | None,
    today: dt.date | None = None,
    config: AssessmentConfig | None = None,
) -> list[Assessment]:
    """Assess the given accounts (None: all), in the order of ``account_ids``."""
    today = today or timezone.localdate()
    config = config or configuration()
    with _bulk_work():
        inputs = collect(account_ids, today, config)
        order = list(account_ids) if account_ids is not None else sorted(inputs)
        return [inputs[pk].assess(pk, today, config) for pk in order if pk in inputs]


@dataclass(frozen=True)
class RunSummary:
    accounts: int
    seconds: float
    on: dt.date
    inferred_changes: int
    assessments: tuple[Assessment, ...] = field(default=(), repr=False)


SNAPSHOT_COLUMNS = (
    "account_id",
    "on",
    "phase",
    "communication",
    "co_creation",
    "problem_solving",
    "index",
    "lever",
)
LATEST_COLUMNS = ("account_id", "on", "payload", "computed_at", "settings_digest")


def settings_digest(config: AssessmentConfig | None = None) -> str:
    """16 hex digits naming kamkit's version and the settings an assessment used: a
    stored assessment is current only under the same ones."""
    from kamkit import __version__

    data = {"kamkit": __version__, "settings": (config or configuration()).to_json()}
    return hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def _write_snapshots(items: Sequence[Assessment]) -> None:
    """Write one row per account and day, replacing that day's row. At 10,000 accounts,
    building model instances and compiling Django's bulk insert took half of the storing
    time; SQLite takes the rows with ``executemany`` and an upsert; PostgreSQL deletes the
    day's rows of these accounts and takes the new ones by ``COPY`` (its client-side
    parameter binding cost 0.3 ms a row; an upsert from a temporary table twice this)."""
    ops, q = connection.ops, connection.ops.quote_name
    table = q(AssessmentSnapshot._meta.db_table)
    columns = ", ".join(q(c) for c in SNAPSHOT_COLUMNS)
    rows = [
        (
            a.account,
            ops.adapt_datefield_value(a.on),
            a.phase.value or "",
            a.processes["communication"].score,
            a.processes["co_creation"].score,
            a.processes["problem_solving"].score,
            a.index,
            a.lever.process or "",
        )
        # one row per account and day: a statement may not touch a row twice
        for a in {(a.account, a.on): a for a in items}.values()
    ]
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor != "postgresql":
            _sqlite_upsert(cur, table, SNAPSHOT_COLUMNS, 2, rows)
            return
        # the day's rows of these accounts are replaced: delete, then COPY straight in
        cur.execute(
            f"DELETE FROM {table} WHERE ({q('account_id')}, {q('on')}) IN "
            "(SELECT * FROM unnest(%s::bigint[], %s::date[]))",
            [[row[0] for row in rows], [row[1] for row in rows]],
        )
        with cur.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        pagecache.written(connection)  # COPY writes past Django's cursor


def _sqlite_upsert(
    cur, table: str, columns: Sequence[str], key: int, rows: list, where: str = ""
) -> None:
    """``rows`` into ``table`` (quoted), replacing the rows with the same first ``key``
    columns (only where ``where`` holds, when given), 2,000 rows a statement."""
    q = connection.ops.quote_name
    updates = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in columns[key:])
    sql = (
        f"INSERT INTO {table} ({', '.join(q(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(q(c) for c in columns[:key])}) DO UPDATE SET {updates}"
        + (f" WHERE {where}" if where else "")
    )
    for start in range(0, len(rows), 2000):
        cur.executemany(sql, rows[start : start + 2000])


def _write_latest(
    items: Sequence[Assessment], began: dt.datetime | None = None, digest: str = ""
) -> None:
    """Keep each account's whole assessment of its latest assessed day: these replace
    the stored ones of the same or an earlier day, never a later day's (a past day
    assessed again leaves the current one alone)."""
    ops, q = connection.ops, connection.ops.quote_name
    now = ops.adapt_datetimefield_value(began or timezone.now())
    newest: dict[int, Assessment] = {}
    for a in items:
        if a.account not in newest or newest[a.account].on <= a.on:
            newest[a.account] = a
    table = q(LatestAssessment._meta.db_table)
    columns = ", ".join(q(c) for c in LATEST_COLUMNS)

    def row(a: Assessment) -> tuple:
        # orjson: a tenth of json.dumps' time
        return (
            a.account,
            ops.adapt_datefield_value(a.on),
            pack_json(a.to_json()),
            now,
            digest,
        )

    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor != "postgresql":
            rows = [row(a) for a in newest.values()]
            later_kept = f"excluded.{q('on')} >= {table}.{q('on')}"
            _sqlite_upsert(cur, table, LATEST_COLUMNS, 1, rows, later_kept)
            return
        # PostgreSQL: the rows of the same or an earlier day go, the new ones come by COPY
        # where no later day's row stays
        ids = list(newest)
        days = [newest[pk].on for pk in ids]
        cur.execute(
            f"DELETE FROM {table} t USING unnest(%s::bigint[], %s::date[]) AS n(a, d) "
            f"WHERE t.{q('account_id')} = n.a AND t.{q('on')} <= n.d",
            [ids, days],
        )
        cur.execute(
            f"SELECT {q('account_id')} FROM {table} WHERE {q('account_id')} = ANY(%s)", [ids]
        )
        later = {pk for (pk,) in cur.fetchall()}
        with cur.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for pk, a in newest.items():
                if pk not in later:
                    copy.write_row(row(a))
        pagecache.written(connection)  # COPY writes past Django's cursor


def _write_pending(items: Sequence[Assessment]) -> None:
    """Keep each account's pending phase change as the assessment left it: only the rows
    that differ are deleted or written (the table holds a few rows; most runs change
    none of them)."""
    wanted = {
        a.account: (a.inferred.pending.phase, a.inferred.pending.since)
        for a in items
        if a.inferred.pending
    }
    existing = PendingPhaseChange.objects.all()
    if len(items) <= 1000:
        existing = existing.filter(account_id__in=[a.account for a in items])
    assessed = {a.account for a in items}
    have = {
        pk: (phase, since)
        for pk, phase, since in existing.values_list("account_id", "phase", "since")
        if pk in assessed
    }
    stale = [pk for pk, row in have.items() if wanted.get(pk) != row]
    for start in range(0, len(stale), 900):  # under SQLite's limit of bound parameters
        PendingPhaseChange.objects.filter(account_id__in=stale[start : start + 900]).delete()
    PendingPhaseChange.objects.bulk_create(
        [
            PendingPhaseChange(account_id=pk, phase=phase, since=since)
            for pk, (phase, since) in wanted.items()
            if have.get(pk) != (phase, since)
        ],
        batch_size=1000,
    )


def store(
    assessments: Iterable[Assessment],
    began: dt.datetime | None = None,
    config: AssessmentConfig | None = None,
) -> int:
    """Write the day's snapshots (replacing that day's earlier ones) and record an
    ``inferred`` phase statement where the inference changed, so the phase history shows
    each transition; the accounts' stored phase follows; each account's whole assessment
    of its latest day is kept (``LatestAssessment``). ``began``: when the records were
    read (its ``computed_at``; now when not given)."""
    items = list(assessments)
    with _bulk_work(), assessing():
        inferred = PhaseRecord.objects.alive().filter(source=PhaseSource.INFERRED)
        if len(items) <= 1000:  # a long IN list costs more than reading every inferred record
            inferred = inferred.filter(account_id__in=[a.account for a in items])
        last_day = max((a.on for a in items), default=None)
        history: dict[int, list[tuple[dt.date, int, str]]] = {}
        for account, day, pk, phase in (
            (inferred.filter(recorded_on__lte=last_day) if last_day else inferred.none())
            .order_by("recorded_on", "pk")
            .values_list("account_id", "recorded_on", "pk", "phase")
        ):
            history.setdefault(account, []).append((day, pk, phase))
        changed: list[PhaseRecord] = []
        corrected: list[tuple[int, int, str, list[str]]] = []  # (record, account, …)
        for a in items:
            if not a.inferred.phase:
                continue
            # the inference in effect on the assessed day, not the latest one: re-assessing
            # a past day once a later day was stored added a record on every run (issue 17)
            before = [r for r in history.get(a.account, ()) if r[0] <= a.on]
            if before and before[-1][2] == a.inferred.phase:
                continue
            if before and before[-1][0] == a.on:  # that day's own inference changed
                corrected.append(
                    (before[-1][1], a.account, a.inferred.phase, list(a.inferred.reasons))
                )
                continue
            changed.append(
                PhaseRecord(
                    account_id=a.account,
                    phase=a.inferred.phase,
                    source=PhaseSource.INFERRED,
                    recorded_on=a.on,
                    reasons=list(a.inferred.reasons),
                )
            )
        _write_snapshots(items)
        _write_latest(items, began, settings_digest(config))
        _write_pending(items)
        PhaseRecord.objects.bulk_create(changed, batch_size=1000)
        for pk, _old, phase, reasons in corrected:
            PhaseRecord.objects.filter(pk=pk).update(phase=phase, reasons=reasons)
        if changed or corrected:
            refresh_phases([r.account_id for r in changed] + [c[1] for c in corrected])
        return len(changed) + len(corrected)


def assess_portfolio(
    today: dt.date | None = None,
    account_ids: Sequence[int] | None = None,
    config: AssessmentConfig | None = None,
) -> RunSummary:
    """Recompute and store the assessment of every account (or the given ones)."""
    started = time.perf_counter()
    began = timezone.now()
    today = today or timezone.localdate()
    config = config or configuration()
    with _bulk_work():  # what is stored is what was read
        assessments = assess_accounts(account_ids, today, config)
        changes = store(assessments, began, config)
        if today == timezone.localdate():  # today's falls, not a backfill's or the demo's past
            alert_falls(assessments, today)
    return RunSummary(
        len(assessments), time.perf_counter() - started, today, changes, tuple(assessments)
    )


def assess_missing_today() -> int:
    """Today's assessment of every account that has none stored yet today (the worker's
    morning run and its start): scores move with their windows even when nothing is
    logged, and a fall is alerted only when an assessment of today sees it. Accounts
    assessed already today (after a change, or by ``kamkit assess``) are left as they
    are. Returns how many were assessed."""
    today = timezone.localdate()
    missing = list(
        Account.objects.alive()
        .exclude(pk__in=AssessmentSnapshot.objects.filter(on=today).values("account_id"))
        .values_list("pk", flat=True)
    )
    if not missing:
        return 0
    return assess_portfolio(today, missing).accounts


def alert_falls(items: Sequence[Assessment], today: dt.date) -> int:
    """Tell an account's KA manager and the KAM directors (in kamkit, and by email where
    notifications go by email) when its index fell by ``ALERT_DROP_POINTS`` or more since
    the index stored a month before (``kamkit.core.portfolio``; the firm's
    ``KAMKIT_ALERT_DROP_POINTS``), with the principal lever; at most once a month per
    account. Returns how many accounts were flagged."""
    from kamkit.core.portfolio import ALERT_DROP_POINTS, ALERT_WINDOW_DAYS, index_fell
    from kamkit.web.portal.services import notify_people
    from kamkit.web.users.models import Role, User

    from .models import IndexAlert

    points = float(getattr(settings, "KAMKIT_ALERT_DROP_POINTS", ALERT_DROP_POINTS))
    scored = {a.account: a for a in items if a.index is not None}
    if not scored:
        return 0
    accounts = Account.objects.alive().with_index_change(days=ALERT_WINDOW_DAYS)
    if len(scored) <= 1000:  # as ``store``: a long IN list costs more than reading all
        accounts = accounts.filter(pk__in=list(scored))
    fell = {
        pk: (earlier, scored[pk])
        for pk, earlier in accounts.values_list("pk", "earlier_index")
        if pk in scored and index_fell(earlier, scored[pk].index, points) is not None
    }
    if not fell:
        return 0
    recent = set(
        IndexAlert.objects.recent(today)
        .filter(account_id__in=list(fell))
        .values_list("account_id", flat=True)
    )
    directors = list(User.objects.filter(role=Role.KAM_DIRECTOR, is_active=True))
    flagged = list(
        Account.objects.filter(pk__in=[pk for pk in fell if pk not in recent]).select_related(
            "ka_manager"
        )
    )
    IndexAlert.objects.bulk_create(
        IndexAlert(account=a, on=today, index=fell[a.pk][1].index, earlier=fell[a.pk][0])
        for a in flagged
    )
    for account in flagged:
        earlier, now = fell[account.pk]
        lever = PROCESS_LABELS.get(now.lever.process or "", "")
        # the account is named beside the text (the list) and in the email's subject
        text = gettext_noop(
            "The index fell from {earlier} to {now} in a month. Principal lever: {lever}."
        ).format(earlier=round(earlier), now=round(now.index), lever=lever)
        link = reverse("accounts:detail", kwargs={"pk": account.pk})
        manager = [account.ka_manager] if account.ka_manager_id else []
        notify_people(account, {u.pk: u for u in manager + directors}.values(), [], text, link)
    return len(flagged)


def answer_alert(user: Any, alert: Any, text: str) -> Any:
    """Say what the team will do about an index alert: the account's KA manager or a KAM
    director (or an administrator), once. The answered alert leaves Today; the others
    who were alerted (the KA manager, the directors) are told the answer. Raises
    ``PermissionDenied``, ``ValidationError`` (``answer``: empty, too long, a control
    character) or ``Conflict`` (answered already)."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from kamkit.core.texts import control_problem
    from kamkit.web.accounts.models import can
    from kamkit.web.base import Conflict
    from kamkit.web.portal.services import notify_people
    from kamkit.web.users.models import Role, User

    from .models import ANSWER_LIMIT, IndexAlert

    if not can(user, "change", alert.account):
        raise PermissionDenied("only the account's KA manager or a KAM director answers its alert")
    words = (text or "").strip()
    if not words:
        raise ValidationError({"answer": [gettext_noop("say what will be done")]})
    if len(words) > ANSWER_LIMIT:
        too_long = gettext_noop("at most {limit} characters (this has {n})")
        raise ValidationError({"answer": [too_long.format(limit=ANSWER_LIMIT, n=len(words))]})
    if problem := control_problem(words):
        raise ValidationError({"answer": [problem]})
    with transaction.atomic():
        locked = IndexAlert.objects.select_for_update().get(pk=alert.pk)
        if locked.answered_at is not None:
            raise Conflict(
                gettext_noop("{name} answered this alert already.").format(
                    name=_person(locked.answered_by)
                )
            )
        locked.answer, locked.answered_by, locked.answered_at = words, user, timezone.now()
        locked.save(update_fields=["answer", "answered_by", "answered_at"])
        account = locked.account
        told = [account.ka_manager] if account.ka_manager_id else []
        told += list(User.objects.filter(role=Role.KAM_DIRECTOR, is_active=True))
        others = {u.pk: u for u in told if u.pk != user.pk}
        text = gettext_noop("{name} answered the fall of the index: {answer}").format(
            name=_person(user), answer=words[:200]
        )
        link = reverse("accounts:detail", kwargs={"pk": account.pk})
        notify_people(account, others.values(), [], text, link)
    return locked


def _person(user: Any) -> str:
    return (user.get_full_name() or user.username) if user else "?"


_quiet: contextvars.ContextVar[bool] = contextvars.ContextVar("kamkit_assessing", default=False)


@contextmanager
def assessing() -> Iterator[None]:
    """Around writes that ``records_changed`` must not note: the assessment's own
    (inferred phases, the accounts' phase: its result, not a change of its inputs), and
    a loader that assesses what it wrote itself before it ends (the demo: otherwise the
    worker would assess again every account the demo has just assessed)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def records_changed(account_ids: Iterable[int | None]) -> None:
    """Note that records the assessment reads changed for these accounts: their stored
    snapshot of today is no longer current, and once the change is committed the task
    runner assesses them again (``tasks.reassess``: one task per transaction, however
    many records it wrote). Every write path calls it, through the models' signals or,
    for bulk writes, directly.

    The time of the change is written at once (the same transaction: a crash cannot
    lose it) and again after the commit: a snapshot computed while the transaction was
    still open, without its changes, is then older than the change, not current."""
    ids = {pk for pk in account_ids if pk is not None}
    if not ids or _quiet.get():
        return
    if not connection.in_atomic_block:
        _stamp(ids)
        _queue(ids)
        return
    pending = getattr(connection, "_kamkit_reassess", None)
    # a rolled-back transaction drops its callbacks: start a new batch then
    if pending is None or not pending.active():
        pending = _Pending()
        connection._kamkit_reassess = pending
        transaction.on_commit(pending.flush)
    new = ids - pending.ids
    if new:  # once per account and transaction (a contact, then its participants)
        _stamp(new)
        pending.ids |= new


def _stamp(ids: set[int]) -> None:
    now = timezone.now()
    RecordsChanged.objects.bulk_create(
        [RecordsChanged(account_id=pk, at=now) for pk in sorted(ids)],
        update_conflicts=True,
        unique_fields=["account_id"],
        update_fields=["at"],
        batch_size=500,
    )


class _Pending:
    """The accounts noted in the current transaction, queued in one task at its commit."""

    def __init__(self) -> None:
        self.ids: set[int] = set()

    def active(self) -> bool:
        """Still waiting for its transaction's commit (not run, not rolled back)."""
        return any(item[1] == self.flush for item in connection.run_on_commit)

    def flush(self) -> None:
        ids, self.ids = self.ids, set()
        if getattr(connection, "_kamkit_reassess", None) is self:
            connection._kamkit_reassess = None
        if ids:
            _stamp(ids)  # after the commit: see records_changed
            _queue(ids)


def _queue(ids: set[int], *, from_a_read: bool = False) -> bool:
    """Ask the task runner to assess these accounts; False if it could not be asked. From
    a page view (``from_a_read``) it waits at most 0.2 s for SQLite's write lock: a read
    never waits for a long writer (issue 17); the page computed live anyway."""
    from .tasks import reassess

    try:
        with _short_wait() if from_a_read else contextlib.nullcontext():
            reassess.enqueue(sorted(ids))
    except Exception:  # the page computes live until a run stores a new snapshot
        log.warning("could not queue the reassessment of %s account(s)", len(ids), exc_info=True)
        return False
    return True


@contextmanager
def _short_wait() -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA busy_timeout")
        before = cur.fetchone()[0]
        cur.execute("PRAGMA busy_timeout = 200")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA busy_timeout = {int(before)}")


@dataclass(frozen=True)
class Freshness:
    """Where the account page's assessment comes from: the day's stored snapshot
    (``stored``), or a live computation because none is current. ``changed_at``: the
    records' last change; ``outdated``: when the stored snapshot that change made
    outdated was computed; ``queued``: a new snapshot was asked of the task runner."""

    stored: bool
    computed_at: dt.datetime
    changed_at: dt.datetime | None = None
    outdated: dt.datetime | None = None
    queued: bool = False


def is_current(
    computed_at: dt.datetime, used: str, changed_at: dt.datetime | None, digest: str
) -> bool:
    """A stored assessment is current when it was computed under these settings (their
    ``digest``) and after the last change of the account's records (``changed_at``)."""
    return used == digest and (changed_at is None or changed_at <= computed_at)


def _stored_today(account: Account, today: dt.date, config: AssessmentConfig) -> tuple:
    """The day's snapshot if it is current: computed after the last change of the
    account's records, under these settings. ``(payload, computed_at, changed_at)``."""
    row = (
        LatestAssessment.objects.filter(account=account, on=today)
        .values_list("payload", "computed_at", "settings_digest")
        .first()
    )
    changed = (
        RecordsChanged.objects.filter(account_id=account.pk).values_list("at", flat=True).first()
    )
    if row is None:
        return None, None, changed
    payload, computed_at, digest = row
    if not is_current(computed_at, digest, changed, settings_digest(config)):
        return None, computed_at, changed
    return payload, computed_at, changed


def assessment_json(account: Account, day: dt.date) -> dict:
    """An account's assessment of a day in the SPEC §2.5.1 shape: today's stored one when
    it is current (as the account page reads it), else computed from the records (issue
    17: the API computed it on every request)."""
    if day == timezone.localdate():
        payload, _run, _config = _stored_today(account, day, configuration())
        if payload is not None:
            return payload
    (assessment,) = assess_accounts([account.pk], day)
    return assessment.to_json()


def account_overview(account: Account, today: dt.date | None = None) -> dict:
    """Everything the account page shows about the assessment: the day's assessment (the
    stored snapshot when it is current, else computed live and a new one queued), how
    fresh it is, the lever's next actions, and the charts' data (stored snapshots, the
    last year's contact frequency against the ideal band, the last window's channel
    mix)."""
    from kamkit.core.lifecycle.actions import next_actions

    from . import charts

    today = today or timezone.localdate()
    config = configuration()
    payload, stored_at, changed_at = _stored_today(account, today, config)
    if payload is not None:
        freshness = Freshness(True, stored_at, changed_at)
        customer_band = preferred_bands([account.pk]).get(account.pk)
    else:
        inputs = collect([account.pk], today, config)[account.pk]
        payload = inputs.assess(account.pk, today, config).to_json()
        customer_band = inputs.signals.band
        # one request to store it per account and day every few minutes, not one a view
        queued = today == timezone.localdate() and cache.add(
            f"kamkit:reassess:{account.pk}:{today}", 1, timeout=300
        )
        queued = queued and _queue({account.pk}, from_a_read=True)
        freshness = Freshness(False, timezone.now(), changed_at, stored_at, bool(queued))
    lever = payload["lever"]["process"]
    actions = next_actions(payload["processes"][lever]["subscores"]) if lever else []

    snaps = list(
        AssessmentSnapshot.objects.filter(account=account)
        .order_by("on")
        .values_list("on", "phase", "communication", "co_creation", "problem_solving", "index")
    )
    series = {
        key: [(s[0], s[k + 2]) for s in snaps]
        for k, key in enumerate(("communication", "co_creation", "problem_solving", "index"))
    }
    labels = {
        "communication": _("Communication"),
        "co_creation": _("Co-creation"),
        "problem_solving": _("Problem solving"),
        "index": _("Index"),
    }

    periods = 12
    since = today - dt.timedelta(days=30 * periods - 1)
    counts = [0] * periods
    for occurred in (
        Interaction.objects.alive()
        .filter(
            account=account,
            occurred_at__gte=_aware(since),
            occurred_at__lt=_aware(today + dt.timedelta(days=1)),
        )
        .values_list("occurred_at", flat=True)
    ):
        k = (timezone.localtime(occurred).date() - since).days // 30
        counts[min(periods - 1, k)] += 1
    months = [
        (date_format(since + dt.timedelta(days=30 * k + 29), "M"), n) for k, n in enumerate(counts)
    ]
    band = customer_band or config.phase_bands.get(
        payload["phase"]["value"] or "", config.phase_bands["maturity"]
    )
    mix = list(
        Interaction.objects.alive()
        .filter(
            account=account,
            occurred_at__gte=_aware(today - dt.timedelta(days=config.window_days - 1)),
            occurred_at__lt=_aware(today + dt.timedelta(days=1)),
        )
        .values_list("channel")
        .annotate(n=Count("id"))
        .order_by("-n", "channel")
    )
    return {
        "json": payload,
        "freshness": freshness,
        "actions": actions,
        "band": band,
        "band_from_customer": customer_band is not None,
        "charts": {
            "phases": charts.phase_history([(s[0], s[1]) for s in snaps]),
            "scores": charts.lines_over_time(series, labels),
            "frequency": charts.frequency_against_band(months, band),
            "mix": charts.mix_bar([(str(value_label(c)), n) for c, n in mix]),
        },
    }
