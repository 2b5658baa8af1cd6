"""Fuzzy-set and crisp-set Qualitative Comparative Analysis (SPEC §4; issue 21).

Which configurations of conditions are sufficient for an outcome (Ragin 2008,
*Redesigning Social Inquiry*): calibrate the raw values into set memberships, build the
truth table, minimise its positive rows into the complex, parsimonious and intermediate
solutions, and report each term's and solution's parameters of fit; and which single
conditions are necessary.

Plain Python with numpy, no Django. The behaviour follows R's QCA package (Dusa), the
reference researchers use, written here from the published definitions:

- **calibration** (direct method): three anchors, full non-membership ``e``, crossover
  ``c`` and full membership ``i``; the log odds of membership are scaled so that ``e``
  and ``i`` map to 0.05 and 0.95 (log odds ∓ ln 19, R's ``idm = 0.95``);
- **truth table**: a case belongs to the row (corner) in which its membership exceeds
  0.5; ``n`` counts them; a row's inclusion (consistency) is Σmin(X, Y) / ΣX over all
  cases, its PRI (Σmin(X, Y) − Σmin(X, Y, ~Y)) / (ΣX − Σmin(X, Y, ~Y)); a row with
  ``n ≥ n_cut`` is positive (``1``) when its inclusion reaches ``incl_cut``, else
  negative (``0``; a contradiction ``C`` between a second, lower cut and the first); the
  others are logical remainders (``?``);
- **minimisation**: exact. Every implicant is found (an implicant covers at least one
  positive row and no row it may not cover), the prime ones kept, and the prime
  implicant chart is solved exactly: every cover with the fewest prime implicants is
  listed (R's M1, M2, …), none is dropped by dominance;
- **solutions**: complex (conservative: no remainder used), parsimonious (every
  remainder may be used), intermediate (the easy counterfactuals of Ragin & Sonnett,
  derived as R's QCA does: a complex term keeps the literals of the parsimonious term
  it implies and those no directional expectation contradicts; the remainders the
  parsimonious model uses within such terms join the positive rows, which are then
  minimised again);
- **parameters of fit**: a term's inclusion Σmin(T, Y) / ΣT, PRI, raw coverage
  Σmin(T, Y) / ΣY and unique coverage (what the solution covers less without it); the
  solution's the same for the union (maximum) of its terms;
- **necessity**: inclusion Σmin(X, Y) / ΣY, relevance (RoN) Σ(1 − X) / Σ(1 − min(X, Y))
  and coverage Σmin(X, Y) / ΣX for each condition and its negation.

Solutions are written as R's QCA writes them: ``DEV*~IND + URB*STB`` (``*`` and, ``~``
not, ``+`` or, the conditions of a term in data order).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from kamkit.core.i18n import gettext_noop

IDM = 0.95
"""Membership at the full-membership anchor of the direct method (R's QCA default; Ragin
2008 uses log odds of 3, which is 0.953): the anchors map to log odds ± ln(19)."""

MAX_CONDITIONS = 14
"""More conditions than this are refused: the implicant search holds 3^k cubes (kamkit
limit; 3^14 ≈ 4.8 million, about 5 MB; QCA studies rarely use more than 10)."""


class QCAError(ValueError):
    """Input that cannot be analysed; the message names the field and the problem."""


# ---------------------------------------------------------------- calibration and sets


def calibrate(
    values: Sequence[float], exclusion: float, crossover: float, inclusion: float
) -> np.ndarray:
    """Direct calibration (Ragin 2008, ch. 5): memberships in (0, 1) by the logistic
    function, 0.05 at ``exclusion``, 0.5 at ``crossover``, 0.95 at ``inclusion``. The
    anchors may run downwards (``exclusion > inclusion``) for a set whose members have
    low values."""
    x = np.asarray(values, dtype=float)
    if not (exclusion < crossover < inclusion or exclusion > crossover > inclusion):
        raise QCAError(
            "calibrate: the crossover must lie between the exclusion and the inclusion "
            f"anchor (got {exclusion}, {crossover}, {inclusion})"
        )
    k = math.log(IDM / (1 - IDM))
    above = (x - crossover) / (inclusion - crossover)
    below = (x - crossover) / (crossover - exclusion)
    upward = inclusion > crossover
    beyond = (x >= crossover) if upward else (x <= crossover)
    scaled = np.where(beyond, above, below) * k
    return 1.0 / (1.0 + np.exp(-scaled))


def crisp(values: Sequence[float], threshold: float) -> np.ndarray:
    """A crisp set: 1 at or above ``threshold``, else 0."""
    return (np.asarray(values, dtype=float) >= threshold).astype(float)


def negate(memberships: Sequence[float]) -> np.ndarray:
    """Set negation: 1 − membership."""
    return 1.0 - np.asarray(memberships, dtype=float)


def _outcome(data: Mapping[str, Sequence[float]], outcome: str) -> tuple[str, bool, np.ndarray]:
    """The outcome's column name, whether it is negated (``~Y``), and its memberships
    (negated when asked)."""
    negated = outcome.startswith("~")
    name = outcome[1:] if negated else outcome
    if name not in data:
        raise QCAError(f"outcome: no column named {name!r}")
    y = np.asarray(data[name], dtype=float)
    _check_memberships(name, y)
    return name, negated, (1.0 - y if negated else y)


def _check_memberships(name: str, values: np.ndarray) -> None:
    if values.size and (np.isnan(values).any() or values.min() < 0 or values.max() > 1):
        raise QCAError(f"{name}: memberships must lie between 0 and 1 (calibrate first)")


# ---------------------------------------------------------------------- terms and fit


@dataclass(frozen=True, slots=True)
class Term:
    """A conjunction: for each condition (data order) 1 (present), 0 (absent) or None
    (not in the term)."""

    values: tuple[int | None, ...]

    def text(self, names: Sequence[str]) -> str:
        parts = [
            (n if v == 1 else f"~{n}")
            for n, v in zip(names, self.values, strict=True)
            if v is not None
        ]
        return "*".join(parts) if parts else "1"

    def membership(self, data: np.ndarray) -> np.ndarray:
        """Each case's membership in the term: the minimum over its literals."""
        out = np.ones(data.shape[0])
        for j, v in enumerate(self.values):
            if v is not None:
                out = np.minimum(out, data[:, j] if v == 1 else 1.0 - data[:, j])
        return out

    @property
    def size(self) -> int:
        return sum(v is not None for v in self.values)


@dataclass(frozen=True, slots=True)
class Fit:
    """Parameters of fit of a set relation X ⊆ Y (sufficiency)."""

    inclusion: float
    pri: float
    coverage: float


def fit(x: np.ndarray, y: np.ndarray) -> Fit:
    """Inclusion (consistency), PRI and raw coverage of X as sufficient for Y."""
    both = np.minimum(x, y)
    sx, sy, sb = x.sum(), y.sum(), both.sum()
    overlap = np.minimum(both, 1.0 - y).sum()
    inclusion = sb / sx if sx > 0 else math.nan
    pri_den = sx - overlap
    pri = (sb - overlap) / pri_den if pri_den > 0 else math.nan
    coverage = sb / sy if sy > 0 else math.nan
    return Fit(float(inclusion), float(pri), float(coverage))


# ----------------------------------------------------------------------- truth table


@dataclass(frozen=True, slots=True)
class Row:
    """A truth table row: a configuration (1 present, 0 absent per condition)."""

    configuration: tuple[int, ...]
    n: int
    inclusion: float
    pri: float
    out: str
    """``1`` positive, ``0`` negative, ``?`` remainder (fewer than ``n_cut`` cases)."""
    cases: tuple[str, ...]


@dataclass
class TruthTable:
    conditions: tuple[str, ...]
    outcome: str
    negated_outcome: bool
    incl_cut: float
    n_cut: int
    rows: list[Row]
    data: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    case_names: tuple[str, ...] = field(repr=False)
    terms_seen: dict = field(default_factory=dict, repr=False, compare=False)
    """Each term's memberships, fit and cases, computed once (a term recurs in many of
    the tied models)."""

    @property
    def outcome_label(self) -> str:
        return f"~{self.outcome}" if self.negated_outcome else self.outcome

    def configurations(self, out: str) -> list[tuple[int, ...]]:
        return [r.configuration for r in self.rows if r.out == out]

    def observed(self) -> list[Row]:
        return [r for r in self.rows if r.n > 0]


def truth_table(
    data: Mapping[str, Sequence[float]],
    outcome: str,
    conditions: Sequence[str],
    *,
    incl_cut: float = 0.8,
    incl_cut0: float | None = None,
    n_cut: int = 1,
    case_names: Sequence[str] | None = None,
) -> TruthTable:
    """The truth table of ``outcome`` (``~Y`` for its negation) on ``conditions``, each a
    column of memberships in ``data``. Every configuration is listed (2^k rows). A row
    whose inclusion lies between ``incl_cut0`` and ``incl_cut`` is a contradiction
    (``C``; R's ``incl.cut = c(ic1, ic0)``); by default there are none."""
    name, negated, y = _outcome(data, outcome)
    conditions = tuple(conditions)
    if not conditions:
        raise QCAError("conditions: name at least one condition")
    if len(conditions) > MAX_CONDITIONS:
        raise QCAError(f"conditions: at most {MAX_CONDITIONS} (got {len(conditions)})")
    for c in conditions:
        if c not in data:
            raise QCAError(f"conditions: no column named {c!r}")
        if c == name:
            raise QCAError(f"conditions: {c!r} is the outcome")
    if len(set(conditions)) != len(conditions):
        raise QCAError("conditions: a condition is named twice")
    if not 0 < incl_cut <= 1:
        raise QCAError(f"incl_cut: must lie in (0, 1] (got {incl_cut})")
    incl_cut0 = incl_cut if incl_cut0 is None else incl_cut0
    if not 0 <= incl_cut0 <= incl_cut:
        raise QCAError(f"incl_cut0: must lie in [0, incl_cut] (got {incl_cut0})")
    if n_cut < 1:
        raise QCAError(f"n_cut: must be 1 or more (got {n_cut})")
    x = np.column_stack([np.asarray(data[c], dtype=float) for c in conditions])
    if x.shape[0] != y.shape[0]:
        raise QCAError("data: the columns differ in length")
    if x.shape[0] == 0:
        raise QCAError("data: no cases")
    for j, c in enumerate(conditions):
        _check_memberships(c, x[:, j])
    names = (
        tuple(case_names) if case_names is not None else tuple(str(i + 1) for i in range(len(y)))
    )
    k = len(conditions)
    # each case's corner: the configuration in which its membership exceeds 0.5
    corner = (x > 0.5).astype(int)
    ambiguous = (x == 0.5).any(axis=1)
    index = corner @ (1 << np.arange(k - 1, -1, -1))
    rows = []
    for code in range(2**k):
        config = tuple((code >> (k - 1 - j)) & 1 for j in range(k))
        members = np.flatnonzero((index == code) & ~ambiguous)
        term = Term(tuple(config))
        f = fit(term.membership(x), y)
        n = len(members)
        out = _out(n, f.inclusion, n_cut, incl_cut, incl_cut0)
        rows.append(Row(config, n, f.inclusion, f.pri, out, tuple(names[i] for i in members)))
    return TruthTable(conditions, name, negated, incl_cut, n_cut, rows, x, y, names)


def _out(n: int, inclusion: float, n_cut: int, incl_cut: float, incl_cut0: float) -> str:
    """A row's output: ``?`` below the frequency cut, ``1`` at or above the inclusion cut,
    ``0`` below the lower cut, ``C`` (contradiction) between them."""
    if n < n_cut:
        return "?"
    if inclusion >= incl_cut - 1e-12:
        return "1"
    if inclusion < incl_cut0 - 1e-12:
        return "0"
    return "C"


# ---------------------------------------------------------------------- minimisation


def _cube_flags(k: int, codes: Sequence[int]) -> np.ndarray:
    """For every cube of k ternary digits (0 absent, 1 present, 2 free), whether it
    contains one of the minterms ``codes`` (bit j of a code is condition j, first
    condition highest)."""
    flags = np.zeros((3,) * k, dtype=bool)
    for code in codes:
        flags[tuple((code >> (k - 1 - j)) & 1 for j in range(k))] = True
    for axis in range(k):  # a free digit holds what either value holds
        lo = np.take(flags, 0, axis=axis)
        hi = np.take(flags, 1, axis=axis)
        index = [slice(None)] * k
        index[axis] = 2
        flags[tuple(index)] = lo | hi
    return flags


def prime_implicants(
    k: int, positive: Sequence[int], forbidden: Sequence[int]
) -> list[tuple[int | None, ...]]:
    """Every prime implicant: a cube that holds a positive minterm and no forbidden one
    (the negative rows; for the complex solution the remainders too), and that loses
    this when any of its literals is dropped."""
    if not positive:
        return []
    on = _cube_flags(k, positive)
    off = _cube_flags(k, forbidden) if forbidden else np.zeros_like(on)
    implicant = on & ~off
    prime = implicant.copy()
    for axis in range(k):
        free = np.take(implicant, 2, axis=axis)
        for value in (0, 1):
            index = [slice(None)] * k
            index[axis] = value
            prime[tuple(index)] &= ~free
    return [
        tuple(None if d == 2 else int(d) for d in cube)
        for cube in zip(*np.nonzero(prime), strict=True)
    ]


MAX_MODELS = 1000
"""Tied minimal models listed at most (kamkit limit: beyond it a solution says it is
incomplete; sparse data with many remainders can tie in the thousands)."""


class _Enough(Exception):
    pass


def minimal_covers(
    rows: Sequence[tuple[int, ...]], terms: Sequence[Term], limit: int = MAX_MODELS
) -> tuple[list[tuple[int, ...]], bool]:
    """Every cover of ``rows`` by the fewest ``terms`` (indices into ``terms``), and
    whether that is all of them: the prime implicant chart solved exactly, ties listed
    up to ``limit``. Essential terms first; a row whose terms include all of another row's is
    dropped (covering the other covers it: no minimal cover is lost); then a
    branch-and-bound search on the row with the fewest terms, bounded below by rows that
    share no term."""
    if not rows:
        return [()], True
    k = len(rows[0])
    mask = np.array([sum(1 << (k - 1 - j) for j, v in enumerate(t.values) if v is not None)
                     for t in terms], dtype=np.int64)  # fmt: skip
    value = np.array([sum(1 << (k - 1 - j) for j, v in enumerate(t.values) if v == 1)
                      for t in terms], dtype=np.int64)  # fmt: skip
    codes = np.array([_code(r) for r in rows], dtype=np.int64)
    chart = (codes[:, None] & mask[None, :]) == value[None, :]
    holders: list[frozenset[int]] = [frozenset(np.flatnonzero(line).tolist()) for line in chart]
    if any(not h for h in holders):
        raise QCAError("the prime implicants do not cover every positive row")
    essential = {next(iter(h)) for h in holders if len(h) == 1}
    open_rows = {h for h in holders if not h & essential}
    # row dominance: keep the rows whose holders contain no other row's holders
    reduced = [h for h in open_rows if not any(o < h for o in open_rows)]
    reduced = sorted(set(reduced), key=len)
    if not reduced:
        return [tuple(sorted(essential))], True

    def lower_bound(remaining: list[frozenset[int]]) -> int:
        used: set[int] = set()
        count = 0
        for h in sorted(remaining, key=len):
            if not h & used:
                used |= h
                count += 1
        return count

    def search(remaining, chosen, budget, found):
        if not remaining:
            found.add(tuple(sorted(chosen)))
            if len(found) >= limit:
                raise _Enough
            return
        if len(chosen) + lower_bound(remaining) > budget:
            return
        row = min(remaining, key=len)
        for t in sorted(row):
            search([h for h in remaining if t not in h], chosen | {t}, budget, found)

    budget = _minimum_cover_size(reduced)
    found: set[tuple[int, ...]] = set()
    complete = True
    try:
        search(reduced, frozenset(), budget, found)
    except _Enough:
        complete = False
    return sorted(tuple(sorted(essential | set(c))) for c in found), complete


def _minimum_cover_size(rows: Sequence[frozenset[int]]) -> int:
    """The fewest terms that cover every row: an integer program (HiGHS via scipy),
    exact."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import lil_array

    columns = sorted(set().union(*rows))
    where = {t: j for j, t in enumerate(columns)}
    a = lil_array((len(rows), len(columns)))
    for i, h in enumerate(rows):
        for t in h:
            a[i, where[t]] = 1
    result = milp(
        c=np.ones(len(columns)),
        constraints=LinearConstraint(a.tocsr(), lb=1, ub=np.inf),
        integrality=np.ones(len(columns)),
        bounds=Bounds(0, 1),
    )
    if not result.success:  # pragma: no cover - every row has a term: always feasible
        raise QCAError(f"the prime implicant chart could not be solved ({result.message})")
    return round(result.fun)


# ------------------------------------------------------------------------- solutions


@dataclass(frozen=True, slots=True)
class TermFit:
    term: str
    inclusion: float
    pri: float
    coverage: float
    unique_coverage: float
    cases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Model:
    """One solution (R's M1, M2, …): its terms with their fit, and its own fit."""

    expression: str
    terms: tuple[TermFit, ...]
    inclusion: float
    pri: float
    coverage: float
    membership: tuple[float, ...] = ()
    """Each case's membership in the model (the maximum over its terms), for XY plots."""
    origins: tuple[str, ...] = ()
    """An intermediate model: the pairs of a complex and a parsimonious model it comes
    from, as R's QCA names them (``C1P1``: the first of each)."""


@dataclass(frozen=True, slots=True)
class Solution:
    kind: str
    """``complex``, ``parsimonious`` or ``intermediate``."""
    outcome: str
    models: tuple[Model, ...]
    prime_implicants: tuple[str, ...]
    directional_expectations: Mapping[str, str] | None = None
    complete: bool = True
    """False when more tied models exist than :data:`MAX_MODELS` (the first are listed)."""
    essential: tuple[str, ...] = ()
    """The terms every model holds (R's essential prime implicants); with one model, all
    its terms."""


def _code(config: tuple[int, ...]) -> int:
    return int("".join(str(v) for v in config), 2) if config else 0


def _term_seen(tt: TruthTable, term: Term) -> tuple[np.ndarray, Fit, tuple[str, ...]]:
    seen = tt.terms_seen.get(term)
    if seen is None:
        m = term.membership(tt.data)
        cases = tuple(tt.case_names[c] for c in np.flatnonzero((m > 0.5) & (tt.y > 0.5)))
        seen = tt.terms_seen[term] = (m, fit(m, tt.y), cases)
    return seen


def _fit_model(tt: TruthTable, terms: Sequence[Term]) -> Model:
    names = tt.conditions
    seen = [_term_seen(tt, t) for t in terms]
    y_sum = tt.y.sum()
    if seen:
        matrix = np.vstack([m for m, _, _ in seen])
        union = matrix.max(axis=0)
        # the union without one term: the largest of the others, i.e. the second largest
        # where that term alone holds the largest
        top = matrix.argmax(axis=0)
        second = np.partition(matrix, -2, axis=0)[-2] if len(seen) > 1 else np.zeros_like(union)
    else:
        union = np.zeros(len(tt.y))
    whole = fit(union, tt.y)
    fits = []
    for i, (t, (_m, f, cases)) in enumerate(zip(terms, seen, strict=True)):
        without = np.where(top == i, second, union)
        covered = np.minimum(without, tt.y).sum() / y_sum if y_sum > 0 else math.nan
        unique = whole.coverage - float(covered)
        fits.append(TermFit(t.text(names), f.inclusion, f.pri, f.coverage, unique, cases))
    expression = " + ".join(f.term for f in fits) if fits else "(none)"
    return Model(
        expression,
        tuple(fits),
        whole.inclusion,
        whole.pri,
        whole.coverage,
        tuple(float(v) for v in union),
    )


def _order(terms: Sequence[Term], kind: str = "complex") -> list[Term]:
    """R's order of a model's terms: fewer literals first, then by the conditions in data
    order, a condition in the term before one left out. Within a condition R's QCA puts
    the present literal first where it minimises by Quine-McCluskey (the complex solution,
    and the intermediate one, which minimises the positive rows and the easy
    counterfactuals again; LF: ``DEV*URB*LIT*IND*STB + DEV*~URB*LIT*~IND*STB``) and the
    negated one first in the parsimonious solution (its ``sortExpressions``; CVF:
    ``~DEMOC*ETHFRACT*POLDIS`` before ``DEMOC*ETHFRACT*GEOCON``): both as printed in R's
    ``minimize`` examples (QCA 3.23)."""
    present, negated = (1, 0) if kind == "parsimonious" else (0, 1)

    def key(t: Term):
        return (t.size, [2 if v is None else (present if v == 1 else negated) for v in t.values])

    return sorted(terms, key=key)


def _with_ties(models: Sequence[Model]) -> tuple[tuple[Model, ...], tuple[str, ...]]:
    """Tied models written as R's QCA writes them: the terms every model holds (the
    essential prime implicants) first, then the model's own choice in parentheses
    (``~NATPRIDE + DEMOC*GEOCON*POLDIS + (~DEMOC*ETHFRACT*POLDIS + …)``). One model, or
    models without a common term, are written plainly (R's ``print.QCA_min``). Returns the
    models and the essential terms."""
    if len(models) < 2:
        return tuple(models), tuple(f.term for f in models[0].terms) if models else ()
    essential = [f.term for f in models[0].terms if all(
        any(g.term == f.term for g in m.terms) for m in models[1:]
    )]  # fmt: skip
    if not essential:  # R writes the models plainly then
        return tuple(models), ()
    written = []
    for m in models:
        first = [f for f in m.terms if f.term in essential]
        own = [f for f in m.terms if f.term not in essential]
        parts = [f.term for f in first]
        if own:
            parts.append("(" + " + ".join(f.term for f in own) + ")")
        written.append(replace(m, expression=" + ".join(parts), terms=tuple(first + own)))
    return tuple(written), tuple(essential)


def _solve(tt: TruthTable, kind: str, primes: list[Term], dir_exp=None) -> Solution:
    positive = tt.configurations("1")
    covers, complete = minimal_covers(positive, primes)
    models, essential = _with_ties(
        [_fit_model(tt, _order([primes[i] for i in cover], kind)) for cover in covers]
    )
    return Solution(
        kind,
        tt.outcome_label,
        models,
        tuple(t.text(tt.conditions) for t in _order(primes, kind)),
        dir_exp,
        complete,
        essential,
    )


def _primes(tt: TruthTable, use_remainders: bool) -> list[Term]:
    k = len(tt.conditions)
    positive = [_code(c) for c in tt.configurations("1")]
    forbidden = [_code(c) for c in tt.configurations("0") + tt.configurations("C")]
    if not use_remainders:
        forbidden += [_code(c) for c in tt.configurations("?")]
    return [Term(p) for p in prime_implicants(k, positive, forbidden)]


def minimise(
    tt: TruthTable,
    solution: str = "complex",
    dir_exp: Mapping[str, str] | None = None,
) -> Solution:
    """The ``complex``, ``parsimonious`` or ``intermediate`` solution of a truth table.
    ``dir_exp`` (intermediate only): per condition ``"1"`` (its presence is expected to
    lead to the outcome), ``"0"`` (its absence) or ``"-"`` (either)."""
    if solution not in ("complex", "parsimonious", "intermediate"):
        raise QCAError(f"solution: {solution!r}; expected complex, parsimonious or intermediate")
    if solution == "intermediate":
        expectations = _expectations(tt, dir_exp)  # refused even with nothing to minimise
    if not tt.configurations("1"):
        return Solution(solution, tt.outcome_label, (), (), dir_exp)
    if solution == "complex":
        return _solve(tt, "complex", _primes(tt, False))
    if solution == "parsimonious":
        return _solve(tt, "parsimonious", _primes(tt, True))
    return _intermediate(tt, expectations)


def _within(term: tuple[int | None, ...], codes: np.ndarray) -> np.ndarray:
    """Which of the configurations ``codes`` (see :func:`_code`) lie within ``term``."""
    k = len(term)
    mask = sum(1 << (k - 1 - j) for j, v in enumerate(term) if v is not None)
    value = sum(1 << (k - 1 - j) for j, v in enumerate(term) if v == 1)
    return (codes & mask) == value


def _intermediate(tt: TruthTable, expectations: list[str]) -> Solution:
    """The intermediate solution as R's QCA derives it, for each pair of a complex and a
    parsimonious model: each complex term keeps the literals of the parsimonious term it
    implies and those a directional expectation does not contradict (a condition without
    expectation keeps its literal); the remainders the parsimonious model uses (its
    simplifying assumptions) that fall within such a term are the easy counterfactuals;
    the positive rows and the easy counterfactuals are minimised again (every other row
    excluded) and the chart of the positive rows solved. The models of all pairs are
    listed, each once."""
    k = len(tt.conditions)
    positive = tt.configurations("1")
    remainders = np.array([_code(r) for r in tt.configurations("?")], dtype=np.int64)
    c_primes, p_primes = _primes(tt, False), _primes(tt, True)
    c_covers, c_complete = minimal_covers(positive, c_primes)
    p_covers, p_complete = minimal_covers(positive, p_primes)
    complete = [c_complete and p_complete]
    solved: dict[frozenset[int], tuple[list[Term], list[tuple[int, ...]]]] = {}

    def candidates() -> Iterator[tuple[str, list[Term], tuple[int, ...]]]:
        """Each pair's minimal models (R's name of the pair, ``C1P1``: the first complex
        and the first parsimonious model; its prime implicants and a cover of them)."""
        for ci, c_cover in enumerate(c_covers, start=1):
            c_terms = [c_primes[i].values for i in c_cover]
            for pi, p_cover in enumerate(p_covers, start=1):
                p_terms = [p_primes[i].values for i in p_cover]
                kept = [
                    tuple(
                        cv
                        if cv is None
                        or pv[j] is not None
                        or expectations[j] == "-"
                        or str(cv) == expectations[j]
                        else None
                        for j, cv in enumerate(c)
                    )
                    for c in c_terms
                    for pv in p_terms
                    if all(v is None or v == cv for v, cv in zip(pv, c, strict=True))  # C ⊆ P
                ]
                assumptions = np.zeros(len(remainders), dtype=bool)
                for t in p_terms:
                    assumptions |= _within(t, remainders)
                within_kept = np.zeros(len(remainders), dtype=bool)
                for t in kept:
                    within_kept |= _within(t, remainders)
                easy = frozenset(remainders[assumptions & within_kept].tolist())
                if easy not in solved:
                    on = {_code(r) for r in positive} | easy
                    off = [code for code in range(2**k) if code not in on]
                    primes = [Term(t) for t in prime_implicants(k, sorted(on), off)]
                    covers, done = minimal_covers(positive, primes)
                    complete[0] = complete[0] and done
                    solved[easy] = (primes, covers)
                primes, covers = solved[easy]
                for cover in covers:
                    yield f"C{ci}P{pi}", primes, cover

    models: list[Model] = []
    origins: dict[str, list[str]] = {}  # a model's expression: the pairs that give it
    used_primes: dict[Term, None] = {}
    for pair, primes, cover in candidates():
        terms = _order([primes[i] for i in cover], "intermediate")
        expression = " + ".join(t.text(tt.conditions) for t in terms)
        if expression in origins:
            if pair not in origins[expression]:
                origins[expression].append(pair)
            continue
        if len(models) == MAX_MODELS:  # one more than can be listed
            complete[0] = False
            break
        origins[expression] = [pair]
        models.append(_fit_model(tt, terms))
        used_primes.update(dict.fromkeys(primes))
    models = [replace(m, origins=tuple(origins[m.expression])) for m in models]
    written, essential = _with_ties(models)
    return Solution(
        "intermediate",
        tt.outcome_label,
        written,
        tuple(t.text(tt.conditions) for t in _order(list(used_primes), "intermediate")),
        expectations_as_text(tt, expectations),
        complete[0],
        essential,
    )


def _expectations(tt: TruthTable, dir_exp: Mapping[str, str] | None) -> list[str]:
    if not dir_exp:
        raise QCAError("dir_exp: " + gettext_noop("the intermediate solution needs expectations"))
    out = []
    for c in tt.conditions:
        value = str(dir_exp.get(c, "-"))
        if value not in ("0", "1", "-"):
            raise QCAError(f"dir_exp: {c} must be 1, 0 or - (got {value!r})")
        out.append(value)
    unknown = set(dir_exp) - set(tt.conditions)
    if unknown:
        raise QCAError(f"dir_exp: {', '.join(sorted(unknown))} is not a condition")
    return out


def parse_expectations(items: Sequence[str], conditions: Sequence[str]) -> dict[str, str] | None:
    """Directional expectations from ``A``, ``~B`` items (present, absent); a condition
    not named may go either way (``-``). None when no item names one (the intermediate
    solution then refuses, in :func:`minimise`)."""
    named = [x.strip() for x in items if x.strip()]
    if not named:
        return None
    expectations = {c: "-" for c in conditions}
    for item in named:
        name = item.lstrip("~").strip()
        if name not in expectations:
            raise QCAError(
                "dir_exp: " + gettext_noop("{name} is not a condition").format(name=name)
            )
        expectations[name] = "0" if item.startswith("~") else "1"
    return expectations


def expectations_as_text(tt: TruthTable, expectations: Sequence[str]) -> dict[str, str]:
    return dict(zip(tt.conditions, expectations, strict=True))


# ------------------------------------------------------------------------- necessity


@dataclass(frozen=True, slots=True)
class Necessity:
    condition: str
    inclusion: float
    relevance: float
    coverage: float


def necessity(
    data: Mapping[str, Sequence[float]], outcome: str, conditions: Sequence[str]
) -> list[Necessity]:
    """Each condition and its negation as necessary for the outcome: inclusion
    Σmin(X, Y) / ΣY, relevance (RoN) Σ(1 − X) / Σ(1 − min(X, Y)), coverage
    Σmin(X, Y) / ΣX."""
    _name, _negated, y = _outcome(data, outcome)
    out = []
    for c in conditions:
        if c not in data:
            raise QCAError(f"conditions: no column named {c!r}")
        x = np.asarray(data[c], dtype=float)
        _check_memberships(c, x)
        for label, v in ((c, x), (f"~{c}", 1.0 - x)):
            both = np.minimum(v, y)
            sy, sx = y.sum(), v.sum()
            ron_den = (1.0 - both).sum()
            out.append(
                Necessity(
                    label,
                    float(both.sum() / sy) if sy > 0 else math.nan,
                    float((1.0 - v).sum() / ron_den) if ron_den > 0 else math.nan,
                    float(both.sum() / sx) if sx > 0 else math.nan,
                )
            )
    return out


# ------------------------------------------------------------------ data and reports


@dataclass(frozen=True, slots=True)
class Calibration:
    """How a raw column becomes a set: ``crisp`` at a threshold, or ``fuzzy`` by the
    direct method with three anchors."""

    column: str
    anchors: tuple[float, ...]

    @classmethod
    def parse(cls, text: str) -> Calibration:
        """``NAME=e,c,i`` (fuzzy, direct method) or ``NAME=t`` (crisp at t)."""
        name, sep, rest = text.partition("=")
        if not sep or not name.strip():
            raise QCAError(f"calibrate: {text!r} is not NAME=e,c,i or NAME=threshold")
        try:
            anchors = tuple(float(v) for v in rest.split(","))
        except ValueError:
            raise QCAError(f"calibrate: {text!r}: the anchors must be numbers") from None
        if len(anchors) not in (1, 3):
            raise QCAError(f"calibrate: {text!r}: give one threshold or three anchors")
        return cls(name.strip(), anchors)

    def apply(self, values: Sequence[float]) -> np.ndarray:
        if len(self.anchors) == 1:
            return crisp(values, self.anchors[0])
        return calibrate(values, *self.anchors)

    def text(self) -> str:
        kind = "crisp at" if len(self.anchors) == 1 else "fuzzy, anchors"
        return f"{self.column}: {kind} {', '.join(f'{a:g}' for a in self.anchors)}"


def read_csv(text: str) -> tuple[dict[str, list[float]], list[str]]:
    """Columns of numbers from CSV text (comma or semicolon); a first column that is not
    numeric holds the case names. Returns (columns, case names)."""
    import csv
    import io

    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    rows = [r for r in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter) if r]
    if len(rows) < 2:
        raise QCAError("data: a header row and at least one case are needed")
    header, body = [h.strip() for h in rows[0]], rows[1:]

    def number(v: str) -> float | None:
        try:
            return float(v.strip().replace(",", ".")) if delimiter == ";" else float(v)
        except ValueError:
            return None

    names_col = all(number(r[0]) is None for r in body) if body else False
    start = 1 if names_col else 0
    names = [r[0].strip() for r in body] if names_col else [str(i + 1) for i in range(len(body))]
    columns: dict[str, list[float]] = {}
    for j, h in enumerate(header[start:], start=start):
        values = []
        for i, r in enumerate(body, start=2):
            v = number(r[j]) if j < len(r) else None
            if v is None or math.isnan(v):
                raise QCAError(
                    f"data: row {i}, column {h!r}: {r[j] if j < len(r) else ''!r} is not a number"
                )
            values.append(v)
        columns[h] = values
    return columns, names


def analyse(
    data: Mapping[str, Sequence[float]],
    outcome: str,
    conditions: Sequence[str],
    *,
    case_names: Sequence[str] | None = None,
    calibrations: Sequence[Calibration] = (),
    incl_cut: float = 0.8,
    n_cut: int = 1,
    solution: str = "complex",
    dir_exp: Mapping[str, str] | None = None,
) -> dict:
    """The whole analysis, as plain data: settings, truth table, solution, necessity."""
    from kamkit import __version__

    data = {k: list(v) for k, v in data.items()}
    for c in calibrations:
        if c.column not in data:
            raise QCAError(f"calibrate: no column named {c.column!r}")
        data[c.column] = c.apply(data[c.column]).tolist()
    # a case without a value in a column the analysis uses is left out, and counted
    used = [outcome.lstrip("~"), *conditions]
    keep = [
        i
        for i in range(len(next(iter(data.values()), [])))
        if all(c not in data or not math.isnan(data[c][i]) for c in used)
    ]
    left_out = len(next(iter(data.values()), [])) - len(keep)
    if not keep:
        raise QCAError(
            "data: " + gettext_noop("no case has a value in every column the analysis uses")
        )
    if left_out:
        data = {k: [v[i] for i in keep] for k, v in data.items()}
        case_names = [case_names[i] for i in keep] if case_names is not None else None
    tt = truth_table(
        data, outcome, conditions, incl_cut=incl_cut, n_cut=n_cut, case_names=case_names
    )
    result = minimise(tt, solution, dir_exp if solution == "intermediate" else None)
    return {
        "kamkit_version": __version__,
        "method": "fsQCA (Ragin 2008), as R's QCA computes it; kamkit.core.qca",
        "settings": {
            "outcome": tt.outcome_label,
            "conditions": list(tt.conditions),
            "incl_cut": incl_cut,
            "n_cut": n_cut,
            "solution": solution,
            "dir_exp": dict(result.directional_expectations or {}),
            "calibrations": [c.text() for c in calibrations],
            "cases": len(keep),
            "cases_left_out": left_out,
        },
        "truth_table": [
            {
                "configuration": dict(zip(tt.conditions, r.configuration, strict=True)),
                "out": r.out,
                "n": r.n,
                "incl": None if r.n == 0 else _round(r.inclusion),
                "pri": None if r.n == 0 else _round(r.pri),
                "cases": list(r.cases),
            }
            for r in tt.rows
            if r.n > 0
        ],
        "solution": {
            "kind": result.kind,
            "complete": result.complete,
            "prime_implicants": list(result.prime_implicants),
            "essential": list(result.essential),
            "models": [
                {
                    "expression": m.expression,
                    "from": list(m.origins),
                    "incl": _round(m.inclusion),
                    "pri": _round(m.pri),
                    "cov": _round(m.coverage),
                    "terms": [
                        {
                            "term": t.term,
                            "incl": _round(t.inclusion),
                            "pri": _round(t.pri),
                            "cov": _round(t.coverage),
                            "cov_unique": _round(t.unique_coverage),
                            "cases": list(t.cases),
                        }
                        for t in m.terms
                    ],
                }
                for m in result.models
            ],
        },
        "cases": [
            {
                "case": name,
                "outcome": _round(float(tt.y[i])),
                "conditions": {
                    c: _round(float(tt.data[i, j])) for j, c in enumerate(tt.conditions)
                },
                "solutions": [_round(m.membership[i]) for m in result.models],
            }
            for i, name in enumerate(tt.case_names)
        ],
        "necessity": [
            {
                "condition": n.condition,
                "incl": _round(n.inclusion),
                "ron": _round(n.relevance),
                "cov": _round(n.coverage),
            }
            for n in necessity(data, outcome, conditions)
        ],
    }


def _round(value: float) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 3)


def _num(value) -> str:
    return "-" if value is None else f"{value:.3f}"


def _aligned(header: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "") -> list[str]:
    """A plain text table: each column as wide as its widest cell, the first column (a
    name or a term) to the left, the numbers to the right, the last (cases) as it is."""
    widths = [max(len(str(r[j])) for r in [header, *rows]) for j in range(len(header))]
    last = len(header) - 1

    def line(cells: Sequence[str]) -> str:
        out = []
        for j, cell in enumerate(cells):
            cell = str(cell)
            if j == last:
                out.append(cell)
            elif j == 0:
                out.append(cell.ljust(widths[j]))
            else:
                out.append(cell.rjust(widths[j]))
        return (indent + "  ".join(out)).rstrip()

    return [line(header), *[line(r) for r in rows]]


def report_text(report: dict) -> str:
    """The analysis as plain text tables (the command line's ``-f table``)."""
    s = report["settings"]
    conds = s["conditions"]
    lines = [
        f"fsQCA of {s['outcome']} on {', '.join(conds)}: incl.cut {s['incl_cut']:g}, "
        f"n.cut {s['n_cut']}, {s['solution']} solution (kamkit {report['kamkit_version']})",
        f"{s['cases']} cases"
        + (f" ({s['cases_left_out']} left out: a value missing)" if s["cases_left_out"] else ""),
        *[f"calibrated {c}" for c in s["calibrations"]],
        "",
        "Truth table (observed rows)",
    ]
    rows = [
        [
            *[str(r["configuration"][c]) for c in conds],
            r["out"],
            str(r["n"]),
            _num(r["incl"]),
            _num(r["pri"]),
            ",".join(r["cases"]),
        ]
        for r in report["truth_table"]
    ]
    # the configuration's first column is a number too: keep all of them to the right
    table = _aligned(["", *conds, "OUT", "n", "incl", "PRI", "cases"], [["", *r] for r in rows])
    lines += [line[2:] for line in table]
    lines += ["", f"Solution ({report['solution']['kind']})"]
    models = report["solution"]["models"]
    if not models:
        lines.append("  no positive row: nothing to minimise")
    if not report["solution"]["complete"]:
        lines.append(
            f"  more than {len(models)} tied minimal models: the first {len(models)} follow"
        )
    for i, m in enumerate(models, start=1):
        origin = f"   (from {', '.join(m['from'])})" if m.get("from") else ""
        lines.append(f"M{i}: {m['expression']} -> {s['outcome']}{origin}")
        terms = [
            [
                t["term"],
                _num(t["incl"]),
                _num(t["pri"]),
                _num(t["cov"]),
                _num(t["cov_unique"]),
                ",".join(t["cases"]),
            ]
            for t in m["terms"]
        ]
        terms.append([f"M{i}", _num(m["incl"]), _num(m["pri"]), _num(m["cov"]), "", ""])
        lines += _aligned(["term", "inclS", "PRI", "covS", "covU", "cases"], terms, "  ")
    necessity = [
        [n["condition"], _num(n["incl"]), _num(n["ron"]), _num(n["cov"]), ""]
        for n in report["necessity"]
    ]
    lines += ["", "Necessity"]
    lines += _aligned(["condition", "inclN", "RoN", "covN", ""], necessity, "  ")
    return "\n".join(lines) + "\n"


def report_latex(report: dict) -> str:
    """The solution table in LaTeX (booktabs), as a paper prints it."""
    s = report["settings"]

    def tex(text: str) -> str:
        return text.replace("~", r"${\sim}$").replace("*", r"$\cdot$").replace("_", r"\_")

    out = [
        "% kamkit " + report["kamkit_version"] + ": fsQCA of " + tex(s["outcome"]),
        r"\begin{tabular}{lrrrr}",
        r"\toprule",
        r"Term & Inclusion & PRI & Raw coverage & Unique coverage \\",
        r"\midrule",
    ]
    for i, m in enumerate(report["solution"]["models"], start=1):
        if len(report["solution"]["models"]) > 1:
            out.append(rf"\multicolumn{{5}}{{l}}{{M{i}}} \\")
        for t in m["terms"]:
            out.append(
                f"{tex(t['term'])} & {_num(t['incl'])} & {_num(t['pri'])} & "
                f"{_num(t['cov'])} & {_num(t['cov_unique'])} \\\\"
            )
        out.append(
            rf"\midrule Solution & {_num(m['incl'])} & {_num(m['pri'])} & {_num(m['cov'])} & \\"
        )
    out += [r"\bottomrule", r"\end{tabular}", ""]
    return "\n".join(out)


# ------------------------------------------------------- cases from kamkit's diagnosis

PRACTICE_MEMBERSHIP = {"absent": 0.0, "partial": 0.67, "substantial": 1.0}
"""A frame alignment practice as a set membership (kamkit assumption: partial is more in
than out of the set, and a QCA membership avoids the 0.5 that belongs to no row)."""

QUALITY_MEMBERSHIP = {"negative": 0.0, "mixed": 0.33, "positive": 1.0}
"""A relationship quality as a set membership of "good relationship" (kamkit assumption:
a mixed relationship is more out than in)."""


def diagnosis_cases(diagnosis) -> tuple[dict[str, list[float]], list[str], dict[str, str]]:
    """The pairs of a diagnosis (SPEC §3) as QCA cases: the four practices (absent 0,
    partial 0.67, substantial 1), per dimension whether the units differ (crisp) and the
    three resource flows (none 0, low 0.33, medium 0.67, high 1: the four levels evenly
    spaced, a kamkit assumption; a flow not recorded is not known) as conditions; NOGAP
    (1 without a gap, 0 with one) and GOODREL (the relationship
    quality) as outcomes. A pair whose practices are not recorded or whose gap cannot
    be judged is left out; a dimension not judged counts as not differing only if the
    case says so, else the pair is left out. Returns (columns, case names, how each
    column was made)."""
    from kamkit.core.diagnosis.scales import (
        DIMENSION_LABELS,
        DIMENSIONS,
        FLOW_KINDS,
        FLOW_LEVELS,
        PRACTICES,
    )

    top = max(FLOW_LEVELS.values())
    columns: dict[str, list[float]] = {
        **{p.upper(): [] for p in PRACTICES},
        **{d.upper(): [] for d in DIMENSIONS},
        **{f.upper(): [] for f in FLOW_KINDS},
        "NOGAP": [],
        "GOODREL": [],
    }
    names: list[str] = []
    for dyad in diagnosis.dyads:
        practices = dyad.alignment.practices
        if not practices or dyad.gap is None or dyad.differentiation.unknown:
            continue
        names.append(f"{dyad.kam}-{dyad.partner}")
        for p in PRACTICES:
            columns[p.upper()].append(PRACTICE_MEMBERSHIP[practices[p]])
        for d in DIMENSIONS:
            columns[d.upper()].append(1.0 if d in dyad.differentiation.differs else 0.0)
        for f in FLOW_KINDS:
            level = dyad.flows.get(f)
            columns[f.upper()].append(
                math.nan if level is None else round(FLOW_LEVELS[level] / top, 2)
            )
        columns["NOGAP"].append(0.0 if dyad.gap else 1.0)
        quality = dyad.relationship_quality
        columns["GOODREL"].append(QUALITY_MEMBERSHIP[quality.valence] if quality else math.nan)
    how = {
        **{
            p.upper(): gettext_noop(
                "practice {practice}: absent 0, partial 0.67, substantial 1"
            ).format(practice=p)
            for p in PRACTICES
        },
        **{
            d.upper(): gettext_noop("the units differ on {dimension}: 1, else 0").format(
                dimension=DIMENSION_LABELS[d].lower()
            )
            for d in DIMENSIONS
        },
        **{
            f.upper(): gettext_noop(
                "{flow} flow: none 0, low 0.33, medium 0.67, high 1 (not recorded: not known)"
            ).format(flow=f)
            for f in FLOW_KINDS
        },
        "NOGAP": gettext_noop("no integration gap: 1, a gap: 0 (SPEC §3)"),
        "GOODREL": gettext_noop(
            "relationship quality: positive 1, mixed 0.33, negative 0 (none: not known)"
        ),
    }
    if not names:
        raise QCAError("case: no pair has its practices recorded and its gap judged")
    return columns, names, how
