"""Part of a diagnosis for reading a large wave a page at a time (issue 18, item 6): the
pages cover every KAM unit once, and a part's figures are the whole's."""

from __future__ import annotations

from kamkit.core.diagnosis import diagnose, load_case
from kamkit.core.diagnosis.render import to_dict
from kamkit.core.diagnosis.subset import pages, restrict

from .conftest import EXAMPLES


def test_pages_cover_every_kam_unit_once_within_the_bound():
    whole = diagnose(load_case(EXAMPLES / "published-case.yaml"))
    for bound in (1, 5, 7, 100):
        cut = pages(whole, bound)
        assert sorted(k for page in cut for k in page) == sorted(whole.kam_units)
        parent = {u.id: u.parent for u in whole.case.units}
        for page in cut:
            pairs = sum(len(whole.dyads_of(k)) for k in page)
            tops = {parent[k] or k for k in page}
            assert pairs <= bound or len(tops) == 1  # a big family is a page of its own
            for k in page:  # a team is on its unit's page
                assert parent[k] is None or parent[k] in page
    assert len(pages(whole, 100)) == 1


def test_a_part_has_the_whole_s_figures_for_its_units():
    whole = diagnose(load_case(EXAMPLES / "published-case.yaml"))
    part = restrict(whole, ["kam2"])
    assert part.dyads == whole.dyads_of("kam2")
    teams = {"kam2a", "kam2b"}  # the published case: team 2b reports to team 2a
    assert {u.id for u in part.case.units} == {"kam2"} | teams | {d.partner for d in part.dyads}
    assert all(r.kam == "kam2" for r in part.recommendations)
    ranks = {(r.kam, r.partner): r.priority for r in whole.recommendations}
    assert all(ranks[(r.kam, r.partner)] == r.priority for r in part.recommendations)
    assert [n.unit for n in part.networks] == ["kam2"]
    # the respondents kept are those of the units kept
    kept = {u.id for u in part.case.units}
    assert all(set(r.units) & kept for r in part.case.respondents)
    # every unit again gives the whole
    everything = restrict(whole, whole.kam_units)
    assert to_dict(everything)["dyads"] == to_dict(whole)["dyads"]
