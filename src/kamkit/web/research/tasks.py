"""Automatic reminders of questionnaires (issue 19, item 2), through the task runner
(django-tasks): each survey keeps the time of its next reminder; a task deferred to that
time sends the reminders and defers the next one, until everyone has answered, had the
last reminder, or the survey closed."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from .models import MAX_REMINDERS, Survey

SLACK = dt.timedelta(minutes=5)
"""A task that runs this much early still counts as due (clocks and queues drift)."""


def schedule_reminder(survey: Survey) -> dt.datetime | None:
    """Defer the survey's next automatic reminder, unless one is already due later or no
    reminder is left to send; returns when it will run (None: not scheduled)."""
    now = timezone.now()
    if survey.next_reminder_at and survey.next_reminder_at > now:
        return None  # one is waiting already
    days = survey.remind_after_days
    if not days or not survey.link_base or not survey.is_open:
        return None
    at = now + dt.timedelta(days=days)
    if timezone.localtime(at).date() > survey.closes_on:
        return None
    if not survey.invitations.filter(answered_at=None, reminders__lt=MAX_REMINDERS).exists():
        return None
    runner = remind_survey.using(run_after=at)
    if not runner.get_backend().supports_defer:  # e.g. the immediate runner of a test
        return None
    survey.next_reminder_at = at
    survey.save(update_fields=["next_reminder_at"])
    runner.enqueue(survey.pk)
    return at


@task()
def remind_survey(survey_id: int) -> int:
    """Send the survey's due reminders (a stale task, whose time was moved, does
    nothing) and defer the next one. Returns how many people were reminded."""
    from .services import send_reminders

    survey = Survey.objects.filter(pk=survey_id).select_related("wave", "account").first()
    if survey is None or survey.next_reminder_at is None:
        return 0
    if timezone.now() + SLACK < survey.next_reminder_at:
        return 0
    survey.next_reminder_at = None
    survey.save(update_fields=["next_reminder_at"])
    if not survey.is_open:
        return 0
    sent = send_reminders(survey)
    schedule_reminder(survey)
    return sent
