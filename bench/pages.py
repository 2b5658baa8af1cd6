"""Benchmark: the account page of the largest account, at the size bench/generate.py wrote.

Median of 20 requests through Django's full request cycle (middleware, session, queries,
templates; Django's test client in this process, so no network or server noise), printed
next to the login page in the same run as the floor. Target (issue 4): the account page
under 300 ms with the SPEC §6 data set.

    KAMKIT_DATA_DIR=/tmp/kamkit-bench uv run python bench/generate.py
    KAMKIT_DATA_DIR=/tmp/kamkit-bench uv run python bench/pages.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kamkit.web.settings")
os.environ.setdefault("KAMKIT_ALLOWED_HOSTS", "testserver")  # Django's test client

import django

django.setup()

from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from kamkit.web.accounts.models import Account  # noqa: E402
from kamkit.web.users.models import Role, User  # noqa: E402

RUNS = 20


MANAGER_ACCOUNTS = 50
"""The generated firm has no KA managers: benchmarks that read as one give this many
accounts to ``bench-manager`` (kamkit assumption for one KA manager's book)."""


def busiest_manager() -> User:
    """The KA manager with the most accounts, made (``bench-manager``, the first
    ``MANAGER_ACCOUNTS`` accounts) when nobody manages any."""
    if not User.objects.filter(role=Role.KA_MANAGER, managed_accounts__isnull=False).exists():
        manager, _ = User.objects.get_or_create(
            username="bench-manager", defaults={"role": Role.KA_MANAGER}
        )
        first = Account.objects.order_by("pk").values_list("pk", flat=True)[:MANAGER_ACCOUNTS]
        Account.objects.filter(pk__in=list(first)).update(ka_manager=manager)
    return (
        User.objects.filter(role=Role.KA_MANAGER)
        .annotate(n=Count("managed_accounts"))
        .order_by("-n")
        .first()
    )


def median_ms(client: Client, url: str) -> tuple[float, int]:
    client.get(url)  # warm the caches once
    times, status = [], 0
    for _ in range(RUNS):
        start = time.perf_counter()
        status = client.get(url).status_code
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), status


def main() -> int:
    interactions = Account.objects.annotate(n=Count("interactions"))
    largest = interactions.order_by("-n").values("pk", "n").first()
    if largest is None:
        print("no accounts: run bench/generate.py first")
        return 1
    director, _ = User.objects.get_or_create(
        username="bench-director", defaults={"role": Role.KAM_DIRECTOR}
    )
    client = Client()
    floor, floor_status = median_ms(client, "/auth/login/")
    client.force_login(director)
    page, status = median_ms(client, f"/accounts/{largest['pk']}/")
    portfolio, portfolio_status = median_ms(client, "/accounts/")
    if (floor_status, status, portfolio_status) != (200, 200, 200):
        print(f"a page failed: statuses {floor_status}, {status}, {portfolio_status}")
        return 1
    n_accounts = Account.objects.count()
    print(
        f"accounts: {n_accounts:,}; the largest, {largest['pk']}, has {largest['n']:,} interactions"
    )
    print(f"median of {RUNS} requests")
    print(f"{'login page (floor)':<36}{floor:8.1f} ms")
    print(f"{'account page, largest account':<36}{page:8.1f} ms  (status {status})")
    print(f"{'portfolio, first page':<36}{portfolio:8.1f} ms")
    ok = page < 300 and status == 200
    print(f"target (account page < 300 ms): {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
