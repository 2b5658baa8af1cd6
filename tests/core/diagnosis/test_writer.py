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


def test_a_respondent_s_consent_day_is_read_checked_and_written_back():
    from kamkit.core.diagnosis import CaseFileError, parse_case
    from kamkit.core.diagnosis.writer import dump_case

    text = (
        "kamkit_case: 1\ntitle: Consent\nunits:\n  - {id: k, name: K, kind: kam}\n"
        "  - {id: p, name: P, kind: partner}\nrespondents:\n"
        "  - {id: r1, unit: p, consent_on: 2026-11-28}\n  - {id: r2, unit: p}\n"
        "links:\n  - {kam: k, partner: p, differs: [], alignment: {level: high}}\n"
    )
    case = parse_case(text)
    assert [r.consent_on for r in case.respondents] == ["2026-11-28", None]
    assert parse_case(dump_case(case)).respondents == case.respondents
    with pytest.raises(
        CaseFileError, match=r"respondents\[r1\]\.consent_on: 'yesterday' is not a day"
    ):
        parse_case(text.replace("2026-11-28", "yesterday"))
