"""The customer's mirror of Today: on its account page, what the supplier waits for from
it, from its own view of the records (shared only, never our internal notes)."""

from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup

from kamkit.web.relationships import services as work
from kamkit.web.relationships.models import JointInitiative, Problem


def turns(client, firm) -> list[tuple[str, str]]:
    page = BeautifulSoup(client.get(f"/accounts/{firm.own.pk}/").content, "html.parser")
    return [
        (li["class"][0].removeprefix("turn-"), li.a.get_text())
        for li in page.select("#waiting-for-you li")
    ]


def test_the_customer_sees_what_its_supplier_waits_for(as_role, firm):
    problem = firm.records["problems"]  # Late deliveries, raised by the customer
    manager = firm.users["manager"]
    c = as_role("customer")
    assert turns(c, firm) == []  # nothing asked of it yet: no card at all
    page = BeautifulSoup(c.get(f"/accounts/{firm.own.pk}/").content, "html.parser")
    assert page.select_one("#waiting-for-you") is None
    # our internal note is not a message to them
    work.comment_on_problem(manager, problem, "Ask logistics first.", internal=True)
    assert turns(c, firm) == []
    work.comment_on_problem(manager, problem, "Which plant is affected?")
    assert turns(c, firm) == [("reply", "Your supplier wrote on: Late deliveries")]
    link = BeautifulSoup(c.get(f"/accounts/{firm.own.pk}/").content, "html.parser").select_one(
        "#waiting-for-you a"
    )["href"]
    assert link == f"/portal/problems/{problem.pk}/" and c.get(link).status_code == 200
    # both sides framed it: their agreement is the next step
    Problem.objects.filter(pk=problem.pk).update(
        supplier_framing="Carrier slots missed", customer_framing="Line stops"
    )
    assert turns(c, firm)[0] == ("agree", "Agree on what the problem is: Late deliveries")
    Problem.objects.filter(pk=problem.pk).update(customer_agreed_on=dt.date.today())
    assert [k for k, _ in turns(c, firm)] == ["reply"]
    # deployed: confirm it works
    Problem.objects.filter(pk=problem.pk).update(stage="deployed")
    assert turns(c, firm) == [("confirm", "Confirm that the solution works: Late deliveries")]
    Problem.objects.filter(pk=problem.pk).update(stage="closed")
    assert turns(c, firm) == []


def test_a_realized_initiative_asks_for_the_customer_s_value_and_only_its_own(as_role, firm):
    JointInitiative.objects.filter(pk=firm.records["initiatives"].pk).update(
        status="realized", realized_on=dt.date.today()
    )
    JointInitiative.objects.create(account=firm.other, title="Beta's grid pilot", status="realized")
    JointInitiative.objects.create(
        account=firm.own, title="Internal idea", status="realized", shared=False
    )
    c = as_role("customer")
    assert turns(c, firm) == [("value", "Say what value your side realized: Joint pilot line")]
    JointInitiative.objects.filter(pk=firm.records["initiatives"].pk).update(
        realized_value_customer=0
    )
    assert turns(c, firm) == []


def test_the_supplier_s_people_do_not_get_the_customer_s_card(as_role, firm):
    work.comment_on_problem(firm.users["manager"], firm.records["problems"], "Which plant?")
    page = BeautifulSoup(as_role("manager").get(f"/accounts/{firm.own.pk}/").content, "html.parser")
    assert page.select_one("#waiting-for-you") is None


def test_the_card_speaks_german(as_role, firm):
    work.comment_on_problem(firm.users["manager"], firm.records["problems"], "Which plant?")
    c = as_role("customer")
    c.post("/auth/language/", {"language": "de"})
    page = BeautifulSoup(c.get(f"/accounts/{firm.own.pk}/").content, "html.parser")
    card = page.select_one("#waiting-for-you").get_text(" ")
    assert (
        "Ihr Lieferant wartet auf Sie" in card
        and "Ihr Lieferant schrieb zu: Late deliveries" in card
    )


def test_a_task_of_the_customer_s_side_that_is_due_comes_first(as_role, firm):
    from kamkit.web.relationships.models import Task

    c = as_role("customer")
    task = firm.records["tasks"]  # Send the forecast, Chris's, due in a week
    assert turns(c, firm) == []
    work.comment_on_problem(firm.users["manager"], firm.records["problems"], "Which plant?")
    Task.objects.filter(pk=task.pk).update(due_on=dt.date.today() - dt.timedelta(days=1))
    kinds = turns(c, firm)
    assert [k for k, _ in kinds] == ["task", "reply"]
    assert kinds[0][1].startswith("Your task, due ") and kinds[0][1].endswith(": Send the forecast")
    page = BeautifulSoup(c.get(f"/accounts/{firm.own.pk}/").content, "html.parser")
    assert page.select_one("#waiting-for-you li a")["href"].endswith(f"#task-{task.pk}")
    # done: no longer waited for
    Task.objects.filter(pk=task.pk).update(done_on=dt.date.today())
    assert [k for k, _ in turns(c, firm)] == ["reply"]
