"""What every output format shares: the JSON-shaped dictionary and the matrices.

The matrix of a KAM unit is the paper's Tables 2–3: one column per partner, one row per
dimension (× where the pair differs, ? where unknown), then the levels and the gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...i18n import gettext_noop
from ..agreement import ICC_SOURCE, RWG_SOURCE, UnitAgreement
from ..compare import WaveComparison
from ..model import Case, Statement
from ..provenance import PROVENANCE
from ..results import Diagnosis, Dyad, EvidenceConflict
from ..scales import DIMENSION_LABELS, DIMENSIONS

DIFFERS_MARK = "×"
UNKNOWN_MARK = "?"
ANALYST_MARK = "†"
"""After an alignment level the analyst set (SPEC §3 step 3: the report says so)."""
ANALYST_LEGEND = gettext_noop(
    "† = alignment level set by the analyst, not computed from the practices"
)
NO_PARTNERS = gettext_noop("no internal partners recorded")
LEVEL_ROWS = (
    gettext_noop("Level of differentiation"),
    gettext_noop("Level of alignment"),
    gettext_noop("Integration gaps"),
)
"""The labels of a matrix's last three rows (Tables 2–3 of the paper)."""
_SAID = (  # texts written below, marked where their templates are
    gettext_noop("yes"),
    gettext_noop("no"),
    gettext_noop("{units}: no internal partners recorded."),
    gettext_noop("mean {mean}"),
    gettext_noop("mean {mean} (rwg {rwg}, n = {n})"),
    gettext_noop("mean {mean} (rwg {rwg}, n = {n}, respondents disagree)"),
)
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class Matrix:
    """One KAM unit's table: partner columns, labelled rows of cell texts."""

    kam: str
    kam_name: str
    partners: tuple[str, ...]
    partner_names: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    gaps: tuple[bool | None, ...]
    gap_sizes: tuple[int | None, ...]

    @property
    def gap_count(self) -> int:
        return sum(1 for g in self.gaps if g)


def gap_text(dyad: Dyad) -> str:
    """``yes`` / ``no`` as in the paper; ``?`` when alignment is not recorded."""
    if dyad.gap is None:
        return UNKNOWN_MARK
    return "yes" if dyad.gap else "no"


def kamkit_version() -> str:
    from kamkit import __version__

    return __version__


def made_by(diagnosis: Diagnosis) -> str:
    """The line every human-readable format ends with: version and settings used."""
    return (
        f"Made by kamkit {kamkit_version()} with rating_threshold "
        f"{diagnosis.case.settings.rating_threshold:g} (SPEC §3 default 1.0)."
    )


def alignment_text(dyad: Dyad) -> str:
    """The level of alignment, marked † when the analyst set it; ``?`` when not recorded."""
    a = dyad.alignment
    if a.level is None:
        return UNKNOWN_MARK
    return f"{a.level}{ANALYST_MARK}" if a.source == "analyst" else a.level


def has_analyst_levels(diagnosis: Diagnosis) -> bool:
    return any(d.alignment.source == "analyst" for d in diagnosis.dyads)


def without_partners_text(diagnosis: Diagnosis) -> str | None:
    """One sentence naming the KAM units for which no partner link is recorded."""
    if not diagnosis.without_partners:
        return None
    names = diagnosis.case.unit_names()
    listed = ", ".join(names[k] for k in diagnosis.without_partners)
    return f"{listed}: {NO_PARTNERS}."


def dimension_mark(dyad: Dyad, dimension: str) -> str:
    for j in dyad.differentiation.judgements:
        if j.dimension == dimension:
            if j.differs is None:
                return UNKNOWN_MARK
            return DIFFERS_MARK if j.differs else ""
    return ""


def matrix(diagnosis: Diagnosis, kam: str) -> Matrix:
    """The Tables 2–3 style matrix of one KAM unit."""
    dyads = diagnosis.dyads_of(kam)
    rows: list[tuple[str, tuple[str, ...]]] = []
    for dim in DIMENSIONS:
        rows.append((DIMENSION_LABELS[dim], tuple(dimension_mark(d, dim) for d in dyads)))
    rows.append((LEVEL_ROWS[0], tuple(d.differentiation.level for d in dyads)))
    rows.append((LEVEL_ROWS[1], tuple(alignment_text(d) for d in dyads)))
    rows.append((LEVEL_ROWS[2], tuple(gap_text(d) for d in dyads)))
    return Matrix(
        kam=kam,
        kam_name=dyads[0].kam_name if dyads else kam,
        partners=tuple(d.partner for d in dyads),
        partner_names=tuple(d.partner_name for d in dyads),
        rows=tuple(rows),
        gaps=tuple(d.gap for d in dyads),
        gap_sizes=tuple(d.gap_size for d in dyads),
    )


def matrices(diagnosis: Diagnosis) -> list[Matrix]:
    """One matrix per KAM unit with partners (those without: ``without_partners_text``)."""
    lonely = set(diagnosis.without_partners)
    return [matrix(diagnosis, kam) for kam in diagnosis.kam_units if kam not in lonely]


def profile_text(value: Any) -> str:
    """A profile value as the reader sees it: rankings as "1st a, 2nd b"."""
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        ordinals = ["1st", "2nd", "3rd"]
        return ", ".join(
            f"{ordinals[i] if i < 3 else f'{i + 1}th'} {v.replace('_', ' ')}"
            for i, v in enumerate(value)
        )
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value).replace("_", " ")


def unit_statements(case: Case, unit: str) -> dict[str, list[Statement]]:
    """The statements of a unit and of its teams (a statement by a respondent counts for
    the respondent's unit), per dimension they are coded for, in file order."""
    children: dict[str, list[str]] = {}
    for u in case.units:
        if u.parent:
            children.setdefault(u.parent, []).append(u.id)
    family, todo = set(), [unit]
    while todo:
        uid = todo.pop()
        if uid not in family:
            family.add(uid)
            todo.extend(children.get(uid, ()))
    out: dict[str, list[Statement]] = {}
    for st in case.statements:
        if st.unit in family:
            for dim in st.dimensions:
                out.setdefault(dim, []).append(st)
    return out


def profile_rows(diagnosis: Diagnosis) -> list[dict[str, Any]]:
    """Table 1 style rows: each unit with a profile or statements, per dimension its
    finding and its statements."""
    case = diagnosis.case
    statements: dict[str, dict[str, list[str]]] = {}
    for s in case.statements:
        if s.unit is None:
            continue
        for dim in s.dimensions or ():
            statements.setdefault(s.unit, {}).setdefault(dim, []).append(s.text)
    out = []
    for unit in case.units:
        profile = case.profiles.get(unit.id, {})
        means = diagnosis.rating_means.get(unit.id, {})
        if not profile and unit.id not in statements and not means:
            continue
        agreed = diagnosis.agreement.of(unit.id) if diagnosis.agreement else {}
        out.append(
            {
                "unit": unit.id,
                "name": unit.name,
                "findings": {
                    d: profile_text(profile.get(d))
                    or (f"mean {means[d]:.2f}{agreement_text(agreed.get(d))}" if d in means else "")
                    for d in DIMENSIONS
                },
                "statements": {d: statements.get(unit.id, {}).get(d, []) for d in DIMENSIONS},
                # a finding from the case's profile is the researcher's own text (data);
                # one from the ratings is kamkit's sentence
                "from_profile": {d: bool(profile_text(profile.get(d))) for d in DIMENSIONS},
            }
        )
    return out


def agreement_text(a: UnitAgreement | None) -> str:
    """After a unit's mean: its respondents' rwg, and a flag when they disagree."""
    if a is None or a.rwg is None:
        return ""
    flag = ", respondents disagree" if a.flagged else ""
    return f" (rwg {a.rwg:.2f}, n = {a.respondents}{flag})"


def _agreement_dict(a: UnitAgreement) -> dict[str, Any]:
    return {
        "respondents": a.respondents,
        "items": a.items,
        "rwg": None if a.rwg is None else round(a.rwg, 4),
        "flagged": a.flagged,
    }


def _dyad_dict(d: Dyad) -> dict[str, Any]:
    diff = d.differentiation
    a = d.alignment
    return {
        "kam": d.kam,
        "partner": d.partner,
        "kam_name": d.kam_name,
        "partner_name": d.partner_name,
        "requisite_integration": d.requisite_integration,
        "flows": d.flows,
        "differs": list(diff.differs),
        "differentiation": {
            "count": diff.count,
            "level": diff.level,
            "unknown": list(diff.unknown),
            "highest_possible_level": diff.highest_possible_level,
            "judgements": {
                j.dimension: {"differs": j.differs, "source": j.source, "detail": j.detail}
                for j in diff.judgements
            },
        },
        "alignment": {
            "score": a.score,
            "level": a.level,
            "source": a.source,
            "practices": a.practices,
            "practices_from": a.practices_from,
            "level_from_practices": a.level_from_practices,
            "evidence": list(a.evidence),
        },
        "gap": d.gap,
        "gap_size": d.gap_size,
        "gap_possible": d.gap_possible,
        "relationship_quality": (
            {
                "valence": d.relationship_quality.valence,
                "description": d.relationship_quality.description,
            }
            if d.relationship_quality
            else None
        ),
        "consistency": {"status": d.consistency.status, "note": d.consistency.note},
        # the conflicts themselves are the top-level "warnings" (said once)
        "conflicts": [c.dimension for c in d.conflicts],
    }


def _conflict_dict(c: EvidenceConflict) -> dict[str, Any]:
    """A conflict as data (the judgement that counts is the dyad's, with its detail)."""
    return {
        "kam": c.kam,
        "partner": c.partner,
        "dimension": c.dimension,
        "used": {"source": c.used.source, "differs": c.used.differs},
        "other": {"source": c.other.source, "differs": c.other.differs, "detail": c.other.detail},
    }


def to_dict(diagnosis: Diagnosis) -> dict[str, Any]:
    """The diagnosis as plain data, in the SPEC §3.2 JSON shape (with more keys)."""
    case = diagnosis.case
    respondents_per_unit: dict[str, int] = {}
    for r in case.respondents:
        for uid in r.units:
            respondents_per_unit[uid] = respondents_per_unit.get(uid, 0) + 1
    by_kam: dict[str, Any] = {}
    names = case.unit_names()
    for kam in diagnosis.kam_units:
        dyads = diagnosis.dyads_of(kam)
        by_kam[kam] = {
            "name": names[kam],
            "partners": len(dyads),
            "gaps": sum(1 for d in dyads if d.gap),
            "gap_partners": [d.partner for d in dyads if d.gap],
            "no_partners_recorded": kam in diagnosis.without_partners,
        }
    consistency = {"consistent": 0, "inconsistent": 0, "unchecked": 0}
    for d in diagnosis.dyads:
        consistency[d.consistency.status] += 1
    return {
        "format": "kamkit-diagnosis",
        "format_version": FORMAT_VERSION,
        "kamkit_version": kamkit_version(),
        "case": case.title,
        "firm": case.firm,
        "period": {"start": case.period[0], "end": case.period[1]},
        "wave": case.wave,
        "source": case.source,
        "settings": {"rating_threshold": case.settings.rating_threshold},
        "units": [
            {
                "id": u.id,
                "name": u.name,
                "kind": u.kind,
                "parent": u.parent,
                "members": u.members,
                "age_years": u.age_years,
                "description": u.description,
                "respondents": respondents_per_unit.get(u.id, 0),
                "profile": {
                    k: list(v) if isinstance(v, tuple) else v
                    for k, v in case.profiles.get(u.id, {}).items()
                },
                "rating_means": {
                    k: round(v, 4) for k, v in diagnosis.rating_means.get(u.id, {}).items()
                },
                "agreement": {
                    a.dimension: _agreement_dict(a)
                    for a in (diagnosis.agreement.units if diagnosis.agreement else ())
                    if a.unit == u.id
                },
            }
            for u in case.units
        ],
        "network": [
            {
                "unit": n.unit,
                "degree": n.degree,
                "partners": list(n.partners),
                "depends_on": list(n.depends_on),
                "depended_on_by": list(n.depended_on_by),
                "mutual": list(n.mutual),
                "flows": n.flows,
                "constraint": None if n.constraint is None else round(n.constraint, 6),
                "effective_size": None if n.effective_size is None else round(n.effective_size, 6),
                "teams": list(n.teams),
            }
            for n in diagnosis.networks
        ],
        "dyads": [_dyad_dict(d) for d in diagnosis.dyads],
        "summary": {
            "dyads": len(diagnosis.dyads),
            "gaps": sum(1 for d in diagnosis.dyads if d.gap),
            "possible_gaps": sum(1 for d in diagnosis.dyads if d.gap_possible),
            "by_kam_unit": by_kam,
            "kam_units_without_partners": list(diagnosis.without_partners),
            "consistency": consistency,
            "conflicts": len(diagnosis.conflicts),
        },
        "warnings": [_conflict_dict(c) for c in diagnosis.conflicts],
        "agreement": _case_agreement(diagnosis),
        "provenance": dict(PROVENANCE),
        "recommendations": [
            {
                "priority": r.priority,
                "kam": r.kam,
                "partner": r.partner,
                "headline": r.headline,
                "actions": list(r.actions),
                "measures": [
                    {
                        "key": m.measure.key,
                        "title": m.measure.title,
                        "kind": m.measure.kind,
                        "reason": m.reason,
                        "source": m.measure.source,
                    }
                    for m in r.measures
                ],
            }
            for r in diagnosis.recommendations
        ],
    }


def _case_agreement(diagnosis: Diagnosis) -> dict[str, Any]:
    ag = diagnosis.agreement
    if ag is None:
        return {}
    return {
        "rwg_cutoff": ag.cutoff,
        "scale_options": ag.options,
        "flagged": [{"unit": a.unit, "dimension": a.dimension} for a in ag.flagged],
        "dimensions": {
            d.dimension: {
                "units": d.units,
                "respondents": d.respondents,
                "icc1": None if d.icc1 is None else round(d.icc1, 4),
                "icc2": None if d.icc2 is None else round(d.icc2, 4),
            }
            for d in ag.dimensions
        },
        "sources": {"rwg": RWG_SOURCE, "icc": ICC_SOURCE},
    }


def comparison_to_dict(comparison: WaveComparison) -> dict[str, Any]:
    """A wave comparison as plain data."""
    counts: dict[str, int] = {}
    for c in comparison.changes:
        counts[c.status] = counts.get(c.status, 0) + 1
    return {
        "format": "kamkit-diagnosis-comparison",
        "format_version": FORMAT_VERSION,
        "old": {
            "case": comparison.old.case.title,
            "wave": comparison.old.case.wave,
            "source": comparison.old.case.source,
            "gaps": len(comparison.old.gaps()),
        },
        "new": {
            "case": comparison.new.case.title,
            "wave": comparison.new.case.wave,
            "source": comparison.new.case.source,
            "gaps": len(comparison.new.gaps()),
        },
        "summary": counts,
        "changes": [
            {
                "kam": c.kam,
                "partner": c.partner,
                "kam_name": c.kam_name,
                "partner_name": c.partner_name,
                "status": c.status,
                "differentiation": {
                    "old": c.differentiation[0],
                    "new": c.differentiation[1],
                    "direction": c.direction(*c.differentiation),
                },
                "alignment": {
                    "old": c.alignment[0],
                    "new": c.alignment[1],
                    "direction": c.direction(*c.alignment),
                },
                "gap_size": {"old": c.gap_size[0], "new": c.gap_size[1]},
                "differs_added": list(c.differs_added),
                "differs_removed": list(c.differs_removed),
            }
            for c in comparison.changes
        ],
    }
