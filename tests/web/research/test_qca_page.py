"""The fsQCA page (issue 21, items 3 and 4): cases from the diagnosis pairs and from the
key accounts, each user's share only; the analysis as tables, an XY plot and downloads;
bad input named on the form, never a 500."""

from __future__ import annotations

import io
import json
import math

import openpyxl
import pytest
from bs4 import BeautifulSoup

from kamkit.core import qca as q
from kamkit.web.accounts.models import Account
from kamkit.web.diagnosis.models import DiagnosisProject
from kamkit.web.research.data import DatasetError, waves_for
from kamkit.web.research.qca import SCORE_ANCHORS, account_cases, pair_cases

URL = "/research/qca/"
PAIRS = {"source": "pairs", "run": "1", "outcome": "NOGAP"}
PRACTICES = ["BRIDGING", "AMPLIFICATION", "EXTENSION", "TRANSFORMATION"]


CONDITIONS = ["TRANSFORMATION", "TIME_ORIENTATION", "GOAL_ORIENTATION"]


def run(client, **params):
    query = {**PAIRS, "conditions": CONDITIONS, "incl_cut": "0.8", "n_cut": "1"}
    query["solution"] = "complex"
    query.update(params)
    return client.get(URL, query)


def test_pair_cases_are_the_readable_waves_pairs_with_practices_flows_and_outcomes(firm):
    cases = pair_cases(firm.users["analyst"], [firm.project.pk])
    (wave,) = waves_for(firm.users["analyst"], [firm.project.pk])
    expected = q.diagnosis_cases(wave.diagnosis)[1]
    assert cases.names == [f"{firm.wave.title}: {n}" for n in expected]
    assert set(PRACTICES) | {"ASSET", "INFORMATION", "STATUS"} <= set(cases.conditions)
    assert cases.outcomes == ("NOGAP", "GOODREL")
    assert set(cases.columns["NOGAP"]) <= {0.0, 1.0}
    for column in PRACTICES:
        assert set(cases.columns[column]) <= set(q.PRACTICE_MEMBERSHIP.values())
    # a manager reads the project of their own KAM unit; without it, nothing
    assert pair_cases(firm.users["manager"]).names == cases.names
    firm.project.kam_unit = None
    firm.project.save()
    with pytest.raises(DatasetError, match="projects"):
        pair_cases(firm.users["manager"])
    other = DiagnosisProject.objects.create(name="Another")
    with pytest.raises(DatasetError):
        pair_cases(firm.users["director"], [other.pk])


def test_account_cases_are_the_accounts_a_user_sees_with_raw_scores_and_anchors(firm):
    everyone = account_cases(firm.users["director"])
    alive = Account.objects.alive().count()
    assert len(everyone.names) == alive
    mine = account_cases(firm.users["manager"])
    assert mine.names == [firm.own.name]
    assert mine.anchors["CC"] == SCORE_ANCHORS
    index = mine.columns["INDEX"][0]
    assert math.isnan(index) or 0 <= index <= 100
    phases = [mine.columns[c][0] for c in ("EXPLORATION", "BUILDUP", "MATURITY", "DECLINE")]
    assert sum(phases) == 1 or all(math.isnan(p) for p in phases)
    with pytest.raises(DatasetError, match="source"):
        account_cases(firm.users["analyst"])  # analysts see no accounts


def test_the_page_analyses_the_pairs_and_shows_tables_and_the_plot(as_role, firm):
    page = run(as_role("analyst"))
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    report = json.loads(run(as_role("analyst"), export="json").content)
    models = report["solution"]["models"]
    # what the page shows is the core's analysis of the same cases
    cases = pair_cases(firm.users["analyst"])
    direct = q.analyse(cases.columns, "NOGAP", CONDITIONS, case_names=cases.names)
    assert models  # the published case has a solution for these
    assert [m["expression"] for m in models] == [
        m["expression"] for m in direct["solution"]["models"]
    ]
    rows = soup.select("table.truth tbody tr")
    assert len(rows) == len(direct["truth_table"])
    captions = [c.get_text(" ", strip=True) for c in soup.select("table.solution caption")]
    assert len(captions) == len(models)
    for caption, m in zip(captions, models, strict=True):
        assert m["expression"] in caption
    assert len(soup.select("#xy svg circle")) == report["settings"]["cases"]
    necessity = soup.select_one("#necessity").find_next("table")
    assert len(necessity.select("tbody tr")) == 2 * len(CONDITIONS)  # each and its negation
    assert "kamkit " in soup.select_one("#settings").text


def test_the_downloads_carry_the_analysis(as_role, firm):
    client = as_role("director")
    latex = run(client, export="latex")
    assert latex["Content-Type"].startswith("text/x-tex")
    assert r"\begin{tabular}" in latex.content.decode()
    report = json.loads(run(client, export="json").content)
    assert report["settings"]["cases_from"] == "pairs"
    assert report["settings"]["columns"]["NOGAP"].startswith("no integration gap")
    csv_text = b"".join(run(client, export="csv").streaming_content).decode("utf-8-sig")
    header = csv_text.splitlines()[0].split(",")
    assert header[:2] == ["case", "NOGAP"] and header[2:5] == CONDITIONS
    assert len(csv_text.splitlines()) == 1 + report["settings"]["cases"]
    book = openpyxl.load_workbook(io.BytesIO(run(client, export="xlsx").content))
    assert next(book.active.iter_rows(values_only=True))[:2] == ("case", "NOGAP")


def test_account_cases_use_the_anchors_given_on_the_page(as_role, firm):
    client = as_role("director")
    query = {
        "source": "accounts",
        "run": "1",
        "outcome": "INDEX",
        "conditions": ["CC", "CV", "JP"],
        "incl_cut": "0.8",
        "n_cut": "1",
        "solution": "parsimonious",
        "export": "json",
    }
    anchors = {
        f"{k}_{c}": v
        for c in ("CC", "CV", "JP", "INDEX")
        for k, v in zip("eci", (10, 40, 70), strict=True)
    }
    report = json.loads(client.get(URL, {**query, **anchors}).content)
    assert "INDEX: fuzzy, anchors 10, 40, 70" in report["settings"]["calibrations"]
    cases = account_cases(firm.users["director"])
    known = [i for i, v in enumerate(cases.columns["INDEX"]) if not math.isnan(v)]
    for c in report["cases"]:
        i = cases.names.index(c["case"])
        assert i in known
        expected = float(q.calibrate([cases.columns["INDEX"][i]], 10, 40, 70)[0])
        assert c["outcome"] == pytest.approx(expected, abs=0.001)
    # the form's defaults are kamkit's documented anchors
    page = client.get(URL, {"source": "accounts"})
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.select_one("input[name=c_INDEX]")["value"] == "50.0"


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"incl_cut": "2"}, "incl_cut", "less than or equal to 1"),
        ({"n_cut": "0"}, "n_cut", "greater than or equal to 1"),
        ({"outcome": "TRANSFORMATION"}, "conditions", "cannot also be a condition"),
        ({"conditions": ["NOPE"]}, "conditions", "not one of the available choices"),
        ({"solution": "intermediate"}, "dir_exp", "needs expectations"),
        ({"solution": "intermediate", "dir_exp": "ZZZ"}, "dir_exp", "ZZZ is not a condition"),
        ({"outcome": "~NOGAP"}, "outcome", "not one of the available choices"),
    ],
)
def test_bad_input_is_named_on_the_form(as_role, firm, params, field, message):
    page = run(as_role("analyst"), **params)
    assert page.status_code == 422
    soup = BeautifulSoup(page.content, "html.parser")
    errors = " ".join(e.text for e in soup.select(".field-error, .error"))
    assert message in errors
    assert soup.select_one(f"[name={field}]") is not None
    assert not soup.select("#result")


def test_anchors_out_of_order_and_bad_case_choices_are_named(as_role, firm):
    client = as_role("director")
    query = {"source": "accounts", "run": "1", "outcome": "INDEX", "conditions": ["CC"]}
    query |= {"incl_cut": "0.8", "n_cut": "1", "solution": "complex"}
    query |= {"e_INDEX": "70", "c_INDEX": "20", "i_INDEX": "90"}
    page = client.get(URL, query)
    assert page.status_code == 422
    assert "crossover must lie between" in page.content.decode()
    bad_choices = (
        {"source": "everything"},
        {"source": "accounts", "on": "2999-01-01"},
        {"source": "accounts", "on": "0001-01-01"},
        {"source": "pairs", "projects": "x"},
    )
    for bad in bad_choices:
        page = client.get(URL, bad)
        assert page.status_code == 422
        assert not BeautifulSoup(page.content, "html.parser").select("#analysis")
    early = client.get(URL, {"source": "accounts", "on": "0001-01-01"}).content.decode()
    assert "0001-01-01 is too early; the earliest is 1900-01-01" in early
    page = as_role("analyst").get(URL, {"source": "accounts"})
    assert page.status_code == 422 and "You see no key accounts" in page.content.decode()


def test_customers_and_partners_never_reach_the_page(as_role, firm):
    for role in ("customer", "partner"):
        assert run(as_role(role), export="json").status_code == 404


def test_an_anchor_left_out_shows_and_uses_its_default(as_role, firm):
    query = {"source": "accounts", "run": "1", "outcome": "INDEX", "conditions": ["CC"]}
    query |= {"incl_cut": "0.8", "n_cut": "1", "solution": "complex", "c_CC": "60"}
    page = as_role("director").get(URL, query)
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.select_one("input[name=e_CC]")["value"] == "25"
    assert soup.select_one("input[name=c_CC]")["value"] == "60"
    assert "CC: fuzzy, anchors 25, 60, 75" in soup.select_one("#settings").text


def test_too_many_accounts_for_the_page_point_to_the_command(as_role, firm, monkeypatch):
    monkeypatch.setattr("kamkit.web.research.qca.PAGE_MAX_ACCOUNTS", 1)
    page = as_role("director").get(URL, {"source": "accounts"})
    assert page.status_code == 422
    assert "kamkit qca --cases accounts" in page.content.decode()
    assert account_cases(None).names  # the command has no such bound


def test_the_core_s_refusals_are_said_in_german(as_role, firm):
    from kamkit.web.users.models import User

    User.objects.filter(pk=firm.users["analyst"].pk).update(language="de")
    client = as_role("analyst")
    page = run(client, solution="intermediate", dir_exp="ZZZ")
    assert page.status_code == 422
    assert "ZZZ ist keine Bedingung" in page.content.decode()
    page = run(client, solution="intermediate")
    assert "braucht Richtungserwartungen" in page.content.decode()


def test_cases_with_no_value_left_are_named(as_role, firm, monkeypatch):
    from kamkit.web.research import qca as cases_module

    real = cases_module.pair_cases

    def unknown_outcome(user, projects=None):
        cases = real(user, projects)
        cases.columns["GOODREL"] = [math.nan] * len(cases.names)
        return cases

    monkeypatch.setattr("kamkit.web.research.qca_views.pair_cases", unknown_outcome)
    page = run(as_role("analyst"), outcome="GOODREL")
    assert page.status_code == 422
    assert "no case has a value in every column the analysis uses" in page.content.decode()
