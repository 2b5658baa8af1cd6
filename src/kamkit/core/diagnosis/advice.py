"""Recommendations per integration gap, in words (SPEC §3 step 4, "the practices missing").

For each gap the advice names which of the four frame alignment practices are absent or
only partial for that partner, what each could look like in practice, what the size of
the gap asks for, and which differing dimensions to address first. Gaps are ranked: the
largest first, and among equal sizes those where the KAM unit depends on the partner.
"""

from __future__ import annotations

from collections.abc import Iterable

from .countermeasures import countermeasures
from .results import Dyad, Recommendation
from .scales import DIMENSION_LABELS, PRACTICES

PRACTICE_ADVICE: dict[str, str] = {
    "bridging": (
        "bridging: carry account information across the boundary — a standing meeting, "
        "account briefs in the partner's channels, access to the account plans"
    ),
    "amplification": (
        "amplification: make the value of key accounts visible to the partner — show what "
        "its work changed for a key account, with management endorsing it"
    ),
    "extension": (
        "extension: bring the partner into account work that serves its own goals — "
        "invite it to account planning and to joint projects with the key account"
    ),
    "transformation": (
        "transformation: rework shared routines around the relationship — a joint task "
        "force, an integrator role between the units, objectives both units are measured on"
    ),
}

DIMENSION_ADVICE: dict[str, str] = {
    "structural_formalization": "agree the interface: who hands what to whom, how fast",
    "orientation_toward_others": "create personal contact between the people who work the accounts",
    "time_orientation": "align planning horizons and say which deadlines are fixed",
    "goal_orientation": "set at least one goal both units share for the key accounts",
    "linguistic_orientation": "translate the jargon: a glossary, briefs in the partner's terms",
    "motivational_orientation": "recognise the partner's contribution to key-account results",
}


def size_advice(size: int) -> str:
    """What a gap of this size asks for."""
    if size <= 1:
        return (
            "a gap of 1 level: intensify what is already done — turn a partial practice into "
            "a substantial one"
        )
    if size == 2:
        return (
            "a gap of 2 levels: add a practice not yet used, aimed at the dimensions on which "
            "the units differ"
        )
    return (
        f"a gap of {size} levels: information alone will not close it — it needs structural "
        "devices (a task force, an integrator role) with visible support from top management"
    )


def _depends(dyad: Dyad) -> bool:
    return dyad.requisite_integration in ("kam_depends", "mutual")


def recommend(dyad: Dyad) -> tuple[str, tuple[str, ...]]:
    """Headline and actions for one gap or possible gap."""
    a = dyad.alignment
    d = dyad.differentiation
    actions: list[str] = []
    if dyad.gap:
        headline = (
            f"{dyad.kam_name} – {dyad.partner_name}: differentiation {d.level} above alignment "
            f"{a.level}; {size_advice(dyad.gap_size or 0)}."
        )
    else:
        headline = (
            f"{dyad.kam_name} – {dyad.partner_name}: no gap on what is known, but "
            f"{len(d.unknown)} dimension(s) are unknown; if they differ, differentiation "
            f"reaches {d.highest_possible_level}, above alignment {a.level}."
        )
        actions.append(
            "judge the unknown dimensions first: "
            + ", ".join(DIMENSION_LABELS[x].lower() for x in d.unknown)
        )
    if a.practices is None:
        actions.append(
            "no alignment practices are recorded for this pair: record which are used to "
            "target the advice"
        )
    else:
        where = "this pair" if a.practices_from == "link" else "the KAM unit as a whole"
        absent = [p for p in PRACTICES if a.practices[p] == "absent"]
        partial = [p for p in PRACTICES if a.practices[p] == "partial"]
        if absent:
            actions.append(f"absent for {where}: {', '.join(absent)}")
        if partial:
            actions.append(f"only partial for {where}: {', '.join(partial)}")
        for practice in absent + partial:
            actions.append(PRACTICE_ADVICE[practice])
        if not absent and not partial:
            actions.append(
                "all four practices are recorded as substantial yet the gap remains: check "
                "whether they actually reach this partner"
            )
    for dim in d.differs:
        actions.append(f"{DIMENSION_LABELS[dim].lower()}: {DIMENSION_ADVICE[dim]}")
    if _depends(dyad):
        actions.append(
            "the KAM unit depends on this partner's resources, so this gap can reach the key "
            "accounts directly: treat it first"
        )
    return headline, tuple(actions)


def recommendations(dyads: Iterable[Dyad]) -> tuple[Recommendation, ...]:
    """Ranked recommendations for every gap and every possible gap."""
    candidates = [d for d in dyads if d.gap or d.gap_possible]
    candidates.sort(
        key=lambda d: (
            -(d.gap_size or 0),
            not d.gap,
            not _depends(d),
            d.kam_name,
            d.partner_name,
        )
    )
    out = []
    for priority, dyad in enumerate(candidates, start=1):
        headline, actions = recommend(dyad)
        out.append(
            Recommendation(
                dyad.kam, dyad.partner, priority, headline, actions, countermeasures(dyad)
            )
        )
    return tuple(out)
