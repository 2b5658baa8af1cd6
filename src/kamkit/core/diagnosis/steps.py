"""The four steps of the diagnosis (SPEC §3) applied to a :class:`Case`.

1. embeddedness — the network of KAM units and partners (see :mod:`.network`);
2. differentiation — per KAM unit–partner pair and dimension: differs or not, and from
   which source that judgement comes (``analyst``, ``profile``, ``ratings``, ``unknown``);
3. frame alignment — the practices' sum and level, or the analyst's level;
4. integration gaps — differentiation above alignment on the common ordinal scale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from fractions import Fraction
from functools import lru_cache

from kamkit.core.i18n import gettext_noop

from .advice import recommendations
from .agreement import agreement
from .model import Case, Link, ProfileValue, RelationshipQuality, Unit
from .network import unit_networks
from .results import (
    AlignmentResult,
    Consistency,
    Diagnosis,
    Differentiation,
    Dyad,
    EvidenceConflict,
    Judgement,
)
from .scales import (
    DIMENSIONS,
    alignment_score,
    category_key,
    integration_gap,
    level_of_alignment,
)

Number = Fraction | float | int


def exact(value: Number) -> Fraction:
    """A number as an exact fraction (SPEC §3 step 2: no binary floating point). A float
    is read as the shortest decimal that gives it back, i.e. as written in the case file:
    ``2.1`` is 21/10, not the binary float's 2.100000000000000088…"""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    return _exact_float(float(value))


@lru_cache(maxsize=4096)
def _exact_float(value: float) -> Fraction:
    # few distinct values (thresholds, ratings 1–7, one-decimal means) meet again and again
    return Fraction(repr(value))


def _float(x: Number) -> float:
    return x.numerator / x.denominator if isinstance(x, Fraction) else float(x)


def _at_least(a: Fraction, b: Fraction, threshold: Fraction) -> bool:
    """``|a − b| ≥ threshold`` in integers (what Fraction arithmetic gives, without making
    the intermediate fractions: 60,000 pairs × dimensions in a large study)."""
    da, db, dt = a.denominator, b.denominator, threshold.denominator
    return abs(a.numerator * db - b.numerator * da) * dt >= threshold.numerator * da * db


# -- step 2 ------------------------------------------------------------------------------
def _first(value: ProfileValue) -> str | float:
    if isinstance(value, tuple):
        return value[0]
    return value


def _show(value: ProfileValue) -> str:
    if isinstance(value, tuple):
        return " > ".join(value)
    if isinstance(value, float):
        return f"{value:.2f}"
    return value


@lru_cache(maxsize=4096)
def _judge_profiles(
    dimension: str, kam_value: ProfileValue, partner_value: ProfileValue, threshold: float
) -> Judgement | None:
    """The profile rule, or None when the two values cannot be compared. Cached: the same
    categories meet again and again across the pairs of a large case."""
    a, b = _first(kam_value), _first(partner_value)
    if isinstance(a, float) != isinstance(b, float):
        return None
    if isinstance(a, float) and isinstance(b, float):
        differs, detail = _by_threshold(gettext_noop("profile means"), a, b, threshold)
    else:
        # the first-ranked values (or the single values), by the one normalisation
        differs = category_key(a) != category_key(b)
        detail = gettext_noop("profile {kam_value} vs {partner_value}").format(
            kam_value=_show(kam_value), partner_value=_show(partner_value)
        )
    return Judgement(dimension, differs, "profile", detail)


def _by_threshold(what: str, a: Number, b: Number, threshold: Number) -> tuple[bool, str]:
    """``|a − b| ≥ threshold``, in exact fractions, and the sentence that says so."""
    differs = _at_least(exact(a), exact(b), exact(threshold))
    return differs, _threshold_detail(what, a, b, threshold, differs)


def _threshold_detail(what: str, a: Number, b: Number, threshold: Number, differs: bool) -> str:
    # shown to two decimals, so floats do; the judgement above was exact
    fa, fb = _float(a), _float(b)
    return gettext_noop("{what} {a} vs {b} (|Δ| {delta} {sign} {threshold})").format(
        what=what,
        a=f"{fa:.2f}",
        b=f"{fb:.2f}",
        delta=f"{abs(fa - fb):.2f}",
        sign="≥" if differs else "<",
        threshold=f"{float(threshold):g}",
    )


def judge_dimension(
    dimension: str,
    kam_value: ProfileValue | None,
    partner_value: ProfileValue | None,
    kam_mean: Number | None,
    partner_mean: Number | None,
    threshold: Number = 1.0,
) -> Judgement:
    """Compute whether two units differ on one dimension (SPEC §3 step 2).

    From profile values where both units have one: categories differ when they are not the
    same; rankings differ when their first-ranked value differs; numeric means (1–7)
    differ when ``|a − b| ≥ threshold``. Else from the units' rating means by the same
    threshold. Else ``unknown``.
    """
    if kam_value is not None and partner_value is not None:
        found = _judge_profiles(dimension, kam_value, partner_value, threshold)
        if found is not None:
            return found
    if kam_mean is not None and partner_mean is not None:
        differs, detail = _by_threshold(
            gettext_noop("rating means"), kam_mean, partner_mean, threshold
        )
        return Judgement(dimension, differs, "ratings", detail)
    missing = []
    if kam_value is None and kam_mean is None:
        missing.append(gettext_noop("the KAM unit"))
    if partner_value is None and partner_mean is None:
        missing.append(gettext_noop("the partner"))
    if missing:
        detail = gettext_noop("no profile value or ratings for {units}").format(
            units=" and ".join(missing)
        )
    else:
        detail = gettext_noop(
            "profile values cannot be compared (a number and a category) and no ratings"
        )
    return Judgement(dimension, None, "unknown", detail)


_ANALYST: dict[tuple[str, bool], Judgement] = {
    (d, marked): Judgement(
        d,
        marked,
        "analyst",
        gettext_noop("marked as differing by the analyst")
        if marked
        else gettext_noop("not marked by the analyst"),
    )
    for d in DIMENSIONS
    for marked in (True, False)
}


def _analyst_differentiation(differs: tuple[str, ...]) -> Differentiation:
    return Differentiation(tuple([_ANALYST[(d, d in differs)] for d in DIMENSIONS]))


def rating_means(case: Case) -> dict[str, dict[str, Fraction]]:
    """Each unit's mean rating per dimension, over its respondents and its teams'
    respondents, as an exact fraction (ratings 1, 2, 2 give 5/3)."""
    children: dict[str, list[str]] = defaultdict(list)
    for u in case.units:
        if u.parent:
            children[u.parent].append(u.id)
    respondent_units = {r.id: r.units for r in case.respondents}
    # sums per (directly assigned unit, dimension)
    sums: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for rating in case.ratings:
        v = rating.value  # whole ratings stay integers; others are exact fractions
        value = int(v) if float(v).is_integer() else exact(v)
        for uid in respondent_units.get(rating.respondent, ()):
            cell = sums[uid][rating.dimension]
            cell[0] += value
            cell[1] += 1

    def total(uid: str, dim: str) -> tuple[Fraction | int, int]:
        s, n = sums[uid][dim] if uid in sums and dim in sums[uid] else (0, 0)
        for child in children.get(uid, ()):
            cs, cn = total(child, dim)
            s, n = s + cs, n + cn
        return s, n

    means: dict[str, dict[str, Fraction]] = {}
    if not case.ratings:
        return means
    for u in case.units:
        row = {}
        for dim in DIMENSIONS:
            s, n = total(u.id, dim)
            if n:
                row[dim] = Fraction(s) / n
        if row:
            means[u.id] = row
    return means


def differentiation(
    link: Link,
    profiles: Mapping[str, Mapping[str, ProfileValue]],
    means: Mapping[str, Mapping[str, Number]],
    threshold: Number = 1.0,
) -> Differentiation:
    """Step 2 for one link: the analyst's marks if present, else computed per dimension."""
    if link.differs is not None:
        return _analyst_differentiation(link.differs)
    kp, pp = profiles.get(link.kam, {}), profiles.get(link.partner, {})
    km, pm = means.get(link.kam, {}), means.get(link.partner, {})
    return Differentiation(
        tuple(
            [
                judge_dimension(d, kp.get(d), pp.get(d), km.get(d), pm.get(d), threshold)
                for d in DIMENSIONS
            ]
        )
    )


def evidence_conflicts(
    link: Link,
    diff: Differentiation,
    profiles: Mapping[str, Mapping[str, ProfileValue]],
    means: Mapping[str, Mapping[str, Number]],
    threshold: Number = 1.0,
) -> tuple[EvidenceConflict, ...]:
    """Where another recorded source would judge a dimension of this pair differently
    from the judgement that counts (SPEC §3 step 2: the report warns). The analyst's
    marks, when present, are compared with the profiles and the rating means; a profile
    judgement with the rating means."""
    kp, pp = profiles.get(link.kam, {}), profiles.get(link.partner, {})
    km, pm = means.get(link.kam, {}), means.get(link.partner, {})
    analyst = link.differs is not None
    if not (km and pm) and not (analyst and kp and pp):
        return ()  # no second source to disagree
    limit = exact(threshold)
    out: list[EvidenceConflict] = []
    for used in diff.judgements:
        if used.source not in ("analyst", "profile"):
            continue  # ratings are the last source; unknown has nothing to contradict
        d = used.dimension
        others: list[Judgement] = []
        if analyst and kp.get(d) is not None and pp.get(d) is not None:
            found = _judge_profiles(d, kp[d], pp[d], threshold)
            if found is not None:
                others.append(found)
        a, b = km.get(d), pm.get(d)
        if a is not None and b is not None:
            differs = _at_least(exact(a), exact(b), limit)
            if differs != used.differs:  # the sentence only where it is shown
                detail = _threshold_detail(gettext_noop("rating means"), a, b, threshold, differs)
                others.append(Judgement(d, differs, "ratings", detail))
        for other in others:
            if other.differs != used.differs:
                out.append(EvidenceConflict(link.kam, link.partner, d, used, other))
    return tuple(out)


# -- step 3 ------------------------------------------------------------------------------
def _repertoire(unit_id: str, units: Mapping[str, Unit]) -> dict[str, str] | None:
    """The nearest recorded practice repertoire up the KAM unit's parent chain."""
    seen: set[str] = set()
    cur: str | None = unit_id
    while cur is not None and cur in units and cur not in seen:
        seen.add(cur)
        if units[cur].practices:
            return units[cur].practices
        cur = units[cur].parent
    return None


def alignment(link: Link, units: Mapping[str, Unit]) -> AlignmentResult:
    """Step 3 for one link: the practices' sum and level, or the analyst's level."""
    recorded = link.alignment
    practices, practices_from = None, None
    if recorded is not None and recorded.practices is not None:
        practices, practices_from = recorded.practices, "link"
    else:
        practices = _repertoire(link.kam, units)
        practices_from = "unit" if practices else None
    score = alignment_score(practices) if practices else None
    evidence = recorded.evidence if recorded else ()
    if not evidence and practices_from == "unit":
        evidence = units[link.kam].evidence
    if recorded is not None and recorded.level is not None:
        return AlignmentResult(
            practices, practices_from, score, recorded.level, "analyst", evidence
        )
    if score is not None:
        return AlignmentResult(
            practices, practices_from, score, level_of_alignment(score), "practices", evidence
        )
    return AlignmentResult(None, None, None, None, None, evidence)


# -- step 4 and the quality check --------------------------------------------------------
def check_consistency(
    gap: bool | None, gap_size: int | None, quality: RelationshipQuality | None
) -> Consistency:
    """Compare a pair's gap with the relationship quality recorded for it.

    A gap should go with a strained relationship and no gap with a good one; a mismatch
    points at a judgement to revisit or at a cause outside differentiation and alignment.
    """
    if quality is None:
        return Consistency("unchecked", gettext_noop("no relationship quality recorded"))
    if gap is None:
        return Consistency(
            "unchecked", gettext_noop("alignment not recorded, so no gap can be computed")
        )
    words = quality.description
    if quality.valence == "mixed":
        note = gettext_noop("relationship described as {words}: mixed")
        return Consistency("unchecked", note.format(words=words))
    if gap and quality.valence == "negative":
        note = gettext_noop("gap of {size} and a strained relationship ({words})")
        return Consistency("consistent", note.format(size=gap_size, words=words))
    if not gap and quality.valence == "positive":
        note = gettext_noop("no gap and a good relationship ({words})")
        return Consistency("consistent", note.format(words=words))
    if gap:
        note = gettext_noop(
            "a gap of {size}, yet the relationship is described as {words}: check the "
            "differentiation marks, or alignment not yet recorded"
        )
        return Consistency("inconsistent", note.format(size=gap_size, words=words))
    note = gettext_noop(
        "no gap, yet the relationship is described as {words}: look for an unrecorded "
        "difference or a cause outside differentiation and alignment"
    )
    return Consistency("inconsistent", note.format(words=words))


def diagnose(case: Case) -> Diagnosis:
    """Run the four steps on a validated case."""
    units = {u.id: u for u in case.units}
    means = rating_means(case)
    threshold = case.settings.rating_threshold
    dyads = []
    for link in case.links:
        diff = differentiation(link, case.profiles, means, threshold)
        conflicts = evidence_conflicts(link, diff, case.profiles, means, threshold)
        align = alignment(link, units)
        size = integration_gap(diff.level, align.level) if align.level is not None else None
        gap = None if size is None else size > 0
        dyads.append(
            Dyad(
                kam=link.kam,
                partner=link.partner,
                kam_name=units[link.kam].name,
                partner_name=units[link.partner].name,
                flows=dict(link.flows),
                requisite_integration=link.requisite_integration,
                differentiation=diff,
                alignment=align,
                relationship_quality=link.relationship_quality,
                consistency=check_consistency(gap, size, link.relationship_quality),
                conflicts=conflicts,
            )
        )
    dyads_t = tuple(dyads)
    networks = unit_networks(case)
    return Diagnosis(
        case=case,
        dyads=dyads_t,
        networks=networks,
        recommendations=recommendations(dyads_t),
        # shown with two decimals and in JSON; the judgements above used the exact means
        rating_means={u: {d: float(v) for d, v in row.items()} for u, row in means.items()},
        agreement=agreement(case),
    )
