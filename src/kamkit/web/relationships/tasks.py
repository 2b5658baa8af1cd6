"""The morning run, through the task runner: today's assessment of every account not
yet assessed today (so a fall of the index is alerted even when nothing was logged), then
the reminders of due tasks (issue 20), then each KA manager's and director's Today by
email (``kamkit.web.today.services.send_morning_summaries``). The worker does them at its
start (catching up) and keeps one deferred run waiting for the next morning, which does
them and defers the next one. No cron needed."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_tasks import task

REMIND_AT = dt.time(7, 0)
"""The morning run is at 07:00, the server's time zone (kamkit assumption: alerts and
reminders before the day's meetings)."""


def _pending() -> bool:
    """Is a daily run already waiting in the database runner?"""
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if backend != "django_tasks_db.backend.DatabaseBackend":
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=f"{__name__}.daily_task_reminders", status="READY"
    ).exists()


def schedule_next(now: dt.datetime | None = None) -> dt.datetime | None:
    """Defer the next daily run to the coming 07:00 unless one waits already; None when
    the runner cannot defer (e.g. the immediate runner of a test)."""
    now = timezone.localtime(now or timezone.now())
    at = now.replace(hour=REMIND_AT.hour, minute=REMIND_AT.minute, second=0, microsecond=0)
    if at <= now:
        at += dt.timedelta(days=1)
    runner = daily_task_reminders.using(run_after=at)
    if not runner.get_backend().supports_defer or _pending():
        return None
    runner.enqueue()
    return at


def _morning() -> int:
    """Assess the accounts not yet assessed today (alerting falls), remind the owners of
    due tasks, mail the morning summaries (and on Mondays the customers' reminders);
    returns the task reminders sent."""
    from kamkit.web.assessment.services import assess_missing_today
    from kamkit.web.today.services import send_customer_reminders, send_morning_summaries

    from .services import remind_due_tasks

    assess_missing_today()
    reminded = remind_due_tasks()
    send_morning_summaries()  # after the assessment: a fall found this morning is in it
    send_customer_reminders()  # Mondays: what the supplier waits for from the customer
    return reminded


@task()
def daily_task_reminders() -> int:
    """The morning run (its name kept: runs already waiting in a database carry it):
    today's assessment where missing, the reminders, then tomorrow's run deferred."""
    sent = _morning()
    schedule_next()
    return sent


def at_worker_start() -> int:
    """Catch up on a morning run missed while no worker ran, and keep tomorrow's run
    waiting."""
    sent = _morning()
    schedule_next()
    return sent
