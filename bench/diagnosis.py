"""Benchmark: the whole diagnosis of a large generated case next to parsing its YAML.

A case of 200 KAM units × 50 partners (10,000 links), 5,000 respondents with a rating of
each of the six dimensions (30,000 ratings) and profiles for every unit. A third of the
links carry the analyst's marks, the rest are computed from profiles and ratings; half
record practices, some an analyst level.

Prints, for the same file in the same run, the time of only parsing the YAML (the floor:
ryaml, the parser kamkit reads case files with, building plain Python values) and the time
of the whole diagnosis as `kamkit diagnose CASE --format json` runs it (parsing,
validation, the four steps, network measures, advice, and the JSON text). Medians of
--repeat runs. Targets (issue 2): whole < 2 s and whole < 3 × floor.

    uv run python bench/diagnosis.py [--kam 200] [--partners 50] [--respondents 5000]
                                     [--repeat 5] [--check]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import ryaml
import yaml

from kamkit.core.diagnosis import DIMENSIONS, PRACTICES, diagnose_file, diagnose_path

CATEGORIES = {
    "structural_formalization": ["low", "middle", "high"],
    "orientation_toward_others": ["interpersonal", "task"],
    "time_orientation": ["short_term", "middle_term", "long_term"],
    "goal_orientation": ["market", "cost", "technology", "quality"],
}


def generate(kam: int, partners: int, respondents: int, seed: int = 7) -> str:
    """The YAML text of a generated case."""
    rnd = random.Random(seed)
    lines = ["kamkit_case: 1", "title: Generated benchmark case", "units:"]
    kam_ids = [f"kam{i}" for i in range(kam)]
    partner_ids = [f"p{j}" for j in range(partners)]
    for u in kam_ids:
        lines.append(
            f"  - {{id: {u}, name: KAM unit {u[3:]}, kind: kam, members: {rnd.randint(3, 12)}}}"
        )
    for p in partner_ids:
        lines.append(f"  - {{id: {p}, name: Partner {p[1:]}, kind: partner}}")
    lines.append("respondents:")
    units = kam_ids + partner_ids
    resp_ids = [f"R{i}" for i in range(respondents)]
    for i, r in enumerate(resp_ids):
        lines.append(f"  - {{id: {r}, unit: {units[i % len(units)]}, position: Manager}}")
    lines.append("profiles:")
    for u in units:
        values = []
        for dim, options in CATEGORIES.items():
            if rnd.random() < 0.8:
                if dim == "goal_orientation":
                    values.append(f"{dim}: [{', '.join(rnd.sample(options, 2))}]")
                else:
                    values.append(f"{dim}: {rnd.choice(options)}")
        lines.append(f"  {u}: {{{', '.join(values)}}}")
    lines.append("ratings:")
    for r in resp_ids:
        for dim in DIMENSIONS:
            value = rnd.randint(1, 7)
            lines.append(
                f"  - {{respondent: {r}, item: {dim[:4]}_item, dimension: {dim}, value: {value}}}"
            )
    lines.append("links:")
    levels = ["absent", "partial", "substantial"]
    for u in kam_ids:
        for p in partner_ids:
            lines.append(f"  - kam: {u}")
            lines.append(f"    partner: {p}")
            lines.append(
                f"    flows: {{asset: {rnd.choice(['none', 'low', 'medium', 'high'])}, "
                f"information: {rnd.choice(['low', 'medium', 'high'])}}}"
            )
            requisite = rnd.choice(["kam_depends", "partner_depends", "mutual"])
            lines.append(f"    requisite_integration: {requisite}")
            if rnd.random() < 1 / 3:
                marked = [d for d in DIMENSIONS if rnd.random() < 0.5]
                lines.append(f"    differs: [{', '.join(marked)}]")
            roll = rnd.random()
            if roll < 0.5:
                practices = ", ".join(f"{p_}: {rnd.choice(levels)}" for p_ in PRACTICES)
                lines.append(f"    alignment: {{practices: {{{practices}}}}}")
            elif roll < 0.8:
                level = rnd.choice(["low", "rather low", "rather high", "high"])
                lines.append(f"    alignment: {{level: {level}}}")
            if rnd.random() < 0.3:
                lines.append(
                    f"    relationship_quality: {rnd.choice(['harmonic', 'tense', 'mixed'])}"
                )
    return "\n".join(lines) + "\n"


def floor(path: Path) -> float:
    """Only parsing: the YAML parser kamkit reads with (ryaml), to plain Python values."""
    start = time.perf_counter()
    ryaml.loads(path.read_text(encoding="utf-8"))
    return time.perf_counter() - start


def pyyaml_parse(path: Path) -> float:
    """For context: PyYAML's C loader on the same file."""
    start = time.perf_counter()
    yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def whole(path: Path) -> tuple[float, int]:
    """What `kamkit diagnose CASE --format json` does: load, validate, diagnose, render."""
    start = time.perf_counter()
    out = diagnose_file(path, "json")
    return time.perf_counter() - start, len(out)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kam", type=int, default=200)
    parser.add_argument("--partners", type=int, default=50)
    parser.add_argument("--respondents", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--check", action="store_true", help="exit with status 1 when a target is not met"
    )
    args = parser.parse_args()

    text = generate(args.kam, args.partners, args.respondents)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench-case.yaml"
        path.write_text(text, encoding="utf-8")
        size_mb = path.stat().st_size / 1e6
        dyads = len(diagnose_path(path).dyads)
        floors, wholes = [], []
        for _ in range(args.repeat):
            floors.append(floor(path))
            t, out_len = whole(path)
            wholes.append(t)
        py = pyyaml_parse(path)
    f, w = statistics.median(floors), statistics.median(wholes)
    print(
        f"case: {args.kam} KAM units x {args.partners} partners = {dyads} dyads, "
        f"{args.respondents} respondents, {args.respondents * 6} ratings, {size_mb:.1f} MB YAML"
    )
    print(f"median of {args.repeat} runs, Python {sys.version.split()[0]}")
    print(f"{'parse YAML only, ryaml (floor)':<40}{f:8.2f} s")
    print(f"{'whole diagnosis, JSON output':<40}{w:8.2f} s   ({out_len / 1e6:.1f} MB JSON)")
    print(f"{'ratio whole / floor':<40}{w / f:8.2f} x")
    print(f"{'for context: PyYAML C loader, parse only':<40}{py:8.2f} s   (one run)")
    ok = w < 2.0 and w < 3 * f
    print(f"targets (< 2 s, < 3x floor): {'met' if ok else 'NOT met'}")
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
