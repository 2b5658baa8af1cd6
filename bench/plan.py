"""Benchmark: the resource plan (issue 7, SPEC §2.6) for 10,000 accounts.

Times ``plan_allocation`` on 10,000 accounts (scores, phases and weights drawn at random
with a fixed seed; 50 KA managers with capacities; a minimum for key accounts), printed
next to the proportional plan (hours in proportion to revenue, and its objective)
measured in the same run. Target: under 1 s. It also prints how far the plan may at most
be from the optimum (the Lagrangian bound the plan carries).

    uv run python bench/plan.py
    KAMKIT_DATA_DIR=/tmp/kamkit-bench uv run python bench/plan.py --database

``--database`` plans the accounts of the database bench/generate.py wrote, through the
web app's service (reading the latest stored assessments; run bench/assess.py first).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

from kamkit.core.allocation import PlanAccount, naive_plan, objective_of, plan_allocation

PHASES = ("exploration", "build_up", "maturity", "decline")
PROCESSES = ("communication", "co_creation", "problem_solving")


def accounts(n: int, managers: int, seed: int) -> list[PlanAccount]:
    rnd = random.Random(seed)
    out = []
    for k in range(n):
        scores = {p: (rnd.uniform(5, 95) if rnd.random() < 0.95 else None) for p in PROCESSES}
        out.append(
            PlanAccount(
                account=k + 1,
                scores=scores,
                phase=rnd.choice(PHASES),
                manager=k % managers,
                weight=round(rnd.uniform(1, 5), 2),
                revenue=rnd.lognormvariate(13, 1),
                minimum=1.0 if rnd.random() < 0.3 else 0.0,
            )
        )
    return out


def best_of(runs: int, fn):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--hours", type=float, default=12_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", action="store_true")
    args = parser.parse_args()

    if args.database:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kamkit.web.settings")
        import django

        django.setup()
        from kamkit.web.assessment.planning import make_plan

        best, median, result = best_of(args.runs, lambda: make_plan(None, args.hours))
        plan = result.plan
        items = list(result.inputs.values())
        capacities = {}
        print(f"database: {len(items):,} accounts; plan through the web app's service")
    else:
        items = accounts(args.accounts, 50, 2026)
        capacities = {m: args.hours / 50 * 1.2 for m in range(50)}
        best, median, plan = best_of(
            args.runs, lambda: plan_allocation(items, args.hours, capacities)
        )
        print(f"{len(items):,} accounts, 50 KA managers with capacities, {args.hours:g} h")

    def proportional():
        return objective_of(items, naive_plan(items, args.hours, "proportional", capacities))

    p_best, p_median, p_objective = best_of(args.runs, proportional)
    print(
        f"{'proportional plan (hours and objective)':<42} {p_best:7.3f} s (median {p_median:.3f})"
    )
    print(
        f"{'kamkit plan':<42} {best:7.3f} s (median {median:.3f})   "
        f"{best / p_best:5.1f}x the proportional plan's time"
    )
    print(
        f"objective: kamkit {plan.objective:,.1f}; proportional {p_objective:,.1f}; "
        f"equal {plan.comparison['equal']:,.1f}; before any hours {plan.objective_before:,.1f}"
    )
    print(f"at most {100 * plan.gap:.2f} % of the plan's gain from the optimum")
    print("target under 1 s:", "met" if best < 1 else "NOT met")
    return 0 if best < 1 else 1


if __name__ == "__main__":
    sys.exit(main())
