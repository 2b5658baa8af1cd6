"""The account page as the place to work: timeline, quick log, one-click stages."""

from __future__ import annotations

from bs4 import BeautifulSoup

from kamkit.web.relationships.models import Interaction, Problem


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def titles(response) -> list[str]:
    return [li.strong.get_text() for li in soup(response).select("ol.timeline li")]


def test_timeline_shows_every_process_and_filters(as_role, firm):
    c = as_role("manager")
    page = c.get(f"/accounts/{firm.own.pk}/")
    shown = titles(page)
    assert "Initiative: Joint pilot line" in shown and "Problem: Late deliveries" in shown
    assert any(t.startswith("Pulse by Chris Customer") for t in shown)
    assert any(t.startswith("Phone") for t in shown)
    only_problems = c.get(f"/accounts/{firm.own.pk}/timeline/?process=problem_solving")
    assert titles(only_problems) == ["Problem: Late deliveries"]
    supplier_side = titles(c.get(f"/accounts/{firm.own.pk}/timeline/?side=supplier"))
    assert all(
        not t.startswith(("Problem", "Pulse")) for t in supplier_side
    )  # raised/rated by the customer
    assert c.get(f"/accounts/{firm.own.pk}/timeline/?process=gossip").status_code == 400


def test_customer_timeline_holds_only_what_is_shared(as_role, firm):
    shown = titles(as_role("customer").get(f"/accounts/{firm.own.pk}/"))
    assert not any(t.startswith("Phone") for t in shown)  # the internal call
    assert not any(t.startswith("Phase") for t in shown)
    assert "Problem: Late deliveries" in shown
    assert (
        soup(as_role("customer").get(f"/accounts/{firm.own.pk}/")).select_one("#log-form") is None
    )


def test_log_a_call_in_one_form(as_role, firm):
    c = as_role("manager")
    url = f"/accounts/{firm.own.pk}/interactions/new/"
    supplier = firm.own.persons.get(side="supplier")
    form = {
        "occurred_at": "2026-11-20T09:30",
        "channel": "video",
        "initiated_by": "customer",
        "two_way": "on",
        "formality": "informal",
        "content": "strategic",
        "participants": [supplier.pk],
        "summary": "Roadmap for 2027",
    }
    refused = c.post(url, form, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422
    assert (
        "participant from the customer's side"
        in soup(refused).select_one(".field-error").get_text()
    )
    assert not Interaction.objects.filter(summary="Roadmap for 2027").exists()
    logged = c.post(url, {**form, "participants": [supplier.pk, firm.own_person.pk]})
    assert logged.status_code == 302
    call = Interaction.objects.get(summary="Roadmap for 2027")
    assert (call.content, call.logged_by) == ("strategic", firm.users["manager"])
    assert set(call.participants.values_list("side", flat=True)) == {"supplier", "customer"}
    assert "Video · strategic" in titles(c.get(f"/accounts/{firm.own.pk}/"))


def test_one_click_moves_a_problem_on_and_keeps_the_date(as_role, firm):
    c = as_role("manager")
    problem = firm.records["problems"]
    page = soup(c.get(f"/accounts/{firm.own.pk}/"))
    # a reported problem is defined together first (issue 15), not moved by one click
    assert page.find("button", string="Move to jointly defined") is None
    assert page.find("a", string="Define together") is not None
    refused = c.post(f"/accounts/problems/{problem.pk}/advance/", follow=True)
    assert "jointly defined needs" in soup(refused).select_one(".messages").get_text()
    assert Problem.objects.get(pk=problem.pk).stage == "reported"
    Problem.objects.filter(pk=problem.pk).update(stage="jointly_defined")
    page = soup(c.get(f"/accounts/{firm.own.pk}/"))
    assert page.find("button", string="Move to solution designed") is not None
    assert c.post(f"/accounts/problems/{problem.pk}/advance/").status_code == 302
    problem = Problem.objects.get(pk=problem.pk)
    assert problem.stage == "solution_designed"
    assert [s.stage for s in problem.stage_changes.all()] == ["reported", "solution_designed"]
    Problem.objects.filter(pk=problem.pk).update(stage="closed")
    c.post(f"/accounts/problems/{problem.pk}/advance/")
    assert Problem.objects.get(pk=problem.pk).stage == "closed"


def test_record_an_initiatives_realized_value_on_both_sides(as_role, firm):
    from kamkit.web.relationships.models import JointInitiative

    c = as_role("manager")
    initiative = firm.records["initiatives"]
    url = f"/accounts/initiatives/{initiative.pk}/"
    page = soup(c.get(url))
    headers = [th.get_text() for th in page.select("table.sides thead th")]
    assert headers == ["", "Our side (supplier)", "The customer"]
    base = {
        "title": "Joint pilot line",
        "status": "in_delivery",
        "version": 1,
        "realized_value_supplier": "8000",
        "realized_value_customer": "15000",
    }
    refused = c.post(url, base)
    assert refused.status_code == 422
    assert "status is 'in_delivery'" in soup(refused).get_text()
    saved = c.post(
        url,
        {
            **base,
            "status": "realized",
            "customer_effort_days": "12",
            "supplier_owner": firm.own.persons.get(side="supplier").pk,
        },
    )
    assert saved.status_code == 302
    initiative = JointInitiative.objects.get(pk=initiative.pk)
    assert (
        initiative.status,
        str(initiative.realized_value_customer),
        str(initiative.customer_effort_days),
    ) == ("realized", "15000.00", "12.0")
    stale = c.post(url, {**base, "status": "realized"})
    assert stale.status_code == 409 and "changed by someone else" in soup(stale).get_text()
    wrong_side = c.post(
        url,
        {
            **base,
            "status": "realized",
            "version": 2,
            "customer_owner": firm.own.persons.get(side="supplier").pk,
        },
    )
    assert wrong_side.status_code == 422


def test_the_timeline_does_not_query_per_entry(as_role, firm):
    """Whether each entry may be changed (its person) is read with the entries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kamkit.web.relationships.models import PhaseRecord

    c = as_role("manager")
    url = f"/accounts/{firm.own.pk}/timeline/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx.captured_queries)

    c.get(url)  # the first visit sets the CSRF cookie (then kept pages are read)
    PhaseRecord.objects.create(
        account=firm.own, phase="maturity", source="supplier_self", person=firm.own_person
    )  # so the next look is rendered, not the kept page
    few = queries()
    for _ in range(10):
        PhaseRecord.objects.create(
            account=firm.own, phase="maturity", source="supplier_self", person=firm.own_person
        )
    assert queries() == few


def test_the_timeline_is_searched_by_words_and_names(as_role, firm):
    from kamkit.web.relationships.models import JointInitiative, Pulse

    c = as_role("manager")
    url = f"/accounts/{firm.own.pk}/timeline/"
    # a contact by its summary, or by the name of one who took part (Eva Buyer)
    assert titles(c.get(url, {"q": "PREP CALL"})) == [titles(c.get(url, {"q": "eva"}))[0]]
    assert titles(c.get(url, {"q": "prep call"}))[0].startswith("Phone")
    # an initiative by its goal, a problem by either side's framing, a pulse by its rater
    JointInitiative.objects.filter(pk=firm.records["initiatives"].pk).update(
        goal="Halve the changeover time"
    )
    assert titles(c.get(url, {"q": "changeover"})) == ["Initiative: Joint pilot line"]
    Problem.objects.filter(pk=firm.records["problems"].pk).update(
        customer_framing="Trucks wait at the gate"
    )
    assert titles(c.get(url, {"q": "gate"})) == ["Problem: Late deliveries"]
    assert all(t.startswith("Pulse by Chris") for t in titles(c.get(url, {"q": "chris"})))
    assert Pulse.objects.filter(account=firm.own).exists()
    # combined with the other filters; nothing found says so
    assert titles(c.get(url, {"q": "gate", "process": "communication"})) == []
    empty = c.get(url, {"q": "nothing like this"})
    assert "Nothing recorded yet for this filter" in empty.content.decode()
    # the next page keeps the words
    Interaction.objects.bulk_create(
        [
            Interaction(
                account=firm.own,
                channel="email",
                initiated_by="supplier",
                two_way=False,
                summary=f"Forecast update {n}",
            )
            for n in range(30)
        ]
    )
    first = soup(c.get(url, {"q": "forecast"}))
    more = first.select_one(".pager button")["hx-get"]
    assert "q=forecast" in more
    rest = [li.strong.get_text() for li in soup(c.get(more)).select("li")]
    shown = len(first.select("ol.timeline li")) + len(rest)
    assert shown == 30
    # the download takes the same words
    download = c.get(f"/accounts/{firm.own.pk}/export/timeline.csv", {"q": "gate"})
    rows = b"".join(download.streaming_content).decode("utf-8-sig").splitlines()
    assert len(rows) == 2 and "Late deliveries" in rows[1]
    assert c.get(f"/accounts/{firm.own.pk}/export/timeline.csv", {"q": "x"}).status_code == 400
    # words that cannot be searched are refused by name; a customer finds only its share
    assert c.get(url, {"q": "x"}).status_code == 400
    assert c.get(url, {"q": "a\x00b"}).status_code == 400
    assert titles(as_role("customer").get(url, {"q": "prep call"})) == []
