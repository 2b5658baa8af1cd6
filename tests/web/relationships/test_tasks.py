"""Tasks: added on an account (also from the lever's next action), owned on either side,
listed overdue first, reminded once on the due day, the team's overdue per KA manager."""

from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup
from django.utils import timezone

from kamkit.core.relationships import TEXT_LIMITS
from kamkit.web.portal.models import Notification
from kamkit.web.relationships.models import Task
from kamkit.web.relationships.services import remind_due_tasks
from kamkit.web.relationships.tasks import REMIND_AT, schedule_next

TODAY = timezone.localdate()


def add(client, firm, **data):
    return client.post(
        f"/accounts/{firm.own.pk}/tasks/new/", {"due_on": str(TODAY + dt.timedelta(days=3)), **data}
    )


def test_a_task_for_a_colleague_tells_them_and_lists_overdue_first(as_role, firm):
    manager = as_role("manager")
    director = firm.users["director"]
    before = Notification.objects.filter(recipient=director).count()
    add(manager, firm, title="Prepare the price review", owner=director.pk)
    add(
        manager,
        firm,
        title="Send the contract draft",
        owner=director.pk,
        due_on=str(TODAY - dt.timedelta(days=2)),
    )
    assert Notification.objects.filter(recipient=director).count() == before + 2
    page = BeautifulSoup(as_role("director").get("/tasks/").content, "html.parser")
    assert "Send the contract draft" in page.select_one("#overdue").text
    assert "Prepare the price review" in page.select_one("#upcoming").text


def test_the_lever_s_next_action_becomes_the_adder_s_task(as_role, firm):
    manager = as_role("manager")
    add(manager, firm, title="Hold a joint strategy session", from_lever="communication")
    task = Task.objects.get(title="Hold a joint strategy session")
    assert task.owner == firm.users["manager"] and task.from_lever == "communication"
    assert not task.shared


def test_a_customer_owned_task_is_shared_and_the_customer_marks_it_done(as_role, firm):
    firm.own_person.user = firm.users["customer"]
    firm.own_person.save()
    manager = as_role("manager")
    add(manager, firm, title="Send us your forecast", owner_person=firm.own_person.pk)
    add(manager, firm, title="Internal: check their credit")
    theirs = Task.objects.get(title="Send us your forecast")
    assert theirs.shared
    customer = as_role("customer")
    account_page = customer.get(f"/accounts/{firm.own.pk}/").content.decode()
    assert "Send us your forecast" in account_page and "check their credit" not in account_page
    customer.post(f"/tasks/{theirs.pk}/done/")
    theirs.refresh_from_db()
    assert theirs.done_on == TODAY
    ours = Task.objects.get(owner=firm.users["manager"])
    assert customer.post(f"/tasks/{ours.pk}/done/").status_code == 404


def test_due_tasks_are_reminded_once(as_role, firm):
    manager = as_role("manager")
    director = firm.users["director"]
    add(manager, firm, title="Call the plant", owner=director.pk, due_on=str(TODAY))
    add(manager, firm, title="Later", owner=director.pk)
    before = Notification.objects.filter(recipient=director).count()
    assert remind_due_tasks(TODAY) == 1
    latest = Notification.objects.filter(recipient=director).order_by("-pk").first()
    assert latest.text.startswith("Task due today on Alpha Motors: Call the plant")
    assert Notification.objects.filter(recipient=director).count() == before + 1
    assert remind_due_tasks(TODAY) == 0


def test_the_director_sees_overdue_tasks_per_ka_manager(as_role, firm):
    manager = as_role("manager")
    add(manager, firm, title="Late one", due_on=str(TODAY - dt.timedelta(days=1)))
    add(manager, firm, title="Late two", due_on=str(TODAY - dt.timedelta(days=5)))
    page = BeautifulSoup(as_role("director").get("/tasks/").content, "html.parser")
    row = page.select_one("#team tr")
    assert "manager" in row.text and row.select("td")[-1].text == "2"
    assert (
        BeautifulSoup(as_role("manager").get("/tasks/").content, "html.parser").select_one("#team")
        is None
    )


def test_bad_tasks_are_refused_by_name(as_role, firm):
    manager = as_role("manager")
    response = manager.post(
        f"/accounts/{firm.own.pk}/tasks/new/", {"title": "", "due_on": str(TODAY)}, follow=True
    )
    assert "The task was not added: Title: This field is required." in response.content.decode()
    response = manager.post(
        f"/accounts/{firm.own.pk}/tasks/new/", {"title": "Far", "due_on": "9999-12-31"}, follow=True
    )
    assert "too far ahead" in response.content.decode()
    response = manager.post(
        f"/accounts/{firm.own.pk}/tasks/new/",
        {"title": "Theirs", "due_on": str(TODAY), "owner": firm.users["customer"].pk},
        follow=True,
    )
    assert (
        "The task was not added: Owner (our side): Select a valid choice"
        in response.content.decode()
    )
    assert not Task.objects.filter(title__in=["", "Far", "Theirs"]).exists()


def test_the_daily_run_waits_for_the_next_morning(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    evening = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(20, 0)))
    at = schedule_next(evening)
    assert at.date() == TODAY + dt.timedelta(days=1) and at.time() == REMIND_AT
    early = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(5, 0)))
    assert schedule_next(early).date() == TODAY


def test_a_task_form_never_sends_the_user_to_another_site(as_role, firm):
    manager = as_role("manager")
    response = add(manager, firm, title="Call", next="https://evil.example/x")
    assert response["Location"] == f"/accounts/{firm.own.pk}/#tasks"
    task = Task.objects.get(title="Call")
    done = manager.post(f"/tasks/{task.pk}/done/", {"next": "//evil.example/"})
    assert done["Location"] == "/tasks/"


def test_a_task_done_in_a_call_is_logged_from_its_line(as_role, firm):
    manager = as_role("manager")
    add(manager, firm, title="Call Eva about the forecast & pallets")
    page = BeautifulSoup(manager.get("/tasks/").content, "html.parser")
    link = page.select_one("#upcoming a.log-task")["href"]
    assert link.startswith(f"/accounts/{firm.own.pk}/?log=1&summary=")
    account = BeautifulSoup(manager.get(link).content, "html.parser")
    assert account.select_one("details#log").has_attr("open")
    summary = account.select_one("#log [name=summary]").get_text()
    assert summary.strip() == "Call Eva about the forecast & pallets"
    # a customer's tasks offer no logging (not theirs to log)
    customer = BeautifulSoup(as_role("customer").get("/tasks/").content, "html.parser")
    assert customer.select_one("a.log-task") is None
    # a summary given in the address is cut to what an interaction holds
    manager = as_role("manager")  # the same test client: the customer was logged in
    long = manager.get(f"/accounts/{firm.own.pk}/", {"log": "1", "summary": "x" * 9000})
    field = BeautifulSoup(long.content, "html.parser").select_one("#log [name=summary]")
    assert len(field.get_text().strip()) == TEXT_LIMITS["summary"]
