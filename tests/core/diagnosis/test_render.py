"""Each output format, opened and read back: the tables in it equal the diagnosis."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from kamkit import __version__
from kamkit.core.diagnosis import DIMENSIONS, diagnose, load_case
from kamkit.core.diagnosis.render import matrix, render
from kamkit.core.diagnosis.render.text import latex_escape, render_latex

from .conftest import EXAMPLES


@pytest.fixture(scope="module")
def published():
    return diagnose(load_case(EXAMPLES / "published-case.yaml"))


@pytest.fixture(scope="module")
def invented():
    return diagnose(load_case(EXAMPLES / "invented-nordlicht-2024.yaml"))


def test_json_has_the_spec_shape(published):
    data = json.loads(render(published, "json"))
    assert data["case"] == "Published case"
    legal = next(d for d in data["dyads"] if (d["kam"], d["partner"]) == ("kam1", "legal"))
    assert legal["differs"] == list(DIMENSIONS)
    assert legal["differentiation"]["count"] == 6
    assert legal["differentiation"]["level"] == "very high"
    assert legal["alignment"]["level"] == "rather low"
    assert legal["alignment"]["source"] == "analyst"
    assert legal["gap"] is True and legal["gap_size"] == 3
    assert data["summary"]["by_kam_unit"]["kam1"]["gaps"] == 4
    assert data["summary"]["by_kam_unit"]["kam2"]["gap_partners"] == ["legal", "marketing", "sales"]


def test_json_alignment_score_is_null_without_practices(invented):
    data = json.loads(render(invented, "json"))
    energy_finance = next(
        d for d in data["dyads"] if (d["kam"], d["partner"]) == ("kam_energy", "finance")
    )
    assert energy_finance["alignment"] == {
        "score": None,
        "level": None,
        "source": None,
        "practices": None,
        "practices_from": None,
        "level_from_practices": None,
        "evidence": [],
    }
    assert energy_finance["gap"] is None and energy_finance["gap_size"] is None
    auto_legal = next(d for d in data["dyads"] if (d["kam"], d["partner"]) == ("kam_auto", "legal"))
    assert (
        auto_legal["alignment"]["score"] == 1 and auto_legal["alignment"]["source"] == "practices"
    )
    assert (
        auto_legal["differentiation"]["judgements"]["linguistic_orientation"]["source"] == "ratings"
    )


def test_csv_has_one_row_per_pair_with_marks(published):
    rows = list(csv.DictReader(io.StringIO(render(published, "csv"))))
    assert len(rows) == 13
    sales = next(r for r in rows if (r["kam"], r["partner"]) == ("kam1", "sales"))
    assert sales["orientation_toward_others"] == "0" and sales["goal_orientation"] == "1"
    assert (sales["differentiation_level"], sales["gap"], sales["gap_size"]) == ("high", "yes", "2")


def test_xlsx_reads_back_with_the_matrices(published, tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(render(published, "xlsx"))
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "Dyads",
        "KAM unit 1",
        "KAM unit 2",
        "Profiles",
        "Network",
        "Recommendations",
        "About",
    ]
    for kam, sheet in (("kam1", "KAM unit 1"), ("kam2", "KAM unit 2")):
        m = matrix(published, kam)
        rows = list(wb[sheet].iter_rows(values_only=True))
        assert list(rows[0][1:]) == list(m.partner_names)
        for (label, cells), row in zip(m.rows, rows[1:], strict=False):
            assert row[0] == label
            assert [c or "" for c in row[1:]] == list(cells)
    assert wb["Dyads"].max_row == 14
    assert wb["Recommendations"].max_row == 1 + len(published.recommendations)
    about = dict(row[:2] for row in wb["About"].iter_rows(values_only=True))
    assert about["kamkit version"] == __version__ and about["rating_threshold"] == 1.0


def test_html_is_self_contained_and_its_matrices_equal_the_diagnosis(published):
    html = render(published, "html")
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find_all("script")
    for tag in soup.find_all(["link", "img", "iframe"]):
        pytest.fail(f"external resource {tag}")
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    for kam in ("kam1", "kam2"):
        m = matrix(published, kam)
        table = soup.find("table", attrs={"data-kam": kam})
        header = [th.get_text(strip=True) for th in table.thead.find_all("th")][1:]
        assert header == list(m.partner_names)
        body = [
            [td.get_text(strip=True) for td in tr.find_all("td")]
            for tr in table.tbody.find_all("tr")
        ]
        assert body == [[label, *cells] for label, cells in m.rows]
    svg = soup.find("svg")
    assert len(svg.find_all("line", class_="gap")) == 7
    assert len(svg.find_all("line", class_="nogap")) == 6
    gap_labels = sorted(t.get_text() for t in svg.find_all("text", class_="gaplabel"))
    assert gap_labels == sorted(str(d.gap_size) for d in published.gaps())
    assert len(soup.select("#recommendations ol.recs > li")) == len(published.recommendations)


def test_html_escapes_case_text():
    from kamkit.core.diagnosis import parse_case

    from .conftest import MINIMAL

    case = parse_case(MINIMAL.replace("title: Minimal", "title: '<script>alert(1)</script>'"))
    html = render(diagnose(case), "html")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_html_without_a_picture_for_huge_networks():
    from kamkit.core.diagnosis import parse_case

    units = ["  - {id: k, kind: kam}"] + [f"  - {{id: p{i}, kind: partner}}" for i in range(70)]
    links = [f"  - {{kam: k, partner: p{i}, alignment: {{level: low}}}}" for i in range(70)]
    text = (
        "kamkit_case: 1\ntitle: Big\nunits:\n"
        + "\n".join(units)
        + "\nlinks:\n"
        + "\n".join(links)
        + "\n"
    )
    soup = BeautifulSoup(render(diagnose(parse_case(text)), "html"), "html.parser")
    assert soup.find("svg") is None
    assert "too many for a readable picture" in soup.find(id="network").get_text()


def test_markdown_tables_equal_the_matrices(published):
    md = render(published, "markdown")
    for kam in ("kam1", "kam2"):
        m = matrix(published, kam)
        block = md.split(f"## {m.kam_name}: differentiation")[1].split("\n\n")[1]
        rows = [[c.strip() for c in line.strip("|").split("|")] for line in block.splitlines()]
        assert rows[0][1:] == list(m.partner_names)
        assert rows[2:] == [[label, *cells] for label, cells in m.rows]


def _balanced(tex: str) -> None:
    assert tex.count(r"\begin{table}") == tex.count(r"\end{table}")
    assert tex.count(r"\begin{tabular}") == tex.count(r"\end{tabular}")
    depth = 0
    for ch in re.sub(r"\\[{}]", "", tex):
        depth += ch == "{"
        depth -= ch == "}"
        assert depth >= 0
    assert depth == 0


def test_latex_tables_are_structurally_sound(published):
    tex = render(published, "latex")
    _balanced(tex)
    assert tex.count(r"\begin{table}") == 2
    for kam in ("kam1", "kam2"):
        m = matrix(published, kam)
        body = tex.split(rf"\label{{tab:kamkit-{kam}}}")[1].split(r"\bottomrule")[0]
        data_rows = [r for r in body.split("\\\\") if "&" in r][2:]  # after the two header rows
        assert len(data_rows) == len(m.rows)
        for row in data_rows:
            assert row.count("&") == len(m.partners)
        assert body.count(r"$\times$") == sum(c == "×" for _, cells in m.rows for c in cells)


def test_latex_escapes_special_characters():
    assert latex_escape("R&D_50% #1 {x}") == r"R\&D\_50\% \#1 \{x\}"


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no TeX installed here")
def test_latex_compiles(published, tmp_path):  # pragma: no cover - needs TeX
    (tmp_path / "t.tex").write_text(render_latex(published, standalone=True), encoding="utf-8")
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "t.tex"],
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout[-2000:]


def test_html_draws_possible_and_unassessed_links_apart(invented):
    soup = BeautifulSoup(render(invented, "html"), "html.parser")
    svg = soup.find("svg")
    possible = [d for d in invented.dyads if d.gap_possible]
    unassessed = [d for d in invented.dyads if d.gap is None]
    assert possible and unassessed
    assert len(svg.find_all("line", class_="possible")) == len(possible)
    assert len(svg.find_all("line", class_="unknown")) == len(unassessed)


def test_the_network_picture_draws_dependence_and_names_the_flows():
    """Issue 18: the links show who depends on whom (arrows towards the unit whose
    resources are needed) and carry their flows."""
    import re

    from kamkit.core.diagnosis import diagnose, load_case
    from kamkit.core.diagnosis.render import render

    from .conftest import EXAMPLES

    html = render(diagnose(load_case(EXAMPLES / "invented-demo-automotive.yaml")), "html")
    edges = re.findall(r'<g class="edge">\s*<title>(.*?)</title>\s*<line ([^>]*)/>', html, re.S)
    by_partner = {title.split(":")[0].split(" – ")[1]: line for title, line in edges}
    assert 'marker-end="url(#dep-arrow)"' in by_partner["Legal"]  # kam_depends
    assert "marker-start" not in by_partner["Legal"]
    assert 'marker-start="url(#dep-arrow)"' in by_partner["Sales"]  # partner_depends
    assert "marker-end" not in by_partner["Sales"]
    mutual = by_partner["Supply chain"]
    assert "marker-start" in mutual and "marker-end" in mutual
    titles = {title.split(":")[0]: title for title, _ in edges}
    assert (
        "flows: asset high, information high, status medium"
        in titles["Automotive KAM – Supply chain"]
    )
