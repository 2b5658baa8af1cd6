"""Benchmark: logging one interaction through the API on a large account and on a small
one (issue 17, item 7). The kept aggregates (person pairs, weekly counts) must follow a
new contact at a cost that does not grow with the account's history.

Builds, in a new data folder (or the empty database of ``DATABASE_URL``), one account
with ``--history`` past contacts (default 50,000, the largest account of the SPEC §6
data set is of this order) among 10 supplier and 20 customer people, and one with 20.
Then logs ``--repeat`` contacts on each, alternating, through ``POST
/api/v1/accounts/{id}/interactions`` (in-process, the whole middleware stack), each
with one person of either side, and prints the median and p95 of each, beside the
floor measured in the same run: ``GET /api/v1/accounts/{id}`` of the large account
(authentication, one read, JSON).

Targets: under 30 ms on the large account, and the large account's median within 1.5×
the small one's.

    uv run python bench/log_interaction.py
    uv run python bench/log_interaction.py --history 200000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time

from _fresh import fresh_database

TARGET_MS = 30.0
TARGET_RATIO = 1.5
TARGETS_NOT_MET = 3


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--history", type=int, default=50_000, help="contacts on the large one")
    parser.add_argument("--repeat", type=int, default=40, help="contacts logged on each")
    parser.add_argument(
        "--queries",
        nargs="?",
        const="slowest",
        help="print the slowest queries of one logging (all: every one)",
    )
    args = parser.parse_args()
    fresh_database("kamkit-log-")
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from kamkit.web.accounts.models import Account, Person
    from kamkit.web.relationships.models import Interaction
    from kamkit.web.relationships.services import log_interactions_in_bulk
    from kamkit.web.users.models import Role, User

    director = User.objects.create_user("bench", role=Role.KAM_DIRECTOR, password="x")
    rng = random.Random(17)
    now = timezone.now()

    def account(name: str, contacts: int) -> tuple[Account, list[Person], list[Person]]:
        acc = Account.objects.create(name=name, is_key_account=True)
        ours = [
            Person.objects.create(account=acc, side="supplier", name=f"S{k}") for k in range(10)
        ]
        theirs = [
            Person.objects.create(account=acc, side="customer", name=f"C{k}") for k in range(20)
        ]
        items = []
        for _ in range(contacts):
            people = [rng.choice(ours), rng.choice(theirs)]
            items.append(
                (
                    Interaction(
                        account=acc,
                        occurred_at=now - dt.timedelta(minutes=rng.randrange(1, 4 * 365 * 1440)),
                        channel=rng.choice(["email", "phone", "video", "in_person"]),
                        initiated_by=rng.choice(["supplier", "customer"]),
                        two_way=True,
                        content=rng.choice(["strategic", "operational", "social"]),
                        formality=rng.choice(["formal", "informal"]),
                    ),
                    people,
                )
            )
        for start in range(0, len(items), 20_000):
            log_interactions_in_bulk(director, items[start : start + 20_000])
        return acc, ours, theirs

    started = time.perf_counter()
    large = account("Large", args.history)
    small = account("Small", 20)
    print(f"built {args.history:,} + 20 contacts in {time.perf_counter() - started:.1f} s")

    client = Client()
    client.force_login(director)

    def log(acc, ours, theirs) -> float:
        body = {
            "channel": "video",
            "initiated_by": "supplier",
            "occurred_at": (now - dt.timedelta(hours=rng.randrange(1, 200))).isoformat(),
            "participants": [rng.choice(ours).pk, rng.choice(theirs).pk],
            "summary": "bench",
        }
        t = time.perf_counter()
        answer = client.post(
            f"/api/v1/accounts/{acc.pk}/interactions",
            data=json.dumps(body),
            content_type="application/json",
        )
        took = (time.perf_counter() - t) * 1000
        if answer.status_code != 201:
            raise SystemExit(f"logging failed: {answer.status_code} {answer.content[:300]!r}")
        return took

    def floor() -> float:
        t = time.perf_counter()
        assert client.get(f"/api/v1/accounts/{large[0].pk}").status_code == 200
        return (time.perf_counter() - t) * 1000

    for _ in range(3):  # warm both paths up
        log(*large), log(*small), floor()
    if args.queries:
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            log(*large)
        slowest = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))
        print(f"{len(slowest)} queries on the large account; the slowest:")
        for q in slowest[: 40 if args.queries == "all" else 8]:
            print(f"  {float(q['time']) * 1000:6.1f} ms  {' '.join(q['sql'].split())[:160]}")
    times: dict[str, list[float]] = {
        "floor (GET the account)": [],
        "small account": [],
        "large account": [],
    }
    for _ in range(args.repeat):
        times["large account"].append(log(*large))
        times["small account"].append(log(*small))
        times["floor (GET the account)"].append(floor())

    def p95(values: list[float]) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    print(f"{'':<26}{'median ms':>10}{'p95 ms':>9}")
    for name, values in times.items():
        print(f"{name:<26}{statistics.median(values):>10.1f}{p95(values):>9.1f}")
    large_ms = statistics.median(times["large account"])
    ratio = large_ms / statistics.median(times["small account"])
    print(
        f"large/small: {ratio:.2f}× (target ≤ {TARGET_RATIO}); large: {large_ms:.1f} ms "
        f"(target < {TARGET_MS:.0f} ms); database: {connection.vendor}"
    )
    met = large_ms < TARGET_MS and ratio <= TARGET_RATIO
    print("targets met" if met else "TARGETS NOT MET")
    return 0 if met else TARGETS_NOT_MET


if __name__ == "__main__":
    sys.exit(main())
