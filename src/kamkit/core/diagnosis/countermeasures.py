"""Countermeasures for an integration gap, each labelled with where it comes from.

The advice of :mod:`.advice` names the missing frame alignment practices. A consultant
goes further: the paper's managerial implications (its §4.2) and the classic integrating
devices it cites (Lawrence & Lorsch; Mintzberg) are the repertoire. This module is that
repertoire as data (:data:`CATALOGUE`) and the rules that pick from it for one pair
(:func:`countermeasures`).

What each measure is comes from the source named in ``source``; *when* kamkit suggests it
is a kamkit assumption, stated in each measure's ``when`` and in :data:`RULES_SOURCE`.
Mintzberg's standardisation mechanisms are not offered: the paper notes they run against
the individual treatment of key accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

from kamkit.core.i18n import gettext_noop

from .results import Dyad
from .scales import PRACTICES

PAPER = "Leischnig, Ivens, Niersbach & Pardo (2018)"
RULES_SOURCE = gettext_noop("kamkit assumption: which measure fits which gap (docs/diagnosis.md)")


@dataclass(frozen=True, slots=True)
class Measure:
    """One countermeasure of the repertoire."""

    key: str
    title: str
    kind: str
    """``practice`` (a frame alignment practice), ``device`` (an integrating device) or
    ``management`` (the paper's managerial implications)."""
    what: str
    source: str
    when: str
    """When kamkit suggests it (a kamkit assumption)."""


CATALOGUE: tuple[Measure, ...] = (
    Measure(
        "bridging",
        gettext_noop(
            "Frame bridging",
        ),
        "practice",
        gettext_noop(
            "Carry account information across the boundary: a standing meeting, account "
            "briefs in the partner's channels, access to the account plans."
        ),
        f"{PAPER}, frame alignment practices (after Snow et al.)",
        gettext_noop(
            "the practice is absent or partial for the pair",
        ),
    ),
    Measure(
        "amplification",
        gettext_noop(
            "Frame amplification",
        ),
        "practice",
        gettext_noop(
            "Make the value of key accounts visible to the partner: show what its work "
            "changed for a key account, endorsed by management."
        ),
        f"{PAPER}, frame alignment practices (after Snow et al.)",
        gettext_noop(
            "the practice is absent or partial for the pair",
        ),
    ),
    Measure(
        "extension",
        gettext_noop(
            "Frame extension",
        ),
        "practice",
        gettext_noop(
            "Bring the partner into account work that serves its own goals: account planning, "
            "joint projects with the key account."
        ),
        f"{PAPER}, frame alignment practices (after Snow et al.)",
        gettext_noop(
            "the practice is absent or partial for the pair",
        ),
    ),
    Measure(
        "transformation",
        gettext_noop(
            "Frame transformation",
        ),
        "practice",
        gettext_noop(
            "Rework the shared routines around the relationship so that both units pursue "
            "the key-account mission as their own."
        ),
        f"{PAPER}, frame alignment practices (after Snow et al.)",
        gettext_noop(
            "the practice is absent or partial for the pair",
        ),
    ),
    Measure(
        "liaison",
        gettext_noop(
            "Liaison role (direct contact)",
        ),
        "device",
        gettext_noop(
            "Name one person on each side who meets the other regularly and settles "
            "day-to-day questions between the units."
        ),
        f"Lawrence & Lorsch (1967), direct inter-unit contact, as cited by {PAPER}",
        gettext_noop(
            "a gap of any size where the units differ in orientation toward others or in language"
        ),
    ),
    Measure(
        "task_force",
        gettext_noop(
            "Task force or inter-unit committee",
        ),
        "device",
        gettext_noop(
            "A temporary group of both units with a mandate and an end date, for the issue "
            "that divides them (a contract template, a delivery process)."
        ),
        f"Lawrence & Lorsch (1967), inter-unit committees and task forces, as cited by {PAPER}",
        gettext_noop(
            "a gap of 2 levels or more",
        ),
    ),
    Measure(
        "integrator",
        gettext_noop(
            "Integrator role or unit",
        ),
        "device",
        gettext_noop(
            "A role whose job is the connection itself, judged on the joint result; the case "
            "firm created such connecting job roles."
        ),
        f"Lawrence & Lorsch (1967), integrative units, as cited by {PAPER}",
        gettext_noop(
            "a gap of 3 levels or more, or a gap with a partner the KAM unit depends on",
        ),
    ),
    Measure(
        "shared_rewards",
        gettext_noop(
            "Shared objectives and rewards",
        ),
        "device",
        gettext_noop(
            "At least one objective both units are measured on for the key accounts.",
        ),
        f"Lawrence & Lorsch (1967), control systems (rewards), as cited by {PAPER}",
        gettext_noop(
            "the units differ in goal or motivational orientation",
        ),
    ),
    Measure(
        "mutual_adjustment",
        gettext_noop(
            "Mutual adjustment",
        ),
        "device",
        gettext_noop(
            "Informal coordination between the people who work the same accounts, made "
            "possible by co-location, shared channels or joint account reviews."
        ),
        f"Mintzberg (1989), coordinating mechanisms, as cited by {PAPER}",
        gettext_noop(
            "a gap of 1 level (intensify what is done before adding structure)",
        ),
    ),
    Measure(
        "top_management",
        gettext_noop(
            "Top-management support",
        ),
        "management",
        gettext_noop(
            "Top management addresses the integration need openly, shows its commitment to "
            "KAM and provides the resources alignment needs."
        ),
        f"{PAPER}, §4.2 managerial implications",
        gettext_noop(
            "a gap of 3 levels or more",
        ),
    ),
    Measure(
        "director_leadership",
        gettext_noop(
            "KA director's leadership",
        ),
        "management",
        gettext_noop(
            "The KA director encourages and rewards coordination and communication with the "
            "partner, and builds cohesion where goals conflict."
        ),
        f"{PAPER}, §4.2 managerial implications (after Hult 2011)",
        gettext_noop(
            "every gap",
        ),
    ),
    Measure(
        "integrative_culture",
        gettext_noop(
            "Integrative culture",
        ),
        "management",
        gettext_noop(
            "Frames both units can identify with and internalise: a shared story of why key "
            "accounts matter to the partner's own work."
        ),
        f"{PAPER}, §4.2 managerial implications",
        gettext_noop(
            "the units differ in goal or motivational orientation",
        ),
    ),
    Measure(
        "work_design",
        gettext_noop(
            "Work design and time",
        ),
        "management",
        gettext_noop(
            "Remove the daily constraints that crowd out alignment (in the case, time "
            "constraints impeded regular meetings), for example by new models of work design."
        ),
        f"{PAPER}, §4.2 managerial implications",
        gettext_noop(
            "bridging is only partial, or the units differ in time orientation",
        ),
    ),
    Measure(
        "alignment_resources",
        gettext_noop(
            "Resources for alignment",
        ),
        "management",
        gettext_noop(
            "Budget people, money and technology for the alignment practices in the firm's "
            "internal resource planning."
        ),
        f"{PAPER}, §4.2 managerial implications",
        gettext_noop(
            "a practice is to be introduced (absent today) for the pair",
        ),
    ),
    Measure(
        "change_communication",
        gettext_noop(
            "Communication during the change",
        ),
        "management",
        gettext_noop(
            "Explain changes to the alignment practices to the partner before and while they "
            "happen, so that new devices are not misread."
        ),
        f"{PAPER}, §4.2 managerial implications",
        gettext_noop(
            "any device or new practice is suggested",
        ),
    ),
)
"""The repertoire, in the order a consultant would present it."""

BY_KEY: dict[str, Measure] = {m.key: m for m in CATALOGUE}


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A measure suggested for one pair, with the reason in this pair's terms."""

    measure: Measure
    reason: str


def _depends(dyad: Dyad) -> bool:
    return dyad.requisite_integration in ("kam_depends", "mutual")


def countermeasures(dyad: Dyad) -> tuple[Suggestion, ...]:
    """The measures for one pair with a gap (or a possible gap), in catalogue order; none
    for a pair without one. The rules are :data:`RULES_SOURCE`."""
    if not (dyad.gap or dyad.gap_possible):
        return ()
    size = dyad.gap_size or 0
    differs = set(dyad.differentiation.differs)
    practices = dyad.alignment.practices
    reasons: dict[str, str] = {}
    absent: list[str] = []
    for p in PRACTICES:
        value = practices.get(p) if practices else None
        if value in ("absent", "partial"):
            reasons[p] = gettext_noop("{practice} is {value} for this pair").format(
                practice=p, value=value
            )
            if value == "absent":
                absent.append(p)
    if differs & {"orientation_toward_others", "linguistic_orientation"}:
        reasons["liaison"] = gettext_noop("the units differ in {dimensions}").format(
            dimensions=" and ".join(
                d.replace("_", " ")
                for d in ("orientation_toward_others", "linguistic_orientation")
                if d in differs
            )
        )
    if size >= 2:
        reasons["task_force"] = gettext_noop("a gap of {size} levels").format(size=size)
    if size >= 3:
        reasons["integrator"] = gettext_noop("a gap of {size} levels").format(size=size)
    elif dyad.gap and _depends(dyad):
        reasons["integrator"] = gettext_noop("the KAM unit depends on this partner's resources")
    goals = differs & {"goal_orientation", "motivational_orientation"}
    if goals:
        text = gettext_noop("the units differ in {dimensions}").format(
            dimensions=" and ".join(sorted(g.replace("_", " ") for g in goals))
        )
        reasons["shared_rewards"] = text
        reasons["integrative_culture"] = text
    if size == 1:
        reasons["mutual_adjustment"] = gettext_noop("a gap of 1 level")
    if size >= 3:
        reasons["top_management"] = gettext_noop("a gap of {size} levels").format(size=size)
    if dyad.gap:
        reasons["director_leadership"] = gettext_noop("every gap needs the KA director's lead")
    if (practices and practices.get("bridging") == "partial") or "time_orientation" in differs:
        reasons["work_design"] = (
            gettext_noop("bridging is only partial")
            if practices and practices.get("bridging") == "partial"
            else gettext_noop("the units differ in time orientation")
        )
    if absent:
        reasons["alignment_resources"] = gettext_noop("to introduce {practices}").format(
            practices=", ".join(absent)
        )
    if any(BY_KEY[k].kind == "device" for k in reasons) or absent:
        reasons["change_communication"] = gettext_noop(
            "the suggestions change how the units work together"
        )
    return tuple(Suggestion(m, reasons[m.key]) for m in CATALOGUE if m.key in reasons)
