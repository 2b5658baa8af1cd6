"""Recommendations per integration gap, in words (SPEC §3 step 4, "the practices missing").

For each gap the advice names which of the four frame alignment practices are absent or
only partial for that partner, what each could look like in practice, what the size of
the gap asks for, and which differing dimensions to address first. Gaps are ranked: the
largest first, and among equal sizes those where the KAM unit depends on the partner.
"""

from __future__ import annotations

from collections.abc import Iterable

from kamkit.core.i18n import gettext_noop

from .countermeasures import countermeasures
from .results import Dyad, Recommendation
from .scales import DIMENSION_LABELS, PRACTICES

PRACTICE_ADVICE: dict[str, str] = {
    "bridging": (
        gettext_noop(
            "bridging: carry account information across the boundary — a standing meeting, "
            "account briefs in the partner's channels, access to the account plans"
        )
    ),
    "amplification": (
        gettext_noop(
            "amplification: make the value of key accounts visible to the partner — show what "
            "its work changed for a key account, with management endorsing it"
        )
    ),
    "extension": (
        gettext_noop(
            "extension: bring the partner into account work that serves its own goals — "
            "invite it to account planning and to joint projects with the key account"
        )
    ),
    "transformation": (
        gettext_noop(
            "transformation: rework shared routines around the relationship — a joint task "
            "force, an integrator role between the units, objectives both units are measured on"
        )
    ),
}

DIMENSION_ADVICE: dict[str, str] = {
    "structural_formalization": gettext_noop(
        "agree the interface: who hands what to whom, how fast"
    ),
    "orientation_toward_others": gettext_noop(
        "create personal contact between the people who work the accounts"
    ),
    "time_orientation": gettext_noop(
        "align planning horizons and say which deadlines are fixed",
    ),
    "goal_orientation": gettext_noop(
        "set at least one goal both units share for the key accounts",
    ),
    "linguistic_orientation": gettext_noop(
        "translate the jargon: a glossary, briefs in the partner's terms"
    ),
    "motivational_orientation": gettext_noop(
        "recognise the partner's contribution to key-account results"
    ),
}


def size_advice(size: int) -> str:
    """What a gap of this size asks for."""
    if size <= 1:
        return gettext_noop(
            "a gap of 1 level: intensify what is already done — turn a partial practice into "
            "a substantial one"
        )
    if size == 2:
        return gettext_noop(
            "a gap of 2 levels: add a practice not yet used, aimed at the dimensions on which "
            "the units differ"
        )
    return gettext_noop(
        "a gap of {size} levels: information alone will not close it — it needs structural "
        "devices (a task force, an integrator role) with visible support from top management"
    ).format(size=size)


def _depends(dyad: Dyad) -> bool:
    return dyad.requisite_integration in ("kam_depends", "mutual")


def recommend(dyad: Dyad) -> tuple[str, tuple[str, ...]]:
    """Headline and actions for one gap or possible gap."""
    a = dyad.alignment
    d = dyad.differentiation
    actions: list[str] = []
    if dyad.gap:
        headline = gettext_noop(
            "{kam} – {partner}: differentiation {level} above alignment {alignment}; {advice}."
        ).format(
            kam=dyad.kam_name,
            partner=dyad.partner_name,
            level=d.level,
            alignment=a.level,
            advice=size_advice(dyad.gap_size or 0),
        )
    else:
        headline = gettext_noop(
            "{kam} – {partner}: no gap on what is known, but {count} dimension(s) are "
            "unknown; if they differ, differentiation reaches {level}, above alignment "
            "{alignment}."
        ).format(
            kam=dyad.kam_name,
            partner=dyad.partner_name,
            count=len(d.unknown),
            level=d.highest_possible_level,
            alignment=a.level,
        )
        actions.append(
            gettext_noop("judge the unknown dimensions first: {dimensions}").format(
                dimensions=", ".join(DIMENSION_LABELS[x].lower() for x in d.unknown)
            )
        )
    if a.practices is None:
        actions.append(
            gettext_noop(
                "no alignment practices are recorded for this pair: record which are used to "
                "target the advice"
            )
        )
    else:
        own = a.practices_from == "link"
        absent = [p for p in PRACTICES if a.practices[p] == "absent"]
        partial = [p for p in PRACTICES if a.practices[p] == "partial"]
        if absent:
            template = (
                gettext_noop("absent for this pair: {practices}")
                if own
                else gettext_noop("absent for the KAM unit as a whole: {practices}")
            )
            actions.append(template.format(practices=", ".join(absent)))
        if partial:
            template = (
                gettext_noop("only partial for this pair: {practices}")
                if own
                else gettext_noop("only partial for the KAM unit as a whole: {practices}")
            )
            actions.append(template.format(practices=", ".join(partial)))
        for practice in absent + partial:
            actions.append(PRACTICE_ADVICE[practice])
        if not absent and not partial:
            actions.append(
                gettext_noop(
                    "all four practices are recorded as substantial yet the gap remains: check "
                    "whether they actually reach this partner"
                )
            )
    for dim in d.differs:
        actions.append(
            gettext_noop("{dimension}: {advice}").format(
                dimension=DIMENSION_LABELS[dim].lower(), advice=DIMENSION_ADVICE[dim]
            )
        )
    if _depends(dyad):
        actions.append(
            gettext_noop(
                "the KAM unit depends on this partner's resources, so this gap can reach the "
                "key accounts directly: treat it first"
            )
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
