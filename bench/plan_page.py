"""Benchmark: the plan page and its CSV at 10,000 key accounts (issue 17, item 7).

Makes, in a new data folder (or the empty database of ``DATABASE_URL``), ``--accounts``
key accounts spread over 50 KA managers, each with a stored assessment of today (scores
and phases drawn with a fixed seed), then asks as the KAM director, through Django's
whole request cycle in this process, for the plan page (its first page of 50 accounts)
and for the plan as CSV (streamed, every account). Printed beside the floor measured in
the same run: the core's ``plan_allocation`` on the same accounts, which every plan
page must run. Target: the page under 1 s.

    uv run python bench/plan_page.py
    DATABASE_URL=postgresql://postgres@127.0.0.1/kamkit_plan uv run python bench/plan_page.py
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

from _fresh import fresh_database

TARGET_S = 1.0
TARGETS_NOT_MET = 3


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    fresh_database("kamkit-plan-")
    from django.test import Client
    from django.utils import timezone

    from kamkit.core.allocation import PlanAccount, plan_allocation
    from kamkit.web.accounts.models import Account
    from kamkit.web.assessment.models import AssessmentSnapshot
    from kamkit.web.users.models import Role, User

    rng = random.Random(7)
    director = User.objects.create_user("bench", role=Role.KAM_DIRECTOR, password="x")
    managers = [
        User.objects.create_user(f"m{k}", role=Role.KA_MANAGER, password="x") for k in range(50)
    ]
    phases = ["exploration", "build_up", "maturity", "decline"]
    accounts = Account.objects.bulk_create(
        [
            Account(
                name=f"Account {n:05}",
                is_key_account=True,
                ka_manager=managers[n % 50],
                phase=rng.choice(phases),
            )
            for n in range(args.accounts)
        ],
        batch_size=2000,
    )
    today = timezone.localdate()

    def score() -> float | None:
        return None if rng.random() < 0.1 else round(rng.uniform(10, 95), 1)

    snaps = [
        AssessmentSnapshot(
            account=a,
            on=today,
            phase=a.phase,
            communication=score(),
            co_creation=score(),
            problem_solving=score(),
            index=round(rng.uniform(10, 90), 1),
        )
        for a in accounts
    ]
    AssessmentSnapshot.objects.bulk_create(snaps, batch_size=2000)
    hours = 10 * args.accounts
    inputs = [
        PlanAccount(
            s.account.pk,
            {
                "communication": s.communication,
                "co_creation": s.co_creation,
                "problem_solving": s.problem_solving,
            },
            s.phase,
            s.account.ka_manager_id,
            1.0,
        )
        for s in snaps
    ]
    client = Client()
    client.force_login(director)

    def timed(fn) -> float:
        t = time.perf_counter()
        fn()
        return time.perf_counter() - t

    def page() -> None:
        answer = client.get("/assessment/plan/", {"hours": str(hours)})
        assert answer.status_code == 200, answer.status_code

    def csv() -> None:
        answer = client.get("/assessment/plan/", {"hours": str(hours), "format": "csv"})
        chunks = answer.streaming_content if answer.streaming else [answer.content]
        size = sum(len(chunk) for chunk in chunks)  # (before issue 17: not streamed)
        assert answer.status_code == 200 and size > 0

    def core() -> None:
        plan_allocation(inputs, hours)

    page()  # warm up
    times: dict[str, list[float]] = {
        "floor: plan_allocation (core)": [],
        "plan page": [],
        "CSV": [],
    }
    for _ in range(args.repeat):
        times["floor: plan_allocation (core)"].append(timed(core))
        times["plan page"].append(timed(page))
        times["CSV"].append(timed(csv))
    print(f"{args.accounts:,} key accounts, 50 KA managers, {hours:,} hours")
    print(f"{'':<32}{'median s':>10}{'max s':>8}")
    for name, values in times.items():
        print(f"{name:<32}{statistics.median(values):>10.2f}{max(values):>8.2f}")
    met = statistics.median(times["plan page"]) < TARGET_S
    print("target met" if met else f"TARGET NOT MET (the page under {TARGET_S:g} s)")
    return 0 if met else TARGETS_NOT_MET


if __name__ == "__main__":
    sys.exit(main())
