"""Evidence from the key accounts on a diagnosis pair (issue 18, item 4): problems and
initiatives name the internal units involved (the supplier's team only, never shown to
the customer); a pair's page compares the problems that involved its partner with the
KAM unit's others, and the customers' problem-solving ratings."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied, ValidationError

from kamkit.web.accounts.models import InternalUnit
from kamkit.web.relationships.models import Problem, ProblemStageChange, Pulse
from kamkit.web.relationships.services import set_internal_units


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def legal(db) -> InternalUnit:
    return InternalUnit.objects.create(name="Legal")


def test_the_supplier_names_the_units_involved_and_the_customer_cannot(firm, legal):
    problem = firm.records["problems"]
    set_internal_units(firm.users["manager"], problem, [legal.pk])
    assert list(problem.internal_units.all()) == [legal]
    with pytest.raises(PermissionDenied):
        set_internal_units(firm.users["customer"], problem, [])
    with pytest.raises(ValidationError) as exc:
        set_internal_units(firm.users["manager"], problem, [legal.pk, 10**9])
    assert "internal_units" in exc.value.message_dict
    assert list(problem.internal_units.all()) == [legal]  # nothing changed


def test_the_problem_page_saves_them_and_the_customer_never_sees_them(as_role, firm, legal):
    problem = firm.records["problems"]
    c = as_role("manager")
    page = soup(c.get(f"/accounts/problems/{problem.pk}/"))
    assert page.select_one(f"#internal-units input[value='{legal.pk}']") is not None
    answer = c.post(
        f"/accounts/problems/{problem.pk}/internal-units/", {"internal_units": [legal.pk]}
    )
    assert answer.status_code == 302
    assert list(problem.internal_units.all()) == [legal]
    page = soup(c.get(f"/accounts/problems/{problem.pk}/"))
    assert page.select_one(f"#internal-units input[value='{legal.pk}']").has_attr("checked")
    # the customer: neither the portal nor the API say which units were involved
    customer = as_role("customer")
    for url in (f"/accounts/{firm.own.pk}/", "/portal/"):
        response = customer.get(url, follow=True)
        assert b"internal-units" not in response.content
    initiative = firm.records["initiatives"]
    c = as_role("manager")
    answer = c.post(
        f"/accounts/initiatives/{initiative.pk}/internal-units/", {"internal_units": ["x"]}
    )
    assert answer.status_code == 302 and not initiative.internal_units.exists()


def test_the_api_names_them_for_the_supplier_only(client, bearer, firm, legal):
    url = f"/api/v1/accounts/{firm.own.pk}/problems/{firm.records['problems'].pk}/internal-units"
    put = client.put(
        url,
        data=f'{{"internal_units": [{legal.pk}]}}',
        content_type="application/json",
        **bearer("manager"),
    )
    assert put.status_code == 200 and put.json()["items"] == [{"id": legal.pk, "name": "Legal"}]
    assert client.get(url, **bearer("customer")).status_code == 404
    wrong = client.put(
        url,
        data='{"internal_units": [999999999]}',
        content_type="application/json",
        **bearer("manager"),
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "internal_units"
    listed = client.get("/api/v1/internal-units", **bearer("customer")).json()
    assert listed["count"] == 0  # a customer learns of no internal unit


def _problem(account, raised: dt.date, solved_after: int | None, units) -> Problem:
    problem = Problem.objects.create(
        account=account, title="p", raised_by="customer", raised_on=raised
    )
    if solved_after is not None:
        ProblemStageChange.objects.create(
            problem=problem, stage="deployed", changed_on=raised + dt.timedelta(days=solved_after)
        )
    problem.internal_units.set(units)
    return problem


def test_a_pair_shows_the_problems_that_involved_its_partner(as_role, firm, legal):
    """The firm's project is linked to the manager's KAM unit; its wave is the published
    case, whose partner "Legal" is kamkit's internal unit Legal."""
    wave = firm.wave
    wave.wave_on = dt.date.today()
    wave.save()
    Problem.objects.filter(account__kam_unit=firm.own.kam_unit).delete()
    day = dt.date.today() - dt.timedelta(days=100)
    for days in (30, 40, 50):
        _problem(firm.own, day, days, [legal])
    _problem(firm.own, day, None, [legal])
    for days in (10, 20, 30):
        _problem(firm.own, day, days, [])
    _problem(firm.own, dt.date.today() - dt.timedelta(days=800), 1, [legal])  # too old
    Pulse.objects.create(
        account=firm.own, person=firm.records["chris"], problem_solving=3, rated_on=day
    )
    page = soup(as_role("director").get(f"/diagnosis/{wave.pk}/pairs/kam1/legal/"))
    rows = page.select("#evidence tbody tr")
    cells = [[td.get_text(strip=True) for td in r.select("td")] for r in rows]
    assert cells[0][:4] == ["Involving Legal", "4", "1", "40.0"]
    assert cells[1][:4] == ["The others", "3", "0", "20.0"]
    assert cells[0][4].startswith("3")  # the rating on the account with such problems
    assert "took longer to solve" in page.select_one("#evidence-verdict").get_text()
    assert len(page.select("#evidence li")) == 4  # the director may open each
    # an analyst reads the figures, not the problems (no accounts for analysts)
    analyst = soup(as_role("analyst").get(f"/diagnosis/{wave.pk}/pairs/kam1/legal/"))
    assert analyst.select("#evidence tbody tr") and not analyst.select("#evidence li")


def test_no_evidence_says_why(as_role, firm):
    page = soup(as_role("director").get(f"/diagnosis/{firm.wave.pk}/pairs/kam1/legal/"))
    assert "no internal unit named" in page.select_one("#evidence").get_text()
    firm.project.kam_unit = None
    firm.project.save()
    page = soup(as_role("director").get(f"/diagnosis/{firm.wave.pk}/pairs/kam1/legal/"))
    assert "not linked" in page.select_one("#evidence").get_text()


def test_a_partner_named_otherwise_is_mapped_to_its_internal_unit(as_role, firm):
    """The published case's partner "legal" is named "Legal" there; kamkit calls the
    unit "Legal department": the analyst says they are the same."""
    unit = InternalUnit.objects.create(name="Legal department")
    url = f"/diagnosis/{firm.wave.pk}/pairs/kam1/legal/"
    c = as_role("analyst")
    assert "no internal unit named" in soup(c.get(url)).select_one("#evidence").get_text()
    answer = c.post(url + "unit/", {"internal_unit": unit.pk})
    assert answer.status_code == 302
    page = soup(c.get(url)).select_one("#evidence")
    assert "Involving Legal department" in page.get_text()
    assert page.select_one(f"option[value='{unit.pk}'][selected]") is not None
    # back to matching by name
    c.post(url + "unit/", {"internal_unit": ""})
    assert "no internal unit named" in soup(c.get(url)).select_one("#evidence").get_text()
    # a KA manager of the unit reads the evidence but does not map
    assert as_role("manager").post(url + "unit/", {"internal_unit": unit.pk}).status_code == 404
