"""The stakeholder map page: the org chart with our judgement, the ties from logged
contacts, editing through the person service; the customer never sees any of it."""

from __future__ import annotations

from bs4 import BeautifulSoup
from django.utils import timezone

from kamkit.web.accounts.models import Person
from kamkit.web.relationships import services as work


def test_the_map_shows_the_chart_our_judgement_and_who_knows_whom(as_role, firm):
    boss = Person.objects.create(account=firm.own, side="customer", name="Greta Boss", role="CPO")
    eva = firm.own_person
    manager = as_role("manager")
    page = manager.get(f"/accounts/{firm.own.pk}/stakeholders/{eva.pk}/")
    form = BeautifulSoup(page.content, "html.parser")
    version = form.select_one("input[name=version]")["value"]
    saved = manager.post(
        f"/accounts/{firm.own.pk}/stakeholders/{eva.pk}/",
        {
            "version": version,
            "role": "Buyer",
            "department": "Purchasing",
            "reports_to": boss.pk,
            "buying_role": "champion",
            "attitude": "supporter",
            "influence": "medium",
        },
    )
    assert saved.status_code == 302
    boss.buying_role = "decision_maker"
    boss.save()
    ours = Person.objects.filter(account=firm.own, side="supplier").first()
    work.log_interaction(
        firm.users["manager"],
        firm.own,
        {"occurred_at": timezone.now(), "channel": "phone", "initiated_by": "supplier"},
        participants=[ours, eva],
    )
    soup = BeautifulSoup(
        manager.get(f"/accounts/{firm.own.pk}/stakeholders/").content, "html.parser"
    )
    chart = soup.select_one("#org-chart")
    greta = chart.select_one(f"#person-{boss.pk}")
    assert "Greta Boss" in greta.text and "Decision maker" in greta.text
    eva_node = greta.select_one(f"#person-{eva.pk}")  # below her boss
    assert eva_node is not None and "Champion" in eva_node.text
    assert eva_node.select_one(".tie.fresh") is not None and ours.name in eva_node.text
    assert (
        "Decision maker Greta Boss: nobody of ours has met them"
        in soup.select_one("#warnings").text
    )


def test_a_boss_of_another_account_is_refused_by_name(as_role, firm):
    manager = as_role("manager")
    eva = firm.own_person
    form = BeautifulSoup(
        manager.get(f"/accounts/{firm.own.pk}/stakeholders/{eva.pk}/").content, "html.parser"
    )
    response = manager.post(
        f"/accounts/{firm.own.pk}/stakeholders/{eva.pk}/",
        {
            "version": form.select_one("input[name=version]")["value"],
            "reports_to": firm.other_person.pk,
        },
    )
    assert response.status_code == 422
    eva.refresh_from_db()
    assert eva.reports_to_id is None


def test_the_customer_sees_none_of_our_judgement(as_role, firm):
    eva = firm.own_person
    eva.buying_role, eva.attitude = "blocker", "critic"
    eva.save()
    customer = as_role("customer")
    assert customer.get(f"/accounts/{firm.own.pk}/stakeholders/").status_code == 404
    page = customer.get(f"/accounts/{firm.own.pk}/").content.decode()
    assert "Blocker" not in page and "blocker" not in page and "critic" not in page
    api = customer.get(f"/api/v1/accounts/{firm.own.pk}/persons").json()
    assert all("buying_role" not in p and "attitude" not in p for p in api["items"])


def test_the_map_asks_a_fixed_number_of_queries(as_role, firm, django_assert_max_num_queries):
    manager = as_role("manager")
    manager.get(f"/accounts/{firm.own.pk}/stakeholders/")
    for i in range(20):
        Person.objects.create(
            account=firm.own, side="customer", name=f"P{i}", reports_to=firm.own_person
        )
    with django_assert_max_num_queries(20):
        assert manager.get(f"/accounts/{firm.own.pk}/stakeholders/").status_code == 200


def test_the_map_through_the_api_carries_our_judgement_for_our_side_only(client, firm, bearer):
    eva = firm.own_person
    eva.buying_role, eva.attitude = "champion", "supporter"
    eva.save()
    data = client.get(f"/api/v1/accounts/{firm.own.pk}/stakeholders", **bearer("manager")).json()
    person = next(p for p in data["people"] if p["id"] == eva.pk)
    assert person["buying_role"] == "champion" and person["attitude"] == "supporter"
    assert data["window_days"] == 90
    assert (
        client.get(f"/api/v1/accounts/{firm.own.pk}/stakeholders", **bearer("customer")).status_code
        == 404
    )
