"""A case back to its file (issue 18: the web app's forms write waves as case files): every
example comes back as the same case, and so does the diagnosis."""

from __future__ import annotations

import pytest

from kamkit.core.diagnosis import diagnose, load_case, parse_case
from kamkit.core.diagnosis.render import to_dict
from kamkit.core.diagnosis.writer import dump_case

from .conftest import EXAMPLES, MINIMAL

FILES = sorted(p.name for p in EXAMPLES.glob("*.yaml"))


@pytest.mark.parametrize("name", FILES)
def test_every_example_comes_back_as_the_same_case(name):
    case = load_case(EXAMPLES / name)
    again = parse_case(dump_case(case), source=case.source)
    assert again == case
    assert to_dict(diagnose(again)) == to_dict(diagnose(case))


def test_the_text_is_a_case_file_a_person_can_read():
    text = dump_case(parse_case(MINIMAL), header="written by kamkit")
    assert text.startswith("# written by kamkit\nkamkit_case: 1\ntitle: Minimal\n")
    assert "differs: [structural_formalization]" in text


def test_an_empty_differs_list_stays_the_analyst_s_judgement():
    case = parse_case(MINIMAL.replace("differs: [structural_formalization]", "differs: []"))
    assert case.links[0].differs == ()
    assert parse_case(dump_case(case)).links[0].differs == ()
