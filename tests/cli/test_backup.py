"""kamkit backup and kamkit restore (issue 16): the demo firm round-trips on SQLite, into
PostgreSQL and back, table by table; a restore never writes over data unasked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kamkit.cli import app

ROOT = Path(__file__).resolve().parents[2]
PG = "postgresql://postgres@127.0.0.1"
runner = CliRunner()


def tables(path: Path) -> dict[str, list]:
    """Every table of an archive as parsed rows (JSON objects compare by content:
    PostgreSQL keeps a JSON object's keys in its own order)."""
    with zipfile.ZipFile(path) as z:
        return {
            n: [json.loads(line) for line in z.read(n).decode().splitlines()]
            for n in z.namelist()
            if n.startswith("tables/")
        }


ROUND_TRIP = """
import sys
from kamkit.cli import app
for args in (["restore", sys.argv[1]], ["backup", sys.argv[2]]):
    code = app(args, standalone_mode=False)
    if code:
        sys.exit(code)
# new records after a restore get ids past the restored ones (sequences moved on)
from kamkit.web.accounts.services import create_account
create_account(None, {"name": "After the restore"})
"""


def _env(data: Path, database: str | None) -> dict[str, str]:
    env = {**os.environ, "KAMKIT_DATA_DIR": str(data)}
    env.pop("DATABASE_URL", None)
    if database:
        env["DATABASE_URL"] = database
    return env


def migrate_meanwhile(data: Path) -> subprocess.Popen:
    """Migrate a new SQLite folder in the background (the slow part of a round trip)
    while the other leg runs: the test takes one migration's time less."""
    return subprocess.Popen(
        [sys.executable, "-m", "kamkit.cli", "migrate"],
        env=_env(data, None),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def round_trip(archive: Path, out: Path, *, data: Path, database: str | None = None) -> None:
    """Restore ``archive`` into a new database, back it up to ``out`` and add an account,
    in one process (each new database is migrated once: the slow part)."""
    env = _env(data, database)
    done = subprocess.run(
        [sys.executable, "-c", ROUND_TRIP, str(archive), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr


def postgres_database() -> str | None:
    """A new, empty PostgreSQL database, or None when no server answers."""
    name = f"kamkit_restore_{uuid.uuid4().hex[:8]}"
    try:
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"CREATE DATABASE {name}")
    except Exception:
        return None
    return f"{PG}/{name}"


def drop(database: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {database.rsplit('/', 1)[1]} WITH (FORCE)")


def test_the_demo_firm_round_trips_across_both_databases(db, tmp_path):
    from django.db import connection

    from kamkit.web.demo import load_demo

    if connection.vendor == "postgresql":  # CI's second pass: 30 s for nothing new
        pytest.skip("the SQLite pass already goes SQLite → PostgreSQL → SQLite")

    load_demo()
    first = tmp_path / "first.zip"
    result = runner.invoke(app, ["backup", str(first)])
    assert result.exit_code == 0, result.output
    original = tables(first)
    assert len(original["tables/accounts.account.jsonl"]) > 40
    assert original["tables/accounts.historicalaccount.jsonl"]  # history is kept
    assert original["tables/users.apitoken.jsonl"] is not None

    # SQLite → PostgreSQL → SQLite: every table identical at each step
    database = postgres_database()
    if database is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not reachable at 127.0.0.1:5432")
        pytest.skip("PostgreSQL is not reachable here")
    back = migrate_meanwhile(tmp_path / "back")
    try:
        pg = tmp_path / "pg"
        from_pg = tmp_path / "from-pg.zip"
        round_trip(first, from_pg, data=pg, database=database)
        assert tables(from_pg) == original
        # and back from PostgreSQL into SQLite: the same tables once more
        final = tmp_path / "final.zip"
        assert back.wait(timeout=300) == 0, back.stderr.read()
        round_trip(from_pg, final, data=tmp_path / "back")
        assert tables(final) == original
    finally:
        drop(database)


def test_restore_refuses_a_database_with_data_unless_forced(firm, tmp_path):
    from kamkit.web.accounts.models import Account

    archive = tmp_path / "b.zip"
    assert runner.invoke(app, ["backup", str(archive)]).exit_code == 0
    Account.objects.filter(pk=firm.own.pk).update(name="Changed after the backup")
    refused = runner.invoke(app, ["restore", str(archive)])
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert Account.objects.get(pk=firm.own.pk).name == "Changed after the backup"
    forced = runner.invoke(app, ["restore", "--force", str(archive)])
    assert forced.exit_code == 0, forced.output
    assert Account.objects.get(pk=firm.own.pk).name == "Alpha Motors"
    again = tmp_path / "again.zip"
    runner.invoke(app, ["backup", str(again)])
    assert tables(again) == tables(archive)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not a zip", "not a kamkit backup"), (None, "no such file")],
)
def test_restore_of_something_else_says_what_is_wrong(db, tmp_path, content, message):
    path = tmp_path / "x.zip"
    if content is not None:
        path.write_bytes(content)
    result = runner.invoke(app, ["restore", str(path)])
    assert result.exit_code == 2 and message in result.stderr


def test_a_backup_from_other_migrations_is_refused(db, tmp_path):
    path = tmp_path / "old.zip"
    manifest = {
        "format": "kamkit-backup",
        "version": 1,
        "kamkit_version": "0.0.1",
        "migrations": {"accounts": ["0001_initial"]},
        "tables": {},
    }
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("manifest.json", json.dumps(manifest))
    result = runner.invoke(app, ["restore", str(path)])
    assert result.exit_code == 2 and "kamkit 0.0.1" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_a_backup_runs_beside_a_writer_and_holds_only_what_was_committed(tmp_path):
    """The server keeps writing while a backup reads its snapshot (SQLite: a WAL reader
    never waits for the write lock)."""
    import sqlite3

    from django.db import connection

    from kamkit.web.accounts.models import Account
    from tests.personas import build_firm

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL readers never wait for writers")
    build_firm()
    writer = sqlite3.connect(connection.settings_dict["NAME"], timeout=1)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE accounts_account SET name = 'not committed yet'")
        archive = tmp_path / "live.zip"
        result = runner.invoke(app, ["backup", str(archive)])
        assert result.exit_code == 0, result.output
    finally:
        writer.rollback()
        writer.close()
    header, *rows = tables(archive)["tables/accounts.account.jsonl"]
    names = {row[header.index("name")] for row in rows}
    assert names == set(Account.objects.values_list("name", flat=True))
    assert "not committed yet" not in names
