"""``/healthz`` (issue 17): is this kamkit able to serve?"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

_MIGRATED: list[bool] = []  # once applied, migrations stay applied while this runs


@login_not_required
@never_cache  # each answer is this moment's (never a kept page, even for a signed-in user)
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and orchestrators: 200 when the database answers and every
    migration is applied, else 503 naming what is wrong. Public, and says nothing else."""
    from django.db.migrations.executor import MigrationExecutor

    from kamkit import __version__

    checks = {"database": "ok", "migrations": "ok"}
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
    except Exception:
        checks["database"] = "unreachable"
        checks["migrations"] = "unknown"
    else:
        if not _MIGRATED:
            executor = MigrationExecutor(connection)
            if executor.migration_plan(executor.loader.graph.leaf_nodes()):
                checks["migrations"] = "pending: run kamkit migrate"
            else:
                _MIGRATED.append(True)
    ok = all(v == "ok" for v in checks.values())
    body = {"status": "ok" if ok else "unavailable", **checks, "version": __version__}
    return JsonResponse(body, status=200 if ok else 503)
