"""The plan of the KAM hours in the web app, the API and the CLI (issue 7): the numbers
are the core's, each user plans only their accounts, bad input is named."""

from __future__ import annotations

import csv
import io
import json
import re

from bs4 import BeautifulSoup
from openpyxl import load_workbook
from typer.testing import CliRunner

from kamkit.cli import app
from kamkit.core.allocation import PlanAccount, plan_allocation
from kamkit.web.accounts.models import Account
from kamkit.web.assessment.models import AssessmentSnapshot
from kamkit.web.assessment.services import assess_portfolio
from tests.personas import call


def _scores(firm):
    """Stored assessments with known scores on both accounts."""
    assess_portfolio()
    AssessmentSnapshot.objects.filter(account=firm.own).update(
        communication=30, co_creation=70, problem_solving=55
    )
    AssessmentSnapshot.objects.filter(account=firm.other).update(
        communication=80, co_creation=None, problem_solving=40
    )


def test_the_api_answers_in_the_spec_shape_with_the_cores_numbers(client, firm, bearer):
    _scores(firm)
    answer = call(client, "get", "/api/v1/portfolio/allocation?hours=30", bearer("director"))
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["hours"] == 30
    assert set(body["plans"]) == {"proportional", "equal"}
    own, other = (Account.objects.get(pk=a.pk) for a in (firm.own, firm.other))
    expected = plan_allocation(
        [
            PlanAccount(
                own.pk,
                {"communication": 30, "co_creation": 70, "problem_solving": 55},
                own.phase or None,
                own.ka_manager_id,
                own.selection_score or 1.0,
            ),
            PlanAccount(
                other.pk,
                {"communication": 80, "co_creation": None, "problem_solving": 40},
                other.phase or None,
                other.ka_manager_id,
                other.selection_score or 1.0,
            ),
        ],
        30,
    )
    assert body["objective"] == round(expected.objective, 4)
    assert body["objective"] > body["plans"]["equal"]["objective"]
    assert body["settings"]["tau_hours"] == 20 and "kamkit_version" in body
    assert sum(i["hours"] for i in body["items"]) == 30
    item = body["items"][0]
    assert set(item) == {"account", "process", "hours", "score_before", "score_after"}


def test_a_manager_plans_only_their_own_accounts(client, firm, bearer):
    _scores(firm)
    body = call(client, "get", "/api/v1/portfolio/allocation?hours=20", bearer("manager")).json()
    assert {i["account"] for i in body["items"]} == {firm.own.pk}


def test_bad_inputs_are_named(client, firm, bearer):
    _scores(firm)
    h = bearer("director")
    cases = {
        "hours=-4": "hours must lie between 0",
        "hours=abc": "hours",
        "hours=20&minimum=-1": "minimum must be 0 hours or more",
        "hours=20&capacity=12": "capacity: '12' is not MANAGER_ID:HOURS",
        "hours=20&capacity=999:10": "capacity_999: no KA manager with that id",
        "hours=1&minimum=5": "add up to 10, more than the 1 hours available",
    }
    for query, words in cases.items():
        answer = call(client, "get", f"/api/v1/portfolio/allocation?{query}", h)
        assert answer.status_code == 422, (query, answer.content)
        assert words in answer.content.decode(), (query, answer.content)
    manager = firm.users["manager"].pk
    too_small = call(
        client, "get", f"/api/v1/portfolio/allocation?hours=20&minimum=5&capacity={manager}:3", h
    )
    assert too_small.status_code == 422
    assert "manager (id" in too_small.json()["detail"]
    assert "add up to 5, more than their capacity of 3 hours" in too_small.json()["detail"]


def test_capacities_hold(client, firm, bearer):
    _scores(firm)
    manager = firm.users["manager"].pk
    body = call(
        client,
        "get",
        f"/api/v1/portfolio/allocation?hours=40&capacity={manager}:5",
        bearer("director"),
    ).json()
    own = sum(i["hours"] for i in body["items"] if i["account"] == firm.own.pk)
    assert own <= 5 + 1e-6
    assert sum(i["hours"] for i in body["items"]) == 40


def test_the_page_plans_explains_and_exports(as_role, firm):
    _scores(firm)
    c = as_role("director")
    page = c.get("/assessment/plan/", {"hours": "30", "minimum": "1"})
    assert page.status_code == 200
    html = BeautifulSoup(page.content, "html.parser")
    summary = html.select_one("#summary").get_text(" ", strip=True)
    assert "30.0 of 30.0 hours placed" in summary
    assert "proportion to revenue" in summary
    # plain words (issue 14): index points, the same numbers in the sentence and the chart
    sentence = html.select_one("#plan-gain").get_text(" ", strip=True)
    gains = re.findall(r"by ([0-9.]+) points", sentence)
    assert len(gains) == 3
    chart = html.select_one("#summary svg").get_text(" ", strip=True)
    for gain in gains:
        assert f"{gain} pts" in chart, (gain, chart)
    text = html.get_text(" ")
    assert "s(e)" not in text and "Σ" not in text and "objective" not in text.lower()
    rows = html.select("#accounts tbody tr")
    assert len(rows) == 2
    why = html.select_one("#accounts details p").get_text()
    assert "stands at" in why and "the last hour still raises the account's index by" in why
    assert html.select_one("#inputs").find(
        "input", {"name": f"capacity_{firm.users['manager'].pk}"}
    )
    streamed = c.get("/assessment/plan/", {"hours": "30", "format": "csv"})
    assert streamed.streaming
    csv_text = b"".join(streamed.streaming_content).decode()
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("account_id,account,phase,ka_manager,process,hours")
    assert abs(sum(float(line.split(",")[5]) for line in lines[1:]) - 30) < 0.05
    xlsx = c.get("/assessment/plan/", {"hours": "30", "format": "xlsx"})
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Plan", "Comparison", "About"]
    assert book["Comparison"]["A2"].value == "kamkit"
    assert c.get("/assessment/plan/", {"hours": "30", "format": "pdf"}).status_code == 400
    # one hour goes to one account; the other is listed with its reason
    few = BeautifulSoup(c.get("/assessment/plan/", {"hours": "1"}).content, "html.parser")
    (left,) = few.select("ul.unplanned li")
    assert "adds more" in left.get_text() or "no process score" in left.get_text()


def test_the_page_names_bad_input_and_a_manager_sees_a_to_do(as_role, firm):
    _scores(firm)
    bad = as_role("director").get("/assessment/plan/", {"hours": "lots"})
    assert bad.status_code == 422
    error = BeautifulSoup(bad.content, "html.parser").select_one(".error").get_text()
    assert error == "hours: 'lots' is not a number of hours"
    bad = as_role("director").get("/assessment/plan/", {"hours": "10", "capacity_x": "4"})
    assert bad.status_code == 422 and "capacity_x" in bad.content.decode()
    mine = BeautifulSoup(
        as_role("manager").get("/assessment/plan/", {"hours": "10"}).content, "html.parser"
    )
    assert "Your hours for the period" in mine.select_one("h1").get_text()
    names = [a.get_text() for a in mine.select("#accounts tbody tr td:first-child a")]
    assert names == [firm.own.name]


def test_kamkit_plan_prints_writes_and_refuses(firm, tmp_path):
    _scores(firm)
    runner = CliRunner()
    table = runner.invoke(app, ["plan", "--hours", "25"])
    assert table.exit_code == 0, table.output
    assert "objective" in table.output and "equal hours" in table.output
    out = tmp_path / "plan.json"
    done = runner.invoke(app, ["plan", "--hours", "25", "-f", "json", "-o", str(out)])
    assert done.exit_code == 0
    body = json.loads(out.read_text())
    assert body["hours"] == 25 and body["objective"] >= body["plans"]["proportional"]["objective"]
    # every plan output says which kamkit and which settings made it (issue 14)
    from kamkit import __version__

    assert body["kamkit_version"] == __version__
    assert body["settings"]["tau_hours"] == 20 and body["settings"]["baseline"] == 50
    assert body["provenance"]["response"].startswith("SPEC §2.6")
    assert body["provenance"]["wind_down"].startswith("SPEC §2.3")
    assert body["settings"]["weights"]["motivator"] == [1.0, 0.3]
    assert f"kamkit {__version__}; τ 20 h; baseline 50" in table.output
    assert "index points added" in table.output
    xlsx = tmp_path / "plan.xlsx"
    assert (
        runner.invoke(app, ["plan", "--hours", "25", "-f", "xlsx", "-o", str(xlsx)]).exit_code == 0
    )
    book = load_workbook(xlsx)
    assert book.sheetnames == ["Plan", "Comparison", "About"]
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
    assert about["kamkit version"] == __version__ and about["tau_hours"] == 20
    csv_out = tmp_path / "plan.csv"
    runner.invoke(app, ["plan", "--hours", "25", "-f", "csv", "-o", str(csv_out)])
    header, first = csv_out.read_text().splitlines()[:2]
    assert header.endswith("kamkit_version,tau_hours,baseline")
    assert first.endswith(f"{__version__},20,50")
    for args, words in (
        (["--hours", "-1"], "hours must lie between 0"),
        (["--hours", "5", "-f", "pdf"], "unknown format 'pdf'"),
        (["--hours", "5", "--capacity", "nobody=3"], "not USERNAME=HOURS of a KA manager"),
        (["--hours", "5", "--capacity", "manager=x"], "'x' is not a number of hours"),
        (["--hours", "5", "-f", "xlsx"], "needs --output"),
    ):
        result = runner.invoke(app, ["plan", *args])
        assert result.exit_code == 2 and words in result.stderr, (args, result.stderr)


def test_exports_hold_hostile_and_broken_names_as_text(firm):
    """An account named like a formula stays text in the plan's CSV and XLSX, and a
    control character in a name no longer breaks the XLSX (issue 16's export bugs)."""
    import csv

    from kamkit.web.assessment.planning import make_plan

    Account.objects.filter(pk=firm.own.pk).update(name='=HYPERLINK("http://evil","x")')
    Account.objects.filter(pk=firm.other.pk).update(name="Bell\x07 Energy")
    assess_portfolio()
    plan = make_plan(firm.users["director"], 40, minimum=2)
    rows = list(csv.DictReader(io.StringIO(plan.csv())))
    names = {r["account"] for r in rows}
    assert '\'=HYPERLINK("http://evil","x")' in names and "Bell Energy" in names
    sheet = load_workbook(io.BytesIO(plan.xlsx()))["Plan"]
    cells = [c for c in sheet["B"][1:] if c.value]
    assert cells and all(c.data_type == "s" for c in cells)


def test_a_large_plan_pages_its_accounts_and_exports_them_all(as_role, firm):
    """At 10,000 accounts the page listed and explained every one; now 50 a page, the
    CSV every one."""
    many = Account.objects.bulk_create(
        [Account(name=f"Scored {n:03}", is_key_account=True) for n in range(70)]
    )
    assess_portfolio()
    AssessmentSnapshot.objects.filter(account__in=many).update(
        communication=40, co_creation=50, problem_solving=60
    )
    c = as_role("director")
    first = BeautifulSoup(c.get("/assessment/plan/", {"hours": "700"}).content, "html.parser")
    assert len(first.select("#accounts tbody tr")) == 50
    pager = first.select_one("#accounts nav.pager")
    assert "Page 1 of 2" in pager.get_text()
    following = pager.find("a", string=lambda t: t and "Next" in t)["href"]
    assert "hours=700" in following and "page=2" in following
    second = BeautifulSoup(c.get("/assessment/plan/" + following).content, "html.parser")
    shown = [r.a.get_text() for r in first.select("#accounts tbody tr")] + [
        r.a.get_text() for r in second.select("#accounts tbody tr")
    ]
    total = int(re.search(r"(\d+) accounts with hours", pager.get_text()).group(1))
    assert len(shown) == len(set(shown)) == total >= 70  # each once, over the two pages
    csv_text = b"".join(
        c.get("/assessment/plan/", {"hours": "700", "format": "csv"}).streaming_content
    ).decode()
    in_csv = {line.split(",")[1] for line in csv_text.strip().splitlines()[1:]}
    assert set(shown) == in_csv


def test_the_plan_downloads_in_the_reader_s_language(as_role, firm):
    """Issue 20: a German reader's plan export: German column names, the core's reasons
    said in German, the workbook's sheets and comparison in German."""
    from kamkit.web.users.models import User

    _scores(firm)
    User.objects.filter(pk=firm.users["director"].pk).update(language="de")
    c = as_role("director")
    csv_text = b"".join(
        c.get("/assessment/plan/", {"hours": "30", "format": "csv"}).streaming_content
    ).decode()
    rows = list(csv.reader(io.StringIO(csv_text)))
    assert rows[0][:6] == ["Account-ID", "Account", "Phase", "KA-Manager", "Prozess", "Stunden"]
    why = {r[10] for r in rows[1:] if r[10]}
    assert why and not any("stands at" in w for w in why), why
    book = load_workbook(
        io.BytesIO(c.get("/assessment/plan/", {"hours": "30", "format": "xlsx"}).content)
    )
    assert book.sheetnames == ["Plan", "Vergleich", "Über diese Datei"]
    assert book["Vergleich"]["A3"].value == "Stunden proportional"
