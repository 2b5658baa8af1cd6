"""The portfolio plan (SPEC §2.6): optimality against an exact solver on small
instances, every constraint met, the same plan for the same input, bad input refused."""

from __future__ import annotations

import dataclasses
import math
import random
import re

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from kamkit.core.allocation import (
    PlanAccount,
    PlanError,
    naive_plan,
    objective_of,
    plan_allocation,
    response,
)
from kamkit.core.lifecycle.config import DEFAULT_CONFIG, PROCESSES

PHASES = ("exploration", "build_up", "maturity", "decline")


def _f(account: PlanAccount, process: str, hours: float) -> float:
    return objective_of(
        [
            PlanAccount(
                account.account,
                {process: account.scores[process]},
                account.phase,
                weight=account.weight,
                decision=account.decision,
            )
        ],
        {(account.account, process): hours},
    )


def exact_optimum(accounts, hours, capacities=None, grid=0.5):
    """The optimum of the piecewise-linear model through f at every ``grid`` hours and at
    each baseline crossing (SOS2 by binaries, scipy's HiGHS MILP). f is concave on each
    side of the crossing, so the model is exact at its breakpoints and below f between
    them: its optimum is a lower bound of the true optimum within the grid's error."""
    items = [(a, p) for a in accounts for p in PROCESSES if a.scores.get(p) is not None]
    cols: list[tuple[str, int, float]] = []  # (kind, item, x) for λ, then binaries
    lam_index, bin_index, values, xs = [], [], [], []
    for k, (a, p) in enumerate(items):
        points = set(np.arange(0.0, hours + 1e-9, grid).round(6))
        s0, b = a.scores[p], DEFAULT_CONFIG.baseline
        if s0 < b:
            cross = 20.0 * math.log((100 - s0) / (100 - b))
            if cross < hours:
                points.add(round(cross, 9))
        points = sorted(points)
        lam_index.append(list(range(len(cols), len(cols) + len(points))))
        for x in points:
            cols.append(("lam", k, x))
            values.append(_f(a, p, x))
            xs.append(x)
        bin_index.append(list(range(len(cols), len(cols) + len(points) - 1)))
        for _ in range(len(points) - 1):
            cols.append(("bin", k, 0.0))
            values.append(0.0)
            xs.append(0.0)
    n = len(cols)
    rows, lo, hi = [], [], []

    def add(coefs: dict[int, float], low: float, high: float) -> None:
        row = np.zeros(n)
        for j, c in coefs.items():
            row[j] += c
        rows.append(row)
        lo.append(low)
        hi.append(high)

    for k in range(len(items)):
        L, B = lam_index[k], bin_index[k]
        add(dict.fromkeys(L, 1.0), 1, 1)
        add(dict.fromkeys(B, 1.0), 1, 1)
        for t, j in enumerate(L):  # λ_t ≤ z_{t−1} + z_t
            coefs = {j: 1.0}
            if t - 1 >= 0:
                coefs[B[t - 1]] = -1.0
            if t < len(B):
                coefs[B[t]] = coefs.get(B[t], 0) - 1.0
            add(coefs, -np.inf, 0)

    def hours_of(selected) -> dict[int, float]:
        return {j: xs[j] for k in selected for j in lam_index[k]}

    add(hours_of(range(len(items))), 0, hours)
    for m, cap in (capacities or {}).items():
        add(hours_of([k for k, (a, _) in enumerate(items) if a.manager == m]), 0, cap)
    for a in accounts:
        if a.minimum:
            add(hours_of([k for k, (b, _) in enumerate(items) if b is a]), a.minimum, np.inf)
    integrality = np.array([1 if c[0] == "bin" else 0 for c in cols])
    result = milp(
        c=-np.array(values),
        constraints=LinearConstraint(np.array(rows), lo, hi),
        integrality=integrality,
        bounds=Bounds(0, 1),
        options={"time_limit": 60},
    )
    assert result.success, result.message
    return -result.fun


def _random_instance(rnd: random.Random):
    n = rnd.randint(2, 4)
    accounts = []
    for k in range(n):
        scores = {p: (rnd.uniform(5, 95) if rnd.random() < 0.85 else None) for p in PROCESSES}
        if all(v is None for v in scores.values()):
            scores["communication"] = rnd.uniform(5, 95)
        accounts.append(
            PlanAccount(
                account=k + 1,
                scores=scores,
                phase=rnd.choice(PHASES),
                manager=rnd.choice([1, 2]),
                weight=rnd.choice([1.0, 1.0, 2.0, 3.5]),
                revenue=rnd.uniform(1, 10),
                minimum=rnd.choice([0.0, 0.0, 2.0, 5.0]),
            )
        )
    hours = float(rnd.choice([10, 20, 40, 60]))
    capacities = None
    if rnd.random() < 0.5:
        capacities = {1: hours * rnd.uniform(0.3, 0.8)}
        need = sum(a.minimum for a in accounts if a.manager == 1)
        capacities[1] = max(capacities[1], need)
    if sum(a.minimum for a in accounts) > hours:
        accounts = [
            PlanAccount(a.account, a.scores, a.phase, a.manager, a.weight, a.revenue)
            for a in accounts
        ]
    return accounts, hours, capacities


@pytest.mark.parametrize("seed", range(24))
def test_within_one_percent_of_the_exact_optimum_on_small_instances(seed):
    accounts, hours, capacities = _random_instance(random.Random(seed))
    plan = plan_allocation(accounts, hours, capacities)
    exact = exact_optimum(accounts, hours, capacities)
    before = plan.objective_before
    # compared on what each adds to the objective: the strictest reading of "1 %"
    assert plan.objective - before >= 0.99 * (exact - before) - 1e-6, (plan.objective, exact)
    # the reported bound is a true upper bound of the optimum
    assert plan.upper_bound >= exact - 1e-6


@pytest.mark.parametrize("seed", range(40))
def test_every_constraint_is_met(seed):
    accounts, hours, capacities = _random_instance(random.Random(1000 + seed))
    plan = plan_allocation(accounts, hours, capacities)
    spent: dict[int, float] = {}
    for item in plan.items:
        assert item.hours >= 0
        spent[item.account] = spent.get(item.account, 0) + item.hours
        assert item.score_after == pytest.approx(response(item.score_before, item.hours))
    assert sum(spent.values()) <= hours + 1e-6
    for m, cap in (capacities or {}).items():
        mine = sum(
            h for a, h in spent.items() if next(x for x in accounts if x.account == a).manager == m
        )
        assert mine <= cap + 1e-6
    for a in accounts:
        assert spent.get(a.account, 0) >= a.minimum - 1e-6
    # without capacities binding, every hour is placed
    if not capacities:
        assert sum(spent.values()) == pytest.approx(hours, abs=0.25)


def test_the_same_input_gives_the_same_plan_in_any_order():
    accounts, hours, capacities = _random_instance(random.Random(7))
    one = plan_allocation(accounts, hours, capacities).to_json()
    two = plan_allocation(list(reversed(accounts)), hours, capacities).to_json()
    assert one == two


def test_hours_go_where_they_raise_the_objective_most():
    # a hygiene below the baseline in maturity hurts most: it gets the hours first
    weak = PlanAccount(
        1, {"communication": 30, "co_creation": 70, "problem_solving": 60}, "maturity"
    )
    strong = PlanAccount(
        2, {"communication": 90, "co_creation": 90, "problem_solving": 90}, "maturity"
    )
    plan = plan_allocation([weak, strong], 10)
    by = {(i.account, i.process): i.hours for i in plan.items}
    assert by.get((1, "communication"), 0) > 5
    assert sum(h for (a, _), h in by.items() if a == 2) < 2
    assert plan.objective > plan.comparison["equal"]
    assert plan.objective > plan.comparison["proportional"]


def test_the_naive_plans_follow_their_rule():
    a = PlanAccount(1, {"communication": 50, "co_creation": 50}, "build_up", revenue=3)
    b = PlanAccount(2, {"communication": 50}, "build_up", revenue=1)
    c = PlanAccount(3, {}, "build_up", revenue=100)  # nothing scored: not planned
    prop = naive_plan([a, b, c], 40, "proportional")
    assert prop == {(1, "communication"): 15, (1, "co_creation"): 15, (2, "communication"): 10}
    equal = naive_plan([a, b, c], 40, "equal")
    assert equal == {(1, "communication"): 10, (1, "co_creation"): 10, (2, "communication"): 20}


def test_response_curve():
    assert response(40, 0) == 40
    assert response(40, 20) == pytest.approx(40 + 60 * (1 - math.exp(-1)))
    assert response(100, 50) == 100


def test_an_account_without_scores_keeps_its_minimum_and_is_named_in_the_notes():
    a = PlanAccount(1, {"communication": 40}, "build_up")
    blank = PlanAccount(2, {}, "build_up", minimum=4)
    plan = plan_allocation([a, blank], 10)
    hours = {x.account: x.hours for x in plan.accounts}
    assert hours[2] == 4 and hours[1] == pytest.approx(6, abs=0.25)
    assert "no process score yet" in plan.notes[0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hours": -5}, "hours must be a number of hours, 0 or more"),
        ({"hours": float("nan")}, "hours must be"),
        ({"capacities": {1: -1}}, "KA manager 1: capacity must be 0 hours or more"),
        (
            {"capacities": {1: 3}},
            "KA manager 1: the minimum hours of their key accounts add up to 5",
        ),
        ({"hours": 4}, "add up to 5, more than the 4 hours available"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(kwargs, message):
    accounts = [PlanAccount(1, {"communication": 40}, "build_up", manager=1, minimum=5)]
    args = {"hours": 20, "capacities": None, **kwargs}
    with pytest.raises(PlanError, match=message):
        plan_allocation(accounts, args["hours"], args["capacities"])


def test_duplicate_accounts_and_negative_weights_are_refused():
    a = PlanAccount(1, {"communication": 40})
    with pytest.raises(PlanError, match="account 1 is listed twice"):
        plan_allocation([a, a], 10)
    with pytest.raises(PlanError, match="weight must be 0 or more"):
        plan_allocation([PlanAccount(1, {"communication": 40}, weight=-1)], 10)


def test_no_hours_plans_nothing():
    plan = plan_allocation([PlanAccount(1, {"communication": 40}, "build_up")], 0)
    assert plan.items == [] and plan.objective == plan.objective_before


def test_a_larger_portfolio_meets_its_own_upper_bound():
    rnd = random.Random(5)
    accounts = [
        PlanAccount(
            k,
            {p: rnd.uniform(5, 95) for p in PROCESSES},
            rnd.choice(PHASES),
            manager=k % 7,
            weight=rnd.choice([1, 2, 3]),
        )
        for k in range(400)
    ]
    plan = plan_allocation(accounts, 600, {m: 100 for m in range(7)})
    # the bound holds for any plan: the plan's gain is within 0.1 % of it
    assert plan.gap < 0.001
    assert plan.hours_used == pytest.approx(600, abs=0.3)
    spent = {}
    for item in plan.items:
        spent[item.account % 7] = spent.get(item.account % 7, 0) + item.hours
    assert max(spent.values()) <= 100 + 1e-6


def test_each_item_is_explained_from_its_role_score_and_last_hour():
    from kamkit.core.allocation import explain

    a = PlanAccount(1, {"communication": 30}, "maturity", weight=2)
    plan = plan_allocation([a], 10)
    (item,) = plan.items
    words = explain(item, a)
    assert words.startswith("Collaborative communication is a hygiene factor")
    assert "in maturity; it stands at 30, below the baseline" in words
    assert f"10.0 h lift it to {item.score_after:.0f}, over the baseline of 50" in words
    assert "Its weight is 2." in words
    # with the account's index after the plan, the last hour in index points: the
    # derivative of the index (not of the weighted utility) at the planned hours
    from kamkit.core.lifecycle import effectiveness_index, roles_for

    def index_at(hours: float) -> float:
        score = response(30, hours)
        return effectiveness_index({"communication": score}, roles_for("maturity"))

    (summary,) = plan.accounts
    words = explain(item, a, index_after=summary.index_after)
    per_hour = float(re.search(r"raises the account's index by ([0-9.]+) points", words)[1])
    assert per_hour == pytest.approx((index_at(10 + 1e-4) - index_at(10)) / 1e-4, abs=0.01)


def test_the_naive_plans_are_held_to_the_same_capacities_and_minimums():
    a = PlanAccount(1, {"communication": 50}, "build_up", manager=7, revenue=3)
    b = PlanAccount(2, {"communication": 50}, "build_up", manager=8, revenue=1, minimum=15)
    plan = naive_plan([a, b], 40, "proportional", {7: 12})
    assert plan == {(1, "communication"): 12, (2, "communication"): 15}


def test_the_plan_reports_index_points_for_itself_and_the_naive_plans():
    """The plan page speaks in index points (issue 14): the plan's gain is the sum of
    its accounts' index changes, and each naive plan's is computed the same way from the
    scores its hours give."""
    from kamkit.core.lifecycle import effectiveness_index, roles_for

    accounts, hours, capacities = _random_instance(random.Random(11))
    plan = plan_allocation(accounts, hours, capacities)
    per_account = sum(
        a.index_after - a.index_before for a in plan.accounts if a.index_before is not None
    )
    assert plan.index_gain == pytest.approx(per_account)
    assert plan.index_gain > 0
    for rule in ("proportional", "equal"):
        spent = naive_plan(accounts, hours, rule, capacities)
        gain = 0.0
        for a in accounts:
            scored = {p: s for p, s in a.scores.items() if s is not None}
            if not scored:
                continue
            roles = roles_for(a.phase)
            after = {p: response(s, spent.get((a.account, p), 0.0)) for p, s in scored.items()}
            gain += effectiveness_index(after, roles) - effectiveness_index(scored, roles)
        assert plan.comparison_index_gain[rule] == pytest.approx(gain, abs=1e-6), rule
    data = plan.to_json()
    assert data["index_gain"] == round(plan.index_gain, 2)
    assert set(data["plans"]["equal"]) == {"objective", "index_gain"}


def test_a_declining_account_is_planned_by_its_decision():
    """SPEC §2.3: wind down gets only its minimum hours, however low its scores; revive
    is planned with build-up's roles (communication and co-creation motivators);
    undecided keeps the decline row (problem solving the motivator)."""
    low = {"communication": 20, "co_creation": 20, "problem_solving": 20}
    other = PlanAccount(9, {"communication": 80}, "maturity")
    wind = PlanAccount(1, low, "decline", minimum=3, decision="wind_down")
    plan = plan_allocation([wind, other], 40)
    hours = {x.account: x.hours for x in plan.accounts}
    assert hours[1] == 3 and not [i for i in plan.items if i.account == 1]
    assert any("wound down" in n and "minimum hours" in n for n in plan.notes)
    # the same account undecided: its scores below the baseline draw most of the hours
    undecided = plan_allocation([PlanAccount(1, low, "decline", minimum=3), other], 40)
    assert {x.account: x.hours for x in undecided.accounts}[1] > 30

    revive = PlanAccount(1, {"communication": 70, "problem_solving": 70}, "decline")
    as_revive = dataclasses.replace(revive, decision="revive")
    # above the baseline a motivator pays 1.0 a point, a hygiene 0.2, a background 0.3
    assert _f(revive, "problem_solving", 10) > _f(revive, "communication", 10)
    assert _f(as_revive, "communication", 10) > _f(as_revive, "problem_solving", 10)
