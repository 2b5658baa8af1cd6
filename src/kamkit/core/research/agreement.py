"""Agreement among raters and coders (issue 19): within-unit agreement of respondents and
inter-coder reliability of coded statements.

Within a unit (do its respondents see the unit alike?):

* ``rwg`` (James, Demaree & Wolf 1984): ``1 − s² / σ²_EU`` with ``s²`` the observed
  variance of the ratings (n − 1 in the denominator) and ``σ²_EU = (A² − 1) / 12`` the
  variance of a uniform ("no agreement") answer on a scale of ``A`` options.
* ``rwg(j)`` for ``J`` items of one construct (James, Demaree & Wolf 1984):
  ``J (1 − s̄²/σ²_EU) / (J (1 − s̄²/σ²_EU) + s̄²/σ²_EU)`` with ``s̄²`` the mean of the
  items' variances.

  Both are truncated to 0 when the observed variance exceeds the uniform one, as
  LeBreton & Senter (2008) recommend.
* ``ICC(1)`` and ``ICC(2)`` (Bliese 2000) from a one-way analysis of variance of the
  ratings grouped by unit: ``ICC(1) = (MSB − MSW) / (MSB + (k − 1) MSW)`` and
  ``ICC(2) = (MSB − MSW) / MSB``, ``k`` the mean group size. They describe a dimension
  across the units, not one unit.

Between coders (do independent coders assign the same codes?):

* Krippendorff's α, from the ``krippendorff`` package (checked in the tests against the
  values Krippendorff published for his example data).
* Cohen's κ for two coders (Cohen 1960): ``(p_o − p_e) / (1 − p_e)``.

The cut-off of 0.70 for rwg, below which a unit's mean is flagged, is the convention
LeBreton & Senter (2008) report; using it here is a kamkit assumption, settable per call.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence

RWG_CUTOFF = 0.70
"""Below this rwg a unit's mean is flagged: the conventional cut-off (LeBreton & Senter
2008); kamkit assumption to apply it."""

SCALE_OPTIONS = 7
"""Answer options of kamkit's rating scale (1–7, SPEC §3.1)."""


def uniform_variance(options: int = SCALE_OPTIONS) -> float:
    """``σ²_EU = (A² − 1) / 12``: the variance of answers spread evenly over ``A`` options."""
    if options < 2:
        raise ValueError("a scale needs at least 2 options")
    return (options * options - 1) / 12


def _variance(values: Sequence[float]) -> float:
    n = len(values)
    mean = sum(values) / n
    return sum((v - mean) ** 2 for v in values) / (n - 1)


def rwg(values: Sequence[float], options: int = SCALE_OPTIONS) -> float | None:
    """Within-group agreement on one item; None with fewer than two ratings."""
    if len(values) < 2:
        return None
    return max(0.0, 1 - _variance(values) / uniform_variance(options))


def rwg_j(items: Sequence[Sequence[float]], options: int = SCALE_OPTIONS) -> float | None:
    """Within-group agreement on ``J`` parallel items (each a list of the group's
    ratings); None when no item has two ratings. One item gives ``rwg``."""
    variances = [_variance(v) for v in items if len(v) >= 2]
    if not variances:
        return None
    j = len(variances)
    ratio = (sum(variances) / j) / uniform_variance(options)
    if ratio >= 1:
        return 0.0
    return j * (1 - ratio) / (j * (1 - ratio) + ratio)


def icc(groups: Mapping[Hashable, Sequence[float]]) -> tuple[float | None, float | None]:
    """``(ICC(1), ICC(2))`` of ratings grouped by unit, from a one-way ANOVA (Bliese 2000).

    Groups with no ratings are left out. None for both when there are fewer than two
    groups or no variance within groups to compare with."""
    rated = [list(v) for v in groups.values() if v]
    n = sum(len(g) for g in rated)
    g = len(rated)
    if g < 2 or n <= g:
        return None, None
    grand = sum(sum(x) for x in rated) / n
    ssb = sum(len(x) * (sum(x) / len(x) - grand) ** 2 for x in rated)
    ssw = sum(sum((v - sum(x) / len(x)) ** 2 for v in x) for x in rated)
    msb = ssb / (g - 1)
    msw = ssw / (n - g)
    k = n / g
    icc1_den = msb + (k - 1) * msw
    icc1 = (msb - msw) / icc1_den if icc1_den else None
    icc2 = (msb - msw) / msb if msb else None
    return icc1, icc2


def krippendorff_alpha(
    data: Sequence[Sequence[float | None]], level: str = "nominal"
) -> float | None:
    """Krippendorff's α of a coders × units matrix (None for a missing value), at the
    level of measurement ``nominal``, ``ordinal``, ``interval`` or ``ratio``.

    None when fewer than two values are pairable or every value is the same (α is
    undefined when there is no variation to agree on)."""
    import krippendorff
    import numpy as np

    matrix = np.array(
        [[math.nan if v is None else float(v) for v in row] for row in data], dtype=float
    )
    if matrix.size == 0:
        return None
    pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
    values = matrix[:, pairable]
    values = values[~np.isnan(values)]
    if values.size < 2 or np.unique(values).size < 2:
        return None
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement=level))


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's κ of two coders' codes for the same units (pairs with a None left out).

    None with no pairs, or when chance agreement is already perfect (one category only)."""
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(1 for x, y in pairs if x == y) / n
    first = Counter(x for x, _ in pairs)
    second = Counter(y for _, y in pairs)
    expected = sum(first[c] * second[c] for c in first) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)
