"""Alerts on a fall of the index (kamkit.core.portfolio.ALERT_DROP_POINTS): the KA manager
and the KAM directors are told once a month, with the principal lever."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kamkit.web.assessment.models import AssessmentSnapshot, IndexAlert
from kamkit.web.assessment.services import assess_accounts, assess_portfolio, configuration
from kamkit.web.portal.models import Notification


def _today_index(account) -> float:
    today = timezone.localdate()
    (assessment,) = assess_accounts([account.pk], today, configuration())
    assert assessment.index is not None
    return assessment.index


def _stored_a_month_ago(account, index: float) -> None:
    on = timezone.localdate() - dt.timedelta(days=31)
    AssessmentSnapshot.objects.create(account=account, on=on, phase="maturity", index=index)


def test_a_fall_of_ten_points_is_told_to_the_manager_and_the_directors_once(firm):
    now = _today_index(firm.own)
    _stored_a_month_ago(firm.own, now + 12)
    assess_portfolio(account_ids=[firm.own.pk])
    alert = IndexAlert.objects.get(account=firm.own)
    assert (round(alert.earlier), round(alert.index)) == (round(now + 12), round(now))
    told = Notification.objects.filter(account=firm.own, text__contains="The index fell")
    assert {n.recipient.username for n in told} == {"manager", "director"}
    text = told.first().text
    assert text.startswith(f"The index fell from {round(now + 12)} to {round(now)} in a month.")
    assert "Principal lever: " in text and told.first().link == f"/accounts/{firm.own.pk}/"
    # the next run the same month tells nobody again
    assess_portfolio(account_ids=[firm.own.pk])
    assert IndexAlert.objects.filter(account=firm.own).count() == 1
    assert told.count() == 2


def test_a_small_fall_is_not_told_unless_the_firm_asks_for_it(firm, settings):
    now = _today_index(firm.own)
    _stored_a_month_ago(firm.own, now + 9)
    assess_portfolio(account_ids=[firm.own.pk])
    assert not IndexAlert.objects.exists()
    settings.KAMKIT_ALERT_DROP_POINTS = 5  # a firm that wants to hear of smaller falls
    assess_portfolio(account_ids=[firm.own.pk])
    assert IndexAlert.objects.filter(account=firm.own).count() == 1


def test_a_past_day_s_assessment_tells_nobody(firm):
    """A backfill (``kamkit assess --on``, the demo's year) is history, not news."""
    _stored_a_month_ago(firm.own, _today_index(firm.own) + 30)
    assess_portfolio(timezone.localdate() - dt.timedelta(days=1), [firm.own.pk])
    assert not IndexAlert.objects.exists()
    assert not Notification.objects.filter(text__contains="The index fell").exists()


def test_the_worker_s_morning_run_assesses_today_and_alerts_without_a_cron_job(firm):
    """Nothing was logged, nobody ran ``kamkit assess``: the morning run (and the worker's
    start) assesses every account not yet assessed today, so the fall is told anyway."""
    from kamkit.web.relationships.tasks import at_worker_start, daily_task_reminders

    today = timezone.localdate()
    _stored_a_month_ago(firm.own, _today_index(firm.own) + 15)
    assert not AssessmentSnapshot.objects.filter(on=today).exists()
    at_worker_start()
    assessed_today = set(
        AssessmentSnapshot.objects.filter(on=today).values_list("account_id", flat=True)
    )
    assert assessed_today == {firm.own.pk, firm.other.pk}  # not the deleted account
    assert IndexAlert.objects.filter(account=firm.own, on=today).count() == 1
    # the next run the same day assesses nothing again and tells nobody twice
    from kamkit.web.assessment.services import assess_missing_today

    stored = AssessmentSnapshot.objects.get(account=firm.own, on=today).pk
    daily_task_reminders.call()
    assert assess_missing_today() == 0
    assert AssessmentSnapshot.objects.get(account=firm.own, on=today).pk == stored
    assert Notification.objects.filter(text__contains="The index fell").count() == 2
