"""fsQCA and csQCA (issue 21): calibration, the truth table, exact minimisation, the
parameters of fit and necessity, on Lipset's data as R's QCA package ships them.

Data: ``tests/core/qca_data/LF.csv`` is the fuzzy-set version ``LF`` of Lipset's (1959)
indicators, calibrated by Ragin (2009), as R's QCA package (Dusa, version 3.23, ``data/
LF.rda``) ships it; the raw values ``LR`` below are the package's ``data/LR.tab.gz``.
``tests/core/qca_data/CVF.csv`` is Cebotari & Vink's (2013) ethnic protest data in fuzzy
sets (replication data: Cebotari & Vink 2015, Harvard Dataverse, doi:10.7910/DVN/PT2IB9),
as R's QCA ships it (``data/CVF.tab.gz``). Where an expected result is published, the test
says where: "R's minimize examples" are the printed results of the examples of
``minimize()`` in R's QCA 3.23 (``inst/staticdocs/minimize.html``)."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import numpy as np
import pytest

from kamkit.core import qca

HERE = Path(__file__).parent / "qca_data"
CASES = [
    "AU",
    "BE",
    "CZ",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "NL",
    "PL",
    "PT",
    "RO",
    "ES",
    "SE",
    "UK",
]
LR = {  # Lipset's raw data (R's QCA, data/LR.tab.gz)
    "DEV": [720, 1098, 586, 468, 590, 983, 795, 390, 424, 662, 517, 1008, 350, 320, 331, 367, 897, 1038],
    "URB": [33.4, 60.5, 69, 28.5, 22, 21.2, 56.5, 31.1, 36.3, 25, 31.4, 78.8, 37, 15.3, 21.9, 43, 34, 74],
    "LIT": [98, 94.4, 95.9, 95, 99.1, 96.2, 98, 59.2, 85, 95, 72.1, 99.9, 76.9, 38, 61.8, 55.6, 99.9, 99.9],
    "IND": [33.4, 48.9, 37.4, 14, 22, 34.8, 40.4, 28.1, 21.6, 14.5, 29.6, 39.3, 11.2, 23.1, 12.2, 25.5, 32.3, 49.9],
    "STB": [10, 4, 6, 6, 9, 5, 11, 10, 13, 5, 9, 2, 21, 19, 7, 12, 6, 4],
    "SURV": [-9, 10, 7, -6, 4, 10, -9, -8, -1, 8, -9, 10, -6, -9, -4, -8, 10, 10],
}  # fmt: skip
CONDITIONS = ["DEV", "URB", "LIT", "IND", "STB"]


def lf() -> dict[str, list[float]]:
    rows = list(csv.DictReader((HERE / "LF.csv").open()))
    assert [r["case"] for r in rows] == CASES
    return {k: [float(r[k]) for r in rows] for k in rows[0] if k != "case"}


def test_direct_calibration_gives_the_published_memberships():
    """calibrate(LR$DEV, type = "fuzzy", thresholds = "e=300, c=600, i=800"), rounded to
    two decimals, as printed in the R Markdown version of Thomann, Oana & Wittwer's
    *Performing fuzzy- and crisp-set QCA with R* (RPubs 553549, ch. 4.1)."""
    published = [0.85, 1.00, 0.47, 0.21, 0.48, 1.00, 0.95, 0.11, 0.15, 0.71, 0.31, 1.00,
                 0.08, 0.06, 0.07, 0.09, 0.99, 1.00]  # fmt: skip
    assert np.round(qca.calibrate(LR["DEV"], 300, 600, 800), 2).tolist() == published
    # the anchors themselves: 0.05, 0.5 and 0.95 (R's idm = 0.95)
    anchors = qca.calibrate([300, 600, 800], 300, 600, 800)
    assert np.allclose(anchors, [0.05, 0.5, 0.95])
    # a set whose members have low values: the anchors run downwards
    assert np.allclose(qca.calibrate([800, 600, 300], 800, 600, 300), [0.05, 0.5, 0.95])
    with pytest.raises(qca.QCAError, match="crossover must lie between"):
        qca.calibrate([1, 2], 300, 900, 800)


def test_the_crisp_truth_table_is_the_published_one():
    """Lipset's data made crisp (DEV ≥ 600, URB ≥ 50, LIT ≥ 75, IND ≥ 30, SURV ≥ 0),
    ``truthTable(LCinit, "SURV", incl.cut = c(1, 0.01), complete = TRUE)`` as printed
    in RPubs 1210283 (a note on Rihoux & Ragin 2009, ch. 3): n, inclusion, PRI, cases."""
    data = {
        "DEV": qca.crisp(LR["DEV"], 600),
        "URB": qca.crisp(LR["URB"], 50),
        "LIT": qca.crisp(LR["LIT"], 75),
        "IND": qca.crisp(LR["IND"], 30),
        "SURV": qca.crisp(LR["SURV"], 0),
    }
    tt = qca.truth_table(
        data, "SURV", ["DEV", "URB", "LIT", "IND"], incl_cut=1, incl_cut0=0.01, case_names=CASES
    )
    published = {  # row: (OUT, n, incl, PRI, cases); the other rows are remainders
        1: ("0", 5, 0.000, 0.000, "GR,IT,PT,RO,ES"),
        3: ("C", 4, 0.250, 0.250, "EE,FI,HU,PL"),
        8: ("1", 1, 1.000, 1.000, "CZ"),
        11: ("1", 1, 1.000, 1.000, "IE"),
        12: ("C", 3, 0.667, 0.667, "AU,FR,SE"),
        16: ("C", 4, 0.750, 0.750, "BE,DE,NL,UK"),
    }
    for number, row in enumerate(tt.rows, start=1):
        if number in published:
            out, n, incl, pri, cases = published[number]
            assert (row.out, row.n, round(row.inclusion, 3), round(row.pri, 3)) == (
                out,
                n,
                incl,
                pri,
            ), number
            assert ",".join(row.cases) == cases
        else:
            assert (row.out, row.n) == ("?", 0), number
    assert tt.rows[7].configuration == (0, 1, 1, 1)  # the rows' order: first condition slowest


def test_lf_holds_the_published_memberships():
    """``head(LF)`` as printed by Sallan, *Obtaining sufficient conditions in QCA
    minimizing the truth table using R* (2021)."""
    data = lf()
    assert [data[c][0] for c in [*CONDITIONS, "SURV"]] == [0.81, 0.12, 0.99, 0.73, 0.43, 0.05]
    assert [data[c][5] for c in [*CONDITIONS, "SURV"]] == [0.98, 0.03, 0.99, 0.81, 0.95, 0.95]


def _fit_by_definition(term: dict[str, int], data, y):
    """Inclusion, PRI and coverage of a conjunction, written out case by case."""
    t = [
        min((v[i] if value else 1 - v[i]) for name, value in term.items() for v in [data[name]])
        for i in range(len(y))
    ]
    both = [min(a, b) for a, b in zip(t, y, strict=True)]
    overlap = [min(a, 1 - b) for a, b in zip(both, y, strict=True)]
    return (
        sum(both) / sum(t),
        (sum(both) - sum(overlap)) / (sum(t) - sum(overlap)),
        sum(both) / sum(y),
    )


def test_the_fuzzy_truth_table_and_its_three_solutions():
    """LF, outcome SURV, incl.cut 0.8. The truth table's positive rows are DEV URB LIT
    IND STB = 11111 (BE, CZ, NL, UK) and 10101 (FI, IE); its observed negative rows
    include 10111 (FR, SE) and 11110 (DE), and the rest are remainders. By hand: the two
    positive rows differ in two conditions, so the complex solution keeps both whole;
    with the remainders, DEV*~IND holds 10101 and no negative row, URB*STB holds 11111
    and no negative row, and no single literal does: the parsimonious solution is their
    sum. The intermediate solution with every condition expected present, derived as R's
    QCA derives it (its minimize(): the easy counterfactuals join the positive rows,
    which are minimised again): the complex term DEV*~URB*LIT*~IND*STB implies the
    parsimonious DEV*~IND and drops ~URB, which the expectation contradicts, giving
    DEV*LIT*~IND*STB; the remainder 11101 lies within it and the parsimonious solution
    uses it, so it is an easy counterfactual; minimising 11111, 10101 and 11101 gives
    DEV*URB*LIT*STB (11111 with 11101) and DEV*LIT*~IND*STB (10101 with 11101)."""
    data = lf()
    tt = qca.truth_table(data, "SURV", CONDITIONS, incl_cut=0.8, case_names=CASES)
    positive = {r.configuration: r.cases for r in tt.rows if r.out == "1"}
    assert positive == {(1, 1, 1, 1, 1): ("BE", "CZ", "NL", "UK"), (1, 0, 1, 0, 1): ("FI", "IE")}
    assert {r.configuration: r.out for r in tt.observed()}[(1, 0, 1, 1, 1)] == "0"
    assert sum(r.n for r in tt.rows) == 18 and len(tt.rows) == 32

    complex_ = qca.minimise(tt, "complex")
    assert [m.expression for m in complex_.models] == [
        "DEV*URB*LIT*IND*STB + DEV*~URB*LIT*~IND*STB"
    ]
    parsimonious = qca.minimise(tt, "parsimonious")
    assert [m.expression for m in parsimonious.models] == ["DEV*~IND + URB*STB"]
    intermediate = qca.minimise(tt, "intermediate", {c: "1" for c in CONDITIONS})
    assert [m.expression for m in intermediate.models] == ["DEV*URB*LIT*STB + DEV*LIT*~IND*STB"]
    # a condition without an expectation keeps its literal: with DEV alone expected, no
    # remainder is an easy counterfactual and the intermediate solution is the complex one
    only_dev = qca.minimise(tt, "intermediate", {"DEV": "1"})
    assert [m.expression for m in only_dev.models] == [m.expression for m in complex_.models]

    # each term's fit, against the definitions written out case by case
    y = data["SURV"]
    model = parsimonious.models[0]
    for fit, term in zip(model.terms, ({"DEV": 1, "IND": 0}, {"URB": 1, "STB": 1}), strict=True):
        incl, pri, cov = _fit_by_definition(term, data, y)
        assert (fit.inclusion, fit.pri, fit.coverage) == pytest.approx((incl, pri, cov))
    assert [round(t.inclusion, 3) for t in model.terms] == [0.815, 0.874]
    assert [round(t.coverage, 3) for t in model.terms] == [0.284, 0.520]
    # unique coverage: what the solution covers less without the term
    union = [max(a, b) for a, b in zip(
        [min(d, 1 - i) for d, i in zip(data["DEV"], data["IND"], strict=True)],
        [min(u, s) for u, s in zip(data["URB"], data["STB"], strict=True)],
        strict=True,
    )]  # fmt: skip
    solution_cov = sum(min(a, b) for a, b in zip(union, y, strict=True)) / sum(y)
    assert model.coverage == pytest.approx(solution_cov)
    assert model.terms[0].unique_coverage == pytest.approx(solution_cov - model.terms[1].coverage)
    assert model.terms[0].cases == ("FI", "IE")


def test_the_negated_outcome_and_necessity():
    data = lf()
    tt = qca.truth_table(data, "~SURV", CONDITIONS, incl_cut=0.8)
    assert tt.outcome_label == "~SURV"
    parsimonious = qca.minimise(tt, "parsimonious")
    assert parsimonious.models[0].expression == "~DEV + ~STB"
    rows = {n.condition: n for n in qca.necessity(data, "SURV", CONDITIONS)}
    y = np.array(data["SURV"])
    lit = np.array(data["LIT"])
    both = np.minimum(lit, y)
    assert rows["LIT"].inclusion == pytest.approx(both.sum() / y.sum())
    assert rows["LIT"].coverage == pytest.approx(both.sum() / lit.sum())
    assert rows["LIT"].relevance == pytest.approx((1 - lit).sum() / (1 - both).sum())
    assert rows["LIT"].inclusion > 0.9 > rows["~LIT"].inclusion  # literacy: almost necessary


def test_every_tied_minimal_solution_is_listed():
    """A chart with two minimal covers: the positive rows 000, 001, 011, 111, 110, 100 of
    three conditions (all six; 010 and 101 negative) form a ring, covered by three pairs
    of two literals in two ways (the classic cyclic chart)."""
    k = 3
    positive = [(0, 0, 0), (0, 0, 1), (0, 1, 1), (1, 1, 1), (1, 1, 0), (1, 0, 0)]
    negative = [(0, 1, 0), (1, 0, 1)]
    data = {name: [] for name in ("A", "B", "C", "Y")}
    for config in itertools.product((0, 1), repeat=k):
        for name, value in zip("ABC", config, strict=True):
            data[name].append(float(value))
        data["Y"].append(1.0 if config in positive else 0.0)
    tt = qca.truth_table(data, "Y", ["A", "B", "C"], incl_cut=1)
    assert sorted(tt.configurations("0")) == negative
    solution = qca.minimise(tt, "complex")
    assert {m.expression for m in solution.models} == {
        "A*~C + ~A*~B + B*C",
        "A*B + ~A*C + ~B*~C",
    }
    assert len(solution.prime_implicants) == 6
    # every model is a cover with the fewest terms, and no two are the same
    sizes = {m.expression.count("+") for m in solution.models}
    assert sizes == {2} and len({m.expression for m in solution.models}) == len(solution.models)
    for model in solution.models:
        covered = {
            config
            for config in positive
            for term in model.expression.split(" + ")
            if all(
                (config["ABC".index(lit[-1])] == (0 if lit.startswith("~") else 1))
                for lit in term.split("*")
            )
        }
        assert covered == set(positive)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"outcome": "NOPE"}, "outcome: no column named 'NOPE'"),
        ({"conditions": ["DEV", "DEV"]}, "named twice"),
        ({"conditions": ["SURV"]}, "is the outcome"),
        ({"incl_cut": 1.5}, "incl_cut: must lie in"),
        ({"n_cut": 0}, "n_cut: must be 1 or more"),
    ],
)
def test_bad_input_names_the_field(kwargs, message):
    args = {"outcome": "SURV", "conditions": CONDITIONS, **kwargs}
    with pytest.raises(qca.QCAError, match=message.replace("(", r"\(").replace(")", r"\)")):
        qca.truth_table(lf(), args.pop("outcome"), args.pop("conditions"), **args)


def test_raw_values_are_refused_until_calibrated():
    with pytest.raises(qca.QCAError, match="SURV: memberships must lie between 0 and 1"):
        qca.truth_table(LR, "SURV", ["DEV"])
    memberships_y = {**LR, "SURV": qca.crisp(LR["SURV"], 0)}
    with pytest.raises(qca.QCAError, match="DEV: memberships must lie between 0 and 1"):
        qca.truth_table(memberships_y, "SURV", ["DEV"])


def test_the_report_carries_each_case_s_memberships_for_the_xy_plot():
    """Each case's membership in every model is the maximum over the model's terms, and
    the model's inclusion is Σmin(X, Y) / ΣX over those memberships."""
    data = lf()
    report = qca.analyse(data, "SURV", CONDITIONS, case_names=CASES, solution="parsimonious")
    (model,) = report["solution"]["models"]
    assert [c["case"] for c in report["cases"]] == CASES
    xs, ys = [], []
    for i, case in enumerate(report["cases"]):
        dev_not_ind = min(data["DEV"][i], 1 - data["IND"][i])
        urb_stb = min(data["URB"][i], data["STB"][i])
        assert case["solutions"][0] == pytest.approx(max(dev_not_ind, urb_stb), abs=0.0005)
        assert case["outcome"] == pytest.approx(data["SURV"][i], abs=0.0005)
        assert case["conditions"]["STB"] == pytest.approx(data["STB"][i], abs=0.0005)
        xs.append(case["solutions"][0])
        ys.append(case["outcome"])
    incl = sum(min(x, y) for x, y in zip(xs, ys, strict=True)) / sum(xs)
    assert incl == pytest.approx(model["incl"], abs=0.002)


def test_directional_expectations_are_read_from_a_list():
    assert qca.parse_expectations(["DEV", " ~IND", ""], CONDITIONS) == {
        "DEV": "1",
        "URB": "-",
        "LIT": "-",
        "IND": "0",
        "STB": "-",
    }
    with pytest.raises(qca.QCAError, match="dir_exp: NOPE is not a condition"):
        qca.parse_expectations(["NOPE"], CONDITIONS)
    assert qca.parse_expectations(["", " "], CONDITIONS) is None  # none named
    tt = qca.truth_table(lf(), "SURV", CONDITIONS)
    with pytest.raises(qca.QCAError, match="dir_exp: the intermediate solution needs"):
        qca.minimise(tt, "intermediate", None)


def _generated(names: list[str], positive) -> dict[str, list[float]]:
    """Every configuration of crisp ``names`` once, the outcome Z set where ``positive``
    holds (R's ``generate()``, a data-generating structure)."""
    rows = list(itertools.product((0, 1), repeat=len(names)))
    data = {n: [float(r[j]) for r in rows] for j, n in enumerate(names)}
    data["Z"] = [float(positive(dict(zip(names, r, strict=True)))) for r in rows]
    return data


def test_a_known_structure_is_recovered_as_r_prints_it():
    """R's QCA documentation (``man/generate.Rd``, version 3.23) expands D + ~AB + B~C
    over A, B, C, D to its 11 positive minterms and prints that they simplify back to
    ``D + ~AB + B~C``; and prints ``M1: Alpha + ~Beta*Gamma + Gamma*~Delta`` as the
    minimisation of the same structure with an irrelevant fifth condition. With every
    configuration observed there are no remainders: all three solutions coincide."""
    data = _generated(
        list("ABCD"), lambda v: v["D"] or (not v["A"] and v["B"]) or (v["B"] and not v["C"])
    )
    assert sum(data["Z"]) == 11  # the 11 minterms R's expand() lists
    for kind in ("complex", "parsimonious"):
        tt = qca.truth_table(data, "Z", list("ABCD"))
        assert [m.expression for m in qca.minimise(tt, kind).models] == ["D + ~A*B + B*~C"]
    names = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"]
    data = _generated(
        names,
        lambda v: v["Alpha"] or (not v["Beta"] and v["Gamma"]) or (v["Gamma"] and not v["Delta"]),
    )
    tt = qca.truth_table(data, "Z", names)
    (model,) = qca.minimise(tt, "complex").models
    assert model.expression == "Alpha + ~Beta*Gamma + Gamma*~Delta"
    assert (model.inclusion, model.coverage) == (1.0, 1.0)  # R prints <->: both ways


def test_the_text_report_aligns_its_columns():
    report = qca.analyse(lf(), "SURV", CONDITIONS, case_names=CASES, solution="parsimonious")
    lines = qca.report_text(report).splitlines()
    head = next(i for i, line in enumerate(lines) if line.strip().startswith("term"))
    table = lines[head : head + 4]
    ends = {line.index("inclS") + len("inclS") if "inclS" in line else None for line in table[:1]}
    for line in table[1:]:
        first_number = line.split()[1]
        assert line.index(first_number) + len(first_number) in ends, table
    assert table[1].split()[:2] == ["DEV*~IND", "0.815"]


def _table(name: str) -> tuple[dict[str, list[float]], list[str]]:
    rows = list(csv.DictReader((HERE / name).open()))
    return {k: [float(r[k]) for r in rows] for k in rows[0] if k != "case"}, [
        r["case"] for r in rows
    ]


def _fits(model: qca.Model) -> list[tuple]:
    return [
        (t.term, *(round(v, 3) for v in (t.inclusion, t.pri, t.coverage, t.unique_coverage)))
        for t in model.terms
    ] + [("M", *(round(v, 3) for v in (model.inclusion, model.pri, model.coverage)))]


def test_lf_parameters_of_fit_are_the_printed_ones():
    """LF, SURV, incl.cut 0.8, as R's minimize examples print them ("Lipset fuzzy sets
    data (Ragin 2009, p.112)"): inclS, PRI, covS and covU of each term and the model's
    inclS, PRI and covS, for the conservative, parsimonious and intermediate solutions
    (every condition expected present)."""
    tt = qca.truth_table(lf(), "SURV", CONDITIONS, incl_cut=0.8, case_names=CASES)
    printed = {
        "complex": [
            ("DEV*URB*LIT*IND*STB", 0.904, 0.886, 0.454, 0.393),
            ("DEV*~URB*LIT*~IND*STB", 0.804, 0.719, 0.265, 0.204),
            ("M", 0.870, 0.843, 0.658),
        ],
        "parsimonious": [
            ("DEV*~IND", 0.815, 0.721, 0.284, 0.194),
            ("URB*STB", 0.874, 0.845, 0.520, 0.430),
            ("M", 0.850, 0.819, 0.714),
        ],
        "intermediate": [
            ("DEV*URB*LIT*STB", 0.901, 0.879, 0.468, 0.378),
            ("DEV*LIT*~IND*STB", 0.814, 0.721, 0.282, 0.191),
            ("M", 0.866, 0.839, 0.660),
        ],
    }
    for kind, expected in printed.items():
        dir_exp = {c: "1" for c in CONDITIONS} if kind == "intermediate" else None
        (model,) = qca.minimise(tt, kind, dir_exp).models
        assert _fits(model) == expected, kind


def test_cebotari_and_vink_four_tied_models_as_r_prints_them():
    """CVF, PROTEST, incl.cut 0.8, parsimonious: R's minimize examples ("Cebotari & Vink
    (2013, 2015)") print 13 positive and 16 negative cases, four tied models that share
    the essential ~NATPRIDE and DEMOC*GEOCON*POLDIS, each with two of four further prime
    implicants in parentheses, and the unique coverage of each term within each model
    (the columns M1 to M4)."""
    data, cases = _table("CVF.csv")
    conditions = ["DEMOC", "ETHFRACT", "GEOCON", "POLDIS", "NATPRIDE"]
    tt = qca.truth_table(data, "PROTEST", conditions, incl_cut=0.8, case_names=cases)
    assert sum(r.n for r in tt.rows if r.out == "1") == 13
    assert sum(r.n for r in tt.rows if r.out == "0") == 16
    solution = qca.minimise(tt, "parsimonious")
    assert [m.expression for m in solution.models] == [
        "~NATPRIDE + DEMOC*GEOCON*POLDIS + (~DEMOC*ETHFRACT*POLDIS + DEMOC*ETHFRACT*GEOCON)",
        "~NATPRIDE + DEMOC*GEOCON*POLDIS + (~DEMOC*ETHFRACT*POLDIS + DEMOC*ETHFRACT*~POLDIS)",
        "~NATPRIDE + DEMOC*GEOCON*POLDIS + (DEMOC*ETHFRACT*GEOCON + ETHFRACT*GEOCON*POLDIS)",
        "~NATPRIDE + DEMOC*GEOCON*POLDIS + (DEMOC*ETHFRACT*~POLDIS + ETHFRACT*GEOCON*POLDIS)",
    ]
    assert solution.essential == ("~NATPRIDE", "DEMOC*GEOCON*POLDIS")
    term = {  # inclS, PRI, covS as printed
        "~NATPRIDE": (0.899, 0.807, 0.597),
        "DEMOC*GEOCON*POLDIS": (0.906, 0.805, 0.342),
        "~DEMOC*ETHFRACT*POLDIS": (0.842, 0.718, 0.299),
        "DEMOC*ETHFRACT*GEOCON": (0.935, 0.826, 0.480),
        "DEMOC*ETHFRACT*~POLDIS": (0.932, 0.773, 0.417),
        "ETHFRACT*GEOCON*POLDIS": (0.869, 0.786, 0.365),
    }
    unique = [  # covU within M1 … M4, in the order of each model's terms
        (0.132, 0.065, 0.040, 0.085),
        (0.122, 0.070, 0.040, 0.085),
        (0.136, 0.065, 0.085, 0.045),
        (0.126, 0.065, 0.085, 0.045),
    ]
    models = [(0.877, 0.777, 0.805)] * 2 + [(0.879, 0.782, 0.810)] * 2
    for m, covu, whole in zip(solution.models, unique, models, strict=True):
        assert [
            (t.term, *t_fit)
            for t, t_fit in zip(m.terms, [term[t.term] for t in m.terms], strict=True)
        ] == [
            (t.term, round(t.inclusion, 3), round(t.pri, 3), round(t.coverage, 3)) for t in m.terms
        ]
        assert tuple(round(t.unique_coverage, 3) for t in m.terms) == covu
        assert (round(m.inclusion, 3), round(m.pri, 3), round(m.coverage, 3)) == whole
    # the cases R lists for the first essential term (membership above 0.5 in both)
    assert set(solution.models[0].terms[0].cases) == {
        "CrimRussiansUkr", "RussiansUkraine", "HungariansYugo", "KosovoAlbanians",
        "RussiansLatvia", "BasquesSpain", "AlbaniansFYROM",
    }  # fmt: skip


def _printed_rows(text: str) -> dict[tuple[int, ...], tuple[str, int, float, float]]:
    """Rows of a truth table as R prints it: row number, five conditions, OUT, n, incl,
    PRI."""
    rows = {}
    for line in text.strip().splitlines():
        _, *config, out, n, incl, pri = line.split()
        rows[tuple(int(v) for v in config)] = (out, int(n), float(incl), float(pri))
    return rows


CVF_NEGATED = """
10 0 1 0 0 1 1 1 0.976 0.914
6 0 0 1 0 1 1 1 0.953 0.852
28 1 1 0 1 1 1 1 0.933 0.775
14 0 1 1 0 1 1 3 0.929 0.816
2 0 0 0 0 1 1 4 0.922 0.818
20 1 0 0 1 1 1 1 0.902 0.714
8 0 0 1 1 1 1 1 0.902 0.705
22 1 0 1 0 1 1 4 0.846 0.597
30 1 1 1 0 1 1 2 0.843 0.333
5 0 0 1 0 0 1 2 0.823 0.416
27 1 1 0 1 0 0 1 0.776 0.217
16 0 1 1 1 1 0 1 0.742 0.409
29 1 1 1 0 0 0 1 0.738 0.142
32 1 1 1 1 1 0 1 0.726 0.283
24 1 0 1 1 1 0 2 0.699 0.229
31 1 1 1 1 0 0 1 0.662 0.109
15 0 1 1 1 0 0 2 0.629 0.161
"""
CVF_CONTRADICTIONS = """
31 1 1 1 1 0 1 1 0.959 0.891
29 1 1 1 0 0 1 1 0.957 0.858
27 1 1 0 1 0 1 1 0.938 0.783
15 0 1 1 1 0 1 2 0.929 0.839
30 1 1 1 0 1 1 2 0.922 0.667
24 1 0 1 1 1 1 2 0.904 0.754
32 1 1 1 1 1 1 1 0.892 0.717
5 0 0 1 0 0 1 2 0.874 0.584
16 0 1 1 1 1 1 1 0.821 0.591
28 1 1 0 1 1 C 1 0.768 0.225
8 0 0 1 1 1 0 1 0.749 0.248
10 0 1 0 0 1 0 1 0.741 0.086
6 0 0 1 0 1 0 1 0.732 0.148
22 1 0 1 0 1 0 4 0.725 0.281
20 1 0 0 1 1 0 1 0.711 0.162
14 0 1 1 0 1 0 3 0.653 0.098
2 0 0 0 0 1 0 4 0.648 0.182
"""


@pytest.mark.parametrize(
    "outcome, cuts, printed",
    [("~PROTEST", {}, CVF_NEGATED), ("PROTEST", {"incl_cut0": 0.75}, CVF_CONTRADICTIONS)],
)
def test_cebotari_and_vink_truth_tables_as_r_prints_them(outcome, cuts, printed):
    """The two truth tables of CVF that R's truthTable() examples print (QCA 3.23,
    ``inst/staticdocs/truthTable.html``, "Cebotari & Vink fuzzy data"): the negated
    outcome at incl.cut 0.8, and PROTEST with contradictions between 0.75 and 0.8
    (``incl.cut = c(0.8, 0.75)``). Every observed row: OUT, n, inclusion and PRI."""
    data, cases = _table("CVF.csv")
    conditions = ["DEMOC", "ETHFRACT", "GEOCON", "POLDIS", "NATPRIDE"]
    tt = qca.truth_table(data, outcome, conditions, incl_cut=0.8, case_names=cases, **cuts)
    ours = {
        r.configuration: (r.out, r.n, round(r.inclusion, 3), round(r.pri, 3)) for r in tt.observed()
    }
    assert ours == _printed_rows(printed)


def test_intermediate_models_name_the_pairs_they_come_from():
    """R's QCA heads each intermediate model with the pair of a complex and a
    parsimonious model it comes from: LF's is printed "From C1P1:" (R's minimize
    examples). CVF has one complex and four tied parsimonious models: each of the four
    pairs is named by a model, once."""
    tt = qca.truth_table(lf(), "SURV", CONDITIONS, incl_cut=0.8, case_names=CASES)
    (model,) = qca.minimise(tt, "intermediate", {c: "1" for c in CONDITIONS}).models
    assert model.origins == ("C1P1",)
    report = qca.analyse(
        lf(), "SURV", CONDITIONS, case_names=CASES, solution="intermediate",
        dir_exp={c: "1" for c in CONDITIONS},
    )  # fmt: skip
    assert report["solution"]["models"][0]["from"] == ["C1P1"]
    assert "-> SURV   (from C1P1)" in qca.report_text(report)
    data, cases = _table("CVF.csv")
    conditions = ["DEMOC", "ETHFRACT", "GEOCON", "POLDIS", "NATPRIDE"]
    tt = qca.truth_table(data, "PROTEST", conditions, incl_cut=0.8, case_names=cases)
    assert len(qca.minimise(tt, "complex").models) == 1
    assert len(qca.minimise(tt, "parsimonious").models) == 4
    solution = qca.minimise(tt, "intermediate", dict.fromkeys(conditions, "1"))
    named = [pair for m in solution.models for pair in m.origins]
    assert sorted(named) == ["C1P1", "C1P2", "C1P3", "C1P4"]
    # other solutions name no pairs
    assert qca.minimise(tt, "parsimonious").models[0].origins == ()
