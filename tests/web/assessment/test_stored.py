"""The account page reads the day's stored assessment while it is current (issue 17):
every write of an assessed record marks the account's snapshot outdated and queues a
new one through the task runner; until it is stored the page computes live and says
so."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.db import transaction
from django.utils import timezone

from kamkit.web.assessment import services, tasks
from kamkit.web.assessment.models import AssessmentSnapshot, LatestAssessment, RecordsChanged
from kamkit.web.relationships import services as work
from kamkit.web.relationships.models import Interaction, Problem, Pulse

REASSESS = tasks.reassess


def queue_to_list(monkeypatch) -> list:
    """What would be queued for the task runner, kept in a list instead."""
    queued: list = []

    class Recorder:
        @staticmethod
        def enqueue(ids) -> None:
            queued.append(list(ids))

    monkeypatch.setattr(tasks, "reassess", Recorder)
    return queued


def freshness(client, account) -> str:
    page = BeautifulSoup(client.get(f"/accounts/{account.pk}/").content, "html.parser")
    return " ".join(page.select_one("#assessment-freshness").text.split())


def index_shown(client, account) -> str:
    page = BeautifulSoup(client.get(f"/accounts/{account.pk}/").content, "html.parser")
    node = page.select_one(".index-big")
    return node.text if node else ""


def no_live_assessment(monkeypatch) -> list:
    """Count the live computations (``collect``) the page makes."""
    calls: list = []
    real = services.collect

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "collect", counting)
    return calls


def test_a_current_snapshot_is_shown_without_computing(as_role, firm, monkeypatch):
    services.assess_portfolio(account_ids=[firm.own.pk])
    calls = no_live_assessment(monkeypatch)
    c = as_role("manager")
    text = freshness(c, firm.own)
    assert "up to date with every record" in text
    assert calls == []  # read, not computed


def test_a_change_makes_the_page_compute_live_and_queue_a_new_snapshot(
    client, live_firm, monkeypatch
):
    firm = live_firm  # committed: the change's own commit queues the task
    services.assess_portfolio(account_ids=[firm.own.pk])
    stored = LatestAssessment.objects.get(account=firm.own, on=timezone.localdate())
    before = stored.payload
    manager = firm.users["manager"]
    queued = queue_to_list(monkeypatch)
    # the service commits its own transaction, which queues the task
    work.log_interaction(
        manager,
        firm.own,
        {
            "occurred_at": timezone.now() - dt.timedelta(hours=1),
            "channel": "video",
            "initiated_by": "supplier",
            "two_way": False,
            "content": "strategic",
            "formality": "informal",
            "summary": "Roadmap",
        },
        [],
    )
    assert queued == [[firm.own.pk]]  # one task, after the commit
    assert RecordsChanged.objects.filter(account_id=firm.own.pk).exists()
    calls = no_live_assessment(monkeypatch)
    c = client
    c.force_login(manager)
    text = freshness(c, firm.own)
    assert "computed just now: records changed" in text and "after the stored one" in text
    assert len(calls) == 1  # computed live, since the stored one is outdated
    # the task runner's run stores a current snapshot: the page reads it again
    assert REASSESS.call([firm.own.pk]) == 1
    stored = LatestAssessment.objects.get(account=firm.own, on=timezone.localdate())
    live = services.assess_accounts([firm.own.pk])[0].to_json()
    assert stored.payload == live != before  # the new contact counted
    assert stored.computed_at >= RecordsChanged.objects.get(account_id=firm.own.pk).at
    calls.clear()
    assert "up to date with every record" in freshness(c, firm.own)
    assert calls == []
    # a second run finds it current and does nothing
    assert REASSESS.call([firm.own.pk]) == 0


def test_without_a_snapshot_of_today_the_page_queues_one_once(as_role, firm, monkeypatch):
    queued = queue_to_list(monkeypatch)
    from django.core.cache import cache

    cache.clear()
    c = as_role("manager")
    assert "none stored yet today; a new one is being stored" in freshness(c, firm.own)
    assert "a new one is being stored" not in freshness(c, firm.own)  # not again at once
    assert queued == [[firm.own.pk]]


def test_a_snapshot_made_under_other_settings_is_not_current(as_role, firm, monkeypatch):
    services.assess_portfolio(account_ids=[firm.own.pk])
    LatestAssessment.objects.filter(account=firm.own).update(settings_digest="0" * 16)
    queue_to_list(monkeypatch)
    calls = no_live_assessment(monkeypatch)
    c = as_role("manager")
    assert "computed just now" in freshness(c, firm.own)
    assert len(calls) == 1


def test_the_page_shows_the_same_assessment_stored_or_live(as_role, firm):
    c = as_role("manager")
    live = index_shown(c, firm.own)
    services.assess_portfolio(account_ids=[firm.own.pk])
    assert "up to date" in freshness(c, firm.own)
    assert index_shown(c, firm.own) == live


def test_one_transaction_queues_one_task_for_all_its_accounts(live_firm, monkeypatch):
    firm = live_firm
    queued = queue_to_list(monkeypatch)
    with transaction.atomic():
        for account in (firm.own, firm.other, firm.own):
            Pulse.objects.create(account=account, person=account.persons.first(), trust=5)
    assert queued == [sorted([firm.own.pk, firm.other.pk])]


@pytest.mark.parametrize("kind", ["problem", "pulse", "interaction", "decision", "participants"])
def test_every_kind_of_assessed_record_marks_its_account(live_firm, kind):
    firm = live_firm  # each write commits: its own transaction notes the change
    RecordsChanged.objects.all().delete()
    own = firm.own
    if kind == "problem":
        Problem.objects.create(account=own, title="Leak", raised_by="customer")
    elif kind == "pulse":
        Pulse.objects.filter(account=own).first().delete()
    elif kind == "interaction":
        Interaction.objects.filter(account=own).update(summary="x")  # no signal: no mark
        assert not RecordsChanged.objects.exists()
        interaction = Interaction.objects.filter(account=own).first()
        interaction.summary = "changed"
        interaction.save()
    elif kind == "decision":  # the other account is the declining one
        own = firm.other
        work.record_decline_decision(own, "revive", "A new buyer", firm.users["director"])
    else:
        interaction = Interaction.objects.filter(account=own).first()
        interaction.participants.clear()
    assert list(RecordsChanged.objects.values_list("account_id", flat=True)) == [own.pk]


def test_the_assessments_own_writes_mark_nothing(live_firm):
    firm = live_firm
    RecordsChanged.objects.all().delete()
    services.assess_portfolio(account_ids=[firm.own.pk, firm.other.pk])
    assert not RecordsChanged.objects.exists()


def test_a_snapshot_computed_before_the_commit_is_outdated_after_it(live_firm, monkeypatch):
    """The change's time is written again after the commit: a snapshot computed while
    the writing transaction was open (elsewhere, without its changes) is not current."""
    firm = live_firm
    queue_to_list(monkeypatch)
    with transaction.atomic():
        Pulse.objects.create(account=firm.own, person=firm.own.persons.first(), trust=2)
        noted = RecordsChanged.objects.get(account_id=firm.own.pk).at
        services.assess_portfolio(account_ids=[firm.own.pk])  # as if by another process
        computed = LatestAssessment.objects.get(account=firm.own, on=timezone.localdate())
        assert computed.computed_at > noted
    after = RecordsChanged.objects.get(account_id=firm.own.pk).at
    assert after > computed.computed_at
    payload, _, _ = services._stored_today(firm.own, timezone.localdate(), services.configuration())
    assert payload is None  # outdated: the page computes live


def test_only_the_latest_day_keeps_the_whole_assessment(firm):
    today = timezone.localdate()
    days = [today - dt.timedelta(days=k) for k in (2, 1, 0)]
    for day in days:
        services.assess_portfolio(day, [firm.own.pk, firm.other.pk])
    # assessing a past day again leaves the latest day's whole assessment alone
    services.assess_portfolio(days[0], [firm.own.pk])
    for account in (firm.own, firm.other):
        latest = LatestAssessment.objects.get(account=account)
        assert latest.on == today and latest.payload["on"] == today.isoformat()
        assert latest.payload["account"] == account.pk and latest.settings_digest
    # the trends keep every day's figures
    assert AssessmentSnapshot.objects.filter(account=firm.own, index__isnull=False).count() == 3


def test_the_api_reads_the_current_stored_assessment_too(client, bearer, firm, monkeypatch):
    """GET /api/v1/accounts/{id}/assessment answers from the day's stored assessment while
    it is current, with the same figures as computing it; after a change it computes."""
    url = f"/api/v1/accounts/{firm.own.pk}/assessment"
    live = client.get(url, **bearer("manager")).json()
    services.assess_portfolio(account_ids=[firm.own.pk])
    calls = no_live_assessment(monkeypatch)
    stored = client.get(url, **bearer("manager")).json()
    assert calls == []  # read, not computed
    assert stored == live
    services.records_changed({firm.own.pk})
    RecordsChanged.objects.filter(account_id=firm.own.pk).update(
        at=timezone.now() + dt.timedelta(seconds=5)
    )
    again = client.get(url, **bearer("manager")).json()
    assert len(calls) == 1 and again == live
    # a past day is always computed
    client.get(url + f"?on={timezone.localdate() - dt.timedelta(days=3)}", **bearer("manager"))
    assert len(calls) == 2
