"""Housekeeping of the task runner (django-tasks with its database backend): finished
tasks leave a row each (a result, its arguments), one per burst of changes to an
account; without pruning they would pile up for good (issue 17)."""

from __future__ import annotations

import io

from django.conf import settings

TASK_RESULTS_KEPT_DAYS = 7
"""Finished task results are kept a week, for looking into a failure (kamkit
assumption; django-tasks' own default is 14)."""


def prune_finished(days: int = TASK_RESULTS_KEPT_DAYS) -> bool:
    """Delete the task results that finished more than ``days`` ago, with django-tasks'
    own command; only where the tasks run on the database (the test suite's dummy
    runner keeps none). True when it pruned."""
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if backend != "django_tasks_db.backend.DatabaseBackend":
        return False
    from django.core.management import call_command

    call_command("prune_db_task_results", min_age_days=days, verbosity=0, stdout=io.StringIO())
    return True
