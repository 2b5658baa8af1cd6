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

Algorithm: prices for a choice of sides.
1. The only non-concavity is the kink of a motivator below the baseline. Once it is
   decided, for each such item, whether it stays below its crossing or is pushed over
   it, every item's utility is concave on its allowed side, and prices solve the
   problem exactly: at a price π per hour an item's best effort ``argmax f(e) − π·e`` is
   in closed form (on each side ``f = A − B·exp(−e/τ)``, stationary at
   ``τ·ln(B/(τ·π))``), and demand falls continuously as π rises.
2. A KA manager's capacity is a price of its own (all managers bisected at once); the
   total is met by bisection on the common price λ, a manager's accounts paying
   ``max(λ, π_m)``; an account below its minimum gets a lower price of its own until it
   asks for exactly its minimum.
3. The choice of sides: with no choice imposed, the exact best responses suggest one.
   Up to ENUMERATE kinked items, every choice is solved and the best kept: the plan is
   then the optimum up to the bisection's precision. Beyond that, the suggested choice
   (and on instances up to POLISH_ITEMS items, FLIPS single flips) are solved.
4. Hours a price search leaves unplaced go in STEP-hour steps to the item whose next
   step adds most; on small instances, single STEP exchanges follow while they gain.

Guarantee. Any prices give an upper bound on the optimum (weak Lagrangian duality:
``Σ_i max_e (f_i(e) − π_i·e) + λ·H + Σ_m μ_m·C_m − Σ_a ν_a·min_a``), non-concave ``f``
included. Every plan reports that bound (``upper_bound``, and ``gap`` as a share of the
plan's gain): with no minimums the plan meets it to rounding; on the bench's 10,000
accounts with minimums it is within 1 %. The tests compare small instances with an exact
mixed-integer model (``scipy.optimize.milp``) and require 1 %.

Everything is plain data in, plain data out: no database, no Django.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from kamkit.core.i18n import gettext_noop
from kamkit.core.lifecycle.config import DEFAULT_CONFIG, PROCESSES, AssessmentConfig
from kamkit.core.lifecycle.index import (
    PROCESS_LABELS,
    ROLE_WORDS,
    ROW_WORDS,
    index_bounds,
    roles_for,
)
from kamkit.core.lifecycle.phases import role_row

TAU = 20.0
"""Hours of effort after which a process has closed 63 % of its distance to 100."""
STEP = 0.25
"""The smallest amount of hours the repair moves, and the precision of the plan."""
ENUMERATE = 8
"""Up to this many motivators below the baseline, every choice of which to push over it
is tried (2^8 = 256 price searches at most): the plan is then exact up to STEP."""
FLIPS = 4
"""Beyond that, the suggested choice and this many single flips are tried (on instances
of up to POLISH_ITEMS items)."""
PRICE_LOW, PRICE_HIGH, BISECTION_STEPS = 1e-9, 1e6, 50
POLISH_ITEMS = 600
"""Single-step exchanges after the prices, on instances up to this many items (on larger
ones the prices leave at most a few hours of a large total to polish)."""


PROVENANCE: dict[str, str] = {
    "response": "SPEC §2.6: s0 + (100 − s0)·(1 − exp(−e/τ))",
    "objective": "SPEC §2.6: Σ weight·U, U as in SPEC §2.5",
    "roles": "paper: Ashill et al. (2013), Table 1; decline rows SPEC §2.3",
    "constraints": "SPEC §2.6: total hours, KA managers' capacities, minimum per key account",
    "weight_without_selection_score": "SPEC §2.6: 1",
    "wind_down": "SPEC §2.3: a wound-down account gets only its minimum hours",
    "compared_plans": "SPEC §2.6 (proportional to revenue, equal); each account's hours "
    "split evenly over its processes is a kamkit default",
    "step": f"kamkit default: hours in steps of {STEP:g} h",
}
"""Where each rule of the plan comes from (in every JSON plan)."""


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
    decision: str | None = None
    """A declining account's decision (SPEC §2.3): ``revive`` plans it with build-up's
    roles; ``wind_down`` gives it only its minimum hours."""

    @property
    def winding_down(self) -> bool:
        return self.phase == "decline" and self.decision == "wind_down"


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
    index_gain: float = 0.0
    """Index points the plan adds, summed over the accounts (SPEC §2.6: the expected index
    change); what the plan page and its chart report."""
    comparison_index_gain: dict[str, float] = field(default_factory=dict)
    """The same for the ``proportional`` and ``equal`` plans."""

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
            "index_gain": round(self.index_gain, 2),
            "plans": {
                k: {
                    "objective": round(v, 4),
                    "index_gain": round(self.comparison_index_gain.get(k, 0.0), 2),
                }
                for k, v in self.comparison.items()
            },
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
            "provenance": dict(PROVENANCE),
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
            if a.winding_down:  # SPEC §2.3: its minimum hours only, nothing to plan
                continue
            roles = roles_for(a.phase, config, a.decision)
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
        self._prepare()

    def _prepare(self) -> None:
        """Constants of the best response: log(w·D0/τ), log(up), log(down), and which
        items have the upward kink (a motivator below the baseline)."""
        with np.errstate(divide="ignore"):
            self.logc = np.log(self.w * self.gap0 / self.tau)
            self.log_up = np.log(self.up)
            self.log_down = np.log(self.down)
        self.kinked = np.flatnonzero((self.s0 < self.b) & (self.up > self.down) & (self.w > 0))
        self.above = self.s0 >= self.b

    def score(self, e: np.ndarray) -> np.ndarray:
        return 100.0 - self.gap0 * np.exp(-e / self.tau)

    def value(self, e: np.ndarray) -> np.ndarray:
        """Weighted utility f(e) of each item."""
        s = self.score(e)
        return self.w * np.where(s >= self.b, self.up * (s - self.b), self.down * (s - self.b))

    def best(self, price: np.ndarray, mode: np.ndarray | None = None) -> np.ndarray:
        """Each item's exact best effort at its price per hour (``argmax f(e) − π·e``);
        with ``mode``, an item held below its baseline crossing (1) or at or above it (2)
        takes the best effort on that side, where ``f`` is concave."""
        price = np.maximum(price, 1e-12)
        with np.errstate(invalid="ignore"):
            base = self.logc - np.log(price)  # −inf where nothing can be gained
            raw_low = self.tau * (base + self.log_down)
            raw_high = self.tau * (base + self.log_up)
        raw_low = np.nan_to_num(raw_low, nan=0.0, neginf=0.0)
        raw_high = np.nan_to_num(raw_high, nan=0.0, neginf=0.0)
        low = np.clip(raw_low, 0.0, self.cross)
        high = np.maximum(raw_high, self.cross)
        # concave items: the high side exactly when the low side's optimum lies past the
        # crossing (or the score starts above the baseline)
        pick_high = self.above | (raw_low > self.cross)
        k = self.kinked
        if len(k):  # the upward kink: compare the two sides' values
            p = price[k] if np.ndim(price) else price
            hi_k, lo_k = high[k], low[k]
            w, g, b = self.w[k], self.gap0[k], self.b
            s_hi = 100.0 - g * np.exp(-hi_k / self.tau)
            s_lo = 100.0 - g * np.exp(-lo_k / self.tau)
            v_hi = w * self.up[k] * (s_hi - b) - p * hi_k
            v_lo = w * self.down[k] * (s_lo - b) - p * lo_k
            pick_high[k] = v_hi >= v_lo
        if mode is not None:
            pick_high = np.where(mode == 0, pick_high, mode == 2)
        return np.where(pick_high, high, low)

    def slope(self, e: np.ndarray) -> np.ndarray:
        """f'(e): the weighted utility the next hour adds, on the side of the baseline the
        score is on."""
        s = self.score(e)
        side = np.where(s >= self.b, self.up, self.down)
        return self.w * side * self.gap0 / self.tau * np.exp(-e / self.tau)


def _bisect_price(
    demand, target: float, hi: float = PRICE_HIGH, steps: int = BISECTION_STEPS
) -> float:
    """The smallest price (log-bisection) at which ``demand(price) ≤ target``."""
    lo = PRICE_LOW
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

    # Which motivators below the baseline are pushed over it is the one discrete choice:
    # once made, every item's utility is concave on its side and the prices find the
    # optimum. The unconstrained prices suggest a choice; a small instance tries every
    # choice, a large one the suggested choice and flips of the most doubtful items.
    free = np.zeros(items.n, dtype=np.int8)
    e0, lam0, mu0 = problem.solve(free)
    runs = [(e0, lam0, mu0)]
    kinked = np.flatnonzero((items.s0 < items.b) & (items.up > items.down) & (items.w > 0))
    if len(kinked):
        suggested = e0[kinked] >= items.cross[kinked] - 1e-9

        def run(above: np.ndarray) -> None:
            mode = free.copy()
            mode[kinked] = np.where(above, 2, 1)
            runs.append(problem.solve(mode))

        if len(kinked) <= ENUMERATE:
            for bits in itertools.product((False, True), repeat=len(kinked)):
                run(np.array(bits))
        else:
            run(suggested)
            doubt = np.argsort(np.abs(e0[kinked] - items.cross[kinked]), kind="stable")
            # on a large portfolio one item's side moves the total by a hair: no flips
            for k in doubt[: FLIPS if items.n <= POLISH_ITEMS else 0]:
                flipped = suggested.copy()
                flipped[k] = not flipped[k]
                run(flipped)
    feasible = [r for r in runs if problem.feasible(r[0])]
    e, _, _ = max(feasible or runs[:1], key=lambda r: float(items.value(r[0]).sum()))
    bound = min(problem.dual(lam, mu, price) for lam, mu, price in problem.prices)
    return _finish(accounts, items, e, hours, reserved, bound, config, capacities)


class _Problem:
    """The prices and the plan they give, for a choice of sides (``mode``)."""

    def __init__(self, items, n_acc, minimum, group_of_acc, caps, has_items, hours, reserved):
        self.items, self.n_acc, self.minimum = items, n_acc, minimum
        self.group_of_acc, self.caps, self.has_items = group_of_acc, caps, has_items
        self.hours, self.reserved = hours, reserved
        self.item_group = group_of_acc[items.acct] if items.n else np.zeros(0, np.int64)
        self.prices: list[tuple[float, np.ndarray, np.ndarray]] = []

    def _acc_demand(self, price_item: np.ndarray, mode: np.ndarray) -> np.ndarray:
        """Hours each account asks for at its items' prices (at least its minimum)."""
        items = self.items
        if not items.n:
            return np.array(self.minimum)
        e = items.best(price_item, mode)
        return np.maximum(np.bincount(items.acct, weights=e, minlength=self.n_acc), self.minimum)

    def item_prices(self, lam: float, mu: np.ndarray) -> np.ndarray:
        g = self.item_group
        extra = np.where(g >= 0, mu[np.maximum(g, 0)], 0.0) if len(mu) else np.zeros(len(g))
        return lam + extra

    def solve(self, mode: np.ndarray) -> tuple[np.ndarray, float, np.ndarray]:
        items, n_acc = self.items, self.n_acc
        if not items.n:
            return np.zeros(0), 0.0, np.zeros(len(self.caps))
        # 1. each capped manager's own price, all managers at once: where its accounts ask
        # for exactly its hours
        n_g = len(self.caps)
        group_price = np.zeros(n_g)
        if n_g:
            g_item = self.item_group
            in_group = g_item >= 0
            lo, hi = np.full(n_g, PRICE_LOW), np.full(n_g, PRICE_HIGH)
            for _ in range(BISECTION_STEPS):
                mid = np.sqrt(lo * hi)
                price = np.where(in_group, mid[np.maximum(g_item, 0)], PRICE_HIGH)
                asked = self._acc_demand(price, mode)
                per_group = np.bincount(
                    self.group_of_acc[self.group_of_acc >= 0],
                    weights=asked[self.group_of_acc >= 0],
                    minlength=n_g,
                )
                over = per_group > self.caps
                lo, hi = np.where(over, mid, lo), np.where(over, hi, mid)
            price = np.where(in_group, PRICE_LOW, 0.0)
            asked = np.bincount(
                self.group_of_acc[self.group_of_acc >= 0],
                weights=self._acc_demand(np.where(in_group, PRICE_LOW, PRICE_HIGH), mode)[
                    self.group_of_acc >= 0
                ],
                minlength=n_g,
            )
            group_price = np.where(asked <= self.caps, PRICE_LOW, hi)

        def demand(lam: float) -> float:
            return float(
                self._acc_demand(
                    self.item_prices(lam, np.maximum(group_price - lam, 0.0)), mode
                ).sum()
            )

        # 2. the common price: the total asks for the hours (or less, where every
        # manager's capacity binds)
        lam = _bisect_price(demand, self.hours)
        mu = np.maximum(group_price - lam, 0.0)
        price = self.item_prices(lam, mu)
        e = items.best(price, mode)
        # 3. accounts below their minimum: a lower price of their own until they ask for it
        spent = np.bincount(items.acct, weights=e, minlength=n_acc)
        short = np.flatnonzero((spent < self.minimum - 1e-9) & self.has_items)
        if len(short):
            price = self._meet_minimums(e, short, price, mode)
        self.prices.append((lam, mu, price))
        # 4. hours left over: small steps to the best next step; then single steps from
        # where they add least to where they add most
        e = _repair(items, e, self.hours, self.caps, self.group_of_acc, self.reserved)
        if items.n <= POLISH_ITEMS:
            self.polish(e)
        return e, lam, mu

    def dual(self, lam: float, mu: np.ndarray, price: np.ndarray) -> float:
        """The Lagrangian's value at these prices (``price``: each item's, the lowered
        price of an account held to its minimum included): an upper bound of the optimum
        by weak duality, for non-concave utilities too."""
        items = self.items
        if not items.n:
            return 0.0
        best = items.best(price)
        value = float((items.value(best) - price * best).sum())
        value += lam * (self.hours - float(self.reserved.sum()))
        for g in range(len(self.caps)):
            held = float(self.reserved[self.group_of_acc == g].sum())
            value += float(mu[g]) * (float(self.caps[g]) - held)
        # ν_a = (λ + μ_g) − the account's price, ≥ 0 where it was lowered to its minimum
        nu = np.zeros(self.n_acc)
        np.maximum.at(nu, items.acct, self.item_prices(lam, mu) - price)
        return value - float((nu * self.minimum).sum())

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

    def polish(self, e: np.ndarray, rounds: int = 200) -> None:
        """Move STEP hours at a time from the item where they add least to the item where
        they add most, while that gains, within the capacities and the minimums (a move
        inside one account leaves its hours as they are)."""
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
            has_step = e >= STEP - 1e-12
            if not has_step.any():
                return
            slack = spent[items.acct] - STEP >= self.minimum[items.acct] - 1e-9
            best_move, move = 1e-9, None
            # across accounts: a giver above its minimum to a taker with room
            give = np.where(has_step & slack, down, np.inf)
            giver = int(np.argmin(give))
            if np.isfinite(give[giver]):
                ok = np.ones(items.n, dtype=bool)
                capped = g_item >= 0
                if len(self.caps):
                    ok[capped] = room[g_item[capped]] >= STEP - 1e-9
                ok |= g_item == g_item[giver]
                ok[giver] = False
                taker = int(np.argmax(np.where(ok, up, -np.inf)))
                if ok[taker] and up[taker] - down[giver] > best_move:
                    best_move, move = up[taker] - down[giver], (giver, taker)
            # inside each account: its cheapest giver to its best taker
            for a in np.unique(items.acct[has_step]):
                mine = np.flatnonzero(items.acct == a)
                if len(mine) < 2:
                    continue
                g_mine = mine[has_step[mine]]
                if not len(g_mine):
                    continue
                giver = int(g_mine[np.argmin(down[g_mine])])
                others = mine[mine != giver]
                taker = int(others[np.argmax(up[others])])
                if up[taker] - down[giver] > best_move:
                    best_move, move = up[taker] - down[giver], (giver, taker)
            if move is None:
                return
            e[move[0]] -= STEP
            e[move[1]] += STEP

    def _meet_minimums(self, e, short, price_item, mode) -> np.ndarray:
        items = self.items
        mask = np.isin(items.acct, short)
        pos = {int(a): k for k, a in enumerate(short)}
        idx = np.array([pos[int(a)] for a in items.acct[mask]], dtype=np.int64)
        sub = _Subset(items, mask)
        sub_mode = mode[mask]
        target = self.minimum[short]
        lo = np.full(len(short), PRICE_LOW)
        hi = np.bincount(idx, weights=price_item[mask], minlength=len(short)) / np.maximum(
            np.bincount(idx, minlength=len(short)), 1
        )
        for _ in range(BISECTION_STEPS):
            mid = np.sqrt(lo * hi)
            got = np.bincount(idx, weights=sub.best(mid[idx], sub_mode), minlength=len(short))
            over = got > target
            lo, hi = np.where(over, mid, lo), np.where(over, hi, mid)
        e[mask] = sub.best(hi[idx], sub_mode)
        price_item = price_item.copy()
        price_item[mask] = hi[idx]
        # the bisection's last step: top up to the minimum on the item with the best slope
        got = np.bincount(items.acct, weights=e, minlength=self.n_acc)[short]
        slope = items.slope(e)
        for k, a in enumerate(short):
            if target[k] - got[k] > 1e-9:
                mine = np.flatnonzero(items.acct == a)
                e[mine[np.argmax(slope[mine])]] += target[k] - got[k]
        return price_item


class _Subset(_Items):
    """Some of the items (for the per-account minimum step)."""

    def __init__(self, items: _Items, mask: np.ndarray) -> None:
        self.acct = items.acct[mask]
        self.proc = [p for p, m in zip(items.proc, mask, strict=True) if m]
        for name in ("s0", "w", "up", "down", "gap0", "cross"):
            setattr(self, name, getattr(items, name)[mask])
        self.b, self.tau, self.n = items.b, items.tau, int(mask.sum())
        self._prepare()


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
    reserved: np.ndarray,
    bound: float,
    config: AssessmentConfig,
    capacities: Mapping[int, float],
) -> Plan:
    e = np.maximum(e, 0.0)
    before = items.value(np.zeros(items.n))
    after = items.value(e)
    s_after = items.score(e)
    slope = items.slope(e)
    n_acc = len(accounts)
    winding = {a.account for a in accounts if a.winding_down}
    no_items = {
        a.account
        for a in accounts
        if a.account not in winding and all(a.scores.get(p) is None for p in PROCESSES)
    }
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
    index_before = _indexes(items, items.s0, n_acc)
    index_after = _indexes(items, s_after, n_acc)
    summaries = [
        AccountPlan(
            a.account,
            float(per_acc_hours[k] + reserved[k]),  # reserved: no score yet to move
            index_before[k],
            index_after[k],
            float(per_acc_gain[k]),
        )
        for k, a in enumerate(accounts)
    ]
    notes = []
    if no_items:
        notes.append(
            gettext_noop(
                "{count} account(s) have no process score yet and get no planned hours "
                "beyond their minimum: record their interactions, initiatives and problems first."
            ).format(count=len(no_items))
        )
    if winding:
        notes.append(
            gettext_noop(
                "{count} declining account(s) are being wound down and get only their "
                "minimum hours (SPEC §2.3)."
            ).format(count=len(winding))
        )
    used = float(e.sum() + reserved.sum())
    if used < hours - STEP:
        notes.append(
            gettext_noop(
                "{left} of the {hours} hours are not planned: every account "
                "with a score to raise belongs to a KA manager whose hours are used up."
            ).format(left=f"{hours - used:.1f}", hours=f"{hours:g}")
        )
    objective = float(after.sum())
    naive = {
        rule: _naive_hours(accounts, items, hours, rule, capacities)
        for rule in ("proportional", "equal")
    }
    return Plan(
        hours=hours,
        hours_used=used,
        objective=objective,
        objective_before=float(before.sum()),
        upper_bound=max(bound, objective),
        items=plan_items,
        accounts=summaries,
        comparison={rule: float(items.value(e_rule).sum()) for rule, e_rule in naive.items()},
        notes=notes,
        index_gain=_index_gain(index_before, index_after),
        comparison_index_gain={
            rule: _index_gain(index_before, _indexes(items, items.score(e_rule), n_acc))
            for rule, e_rule in naive.items()
        },
    )


def _index_gain(before: list[float | None], after: list[float | None]) -> float:
    """Index points gained, summed over the accounts that have an index."""
    return float(
        sum(a - b for b, a in zip(before, after, strict=True) if a is not None and b is not None)
    )


def _indexes(items: _Items, scores: np.ndarray, n_acc: int) -> list[float | None]:
    """Each account's effectiveness index (SPEC §2.5) at the given item scores, as
    ``core.lifecycle.index.effectiveness_index`` computes it, for all accounts at once."""
    b = items.b
    u = items.up * np.maximum(0.0, scores - b) - items.down * np.maximum(0.0, b - scores)
    u_max = np.bincount(items.acct, weights=items.up * (100.0 - b), minlength=n_acc)
    u_min = np.bincount(items.acct, weights=-items.down * b, minlength=n_acc)
    total = np.bincount(items.acct, weights=u, minlength=n_acc)
    count = np.bincount(items.acct, minlength=n_acc)
    moves = (u_max != 0) | (u_min != 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        above = np.where(u_max > 0, 50.0 + 50.0 * total / u_max, 50.0)
        below = 50.0 - 50.0 * total / u_min
        index = np.clip(np.where(total >= 0, above, below), 0.0, 100.0)
    return [float(index[k]) if count[k] and moves[k] else None for k in range(n_acc)]


def _naive_hours(
    accounts: Sequence[PlanAccount],
    items: _Items,
    hours: float,
    rule: str,
    capacities: Mapping[int, float],
) -> np.ndarray:
    """``naive_plan`` as hours per item."""
    plan = naive_plan(accounts, hours, rule, capacities)
    ids = [a.account for a in accounts]
    return np.array(
        [plan.get((ids[items.acct[i]], items.proc[i]), 0.0) for i in range(items.n)], dtype=float
    )


def naive_plan(
    accounts: Sequence[PlanAccount],
    hours: float,
    rule: str,
    capacities: Mapping[int, float] | None = None,
) -> dict[tuple[int, str], float]:
    """The plans firms use today: hours per account in proportion to revenue
    (``proportional``; accounts without revenue get none unless no account has any, then
    equal), or the same for every account (``equal``); each account's hours split evenly
    over its scored processes. Only accounts with a scored process take part. Held to the
    same limits as the optimised plan: a KA manager's accounts are scaled down to the
    manager's capacity, and an account gets at least its minimum."""
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
    per_account = {a.account: hours * share for a, share in zip(planned, shares, strict=True)}
    for manager, cap in (capacities or {}).items():
        mine = [a.account for a in planned if a.manager == manager]
        asked = sum(per_account[k] for k in mine)
        if asked > cap:
            for k in mine:
                per_account[k] *= cap / asked
    out: dict[tuple[int, str], float] = {}
    for a in planned:
        scored = [p for p in PROCESSES if a.scores.get(p) is not None]
        given = max(per_account[a.account], a.minimum)
        for p in scored:
            out[a.account, p] = given / len(scored)
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
        roles = roles_for(a.phase, config, a.decision)
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


ROLE_EFFECT = {
    "motivator": gettext_noop("it pays most above the baseline"),
    "hygiene": gettext_noop("it hurts most below the baseline"),
    "background": gettext_noop("it moves the index evenly"),
}


def explain(
    item: PlanItem,
    account: PlanAccount,
    config: AssessmentConfig = DEFAULT_CONFIG,
    index_after: float | None = None,
) -> str:
    """Why the plan gives this item its hours, in a sentence: the process's role in the
    account's phase, where its score stands against the baseline, what the hours do to
    it, and what the last hour still adds to the account's index, in points (at the
    optimum the last hour is worth as much, weighted, as the last hour anywhere else the
    manager's capacity allows). ``index_after``: the account's index after the plan,
    which says on which side of 50 the index's scale is read."""
    roles = roles_for(account.phase, config, account.decision)
    role = roles[item.process]
    b = config.baseline
    u_max, u_min = index_bounds(
        [roles[p] for p, v in account.scores.items() if v is not None], config
    )
    per_point = 0.0
    if index_after is not None and index_after >= 50 and u_max > 0:
        per_point = 50.0 / u_max
    elif index_after is not None and index_after < 50 and u_min < 0:
        per_point = 50.0 / -u_min
    last_hour = item.marginal / account.weight * per_point if account.weight > 0 else 0.0
    row = role_row(account.phase, account.decision) or ""
    phase = (
        ROW_WORDS[row]
        if row in ROW_WORDS and row
        else gettext_noop("in {phase}").format(phase=account.phase.replace("_", "-"))
        if account.phase
        else gettext_noop("in an unknown phase")
    )
    if item.score_before < b:
        stands = gettext_noop(
            "{process} is {role} ({effect}) {phase_words}; it stands at {before}, below the "
            "baseline."
        )
    elif item.score_before == b:
        stands = gettext_noop(
            "{process} is {role} ({effect}) {phase_words}; it stands at {before}, at the baseline."
        )
    else:
        stands = gettext_noop(
            "{process} is {role} ({effect}) {phase_words}; it stands at {before}, above the "
            "baseline."
        )
    crossing = item.score_before < b <= item.score_after
    if index_after is not None and crossing:
        lift = gettext_noop(
            "{hours} h lift it to {after}, over the baseline of {baseline}; the last hour "
            "still raises the account's index by {points} points."
        )
    elif index_after is not None:
        lift = gettext_noop(
            "{hours} h lift it to {after}; the last hour still raises the account's index "
            "by {points} points."
        )
    elif crossing:
        lift = gettext_noop("{hours} h lift it to {after}, over the baseline of {baseline}.")
    else:
        lift = gettext_noop("{hours} h lift it to {after}.")
    words = [
        stands.format(
            process=PROCESS_LABELS[item.process],
            role=ROLE_WORDS[role],
            effect=ROLE_EFFECT[role],
            phase_words=phase,
            before=f"{item.score_before:.0f}",
        ),
        lift.format(
            hours=f"{item.hours:.1f}",
            after=f"{item.score_after:.0f}",
            baseline=f"{b:g}",
            points=f"{last_hour:.2f}",
        ),
    ]
    if account.weight != 1:
        words.append(gettext_noop("Its weight is {weight}.").format(weight=f"{account.weight:g}"))
    return " ".join(words)
