"""Benchmark: the space daily snapshots take (issue 17, item 7): 90 days of daily
assessments for 10,000 accounts, stored as ``kamkit assess`` stores them, must take
under 200 MB.

Loads the demo firm into a new data folder (or the empty database of ``DATABASE_URL``),
assesses its 48 accounts once for realistic assessments (reasons, sub-scores, settings),
makes ``--accounts`` accounts and writes ``--days`` days of their snapshots (each
account given one of the 48 assessments, day after day) twice, in the same run:

- in the layout before issue 17's change, every snapshot with its whole assessment, in
  a scratch table with the same columns and indexes (the baseline), and
- as ``store`` writes them now: the figures per day (``AssessmentSnapshot``), the whole
  assessment for each account's latest day only (``LatestAssessment``).

Prints the size of the tables with their indexes after each (SQLite: the pages they
use, from ``dbstat``; PostgreSQL: ``pg_total_relation_size``, the latest assessments'
table vacuumed after each day as autovacuum would between two daily runs) and the
writing time.

    uv run python bench/snapshots.py
    DATABASE_URL=postgresql://postgres@127.0.0.1/kamkit_snap uv run python bench/snapshots.py
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
import time

import orjson

from _fresh import fresh_database

TARGET_MB = 200.0
TARGETS_NOT_MET = 3


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=90)
    args = parser.parse_args()
    # the task runner is not what is measured: nothing queued is run
    fresh_database("kamkit-snap-", KAMKIT_TASK_BACKEND="django_tasks.backends.dummy.DummyBackend")
    from django.db import connection, transaction
    from django.utils import timezone

    from kamkit.web.accounts.models import Account
    from kamkit.web.assessment import services
    from kamkit.web.assessment.models import AssessmentSnapshot, LatestAssessment
    from kamkit.web.demo import load_demo

    load_demo()
    today = timezone.localdate()
    config = services.configuration()
    models = services.assess_accounts(None, today, config)
    AssessmentSnapshot.objects.all().delete()
    first = Account.objects.count()
    Account.objects.bulk_create(
        [Account(name=f"Bench {n}") for n in range(args.accounts)], batch_size=2000
    )
    ids = list(
        Account.objects.order_by("pk").values_list("pk", flat=True)[first : first + args.accounts]
    )
    digest = services.settings_digest(config)
    q = connection.ops.quote_name
    snapshots = AssessmentSnapshot._meta.db_table
    latest = LatestAssessment._meta.db_table
    old = "bench_old_snapshot"  # the layout before: every snapshot with its whole payload
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cur:
        cur.execute(
            f"CREATE TABLE {old} (id {'BIGSERIAL' if pg else 'INTEGER'} PRIMARY KEY, "
            f"account_id BIGINT NOT NULL, {q('on')} DATE NOT NULL, phase VARCHAR(20), "
            "phase_source VARCHAR(20), inferred_phase VARCHAR(20), communication REAL, "
            f"co_creation REAL, problem_solving REAL, {q('index')} REAL, lever VARCHAR(20), "
            f"payload TEXT, computed_at {'TIMESTAMPTZ' if pg else 'DATETIME'}, "
            "settings_digest VARCHAR(16))"
        )
        cur.execute(f"CREATE UNIQUE INDEX bench_old_one ON {old} (account_id, {q('on')})")
        cur.execute(f"CREATE INDEX bench_old_on ON {old} ({q('on')}, {q('index')})")

    def size_mb(*tables: str) -> float:
        with connection.cursor() as cur:
            if pg:
                cur.execute(
                    "SELECT SUM(pg_total_relation_size(t)) FROM unnest(%s::text[]) AS t",
                    [list(tables)],
                )
                return float(cur.fetchone()[0]) / 1e6
            marks = ", ".join(["%s"] * len(tables))
            cur.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name IN "
                f"(SELECT name FROM sqlite_master WHERE tbl_name IN ({marks}))",
                list(tables),
            )
            return (cur.fetchone()[0] or 0) / 1e6

    def days():
        for k in range(args.days):
            day = today - dt.timedelta(days=args.days - 1 - k)
            yield [
                dataclasses.replace(models[n % len(models)], account=pk, on=day)
                for n, pk in enumerate(ids)
            ]

    def before() -> float:
        started = time.perf_counter()
        columns = (
            "account_id, {on}, phase, phase_source, inferred_phase, communication, "
            "co_creation, problem_solving, {index}, lever, payload, computed_at, "
            "settings_digest"
        ).format(on=q("on"), index=q("index"))
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        for items in days():
            rows = [
                (
                    a.account,
                    connection.ops.adapt_datefield_value(a.on),
                    a.phase.value or "",
                    a.phase.source or "",
                    a.inferred.phase or "",
                    a.processes["communication"].score,
                    a.processes["co_creation"].score,
                    a.processes["problem_solving"].score,
                    a.index,
                    a.lever.process or "",
                    orjson.dumps(a.to_json()).decode(),
                    now,
                    digest,
                )
                for a in items
            ]
            with transaction.atomic(), connection.cursor() as cur:
                if pg:
                    with cur.cursor.copy(f"COPY {old} ({columns}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    cur.executemany(
                        f"INSERT INTO {old} ({columns}) VALUES ({', '.join(['%s'] * 13)})", rows
                    )
        return time.perf_counter() - started

    def now_layout() -> float:
        started = time.perf_counter()
        for items in days():
            with transaction.atomic():
                services._write_snapshots(items)
                services._write_latest(items, timezone.now(), digest)
            if pg:  # what autovacuum does between two daily runs: the replaced rows' space
                with connection.cursor() as cur:  # is reused, not added to
                    cur.execute(f"VACUUM {latest}")
        return time.perf_counter() - started

    base_s = before()
    base_mb = size_mb(old)
    now_s = now_layout()
    now_mb = size_mb(snapshots, latest)
    rows = args.days * args.accounts
    print(
        f"{args.days} days × {args.accounts:,} accounts = {rows:,} snapshots "
        f"({connection.vendor}; assessments of the demo's {len(models)} accounts)"
    )
    print(f"{'':<40}{'MB':>9}{'bytes/row':>11}{'writing s':>11}")
    for name, mb, s in (
        ("every snapshot whole (before)", base_mb, base_s),
        ("whole on the latest day only (now)", now_mb, now_s),
    ):
        print(f"{name:<40}{mb:>9.1f}{mb * 1e6 / rows:>11.0f}{s:>11.1f}")
    if (args.days, args.accounts) != (90, 10_000):
        print(f"(the target, under {TARGET_MB:.0f} MB, is for 90 days × 10,000 accounts)")
        return 0
    met = now_mb < TARGET_MB
    print("target met" if met else f"TARGET NOT MET (under {TARGET_MB:.0f} MB)")
    return 0 if met else TARGETS_NOT_MET


if __name__ == "__main__":
    sys.exit(main())
