"""A new database made in one step (``kamkit.web.schema``) has the schema a replay of every
migration gives: table by table, column, index, constraint and foreign key, on SQLite and
on PostgreSQL. A replay takes about 10 s of each database, so the comparison runs in CI's
PostgreSQL pass (marked ``replay``, left out of ``uv run pytest``; ``uv run pytest -m
replay`` runs it); which migrations carry code is checked in every run."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import migrations
from django.db.migrations.loader import MigrationLoader

from kamkit.web.schema import migrate_database, unread_code

ROOT = Path(__file__).resolve().parents[2]
PG = "postgresql://postgres@127.0.0.1"


def _start(args: list[str], data: Path, database: str | None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTEST_XDIST_WORKER")}
    env["KAMKIT_DATA_DIR"] = str(data)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if database:
        env["DATABASE_URL"] = database
    return subprocess.Popen(
        [sys.executable, "-m", "kamkit.cli", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _both(tmp_path: Path, databases: tuple[str | None, str | None]) -> str:
    """Django's replay (``kamkit manage migrate``) and kamkit's one step (``kamkit
    migrate``) side by side; the one step's output."""
    replay = _start(["manage", "migrate", "-v", "0"], tmp_path / "replay", databases[0])
    one_step = _start(["migrate"], tmp_path / "one-step", databases[1])
    said = one_step.communicate(timeout=300)[0]
    replayed = replay.communicate(timeout=300)[0]
    assert replay.returncode == 0, replayed
    assert one_step.returncode == 0, said
    return said


def sqlite_schema(path: Path) -> dict:
    db = sqlite3.connect(path)
    out: dict = {}
    tables = [
        r[0]
        for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not r[0].startswith("sqlite_")
    ]
    for table in tables:
        sql = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        indexes = set()
        for _, name, unique, origin, _partial in db.execute(f'PRAGMA index_list("{table}")'):
            columns = tuple(r[2] for r in db.execute(f'PRAGMA index_info("{name}")'))
            made = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()
            where = (made[0] or "").partition(" WHERE ")[2] if made else ""
            # SQLite names the indexes behind UNIQUE columns by the column's place
            indexes.add((columns, unique, origin, where, name if origin == "c" else ""))
        out[table] = {
            # the column's place differs (a replay adds a field at the end): not its meaning
            "columns": {r[1]: r[2:] for r in db.execute(f'PRAGMA table_info("{table}")')},
            "indexes": sorted(indexes, key=str),
            "foreign keys": sorted(
                r[2:5] for r in db.execute(f'PRAGMA foreign_key_list("{table}")')
            ),
            "checks": sorted(part.split(")")[0] for part in sql.split("CHECK (")[1:]),
        }
    out["applied"] = sorted(db.execute("SELECT app, name FROM django_migrations"))
    out["permissions"] = db.execute("SELECT count(*) FROM auth_permission").fetchone()
    return out


def postgres_schema(url: str) -> dict:
    import psycopg

    with psycopg.connect(url) as conn:

        def rows(sql: str) -> list:
            return sorted(conn.execute(sql).fetchall())

        return {
            "columns": rows(
                "SELECT table_name, column_name, data_type, is_nullable, column_default, "
                "character_maximum_length FROM information_schema.columns "
                "WHERE table_schema = 'public'"
            ),
            "indexes": rows(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
            ),
            "constraints": rows(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
            ),
            "sequences": rows(
                "SELECT sequence_name, data_type FROM information_schema.sequences "
                "WHERE sequence_schema = 'public'"
            ),
            "applied": rows("SELECT app, name FROM django_migrations"),
            "permissions": rows("SELECT count(*) FROM auth_permission"),
        }


@pytest.mark.replay
@pytest.mark.database  # CI's PostgreSQL pass runs it, for both databases
@pytest.mark.parametrize("vendor", ["sqlite", "postgresql"])
def test_a_new_database_made_in_one_step_has_the_schema_a_replay_gives(vendor, tmp_path):
    if vendor == "sqlite":
        said = _both(tmp_path, (None, None))
        assert "in one step" in said
        replayed = sqlite_schema(tmp_path / "replay" / "kamkit.sqlite3")
        made = sqlite_schema(tmp_path / "one-step" / "kamkit.sqlite3")
        assert len(replayed) > 70
        assert set(made) == set(replayed)
        for table in replayed:  # one table at a time: a failure names it
            assert made[table] == replayed[table], table
        assert "users.0001_initial" in said  # what was recorded as applied is listed
        again = _start(["migrate"], tmp_path / "one-step", None)
        assert "nothing to apply" in again.communicate(timeout=120)[0]
        return
    import psycopg

    names = [f"kamkit_schema_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    try:
        with psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=3) as conn:
            for name in names:
                conn.execute(f"CREATE DATABASE {name}")
    except psycopg.OperationalError:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not reachable at 127.0.0.1:5432")
        pytest.skip("PostgreSQL is not reachable here")
    try:
        said = _both(tmp_path, (f"{PG}/{names[0]}", f"{PG}/{names[1]}"))
        assert "in one step" in said
        replayed, made = (postgres_schema(f"{PG}/{n}") for n in names)
        # the index PostgreSQL alone gets (a migration's code) is made in one step too
        assert any(name == "interaction_window" for name, _ in made["indexes"])
        for part in replayed:
            assert made[part] == replayed[part], part
    finally:
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            for name in names:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_migration_with_code_kamkit_has_not_read_makes_it_replay():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    assert unread_code(loader) == []  # a new one (a dependency's too) fails here: read it
    writes = migrations.Migration("0099_fills_rows", "relationships")
    writes.operations = [migrations.RunPython(migrations.RunPython.noop)]
    loader.disk_migrations[("relationships", "0099_fills_rows")] = writes
    assert unread_code(loader) == [("relationships", "0099_fills_rows")]
    schema_only = migrations.Migration("0100_a_field", "relationships")
    schema_only.operations = [migrations.RemoveField("interaction", "summary")]
    loader.disk_migrations[("relationships", "0100_a_field")] = schema_only
    assert unread_code(loader) == [("relationships", "0099_fills_rows")]


def test_a_database_with_tables_is_migrated_one_by_one(db, monkeypatch):
    from kamkit.web import schema

    replayed = []
    monkeypatch.setattr(schema, "call_command", lambda *a, **k: replayed.append(a))
    assert migrate_database() == []  # the test database is current: nothing to do
    assert not schema.new_database_in_one_step()  # it has tables
    assert replayed == []
