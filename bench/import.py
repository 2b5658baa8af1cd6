"""Benchmark: importing a Salesforce-style export (issue 16), next to reading it.

Writes a Salesforce Data Export of ``--scale`` × (10,000 accounts, 200,000 contacts and
1,000,000 activities: logged calls and emails in Task.csv, meetings in Event.csv) into
``--folder``, imports it into the (empty) database of ``KAMKIT_DATA_DIR`` or
``DATABASE_URL`` with ``import_files`` (what ``kamkit import`` runs: every row checked,
written through the services, the kept aggregates rebuilt and every account assessed),
and prints the time next to the floor measured in the same run: reading the same four
files with the ``csv`` module. On SQLite it also prints what writing the same rows costs
with nothing else (``write_floor``: bare inserts into tables of the same definition), the
least any import that stores them could take. Peak memory is the process's maximum
resident size.
Targets: under 3 minutes on SQLite, within 10× the floor, peak memory under 1 GB.

    KAMKIT_DATA_DIR=/tmp/kamkit-import uv run python bench/import.py
    DATABASE_URL=postgresql://postgres@127.0.0.1/kamkit_import uv run python bench/import.py
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kamkit.web.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from kamkit.web.accounts.models import Account  # noqa: E402
from kamkit.web.imports.services import import_files  # noqa: E402
from kamkit.web.relationships.models import Interaction  # noqa: E402
from kamkit.web.schema import migrate_database  # noqa: E402

TARGETS_NOT_MET = 3
FULL = {"accounts": 10_000, "contacts": 200_000, "activities": 1_000_000}
INDUSTRIES = ["Manufacturing", "Healthcare", "Energy", "Retail", "Logistics", "Chemicals"]
COUNTRIES = ["Germany", "France", "Norway", "Italy", "Spain", "Poland", "Austria"]


def sf_id(prefix: str, n: int) -> str:
    return f"{prefix}{n:015d}"


def generate(folder: Path, scale: float, seed: int = 7) -> dict[str, int]:
    """The four files of a Salesforce Data Export, deterministic for a seed."""
    rng = random.Random(seed)
    counts = {k: max(1, round(v * scale)) for k, v in FULL.items()}
    folder.mkdir(parents=True, exist_ok=True)
    today = dt.date.today()
    with (folder / "Account.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["Id", "Name", "Industry", "BillingCountry", "OwnerId", "ParentId"])
        for a in range(counts["accounts"]):
            parent = sf_id("001", a - 1) if a % 10 == 9 else ""
            out.writerow(
                [
                    sf_id("001", a),
                    f"Customer {a:05d} AG",
                    rng.choice(INDUSTRIES),
                    rng.choice(COUNTRIES),
                    "005000000000001",
                    parent,
                ]
            )
    contacts_of: list[int] = []
    with (folder / "Contact.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["Id", "AccountId", "FirstName", "LastName", "Email", "Title", "Department"])
        for c in range(counts["contacts"]):
            account = c % counts["accounts"]
            contacts_of.append(account)
            out.writerow(
                [
                    sf_id("003", c),
                    sf_id("001", account),
                    f"First{c}",
                    f"Last{c}",
                    f"person{c}@customer{account}.example",
                    "Buyer",
                    "Procurement",
                ]
            )
    tasks = round(counts["activities"] * 0.6)
    with (folder / "Task.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(
            [
                "Id",
                "WhoId",
                "AccountId",
                "Subject",
                "ActivityDate",
                "Status",
                "TaskSubtype",
                "CallType",
                "OwnerId",
            ]
        )
        for t in range(tasks):
            contact = rng.randrange(counts["contacts"])
            day = today - dt.timedelta(days=rng.randrange(1, 730))
            subtype = "Call" if t % 3 else "Email"
            out.writerow(
                [
                    sf_id("00T", t),
                    sf_id("003", contact),
                    sf_id("001", contacts_of[contact]),
                    f"{subtype} {t}",
                    day.isoformat(),
                    "Completed",
                    subtype,
                    "Inbound" if t % 5 == 0 else "Outbound",
                    "005000000000001",
                ]
            )
    with (folder / "Event.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["Id", "WhoId", "AccountId", "Subject", "StartDateTime", "Location"])
        for e in range(counts["activities"] - tasks):
            contact = rng.randrange(counts["contacts"])
            start = dt.datetime.combine(
                today - dt.timedelta(days=rng.randrange(1, 730)), dt.time(9 + e % 8)
            )
            out.writerow(
                [
                    sf_id("00U", e),
                    sf_id("003", contact),
                    sf_id("001", contacts_of[contact]),
                    f"Meeting {e}",
                    start.strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
                    "https://teams.microsoft.com/x" if e % 4 == 0 else "On site",
                ]
            )
    return counts


def read_floor(paths: list[Path]) -> tuple[float, int]:
    start = time.perf_counter()
    rows = 0
    for path in paths:
        with path.open(newline="", encoding="utf-8") as f:
            for _ in csv.reader(f):
                rows += 1
    return time.perf_counter() - start, rows


WRITTEN = (
    "accounts_account",
    "accounts_person",
    "relationships_interaction",
    "relationships_interaction_participants",
)
"""The tables the import fills from the four files (the aggregates and assessment aside)."""


def write_floor(database: str) -> tuple[float, int]:
    """SQLite alone: the time to write the rows the import wrote, with nothing else.
    The rows are read back and inserted by ``executemany`` into new tables with the same
    definitions and indexes, in one transaction, under kamkit's own pragmas: no parsing,
    checking, mapping, history, aggregates or assessment."""
    import sqlite3
    import tempfile

    source = sqlite3.connect(database)
    with tempfile.TemporaryDirectory() as folder:
        target = sqlite3.connect(Path(folder) / "floor.sqlite3", isolation_level=None)
        target.executescript(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
        )
        rows: dict[str, list[tuple]] = {}
        for table in WRITTEN:
            for (sql,) in source.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL "
                "ORDER BY type DESC",  # the table before its indexes
                (table,),
            ):
                target.execute(sql)
            rows[table] = source.execute(f'SELECT * FROM "{table}"').fetchall()
        start = time.perf_counter()
        target.execute("BEGIN")
        for table, values in rows.items():
            if values:
                marks = ", ".join("?" * len(values[0]))
                target.executemany(f'INSERT INTO "{table}" VALUES ({marks})', values)
        target.execute("COMMIT")
        seconds = time.perf_counter() - start
        target.close()
    return seconds, sum(len(v) for v in rows.values())


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/kamkit-import-export"))
    args = parser.parse_args()
    migrate_database()
    if Account.objects.exists():
        print("the database is not empty: point KAMKIT_DATA_DIR or DATABASE_URL at a new one")
        return 2
    started = time.perf_counter()
    counts = generate(args.folder, args.scale)
    print(f"generated {counts} in {time.perf_counter() - started:.1f} s ({args.folder})")
    paths = [args.folder / n for n in ("Account.csv", "Contact.csv", "Task.csv", "Event.csv")]
    floor, rows = read_floor(paths)
    start = time.perf_counter()
    report = import_files(None, paths)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    totals = report.totals()
    interactions = Interaction.objects.count()
    print(f"database: {connection.vendor}; rows read: {rows:,}; imported: {totals}")
    print(f"interactions stored: {interactions:,}; accounts assessed: {report.assessed:,}")
    print(f"{'':<36}{'seconds':>10}")
    print(f"{'floor (csv module reads)':<36}{floor:>10.2f}")
    if connection.vendor == "sqlite":
        bare, written = write_floor(connection.settings_dict["NAME"])
        print(
            f"{'bare inserts of the rows written':<36}{bare:>10.2f}   ratio {bare / floor:.1f} ×"
            f"  ({written:,} rows, nothing else)"
        )
    print(f"{'kamkit import':<36}{seconds:>10.2f}   ratio {seconds / floor:.1f} ×")
    print(f"peak memory: {peak_mb:,.0f} MB")
    met = (
        report.exit_status == 0
        and seconds / floor <= 10
        and peak_mb < 1024
        and (connection.vendor != "sqlite" or seconds < 180)
    )
    print("targets met" if met else "TARGETS NOT MET (under 3 min on SQLite, ≤ 10× floor, < 1 GB)")
    return 0 if met else TARGETS_NOT_MET


if __name__ == "__main__":
    sys.exit(main())
