"""The assessment's background work (django-tasks): after an account's records change,
its day's snapshot is computed again, so the account page reads it instead of
computing the assessment on every view (issue 17)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from .models import LatestAssessment, RecordsChanged


@task()
def reassess(account_ids: list[int]) -> int:
    """Assess and store today's snapshot of the given accounts, skipping those whose
    snapshot is already current (a burst of changes queues several runs; the first one
    does the work). Answers how many accounts were assessed."""
    from .services import assess_portfolio, configuration, is_current, settings_digest

    today = timezone.localdate()
    digest = settings_digest(configuration())
    changed = dict(
        RecordsChanged.objects.filter(account_id__in=account_ids).values_list("account_id", "at")
    )
    current = {
        pk
        for pk, computed_at, used in LatestAssessment.objects.filter(
            account_id__in=account_ids, on=today
        ).values_list("account_id", "computed_at", "settings_digest")
        if is_current(computed_at, used, changed.get(pk), digest)
    }
    due = [pk for pk in account_ids if pk not in current]
    if not due:
        return 0
    return assess_portfolio(today, due).accounts
