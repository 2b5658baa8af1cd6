"""Pages answer while a long writer holds SQLite's write lock (an import, a restore):
reads run outside a transaction (kamkit.web.middleware.AtomicWrites); writes still run
in one transaction each."""

from __future__ import annotations

import sqlite3
import time

import pytest
from django.db import connection


@pytest.mark.django_db(transaction=True)
def test_a_page_reads_while_another_connection_writes(client, django_user_model):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL readers never wait for writers")
    from tests.personas import build_firm

    firm = build_firm()
    client.force_login(firm.users["director"])
    # no stored assessment: the page computes live and tries to queue one, which must
    # not wait for the writer either (issue 17)
    from django.core.cache import cache

    from kamkit.web.assessment.models import LatestAssessment

    LatestAssessment.objects.all().delete()
    cache.clear()
    writer = sqlite3.connect(connection.settings_dict["NAME"], timeout=1)
    try:
        writer.execute("BEGIN IMMEDIATE")  # the write lock, as a long import holds it
        writer.execute("UPDATE accounts_account SET name = 'being imported'")
        started = time.perf_counter()
        response = client.get(f"/accounts/{firm.own.pk}/")
        assert response.status_code == 200
        # a read that waited for the lock would take the busy timeout (20 s) and fail;
        # 15 s leaves a loaded machine room for the page itself
        assert time.perf_counter() - started < 15
        assert b"being imported" not in response.content  # the last committed state
        assert b"computed just now" in response.content
    finally:
        writer.rollback()
        writer.close()


def test_a_failed_write_request_writes_nothing(as_role, firm):
    """A POST that raises is rolled back as a whole (the middleware's transaction)."""
    from kamkit.web.middleware import AtomicWrites

    seen = []

    def view(request):
        from kamkit.web.accounts.models import Account

        Account.objects.filter(pk=firm.own.pk).update(name="half-written")
        seen.append(True)
        raise RuntimeError("boom")

    from django.test import RequestFactory

    request = RequestFactory().post("/x/")
    with pytest.raises(RuntimeError):
        AtomicWrites(view)(request)
    from kamkit.web.accounts.models import Account

    assert seen and Account.objects.get(pk=firm.own.pk).name == "Alpha Motors"
