"""The diagnosis as research data (issue 19, item 5): the pair table (KAM unit × partner
× wave, every judgement with its source) and the long table of responses (respondent ×
item), built from diagnosed waves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kamkit.core.diagnosis.provenance import PROVENANCE
from kamkit.core.diagnosis.results import Diagnosis
from kamkit.core.diagnosis.scales import (
    DIMENSION_LABELS,
    DIMENSIONS,
    FLOW_KINDS,
    FLOW_LEVELS,
    LEVELS,
    PRACTICE_VALUES,
    PRACTICES,
    QUALITY_VALENCES,
    REQUISITE_INTEGRATION,
    UNIT_KINDS,
    rank,
)

from .datasets import Dataset, Variable, code_of, codes

DIMENSION_SHORT = {
    "structural_formalization": "sf",
    "orientation_toward_others": "oo",
    "time_orientation": "to",
    "goal_orientation": "go",
    "linguistic_orientation": "lo",
    "motivational_orientation": "mo",
}
"""Short variable stems of the six dimensions (the item ids of the item bank use them)."""

SOURCES = codes(("analyst", "profile", "ratings", "unknown"))
YES_NO = {0: "no", 1: "yes"}
LEVEL_CODES = dict(enumerate(LEVELS))
"""The common ordinal scale, none 0 … very high 6 (SPEC §3)."""
PRACTICE_CODES = {v: k for k, v in PRACTICE_VALUES.items()}
FLOW_CODES = {v: k for k, v in FLOW_LEVELS.items()}
REQUISITE_CODES = codes(REQUISITE_INTEGRATION)
QUALITY_CODES = codes(QUALITY_VALENCES)
CONSISTENCY_CODES = codes(("consistent", "inconsistent", "unchecked"))
ALIGN_SOURCE_CODES = codes(("practices", "analyst"))
UNIT_KIND_CODES = codes(UNIT_KINDS)
DIMENSION_CODES = codes(DIMENSIONS)


@dataclass(frozen=True, slots=True)
class Wave:
    """One diagnosed wave of a study: its project, label and date."""

    project: str
    wave: str
    on: dt.date | None
    diagnosis: Diagnosis


def _wave_variables() -> list[Variable]:
    return [
        Variable("project", "Study (diagnosis project)", "id", "kamkit project", pseudonym="study"),
        Variable("firm", "Firm", "id", "case file: firm", pseudonym="firm"),
        Variable("wave", "Wave label", "string", "case file: wave"),
        Variable("wave_on", "Date of the wave", "date", "kamkit project: wave date"),
    ]


def _wave_values(w: Wave) -> list[Any]:
    return [w.project, w.diagnosis.case.firm, w.wave, w.on]


def pairs_dataset(waves: Sequence[Wave], about: dict[str, Any]) -> Dataset:
    """One row per KAM unit–partner pair per wave, with every judgement and its source."""
    variables = _wave_variables() + [
        Variable("kam", "KAM unit", "id", "case file: links[].kam", pseudonym="unit"),
        Variable("kam_name", "KAM unit's name", "name", "case file: units[].name"),
        Variable(
            "kam_parent",
            "KAM unit's parent unit",
            "id",
            "case file: units[].parent",
            pseudonym="unit",
        ),
        Variable(
            "partner", "Internal partner unit", "id", "case file: links[].partner", pseudonym="unit"
        ),
        Variable("partner_name", "Partner's name", "name", "case file: units[].name"),
        Variable(
            "requisite",
            "Requisite integration (who depends on whom)",
            "category",
            "case file: links[].requisite_integration (SPEC §3 step 1)",
            REQUISITE_CODES,
        ),
    ]
    for kind in FLOW_KINDS:
        variables.append(
            Variable(
                f"flow_{kind}",
                f"{kind.title()} flow",
                "category",
                "case file: links[].flows",
                FLOW_CODES,
            )
        )
    for dim in DIMENSIONS:
        short = DIMENSION_SHORT[dim]
        variables.append(
            Variable(
                f"differs_{short}",
                f"Differs on {DIMENSION_LABELS[dim].lower()}",
                "category",
                "diagnosis step 2 (SPEC §3): the judgement that counts",
                YES_NO,
            )
        )
        variables.append(
            Variable(
                f"source_{short}",
                f"Source of the judgement on {DIMENSION_LABELS[dim].lower()}",
                "category",
                PROVENANCE["source_precedence"],
                SOURCES,
            )
        )
    variables += [
        Variable(
            "diff_count", "Dimensions on which the pair differs (0–6)", "integer", "SPEC §3 step 2"
        ),
        Variable(
            "diff_level",
            "Level of differentiation",
            "category",
            PROVENANCE["differentiation_level"],
            LEVEL_CODES,
        ),
    ]
    for p in PRACTICES:
        variables.append(
            Variable(
                f"practice_{p}",
                f"Frame {p}",
                "category",
                "case file: alignment practices (SPEC §3 step 3)",
                PRACTICE_CODES,
            )
        )
    variables += [
        Variable(
            "align_score",
            "Practice score (0–8)",
            "integer",
            "SPEC §3 step 3: sum of practice values",
        ),
        Variable(
            "align_level",
            "Level of frame alignment",
            "category",
            PROVENANCE["alignment_level"],
            LEVEL_CODES,
        ),
        Variable(
            "align_source",
            "Source of the alignment level",
            "category",
            "SPEC §3 step 3",
            ALIGN_SOURCE_CODES,
        ),
        Variable("gap", "Integration gap", "category", PROVENANCE["levels_and_gap"], YES_NO),
        Variable(
            "gap_size",
            "Gap size: rank(differentiation) − rank(alignment), at least 0",
            "integer",
            "SPEC §3 step 4",
        ),
        Variable(
            "quality",
            "Recorded relationship quality",
            "category",
            "case file: relationship_quality",
            QUALITY_CODES,
        ),
        Variable(
            "consistency",
            "Gap against relationship quality",
            "category",
            PROVENANCE["relationship_quality"],
            CONSISTENCY_CODES,
        ),
        Variable(
            "conflicts",
            "Dimensions on which other evidence disagrees",
            "integer",
            PROVENANCE["conflicts"],
        ),
    ]
    rows = []
    for w in waves:
        parents = {u.id: u.parent for u in w.diagnosis.case.units}
        for d in w.diagnosis.dyads:
            judged = {j.dimension: j for j in d.differentiation.judgements}
            row = _wave_values(w) + [
                d.kam,
                d.kam_name,
                parents.get(d.kam),
                d.partner,
                d.partner_name,
                code_of(REQUISITE_CODES, d.requisite_integration),
            ]
            row += [FLOW_LEVELS.get(d.flows.get(k, ""), None) for k in FLOW_KINDS]
            for dim in DIMENSIONS:
                j = judged.get(dim)
                row.append(None if j is None or j.differs is None else int(j.differs))
                row.append(code_of(SOURCES, j.source) if j else None)
            row += [d.differentiation.count, rank(d.differentiation.level)]
            practices = d.alignment.practices or {}
            row += [PRACTICE_VALUES.get(practices.get(p, ""), None) for p in PRACTICES]
            a = d.alignment
            row += [
                a.score,
                None if a.level is None else rank(a.level),
                code_of(ALIGN_SOURCE_CODES, a.source),
                None if d.gap is None else int(d.gap),
                d.gap_size,
                code_of(QUALITY_CODES, d.relationship_quality.valence)
                if d.relationship_quality
                else None,
                code_of(CONSISTENCY_CODES, d.consistency.status),
                len(d.conflicts),
            ]
            rows.append(tuple(row))
    return Dataset(
        name="pairs",
        title="kamkit diagnosis: KAM unit × partner × wave",
        unit="KAM unit × internal partner × wave",
        variables=tuple(variables),
        rows=rows,
        about=about,
    )


def responses_dataset(waves: Sequence[Wave], about: dict[str, Any]) -> Dataset:
    """One row per rating: respondent × item (× unit, for a respondent of several units)."""
    variables = _wave_variables() + [
        Variable(
            "respondent", "Respondent", "id", "case file: respondents[].id", pseudonym="respondent"
        ),
        Variable("position", "Respondent's position", "text", "case file: respondents[].position"),
        Variable(
            "tenure_years",
            "Respondent's tenure (years)",
            "number",
            "case file: respondents[].tenure_years",
        ),
        Variable(
            "consent_on",
            "Day the respondent consented to the study",
            "date",
            "case file: respondents[].consent_on (questionnaires record it)",
        ),
        Variable(
            "unit", "Respondent's unit", "id", "case file: respondents[].unit(s)", pseudonym="unit"
        ),
        Variable("unit_name", "Unit's name", "name", "case file: units[].name"),
        Variable(
            "unit_kind", "Kind of unit", "category", "case file: units[].kind", UNIT_KIND_CODES
        ),
        Variable(
            "unit_parent", "Unit's parent unit", "id", "case file: units[].parent", pseudonym="unit"
        ),
        Variable(
            "item",
            "Item",
            "string",
            "case file: ratings[].item (kamkit's item bank: docs/instruments.md)",
        ),
        Variable(
            "dimension",
            "Dimension the item measures",
            "category",
            "case file: ratings[].dimension",
            DIMENSION_CODES,
        ),
        Variable("value", "Rating (1–7)", "number", "case file: ratings[].value"),
    ]
    rows = []
    for w in waves:
        case = w.diagnosis.case
        units = {u.id: u for u in case.units}
        respondents = {r.id: r for r in case.respondents}
        for rating in case.ratings:
            r = respondents.get(rating.respondent)
            for uid in r.units if r else (None,):
                u = units.get(uid) if uid else None
                rows.append(
                    tuple(
                        _wave_values(w)
                        + [
                            rating.respondent,
                            r.position if r else None,
                            r.tenure_years if r else None,
                            dt.date.fromisoformat(r.consent_on) if r and r.consent_on else None,
                            uid,
                            u.name if u else None,
                            code_of(UNIT_KIND_CODES, u.kind) if u else None,
                            u.parent if u else None,
                            rating.item,
                            code_of(DIMENSION_CODES, rating.dimension),
                            float(rating.value),
                        ]
                    )
                )
    return Dataset(
        name="responses",
        title="kamkit diagnosis: ratings, respondent × item",
        unit="respondent × item (× unit for a respondent of several units)",
        variables=tuple(variables),
        rows=rows,
        about=about,
    )
