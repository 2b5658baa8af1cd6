"""Each × of the gap tables in the app links to the pair's statements on that dimension
(issue 19, item 3), where both units' coded statements are quoted."""

from __future__ import annotations

from urllib.parse import urlparse

from bs4 import BeautifulSoup

from kamkit.core.diagnosis import parse_case
from kamkit.core.diagnosis.render.common import unit_statements


def test_a_mark_leads_to_what_both_units_said_on_that_dimension(as_role, firm):
    client = as_role("analyst")
    html = client.get(f"/diagnosis/{firm.wave.pk}/").content.decode()
    # the report sits in a shadow root's <template>: read its <main> as a document
    inner = html.split('<template shadowrootmode="open">', 1)[1].split("</template>", 1)[0]
    report = BeautifulSoup(inner, "html.parser")
    links = report.select("table.matrix td.mark a")
    assert links, "no × links in the gap tables"
    marks = report.select("table.matrix td.mark")
    assert len(links) == sum(1 for td in marks if td.text.strip() == "×")
    case = parse_case(firm.wave.source_yaml)
    for link in links:
        url = urlparse(link["href"])
        _, _, wave, _, kam, partner, _ = url.path.split("/")
        assert wave == str(firm.wave.pk)
        dimension = url.fragment.removeprefix("dim-")
        said = unit_statements(case, kam).get(dimension, []) + unit_statements(case, partner).get(
            dimension, []
        )
        if said:
            break
    else:
        raise AssertionError("no marked pair has statements in the published case")
    page = BeautifulSoup(client.get(url.path).content, "html.parser")
    section = page.select_one(f"#dim-{dimension}")
    assert section is not None
    for statement in said:
        assert statement.text in section.text


def test_unit_statements_gather_a_unit_and_its_teams():
    text = (
        "kamkit_case: 1\ntitle: T\nunits:\n  - {id: k, name: K, kind: kam}\n"
        "  - {id: t, name: T, kind: kam, parent: k}\n  - {id: p, name: P, kind: partner}\n"
        "statements:\n  - {unit: t, dimensions: [time_orientation], text: team says}\n"
        "  - {unit: k, dimensions: [time_orientation, goal_orientation], text: unit says}\n"
        "  - {unit: p, dimensions: [time_orientation], text: partner says}\n"
        "links:\n  - {kam: k, partner: p, differs: [], alignment: {level: high}}\n"
    )
    case = parse_case(text)
    got = unit_statements(case, "k")
    assert [s.text for s in got["time_orientation"]] == ["team says", "unit says"]
    assert [s.text for s in got["goal_orientation"]] == ["unit says"]
    assert [s.text for s in unit_statements(case, "t")["time_orientation"]] == ["team says"]
