"""Countermeasures per gap (issue 18): the paper's §4.2 and the integrating devices it
cites, each labelled with its source, picked for a pair by stated rules."""

from __future__ import annotations

from kamkit.core.diagnosis import diagnose, load_case, parse_case
from kamkit.core.diagnosis.countermeasures import BY_KEY, CATALOGUE, countermeasures

from .conftest import EXAMPLES


def _pair(result, kam: str, partner: str):
    return next(d for d in result.dyads_of(kam) if d.partner == partner)


def _case(differs: str, level: str, practices: str = "", requisite: str = "") -> str:
    return (
        "kamkit_case: 1\ntitle: T\nunits:\n"
        "  - {id: k, name: K, kind: kam}\n  - {id: p, name: P, kind: partner}\n"
        f"links:\n  - kam: k\n    partner: p\n    differs: [{differs}]\n"
        + (f"    requisite_integration: {requisite}\n" if requisite else "")
        + f"    alignment: {{level: {level}{', practices: ' + practices if practices else ''}}}\n"
    )


def test_every_measure_names_its_source_and_when_it_is_suggested():
    assert len({m.key for m in CATALOGUE}) == len(CATALOGUE)
    for m in CATALOGUE:
        assert m.source and m.when and m.what
        assert m.kind in ("practice", "device", "management")
    # the paper's §4.2 and the Lawrence & Lorsch devices are both in the repertoire
    assert {
        "top_management",
        "director_leadership",
        "integrative_culture",
        "work_design",
        "alignment_resources",
        "change_communication",
    } <= BY_KEY.keys()
    assert {"liaison", "task_force", "integrator"} <= BY_KEY.keys()
    assert all("§4.2" in BY_KEY[k].source for k in ("top_management", "work_design"))
    # standardisation (Mintzberg) runs against individual customer treatment: not offered
    assert not any("standardi" in m.title.lower() for m in CATALOGUE)


def test_a_large_gap_asks_for_structure_and_top_management():
    result = diagnose(load_case(EXAMPLES / "published-case.yaml"))
    legal = _pair(result, "kam1", "legal")
    assert legal.gap_size == 3
    keys = [s.measure.key for s in countermeasures(legal)]
    assert {"top_management", "integrator", "task_force", "director_leadership"} <= set(keys)
    assert "mutual_adjustment" not in keys  # intensifying is for a gap of one level
    assert keys == [m.key for m in CATALOGUE if m.key in keys]  # catalogue order
    reasons = {s.measure.key: s.reason for s in countermeasures(legal)}
    assert reasons["top_management"] == "a gap of 3 levels"


def test_a_gap_of_one_level_is_intensified_not_restructured():
    dyad = diagnose(
        parse_case(_case("structural_formalization, time_orientation, goal_orientation", "low"))
    )
    pair = dyad.dyads[0]
    assert pair.gap_size == 1
    keys = {s.measure.key for s in countermeasures(pair)}
    assert "mutual_adjustment" in keys
    assert not keys & {"top_management", "task_force", "integrator"}
    # time and goal orientation differ: work design, shared rewards and culture follow
    assert {"work_design", "shared_rewards", "integrative_culture"} <= keys


def test_missing_practices_become_practice_measures_with_resources_and_communication():
    practices = "{bridging: partial, amplification: absent, extension: substantial, transformation: substantial}"
    pair = diagnose(
        parse_case(
            _case(
                "structural_formalization, goal_orientation, time_orientation, "
                "linguistic_orientation, motivational_orientation",
                "rather low",
                practices,
            )
        )
    ).dyads[0]
    suggestions = {s.measure.key: s.reason for s in countermeasures(pair)}
    assert suggestions["bridging"] == "bridging is partial for this pair"
    assert suggestions["amplification"] == "amplification is absent for this pair"
    assert "extension" not in suggestions and "transformation" not in suggestions
    assert suggestions["alignment_resources"] == "to introduce amplification"
    assert "change_communication" in suggestions
    assert suggestions["work_design"] == "bridging is only partial"


def test_a_dependent_pair_gets_an_integrator_even_for_a_small_gap():
    pair = diagnose(
        parse_case(
            _case(
                "structural_formalization, goal_orientation, time_orientation",
                "low",
                requisite="kam_depends",
            )
        )
    ).dyads[0]
    reasons = {s.measure.key: s.reason for s in countermeasures(pair)}
    assert reasons["integrator"] == "the KAM unit depends on this partner's resources"


def test_no_gap_no_measures():
    pair = diagnose(parse_case(_case("structural_formalization", "high"))).dyads[0]
    assert pair.gap is False and not pair.gap_possible
    assert countermeasures(pair) == ()
