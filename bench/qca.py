"""Benchmark: fsQCA minimisation at 12 conditions and 2,000 cases (issue 21, item 5).

Generated fuzzy data: 12 conditions drawn per case, an outcome that follows three
configurations with noise, so the truth table has many observed rows, positive and
negative, and thousands of remainders. Prints, in the same run, the time to build the
truth table (the floor: every case assigned to its row, each of the 4,096 rows' inclusion
and PRI) next to the time of each solution (complex, parsimonious, intermediate: the
implicant search over 3^12 cubes, the prime implicant chart solved exactly, the fit of
every model). Medians of --repeat runs. Target (issue 21): each solution < 5 s.

    uv run python bench/qca.py [--conditions 12] [--cases 2000] [--n-cut 3] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np

from kamkit.core import qca


def generate(conditions: int, cases: int, seed: int = 21) -> dict[str, np.ndarray]:
    """Cases of 80 kinds (limited diversity, as in observed data): each case is one kind's
    configuration with each condition flipped at 3 %, its memberships near 0 or 1; the
    outcome follows C1*C2 + C3*~C4 + C5*C6*~C7 with 3 % of the cases flipped, fuzzy
    scores around it."""
    rng = np.random.default_rng(seed)
    names = [f"C{i + 1}" for i in range(conditions)]
    kinds = rng.random((80, conditions)) < 0.5
    corner = kinds[rng.integers(0, 80, cases)] ^ (rng.random((cases, conditions)) < 0.03)
    strength = rng.beta(0.3, 0.3, size=(cases, conditions)) * 0.5
    x = np.where(corner, 0.5 + strength, 0.5 - strength).clip(0, 1)
    x = np.where(x == 0.5, 0.51, x)
    c = corner
    crisp_y = (c[:, 0] & c[:, 1]) | (c[:, 2] & ~c[:, 3]) | (c[:, 4] & c[:, 5] & ~c[:, 6])
    crisp_y ^= rng.random(cases) < 0.03
    y = np.where(crisp_y, rng.uniform(0.6, 1.0, cases), rng.uniform(0.0, 0.4, cases))
    return {**{n: x[:, i] for i, n in enumerate(names)}, "Y": y}


def timed(repeat: int, work) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conditions", type=int, default=12)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--n-cut", type=int, default=3)
    args = parser.parse_args()
    data = generate(args.conditions, args.cases)
    conditions = [f"C{i + 1}" for i in range(args.conditions)]
    floor, tt = timed(
        args.repeat,
        lambda: qca.truth_table(data, "Y", conditions, incl_cut=0.8, n_cut=args.n_cut),
    )
    rows = {out: len(tt.configurations(out)) for out in ("1", "0", "?")}
    print(
        f"{args.cases:,} cases, {args.conditions} conditions: {rows['1']} positive rows, "
        f"{rows['0']} negative, {rows['?']:,} remainders; median of {args.repeat} runs, "
        f"Python {sys.version.split()[0]}"
    )
    print(f"{'truth table (floor)':<34}{floor:8.2f} s")
    met = True
    expectations = {c: "1" for c in conditions}
    for kind in ("complex", "parsimonious", "intermediate"):
        seconds, solution = timed(
            args.repeat,
            lambda kind=kind: qca.minimise(
                tt, kind, expectations if kind == "intermediate" else None
            ),
        )
        met &= seconds < 5
        terms = len(solution.models[0].terms) if solution.models else 0
        print(
            f"{kind + ' solution':<34}{seconds:8.2f} s   {seconds / floor:6.1f} x floor   "
            f"{len(solution.prime_implicants)} prime implicants, {len(solution.models)} "
            f"model(s) of {terms} terms"
        )
    print(f"target (each solution < 5 s): {'met' if met else 'NOT MET'}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
