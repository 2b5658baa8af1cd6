"""The account plan: objectives with targets and reviews, linked to initiatives; the
mutual plan the customer sees and comments on; internal objectives stay internal."""

from __future__ import annotations

from bs4 import BeautifulSoup
from django.utils import timezone

from kamkit.web.portal.models import Notification
from kamkit.web.relationships.models import JointInitiative, Objective


def add(client, firm, **extra):
    data = {
        "title": "Grow our share of wallet",
        "measure": "share of wallet (%)",
        "start_value": "20",
        "current_value": "20",
        "target_value": "40",
        "status": "open",
        "review_every_days": "90",
        "shared": "on",
        **extra,
    }
    return client.post(f"/accounts/{firm.own.pk}/plan/", data)


def test_an_objective_is_added_reviewed_and_shows_its_progress(as_role, firm):
    manager = as_role("manager")
    initiative = JointInitiative.objects.filter(account=firm.own).first()
    assert add(manager, firm, initiatives=[initiative.pk]).status_code == 302
    objective = Objective.objects.get(title="Grow our share of wallet")
    assert list(objective.initiatives.all()) == [initiative]
    manager.post(
        f"/accounts/objectives/{objective.pk}/review/",
        {"current_value": "30", "version": objective.version},
    )
    objective.refresh_from_db()
    assert (
        float(objective.current_value) == 30 and objective.last_reviewed_on == timezone.localdate()
    )
    page = BeautifulSoup(manager.get(f"/accounts/{firm.own.pk}/plan/").content, "html.parser")
    card = page.select_one(f"#objective-{objective.pk}")
    assert card.select_one("progress")["value"] == "50"
    assert initiative.title in card.text
    assert "0 of 2 objectives achieved" in page.select_one("#plan-summary").text


def test_the_customer_sees_and_comments_on_the_shared_plan_only(as_role, firm):
    manager = as_role("manager")
    add(manager, firm)
    add(manager, firm, title="Raise our price by 3 %", shared="")
    shared = Objective.objects.get(title="Grow our share of wallet")
    internal = Objective.objects.get(title="Raise our price by 3 %")
    customer = as_role("customer")
    page = customer.get(f"/accounts/{firm.own.pk}/plan/").content.decode()
    assert "Grow our share of wallet" in page and "Raise our price" not in page
    before = Notification.objects.filter(recipient=firm.users["manager"]).count()
    customer.post(
        f"/accounts/objectives/{shared.pk}/comment/", {"text": "Let us add a joint forecast."}
    )
    assert shared.comments.get().side == "customer"
    assert Notification.objects.filter(recipient=firm.users["manager"]).count() == before + 1
    assert (
        customer.post(f"/accounts/objectives/{internal.pk}/comment/", {"text": "x"}).status_code
        == 404
    )
    assert customer.post(f"/accounts/{firm.own.pk}/plan/", {"title": "mine"}).status_code == 403
    assert not Objective.objects.filter(title="mine").exists()


def test_bad_input_is_named_and_nothing_is_written(as_role, firm):
    manager = as_role("manager")
    other = JointInitiative.objects.create(account=firm.other, title="Another account's")
    response = add(manager, firm, review_every_days="0")
    assert response.status_code == 422 and "between 1 and 366 days" in response.content.decode()
    response = add(manager, firm, due_on="9999-12-31")
    assert response.status_code == 422 and "too far ahead" in response.content.decode()
    assert add(manager, firm, initiatives=[other.pk]).status_code == 422
    assert not Objective.objects.filter(title="Grow our share of wallet").exists()
    add(manager, firm)
    objective = Objective.objects.get(title="Grow our share of wallet")
    page = manager.post(
        f"/accounts/objectives/{objective.pk}/review/",
        {"current_value": "lots", "version": objective.version},
        follow=True,
    )
    assert "“lots” is not a number." in page.content.decode()


def test_an_objective_gets_a_task(as_role, firm):
    manager = as_role("manager")
    add(manager, firm)
    objective = Objective.objects.get(title="Grow our share of wallet")
    manager.post(
        f"/accounts/{firm.own.pk}/tasks/new/",
        {
            "title": "Agree the forecast template",
            "due_on": str(timezone.localdate()),
            "objective": objective.pk,
        },
    )
    assert objective.tasks.get().owner == firm.users["manager"]
    page = manager.get(f"/accounts/{firm.own.pk}/plan/").content.decode()
    assert "Agree the forecast template" in page
