"""The effectiveness index and the principal lever (SPEC §2.5).

For a process with score s, baseline b and role r:
``u = up_r·max(0, s − b) − down_r·max(0, b − s)``; U sums u over the scored processes;
with U_max, U_min the U of every scored process at 100 and at 0, the index is
``50 + 50·U/U_max`` when U ≥ 0 and ``50 − 50·U/U_min`` when U < 0. So it is comparable
across phases: every scored process at the baseline gives 50 in every phase, all at 100
give 100, all at 0 give 0 (SPEC §2.5 as updated on 2026-11-28; the earlier
``100·(U − U_min)/(U_max − U_min)`` put the baseline at 36 in exploration, 28 in
build-up and 62 in maturity). The principal lever is the process whose +10 points raise
U most (ties: motivator before hygiene before background, then the lower score); its
gain is the change of the index.
"""

from __future__ import annotations

from dataclasses import dataclass

from kamkit.core.i18n import gettext_noop

from .config import DEFAULT_CONFIG, PROCESSES, AssessmentConfig
from .phases import role_row

PROCESS_LABELS = {
    "communication": gettext_noop("Collaborative communication"),
    "co_creation": gettext_noop("Co-creation of value"),
    "problem_solving": gettext_noop("Joint problem solving"),
}
ROLE_WORDS = {
    "motivator": gettext_noop("a motivator"),
    "hygiene": gettext_noop("a hygiene factor"),
    "background": gettext_noop("in the background"),
}
ROW_WORDS = {
    "": gettext_noop("while the phase is unknown"),
    "decline_revive": gettext_noop("in a decline we decided to revive"),
    "decline_wind_down": gettext_noop("in a decline we decided to wind down"),
}
_ROLE_RANK = {"motivator": 0, "hygiene": 1, "background": 2}


def roles_for(
    phase: str | None, config: AssessmentConfig = DEFAULT_CONFIG, decision: str | None = None
) -> dict[str, str]:
    """The role of each process in ``phase`` (Table 1; for a declining account, the row
    of its ``decision``, SPEC §2.3); without a phase every process is background
    (nothing is known to be determinant)."""
    row = role_row(phase, decision)
    return dict(config.roles.get(row or "", dict.fromkeys(PROCESSES, "background")))


def utility(score: float, role: str, config: AssessmentConfig = DEFAULT_CONFIG) -> float:
    """u = up·max(0, s − b) − down·max(0, b − s)."""
    up, down = config.weights[role]
    d = score - config.baseline
    return up * d if d > 0 else down * d


def index_bounds(roles: list[str], config: AssessmentConfig) -> tuple[float, float]:
    """U_max and U_min: U with every one of these processes at 100 and at 0."""
    b = config.baseline
    u_max = sum(config.weights[r][0] * (100.0 - b) for r in roles)
    u_min = -sum(config.weights[r][1] * b for r in roles)
    return u_max, u_min


def index_of(u: float, u_max: float, u_min: float) -> float | None:
    """The index for a total utility U between U_min and U_max (SPEC §2.5): the baseline
    at 50, U_max at 100, U_min at 0, linear on each side. None when nothing can move it
    (every weight zero)."""
    if u_max == 0 and u_min == 0:
        return None
    if u < 0:
        return max(0.0, 50.0 - 50.0 * u / u_min)  # u_min ≤ u < 0
    return min(100.0, 50.0 + 50.0 * u / u_max) if u_max > 0 else 50.0


def effectiveness_index(
    scores: dict[str, float | None],
    roles: dict[str, str],
    config: AssessmentConfig = DEFAULT_CONFIG,
) -> float | None:
    """0–100 over the scored processes, 50 with every one at the baseline; None when no
    process has a score."""
    scored = {p: s for p, s in scores.items() if s is not None}
    if not scored:
        return None
    u = sum(utility(s, roles[p], config) for p, s in scored.items())
    return index_of(u, *index_bounds([roles[p] for p in scored], config))


def index_without_roles(
    scores: dict[str, float | None], config: AssessmentConfig = DEFAULT_CONFIG
) -> float | None:
    """The index with the phase roles switched off, to test Table 1 as a proposition
    (issue 19): every scored process weighted alike (up and down weight 1) around the same
    baseline, so the phase plays no part. With the default baseline of 50 it is the mean
    of the scored processes. kamkit's definition; None when no process has a score."""
    scored = [s for s in scores.values() if s is not None]
    if not scored:
        return None
    b = config.baseline
    u = sum(s - b for s in scored)
    return index_of(u, (100.0 - b) * len(scored), -b * len(scored))


@dataclass(frozen=True, slots=True)
class Lever:
    process: str | None
    gain: float
    """How much +step points raise the index (index points)."""
    why: str


def phase_phrase(phase: str | None) -> str:
    """How a sentence names the phase row of Table 1: "in build-up", "while the phase is
    unknown", "in a decline we decided to revive"."""
    if phase in ROW_WORDS or not phase:
        return ROW_WORDS.get(phase or "", ROW_WORDS[""])
    return gettext_noop("in {phase}").format(phase=phase.replace("_", "-"))


def principal_lever(
    scores: dict[str, float | None],
    roles: dict[str, str],
    phase: str | None,
    config: AssessmentConfig = DEFAULT_CONFIG,
) -> Lever:
    """The process whose +``lever_step`` points raise U most, and a sentence why."""
    scored = {p: s for p, s in scores.items() if s is not None}
    if not scored:
        return Lever(
            None,
            0.0,
            gettext_noop(
                "No process has data yet: record interactions, initiatives and problems first."
            ),
        )
    step = config.lever_step
    u_max, u_min = index_bounds([roles[p] for p in scored], config)
    gains = {
        p: utility(min(100.0, s + step), roles[p], config) - utility(s, roles[p], config)
        for p, s in scored.items()
    }
    best = min(scored, key=lambda p: (-round(gains[p], 9), _ROLE_RANK[roles[p]], scored[p]))
    g = gains[best]
    u_now = sum(utility(v, roles[p], config) for p, v in scored.items())
    before, after = index_of(u_now, u_max, u_min), index_of(u_now + g, u_max, u_min)
    index_gain = after - before if before is not None and after is not None and g > 0 else 0.0
    s, role, b = scored[best], roles[best], config.baseline
    name = PROCESS_LABELS[best]
    phase_words = phase_phrase(phase)
    if g <= 0:
        return Lever(
            best,
            0.0,
            gettext_noop("Every scored process is at 100; keep {process} where it is.").format(
                process=name.lower()
            ),
        )
    baseline = f"{b:g}"
    if s < b and role == "hygiene":
        position = gettext_noop("below the baseline of {baseline}, where it hurts most")
    elif s < b:
        position = gettext_noop("below the baseline of {baseline}")
    elif s == b:
        position = gettext_noop("at the baseline of {baseline}")
    else:
        position = gettext_noop("above the baseline of {baseline}")
    missing = ", ".join(PROCESS_LABELS[p].lower() for p in PROCESSES if scores.get(p) is None)
    template = (
        gettext_noop(
            "{process} is {role} {phase_words} and stands at {score}, {position}: +{step} "
            "points raise the index by {gain}, the most of any process"
        )
        if len(scored) > 1
        else gettext_noop(
            "{process} is {role} {phase_words} and stands at {score}, {position}: +{step} "
            "points raise the index by {gain}"
        )
    )
    why = template.format(
        process=name,
        role=ROLE_WORDS[role],
        phase_words=phase_words,
        score=f"{s:.0f}",
        position=position.format(baseline=baseline),
        step=f"{step:g}",
        gain=f"{index_gain:.1f}",
    )
    why = (
        gettext_noop("{sentence} ({processes}: no data yet).").format(
            sentence=why, processes=missing
        )
        if missing
        else why + "."
    )
    return Lever(best, index_gain, why)
