"""/healthz (issue 17): 200 when kamkit can serve, 503 naming what is wrong."""

from __future__ import annotations

import pytest
from django.db.migrations.executor import MigrationExecutor

from kamkit.web import health


@pytest.fixture(autouse=True)
def _fresh():
    health._MIGRATED.clear()
    yield
    health._MIGRATED.clear()


def test_healthy(client, db):
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() | {"version": "-"} == {
        "status": "ok",
        "database": "ok",
        "migrations": "ok",
        "version": "-",
    }


def test_pending_migrations_are_unavailable(client, db, monkeypatch):
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("m", False)])
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["migrations"].startswith("pending")


def test_an_unreachable_database_is_unavailable(client, db, monkeypatch):
    class Down:
        def cursor(self):
            raise OSError("connection refused")

    monkeypatch.setattr(health, "connection", Down())
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["database"] == "unreachable"


def test_only_get(client, db):
    assert client.post("/healthz").status_code == 405
