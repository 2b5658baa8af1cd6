"""Directing the KAM team's hours across the portfolio (SPEC §2.6).

Model. An hour of effort on process p of account a moves its score along
``s(e) = s0 + (100 − s0)·(1 − exp(−e/τ))`` (τ = 20 h by default). The account's
utility is the index's ``U = Σ_p u_r(s_p)`` with the two-factor weights of the process's
role in the account's phase (SPEC §2.5). The plan maximises ``Σ_a weight_a·U_a`` subject
to the total hours, each KA manager's hours, and an optional minimum per key account.

Why it is not a textbook problem. ``s(e)`` is concave, but a motivator's utility has a
kink *upwards* at the baseline (0.3 per point below, 1.0 above): an account below the
baseline pays off little until effort lifts it over, then a lot. The objective is
separable but not concave.

Algorithm: Lagrangian prices with exact best responses, then a greedy repair.
1. For a price π per hour, each (account, process) item's best effort
   ``argmax_e f(e) − π·e`` is found in closed form: on each side of the baseline ``f`` is
   ``A − B·exp(−e/τ)``, whose stationary point is ``τ·ln(B/(τ·π))``; the better of the
   two sides wins. This is the exact best response of the non-concave ``f`` (it jumps
   across the baseline where the concave envelope of ``f`` has a chord).
2. A KA manager's capacity is a price of its own: the price at which that manager's
   accounts ask for exactly its hours (bisection). An account's minimum is met by
   lowering the price for that account until it asks for its minimum. The total is met
   by bisection on the common price ``λ``; a manager's accounts pay ``max(λ, π_m)``.
3. Hours left over by a jump (a price where demand jumps past the budget) go, in small
   steps, to the items whose next step gains most (a heap), within every capacity.

Guarantee. Any prices give an upper bound on the optimum (weak Lagrangian duality:
``Σ_i max_e (f_i(e) − π_i·e) + λ·H + Σ_m μ_m·C_m − Σ_a ν_a·min_a``), true for non-concave
``f`` too. The plan reports that bound: on the SPEC's 10,000-account data set the plan is
within a small fraction of a percent of it. On small instances the tests compare it with
an exact mixed-integer model (``scipy.optimize.milp``) and require it within 1 %.

Everything is plain data in, plain data out: no database, no Django.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from kamkit.core.lifecycle.config import DEFAULT_CONFIG, PROCESSES, AssessmentConfig
from kamkit.core.lifecycle.index import effectiveness_index

TAU = 20.0
"""Hours of effort after which a process has closed 63 % of its distance to 100."""
STEP = 0.25
"""The smallest amount of hours the repair moves, and the precision of the plan."""


class PlanError(ValueError):
    """The inputs cannot make a plan; the message says which input and why."""


@dataclass(frozen=True)
class PlanAccount:
    """One account as the planner sees it."""

    account: int
    scores: Mapping[str, float | None]
    """The current process scores (0–100; None: no data, not planned)."""
    phase: str | None = None
    manager: int | None = None
    weight: float = 1.0
    """The key-account selection score (SPEC §2.6: default 1)."""
    revenue: float | None = None
    """For the proportional plan firms use today."""
    minimum: float = 0.0
    """Hours this account gets at least (key accounts)."""
    name: str = ""


@dataclass(frozen=True)
class PlanItem:
    account: int
    process: str
    hours: float
    score_before: float
    score_after: float
    marginal: float
    """Objective gained by the last quarter hour given here (weighted utility per hour):
    why the plan stopped adding hours where it did."""


@dataclass(frozen=True)
class AccountPlan:
    account: int
    hours: float
    index_before: float | None
    index_after: float | None
    gain: float
    """Weighted utility the account's hours add."""


@dataclass
class Plan:
    hours: float
    hours_used: float
    objective: float
    objective_before: float
    upper_bound: float
    items: list[PlanItem]
    accounts: list[AccountPlan]
    comparison: dict[str, float] = field(default_factory=dict)
    """The objective of the plans firms use today: ``proportional`` (to revenue) and
    ``equal`` hours per account, each account's hours split evenly over its processes."""
    notes: list[str] = field(default_factory=list)

    @property
    def gap(self) -> float:
        """How far the plan may at most be from the optimum, as a share of its gain."""
        gain = self.objective - self.objective_before
        if gain <= 0:
            return 0.0
        return max(0.0, (self.upper_bound - self.objective) / gain)

    def to_json(self) -> dict:
        """The SPEC §2.6 shape, plus per-account figures and the bound."""
        return {
            "hours": self.hours,
            "hours_used": round(self.hours_used, 2),
            "objective": round(self.objective, 4),
            "objective_before": round(self.objective_before, 4),
            "upper_bound": round(self.upper_bound, 4),
            "plans": {k: {"objective": round(v, 4)} for k, v in self.comparison.items()},
            "items": [
                {
                    "account": i.account,
                    "process": i.process,
                    "hours": round(i.hours, 2),
                    "score_before": round(i.score_before, 2),
                    "score_after": round(i.score_after, 2),
                }
                for i in self.items
            ],
            "accounts": [
                {
                    "account": a.account,
                    "hours": round(a.hours, 2),
                    "index_before": None if a.index_before is None else round(a.index_before, 2),
                    "index_after": None if a.index_after is None else round(a.index_after, 2),
                }
                for a in self.accounts
            ],
            "notes": self.notes,
        }


def response(score: float, hours: float, tau: float = TAU) -> float:
    """``s(e) = s0 + (100 − s0)·(1 − exp(−e/τ))`` (SPEC §2.6)."""
    return score + (100.0 - score) * (1.0 - math.exp(-hours / tau))


class _Items:
    """The (account, process) items as arrays, and their response to hours and prices."""

    def __init__(
        self, accounts: Sequence[PlanAccount], config: AssessmentConfig, tau: float
    ) -> None:
        acct, proc, s0, w, up, down = [], [], [], [], [], []
        for k, a in enumerate(accounts):
            roles = config.roles.get(a.phase or "", dict.fromkeys(PROCESSES, "background"))
            for p in PROCESSES:
                s = a.scores.get(p)
                if s is None:
                    continue
                u, d = config.weights[roles[p]]
                acct.append(k)
                proc.append(p)
                s0.append(min(100.0, max(0.0, float(s))))
                w.append(a.weight)
                up.append(u)
                down.append(d)
        self.acct = np.array(acct, dtype=np.int64)
        self.proc = proc
        self.s0 = np.array(s0, dtype=float)
        self.w = np.array(w, dtype=float)
        self.up = np.array(up, dtype=float)
        self.down = np.array(down, dtype=float)
        self.b = float(config.baseline)
        self.tau = tau
        self.gap0 = 100.0 - self.s0  # D0: distance to 100
        # effort at which the score crosses the baseline (0 when it starts at or above)
        with np.errstate(divide="ignore"):
            cross = tau * np.log(self.gap0 / (100.0 - self.b))
        self.cross = np.where(self.s0 < self.b, cross, 0.0)
        self.n = len(acct)

    def score(self, e: np.ndarray) -> np.ndarray:
        return 100.0 - self.gap0 * np.exp(-e / self.tau)

    def value(self, e: np.ndarray) -> np.ndarray:
        """Weighted utility f(e) of each item."""
        s = self.score(e)
        return self.w * np.where(s >= self.b, self.up * (s - self.b), self.down * (s - self.b))

    def best(self, price: np.ndarray) -> np.ndarray:
        """Each item's exact best effort at its price per hour (``argmax f(e) − π·e``)."""
        price = np.maximum(price, 1e-12)
        with np.errstate(divide="ignore", invalid="ignore"):
            k = self.w * self.gap0 / (self.tau * price)
            low = self.tau * np.log(np.maximum(k * self.down, 1e-300))
            high = self.tau * np.log(np.maximum(k * self.up, 1e-300))
        low = np.clip(low, 0.0, self.cross)
        high = np.maximum(high, self.cross)
        pick_high = self.value(high) - price * high >= self.value(low) - price * low
        return np.where(pick_high, high, low)

    def slope(self, e: np.ndarray) -> np.ndarray:
        """f'(e): the weighted utility the next hour adds, on the side of the baseline the
        score is on."""
        s = self.score(e)
        side = np.where(s >= self.b, self.up, self.down)
        return self.w * side * self.gap0 / self.tau * np.exp(-e / self.tau)


def _bisect_price(demand, target: float, hi: float = 1e6, steps: int = 80) -> float:
    """The smallest price (log-bisection) at which ``demand(price) ≤ target``."""
    lo = 1e-9
    if demand(lo) <= target:
        return lo
    for _ in range(steps):
        mid = math.sqrt(lo * hi)
        if demand(mid) > target:
            lo = mid
        else:
            hi = mid
    return hi


def plan_allocation(
    accounts: Sequence[PlanAccount],
    hours: float,
    capacities: Mapping[int, float] | None = None,
    *,
    config: AssessmentConfig = DEFAULT_CONFIG,
    tau: float = TAU,
) -> Plan:
    """The plan that maximises ``Σ weight·U`` for ``hours`` of KAM effort (SPEC §2.6).

    ``capacities`` maps a KA manager to the hours they have in the period; accounts of a
    manager not named there, or without one, share the total only. Raises ``PlanError``
    naming the input when no plan can meet the constraints."""
    _check(accounts, hours, capacities, tau)
    capacities = dict(capacities or {})
    accounts = sorted(accounts, key=lambda a: a.account)  # the same input, the same plan
    items = _Items(accounts, config, tau)
    n_acc = len(accounts)
    minimum = np.array([a.minimum for a in accounts], dtype=float)
    managers = sorted({a.manager for a in accounts if a.manager in capacities})
    group_of_acc = np.array(
        [managers.index(a.manager) if a.manager in capacities else -1 for a in accounts],
        dtype=np.int64,
    )
    caps = np.array([capacities[m] for m in managers], dtype=float)
    has_items = np.zeros(n_acc, dtype=bool)
    has_items[items.acct] = True
    reserved = np.where(has_items, 0.0, minimum)  # kept for accounts with nothing to move
    problem = _Problem(items, n_acc, minimum, group_of_acc, caps, has_items, hours, reserved)

    # the plan at the prices, then, for each item whose best effort jumps at its price
    # (the demand skips over the budget there), the plan with that item at the top of
    # its jump and the others priced to fit: the best of these is kept
    e, lam, mu = problem.solve({})
    best_e, best_value = e, float(items.value(e).sum())
    for i in problem.jumps(e, lam, mu)[:4]:
        high = float(items.best(problem.item_prices(lam, mu)[[i]] * (1 - 1e-6))[0])
        if high <= e[i] + STEP:
            continue
        try_e, _, _ = problem.solve({i: high})
        value = float(items.value(try_e).sum())
        if value > best_value + 1e-9 and problem.feasible(try_e):
            best_e, best_value = try_e, value
    return _finish(accounts, items, best_e, hours, caps, group_of_acc, lam, mu, reserved, config)


class _Problem:
    """The prices and the plan they give, with some items' hours fixed."""

    def __init__(self, items, n_acc, minimum, group_of_acc, caps, has_items, hours, reserved):
        self.items, self.n_acc, self.minimum = items, n_acc, minimum
        self.group_of_acc, self.caps, self.has_items = group_of_acc, caps, has_items
        self.hours, self.reserved = hours, reserved
        self.item_group = group_of_acc[items.acct] if items.n else np.zeros(0, np.int64)

    def _efforts(self, price_item: np.ndarray, fixed: dict[int, float]) -> np.ndarray:
        e = self.items.best(price_item) if self.items.n else np.zeros(0)
        for i, h in fixed.items():
            e[i] = h
        return e

    def _acc_demand(self, price_acc: np.ndarray, fixed: dict[int, float]) -> np.ndarray:
        items = self.items
        if not items.n:
            return np.array(self.minimum)
        e = self._efforts(price_acc[items.acct], fixed)
        return np.maximum(np.bincount(items.acct, weights=e, minlength=self.n_acc), self.minimum)

    def item_prices(self, lam: float, mu: np.ndarray) -> np.ndarray:
        g = self.item_group
        extra = np.where(g >= 0, mu[np.maximum(g, 0)], 0.0) if len(mu) else np.zeros(len(g))
        return lam + extra

    def solve(self, fixed: dict[int, float]) -> tuple[np.ndarray, float, np.ndarray]:
        items, n_acc = self.items, self.n_acc
        # 1. each capped manager's own price: where its accounts ask for exactly its hours
        group_price = np.zeros(len(self.caps))
        for g in range(len(self.caps)):
            members = self.group_of_acc == g

            def demand(price: float, members=members) -> float:
                return float(self._acc_demand(np.full(n_acc, price), fixed)[members].sum())

            group_price[g] = _bisect_price(demand, self.caps[g])

        def prices(lam: float) -> np.ndarray:
            p = np.full(n_acc, lam)
            capped = self.group_of_acc >= 0
            p[capped] = np.maximum(lam, group_price[self.group_of_acc[capped]])
            return p

        # 2. the common price: the total asks for the hours (or less, where every
        # manager's capacity binds)
        lam = _bisect_price(lambda x: float(self._acc_demand(prices(x), fixed).sum()), self.hours)
        mu = np.maximum(group_price - lam, 0.0)
        price_acc = prices(lam)
        e = self._efforts(price_acc[items.acct], fixed) if items.n else np.zeros(0)
        if not items.n:
            return e, lam, mu
        # 3. accounts below their minimum: a lower price of their own until they ask for it
        spent = np.bincount(items.acct, weights=e, minlength=n_acc)
        short = np.flatnonzero((spent < self.minimum - 1e-9) & self.has_items)
        if len(short):
            self._meet_minimums(e, short, price_acc, fixed)
        # 4. hours left by a jump in demand: small steps to the best next step; then
        # single steps from where they add least to where they add most
        e = _repair(items, e, self.hours, self.caps, self.group_of_acc, self.reserved)
        self.polish(e)
        return e, lam, mu

    def polish(self, e: np.ndarray, rounds: int = 200) -> None:
        """Move STEP hours at a time from the item where they add least to the item where
        they add most, while that gains, within the capacities and the minimums."""
        items = self.items
        g_item = self.item_group
        for _ in range(rounds):
            spent = np.bincount(items.acct, weights=e, minlength=self.n_acc) + self.reserved
            room = np.array(
                [
                    self.caps[g]
                    - e[g_item == g].sum()
                    - self.reserved[self.group_of_acc == g].sum()
                    for g in range(len(self.caps))
                ]
            )
            up = items.value(e + STEP) - items.value(e)
            down = items.value(e) - items.value(np.maximum(e - STEP, 0.0))
            can_give = (e >= STEP - 1e-12) & (
                spent[items.acct] - STEP >= self.minimum[items.acct] - 1e-9
            )
            if not can_give.any():
                return
            giver = int(np.argmin(np.where(can_give, down, np.inf)))
            # a receiver in the giver's group, or in a group with room, or uncapped
            has_room = np.ones(items.n, dtype=bool)
            capped = g_item >= 0
            if len(self.caps):
                has_room[capped] = room[g_item[capped]] >= STEP - 1e-9
            has_room |= g_item == g_item[giver]
            has_room[giver] = False
            taker = int(np.argmax(np.where(has_room, up, -np.inf)))
            if not has_room[taker] or up[taker] <= down[giver] + 1e-9:
                return
            e[giver] -= STEP
            e[taker] += STEP

    def _meet_minimums(self, e, short, price_acc, fixed) -> None:
        items = self.items
        lo, hi = np.full(len(short), 1e-9), price_acc[short].copy()
        mask = np.isin(items.acct, short)
        pos = {int(a): k for k, a in enumerate(short)}
        idx = np.array([pos[int(a)] for a in items.acct[mask]], dtype=np.int64)
        sub = _Subset(items, mask)
        target = self.minimum[short]
        for _ in range(80):
            mid = np.sqrt(lo * hi)
            got = np.bincount(idx, weights=sub.best(mid[idx]), minlength=len(short))
            over = got > target
            lo = np.where(over, mid, lo)
            hi = np.where(over, hi, mid)
        e[mask] = sub.best(hi[idx])
        for i, h in fixed.items():
            e[i] = h
        # the bisection's last step: top up to the minimum on the item with the best slope
        got = np.bincount(items.acct, weights=e, minlength=self.n_acc)[short]
        slope = items.slope(e)
        for k, a in enumerate(short):
            if target[k] - got[k] > 1e-9:
                mine = np.flatnonzero(items.acct == a)
                e[mine[np.argmax(slope[mine])]] += target[k] - got[k]

    def jumps(self, e: np.ndarray, lam: float, mu: np.ndarray) -> list[int]:
        """Items whose best effort jumps up just below their price, largest jump first."""
        if not self.items.n:
            return []
        price = self.item_prices(lam, mu)
        below = self.items.best(price * (1 - 1e-6))
        size = below - e
        order = np.argsort(-size, kind="stable")
        return [int(i) for i in order[:8] if size[i] > STEP]

    def feasible(self, e: np.ndarray) -> bool:
        items = self.items
        if e.min(initial=0.0) < -1e-9 or e.sum() + self.reserved.sum() > self.hours + 1e-6:
            return False
        for g in range(len(self.caps)):
            used = e[self.item_group == g].sum() + self.reserved[self.group_of_acc == g].sum()
            if used > self.caps[g] + 1e-6:
                return False
        spent = np.bincount(items.acct, weights=e, minlength=self.n_acc) + self.reserved
        return bool((spent >= self.minimum - 1e-6).all())


class _Subset(_Items):
    """Some of the items (for the per-account minimum step)."""

    def __init__(self, items: _Items, mask: np.ndarray) -> None:
        self.acct = items.acct[mask]
        self.proc = [p for p, m in zip(items.proc, mask, strict=True) if m]
        for name in ("s0", "w", "up", "down", "gap0", "cross"):
            setattr(self, name, getattr(items, name)[mask])
        self.b, self.tau, self.n = items.b, items.tau, int(mask.sum())


def _repair(
    items: _Items,
    e: np.ndarray,
    hours: float,
    caps: np.ndarray,
    group_of_acc: np.ndarray,
    reserved: np.ndarray,
) -> np.ndarray:
    """Give hours not yet placed, STEP at a time, to the item whose next step adds most,
    as long as its manager has hours left. Bounded: at most (left / STEP) steps."""
    if not items.n:
        return e
    left = hours - float(e.sum()) - float(reserved.sum())
    if left <= 1e-9:
        return e
    item_group = group_of_acc[items.acct]
    group_spent = np.array(
        [e[item_group == g].sum() + reserved[group_of_acc == g].sum() for g in range(len(caps))]
    )

    def step_gain(i: int) -> float:
        s_now = 100.0 - items.gap0[i] * math.exp(-e[i] / items.tau)
        s_next = 100.0 - items.gap0[i] * math.exp(-(e[i] + STEP) / items.tau)

        def u(s: float) -> float:
            return items.up[i] * (s - items.b) if s >= items.b else items.down[i] * (s - items.b)

        return float(items.w[i] * (u(s_next) - u(s_now)))

    gain = items.value(e + STEP) - items.value(e)
    heap = [(-float(gain[i]), int(i)) for i in np.argsort(-gain, kind="stable")[:5000]]
    heapq.heapify(heap)
    steps = int(left / STEP + 1e-9)
    while steps > 0 and heap:
        neg, i = heapq.heappop(heap)
        if -neg <= 0:
            break
        g = item_group[i]
        if g >= 0 and group_spent[g] + STEP > caps[g] + 1e-9:
            continue  # this manager has no hours left; the item leaves the heap
        e[i] += STEP
        steps -= 1
        if g >= 0:
            group_spent[g] += STEP
        heapq.heappush(heap, (-step_gain(i), i))
    # what is left is less than a step: to the item where it adds most, if there is room
    rest = hours - float(e.sum()) - float(reserved.sum())
    if rest > 1e-9:
        gain = items.value(e + rest) - items.value(e)
        for i in np.argsort(-gain, kind="stable")[:50]:
            g = item_group[i]
            if gain[i] <= 0:
                break
            if g < 0 or group_spent[g] + rest <= caps[g] + 1e-9:
                e[i] += rest
                break
    return e


def _finish(
    accounts: Sequence[PlanAccount],
    items: _Items,
    e: np.ndarray,
    hours: float,
    caps: np.ndarray,
    group_of_acc: np.ndarray,
    lam: float,
    mu: np.ndarray,
    reserved: np.ndarray,
    config: AssessmentConfig,
) -> Plan:
    e = np.maximum(e, 0.0)
    before = items.value(np.zeros(items.n))
    after = items.value(e)
    s_after = items.score(e)
    slope = items.slope(e)
    n_acc = len(accounts)
    # the certificate: for any prices λ ≥ 0 (the total) and μ ≥ 0 (each manager), the
    # Lagrangian's value bounds the optimum from above (dropping the minimums relaxes)
    group = group_of_acc[items.acct]
    price_item = lam + np.where(group >= 0, mu[np.maximum(group, 0)] if len(mu) else 0.0, 0.0)
    best = items.best(price_item)
    dual = float((items.value(best) - price_item * best).sum())
    dual += lam * hours + float((mu * caps).sum())
    no_items = {a.account for a in accounts if all(a.scores.get(p) is None for p in PROCESSES)}
    plan_items = [
        PlanItem(
            accounts[items.acct[i]].account,
            items.proc[i],
            float(e[i]),
            float(items.s0[i]),
            float(s_after[i]),
            float(slope[i]),
        )
        for i in range(items.n)
        if e[i] > 1e-6
    ]
    per_acc_hours = np.bincount(items.acct, weights=e, minlength=n_acc)
    per_acc_gain = np.bincount(items.acct, weights=after - before, minlength=n_acc)
    summaries = []
    scores_after: dict[int, dict[str, float]] = {}
    for i in range(items.n):
        scores_after.setdefault(int(items.acct[i]), {})[items.proc[i]] = float(s_after[i])
    notes = []
    for k, a in enumerate(accounts):
        roles = config.roles.get(a.phase or "", dict.fromkeys(PROCESSES, "background"))
        scores = {p: a.scores.get(p) for p in PROCESSES}
        new = {**scores, **scores_after.get(k, {})}
        hours_k = float(per_acc_hours[k] + reserved[k])  # reserved: no score yet to move
        summaries.append(
            AccountPlan(
                a.account,
                hours_k,
                effectiveness_index(scores, roles, config),
                effectiveness_index(new, roles, config),
                float(per_acc_gain[k]),
            )
        )
    if no_items:
        notes.append(
            f"{len(no_items)} account(s) have no process score yet and get no planned hours "
            "beyond their minimum: record their interactions, initiatives and problems first."
        )
    used = float(e.sum() + reserved.sum())
    if used < hours - STEP:
        notes.append(
            f"{hours - used:.1f} of the {hours:g} hours are not planned: the KA managers' "
            "capacities are used up."
        )
    objective = float(after.sum())
    return Plan(
        hours=hours,
        hours_used=used,
        objective=objective,
        objective_before=float(before.sum()),
        upper_bound=max(dual, objective),
        items=plan_items,
        accounts=summaries,
        comparison={
            "proportional": objective_of(
                accounts,
                naive_plan(accounts, hours, "proportional"),
                config=config,
                tau=items.tau,
            ),
            "equal": objective_of(
                accounts, naive_plan(accounts, hours, "equal"), config=config, tau=items.tau
            ),
        },
        notes=notes,
    )


def naive_plan(
    accounts: Sequence[PlanAccount], hours: float, rule: str
) -> dict[tuple[int, str], float]:
    """The plans firms use today: hours per account in proportion to revenue
    (``proportional``; accounts without revenue get none unless no account has any, then
    equal), or the same for every account (``equal``); each account's hours split evenly
    over its scored processes. Only accounts with a scored process take part."""
    planned = [a for a in accounts if any(a.scores.get(p) is not None for p in PROCESSES)]
    if not planned or hours <= 0:
        return {}
    if rule == "proportional":
        revenue = [max(0.0, a.revenue or 0.0) for a in planned]
        total = sum(revenue)
        shares = [r / total for r in revenue] if total > 0 else [1 / len(planned)] * len(planned)
    elif rule == "equal":
        shares = [1 / len(planned)] * len(planned)
    else:
        raise PlanError(f"unknown plan '{rule}'; expected proportional or equal")
    out: dict[tuple[int, str], float] = {}
    for a, share in zip(planned, shares, strict=True):
        scored = [p for p in PROCESSES if a.scores.get(p) is not None]
        for p in scored:
            out[a.account, p] = hours * share / len(scored)
    return out


def objective_of(
    accounts: Sequence[PlanAccount],
    allocation: Mapping[tuple[int, str], float],
    *,
    config: AssessmentConfig = DEFAULT_CONFIG,
    tau: float = TAU,
) -> float:
    """``Σ weight·U`` after the given hours per (account, process)."""
    total = 0.0
    b = config.baseline
    for a in accounts:
        roles = config.roles.get(a.phase or "", dict.fromkeys(PROCESSES, "background"))
        for p in PROCESSES:
            s0 = a.scores.get(p)
            if s0 is None:
                continue
            s = response(float(s0), allocation.get((a.account, p), 0.0), tau)
            up, down = config.weights[roles[p]]
            total += a.weight * (up * max(0.0, s - b) - down * max(0.0, b - s))
    return total


def _check(
    accounts: Sequence[PlanAccount],
    hours: float,
    capacities: Mapping[int, float] | None,
    tau: float,
) -> None:
    if not isinstance(hours, int | float) or math.isnan(hours) or hours < 0:
        raise PlanError(f"hours must be a number of hours, 0 or more (got {hours!r})")
    if not tau > 0:
        raise PlanError(f"tau must be positive (got {tau!r})")
    seen: set[int] = set()
    for a in accounts:
        if a.account in seen:
            raise PlanError(f"account {a.account} is listed twice")
        seen.add(a.account)
        if not a.weight >= 0:
            raise PlanError(f"account {a.account}: weight must be 0 or more (got {a.weight})")
        if not a.minimum >= 0:
            raise PlanError(
                f"account {a.account}: minimum hours must be 0 or more (got {a.minimum})"
            )
    for m, c in (capacities or {}).items():
        if not isinstance(c, int | float) or math.isnan(c) or c < 0:
            raise PlanError(f"KA manager {m}: capacity must be 0 hours or more (got {c!r})")
    minimum_total = sum(a.minimum for a in accounts)
    if minimum_total > hours + 1e-9:
        raise PlanError(
            f"the minimum hours of the key accounts add up to {minimum_total:g}, more than "
            f"the {hours:g} hours available"
        )
    for m, c in (capacities or {}).items():
        need = sum(a.minimum for a in accounts if a.manager == m)
        if need > c + 1e-9:
            raise PlanError(
                f"KA manager {m}: the minimum hours of their key accounts add up to "
                f"{need:g}, more than their capacity of {c:g} hours"
            )
