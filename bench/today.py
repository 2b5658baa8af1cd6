"""Benchmark: the Today page at the SPEC §6 size, next to the portfolio.

Median of 20 requests through Django's full request cycle, kept pages off (each request
rendered): a KAM director's Today over every account (10,000, the largest scope: every
kind is read for all of them), one KA manager's accounts, and the API's first page;
printed next to the portfolio's first page in the same run (the baseline: a page the
SPEC wants "well under a second"). The generated firm has no KA managers: the first
run gives 50 accounts to a ``bench-manager``. Target (kamkit assumption): Today under 1 s for a
director, and within 3× the portfolio for a KA manager.

    KAMKIT_DATA_DIR=/tmp/kamkit-bench uv run python bench/generate.py
    KAMKIT_DATA_DIR=/tmp/kamkit-bench uv run python bench/today.py
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kamkit.web.settings")
os.environ.setdefault("KAMKIT_ALLOWED_HOSTS", "testserver")  # Django's test client
os.environ["KAMKIT_PAGE_CACHE"] = "0"  # every request rendered, none kept

import django

django.setup()

from django.test import Client  # noqa: E402

from kamkit.web.accounts.models import Account  # noqa: E402
from kamkit.web.today.services import agenda  # noqa: E402
from kamkit.web.users.models import Role, User  # noqa: E402
from pages import RUNS, busiest_manager, median_ms  # noqa: E402  (bench/pages.py)

DIRECTOR_TARGET_MS = 1000
MANAGER_TIMES_PORTFOLIO = 3


def main() -> int:
    if not Account.objects.exists():
        print("no accounts: run bench/generate.py first")
        return 1
    busiest = busiest_manager()
    director, _ = User.objects.get_or_create(
        username="bench-director", defaults={"role": Role.KAM_DIRECTOR}
    )
    as_director, as_manager = Client(), Client()
    as_director.force_login(director)
    as_manager.force_login(busiest)
    items = agenda(director)
    print(
        f"accounts: {Account.objects.count():,}; the director's items: {len(items):,}; "
        f"KA manager {busiest.username}: {busiest.n:,} accounts, "
        f"{len(agenda(busiest)):,} items"
    )
    print(f"median of {RUNS} requests, kept pages off")
    rows = [
        ("portfolio, director (baseline)", as_director, "/accounts/"),
        ("portfolio, KA manager (baseline)", as_manager, "/accounts/"),
        ("Today, director", as_director, "/today/"),
        ("Today, KA manager", as_manager, "/today/"),
        ("GET /api/v1/today, director", as_director, "/api/v1/today"),
    ]
    ms = {}
    for label, client, url in rows:
        ms[label], status = median_ms(client, url)
        if status != 200:
            print(f"{label}: status {status}")
            return 1
        print(f"{label:<36}{ms[label]:8.1f} ms")
    met = (
        ms["Today, director"] < DIRECTOR_TARGET_MS
        and ms["Today, KA manager"]
        <= MANAGER_TIMES_PORTFOLIO * ms["portfolio, KA manager (baseline)"]
    )
    print(
        f"targets (director < {DIRECTOR_TARGET_MS} ms; KA manager ≤ "
        f"{MANAGER_TIMES_PORTFOLIO}× the portfolio): {'met' if met else 'NOT met'}"
    )
    return 0 if met else 3


if __name__ == "__main__":
    sys.exit(main())
