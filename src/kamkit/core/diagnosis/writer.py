"""A case back to its file (``kamkit_case: 1``): what the web app's forms write when an
analyst edits a wave, so that every wave stays a case file that ``kamkit diagnose`` reads
with the same result. ``parse_case(dump_case(case))`` gives the same case (tested on
every example file)."""

from __future__ import annotations

from typing import Any

import yaml

from .model import Alignment, Case, Link, Settings, Unit


def _unit(u: Unit) -> dict[str, Any]:
    out: dict[str, Any] = {"id": u.id, "name": u.name, "kind": u.kind}
    if u.parent is not None:
        out["parent"] = u.parent
    if u.members is not None:
        out["members"] = u.members
    if u.age_years is not None:
        out["age_years"] = u.age_years
    if u.description:
        out["description"] = u.description
    if u.practices is not None:
        out["practices"] = dict(u.practices)
    if u.evidence:
        out["evidence"] = list(u.evidence)
    return out


def _alignment(a: Alignment) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if a.practices is not None:
        out["practices"] = dict(a.practices)
    if a.level is not None:
        out["level"] = a.level
    if a.evidence:
        out["evidence"] = list(a.evidence)
    return out


def _link(link: Link) -> dict[str, Any]:
    out: dict[str, Any] = {"kam": link.kam, "partner": link.partner}
    if link.flows:
        out["flows"] = dict(link.flows)
    if link.requisite_integration is not None:
        out["requisite_integration"] = link.requisite_integration
    if link.differs is not None:
        out["differs"] = list(link.differs)
    if link.alignment is not None and (alignment := _alignment(link.alignment)):
        out["alignment"] = alignment
    if link.relationship_quality is not None:
        q = link.relationship_quality
        out["relationship_quality"] = {"valence": q.valence, "description": q.description}
    if link.notes:
        out["notes"] = link.notes
    return out


def case_to_data(case: Case) -> dict[str, Any]:
    """The case as the plain mapping its file holds."""
    out: dict[str, Any] = {"kamkit_case": 1, "title": case.title}
    if case.firm:
        out["firm"] = case.firm
    start, end = case.period
    if start or end:
        out["period"] = {k: v for k, v in (("start", start), ("end", end)) if v}
    if case.wave is not None:
        out["wave"] = case.wave
    if case.description:
        out["description"] = case.description
    if case.settings != Settings():
        out["settings"] = {"rating_threshold": case.settings.rating_threshold}
    out["units"] = [_unit(u) for u in case.units]
    if case.respondents:
        out["respondents"] = [
            {
                "id": r.id,
                "unit": r.units[0] if len(r.units) == 1 else list(r.units),
                **({"position": r.position} if r.position is not None else {}),
                **({"tenure_years": r.tenure_years} if r.tenure_years is not None else {}),
                **({"consent_on": r.consent_on} if r.consent_on is not None else {}),
            }
            for r in case.respondents
        ]
    if case.profiles:
        out["profiles"] = {
            uid: {dim: list(v) if isinstance(v, tuple) else v for dim, v in values.items()}
            for uid, values in case.profiles.items()
        }
    if case.ratings:
        out["ratings"] = [
            {"respondent": r.respondent, "item": r.item, "dimension": r.dimension, "value": r.value}
            for r in case.ratings
        ]
    if case.statements:
        out["statements"] = [
            {
                **({"respondent": s.respondent} if s.respondent is not None else {}),
                **({"unit": s.unit} if s.unit is not None else {}),
                "dimensions": list(s.dimensions),
                "text": s.text,
            }
            for s in case.statements
        ]
    out["links"] = [_link(link) for link in case.links]
    return out


def dump_case(case: Case, header: str = "") -> str:
    """The case file's text; ``header`` (comment lines without ``#``) goes on top."""
    comment = "".join(f"# {line}\n" for line in header.splitlines())
    body = yaml.safe_dump(
        case_to_data(case), sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
    )
    return comment + body
