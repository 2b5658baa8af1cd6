"""Part of a diagnosis: some of its KAM units with their partners, for reading a large
study a page at a time (issue 18: a wave of 200 KAM units × 50 partners makes a 23 MB
report). Every figure is the whole diagnosis's: nothing is computed again."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from .results import Diagnosis


def restrict(diagnosis: Diagnosis, kam_units: Iterable[str]) -> Diagnosis:
    """The diagnosis of the given KAM units only: their pairs, network measures,
    recommendations (with their ranks in the whole diagnosis), and of the case the units
    involved (their partners and parent units), their respondents, ratings, profiles and
    statements."""
    keep = set(kam_units)
    case = diagnosis.case
    dyads = tuple(d for d in diagnosis.dyads if d.kam in keep)
    units = keep | {d.partner for d in dyads}
    parents = {u.id: u.parent for u in case.units}
    for kam in keep:
        cur = parents.get(kam)
        while cur is not None and cur not in units:
            units.add(cur)
            cur = parents.get(cur)
    family = set(keep)  # teams and their teams, named by the report
    grew = True
    while grew:
        teams = {u.id for u in case.units if u.parent in family} - family
        family |= teams
        grew = bool(teams)
    units |= family
    respondents = tuple(r for r in case.respondents if units.intersection(r.units))
    kept_respondents = {r.id for r in respondents}
    part = replace(
        case,
        units=tuple(u for u in case.units if u.id in units),
        links=tuple(link for link in case.links if link.kam in keep),
        respondents=respondents,
        profiles={k: v for k, v in case.profiles.items() if k in units},
        ratings=tuple(r for r in case.ratings if r.respondent in kept_respondents),
        statements=tuple(
            s
            for s in case.statements
            if s.unit in units or (s.respondent is not None and s.respondent in kept_respondents)
        ),
    )
    return Diagnosis(
        case=part,
        dyads=dyads,
        networks=tuple(n for n in diagnosis.networks if n.unit in keep),
        recommendations=tuple(r for r in diagnosis.recommendations if r.kam in keep),
        rating_means={k: v for k, v in diagnosis.rating_means.items() if k in units},
        # the units' own agreement; ICC stays that of the whole case (it compares units)
        agreement=None
        if diagnosis.agreement is None
        else replace(
            diagnosis.agreement,
            units=tuple(a for a in diagnosis.agreement.units if a.unit in units),
        ),
    )


def pages(diagnosis: Diagnosis, max_pairs: int) -> list[tuple[str, ...]]:
    """The KAM units in report order, cut into pages of at most ``max_pairs`` pairs. A
    KAM unit stays on one page with its teams; a unit whose family has more pairs than
    that is a page of its own; units without partners join the page they fall on."""
    parents = {u.id: u.parent for u in diagnosis.case.units}

    def top(kam: str) -> str:
        while parents.get(kam) is not None:
            kam = parents[kam]  # type: ignore[assignment]
        return kam

    families: dict[str, list[str]] = {}
    for kam in diagnosis.kam_units:
        families.setdefault(top(kam), []).append(kam)
    out: list[tuple[str, ...]] = []
    current: list[str] = []
    count = 0
    for family in families.values():
        n = sum(len(diagnosis.dyads_of(k)) for k in family)
        if current and count + n > max_pairs:
            out.append(tuple(current))
            current, count = [], 0
        current.extend(family)
        count += n
    if current:
        out.append(tuple(current))
    return out
