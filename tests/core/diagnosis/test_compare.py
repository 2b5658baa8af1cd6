"""Two waves of the invented example: gaps opened, closed, levels moved."""

from __future__ import annotations

from kamkit.core.diagnosis import compare_waves, diagnose, load_case

from .conftest import EXAMPLES


def _waves():
    old = diagnose(load_case(EXAMPLES / "invented-nordlicht-2024.yaml"))
    new = diagnose(load_case(EXAMPLES / "invented-nordlicht-2025.yaml"))
    return compare_waves(old, new)


def test_statuses_of_each_pair():
    by_pair = {(c.kam, c.partner): c for c in _waves().changes}
    assert by_pair[("kam_auto", "finance")].status == "closed"
    assert by_pair[("kam_auto", "logistics")].status == "opened"
    assert by_pair[("kam_auto", "legal")].status == "persists"
    assert by_pair[("kam_auto", "rnd")].status == "none"
    assert by_pair[("kam_energy", "finance")].status == "first_assessed"


def test_levels_and_dimensions_that_moved():
    by_pair = {(c.kam, c.partner): c for c in _waves().changes}
    legal = by_pair[("kam_auto", "legal")]
    assert legal.alignment == ("low", "rather high") and legal.gap_size == (3, 1)
    assert legal.direction(*legal.alignment) == "up"
    production = by_pair[("kam_auto", "production")]
    assert production.differs_removed == ("time_orientation",)
    assert production.direction(*production.differentiation) == "down"
    assert not by_pair[("kam_auto", "rnd")].moved


def test_links_present_in_one_wave_only(published_path):
    published = diagnose(load_case(published_path))
    trimmed = diagnose(load_case(published_path))
    comparison = compare_waves(published, trimmed)
    assert {c.status for c in comparison.changes} <= {"none", "persists"}
    invented = diagnose(load_case(EXAMPLES / "invented-nordlicht-2024.yaml"))
    cross = compare_waves(published, invented)
    assert len(cross.with_status("removed")) == 13
    assert len(cross.with_status("added")) == 7


def test_pair_summaries_kept_as_json_compare_as_the_diagnoses_do():
    """A project keeps each wave's pair summaries (issue 18): compared after a round trip
    through JSON they give exactly the changes of the two diagnoses."""
    import json

    from kamkit.core.diagnosis.compare import PairSummary, compare_pairs, summarize

    old = diagnose(load_case(EXAMPLES / "invented-nordlicht-2024.yaml"))
    new = diagnose(load_case(EXAMPLES / "invented-nordlicht-2025.yaml"))

    def kept(d):
        rows = json.loads(json.dumps([p.as_row() for p in summarize(d)]))
        return [PairSummary.from_row(r) for r in rows]

    assert compare_pairs(kept(old), kept(new)) == compare_waves(old, new).changes
    statuses = {c.status for c in compare_waves(old, new).changes}
    assert {"opened", "closed", "persists"} <= statuses  # the example exercises them
