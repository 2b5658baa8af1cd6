"""The morning summary: each KA manager's and director's Today by email, once a day, in
their language, only when something needs them and only if they want it."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.utils import timezone

from kamkit.web.relationships.models import Task
from kamkit.web.today.services import SUMMARY_ITEMS, send_morning_summaries
from kamkit.web.users.models import User


@pytest.fixture
def mailing(firm, settings):
    settings.KAMKIT_NOTIFY_BY_EMAIL = True
    settings.KAMKIT_BASE_URL = "https://kamkit.example.com"
    for name in ("manager", "director", "analyst", "customer"):
        User.objects.filter(username=name).update(email=f"{name}@example.com")
    return firm


def sent_to() -> dict[str, str]:
    return {m.to[0].split("@")[0]: m for m in mail.outbox}


def test_each_keeper_of_accounts_gets_their_today_once_a_day(mailing):
    assert send_morning_summaries() == 2
    got = sent_to()
    assert set(got) == {"manager", "director"}  # not the analyst, not the customer
    manager = got["manager"]
    assert manager.subject == "kamkit: 1 thing needs action today"
    body = manager.body
    assert "- Customer waiting: 1" in body
    assert "* Alpha Motors: The customer is waiting for our answer on: Late deliveries" in body
    assert "https://kamkit.example.com/today/" in body.splitlines()
    assert "https://kamkit.example.com/portal/notifications/" in body  # where to stop it
    assert "Beta Energy" not in body  # another manager's account
    # the director's: every account
    assert got["director"].subject == "kamkit: 3 things need action today"
    assert "Beta Energy: Declining: decide to revive or to wind down" in got["director"].body
    # a restarted worker runs the morning again: nothing twice
    mail.outbox.clear()
    assert send_morning_summaries() == 0 and mail.outbox == []
    # the next day: again
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert send_morning_summaries(tomorrow) == 2


def test_nobody_is_mailed_when_nothing_needs_them_or_they_said_no(mailing, settings):
    User.objects.filter(username="director").update(morning_summary=False)
    from kamkit.web.relationships.models import Problem

    Problem.objects.filter(pk=mailing.records["problems"].pk).update(stage="deployed")
    assert send_morning_summaries() == 0 and mail.outbox == []
    # and without mail at all, nothing is even looked at
    settings.KAMKIT_NOTIFY_BY_EMAIL = False
    User.objects.update(summary_sent_on=None, morning_summary=True)
    assert send_morning_summaries() == 0


def test_a_long_day_lists_the_first_items_and_counts_the_rest(mailing):
    today = timezone.localdate()
    manager = User.objects.get(username="manager")
    Task.objects.bulk_create(
        Task(
            account=mailing.own,
            title=f"Call {n}",
            due_on=today - dt.timedelta(days=n + 1),
            owner=manager,
        )
        for n in range(SUMMARY_ITEMS + 2)
    )
    send_morning_summaries()
    body = sent_to()["manager"].body
    assert body.count("\n* ") == SUMMARY_ITEMS
    assert "… and 3 more." in body  # 12 tasks and the waiting customer, 10 listed
    assert "- Overdue task: 12" in body


def test_the_summary_speaks_the_reader_s_language(mailing):
    User.objects.filter(username="manager").update(language="de")
    send_morning_summaries()
    message = sent_to()["manager"]
    assert message.subject == "kamkit: 1 Punkt ist heute zu tun"
    assert "Der Kunde wartet auf unsere Antwort zu: Late deliveries" in message.body


def test_the_manager_turns_the_morning_email_off_and_on(mailing, as_role):
    c = as_role("manager")
    page = BeautifulSoup(c.get("/portal/notifications/").content, "html.parser")
    assert page.select_one("#morning-summary input[name=morning_summary]").has_attr("checked")
    c.post("/portal/notifications/", {"what": "summary"})  # unticked: off
    assert User.objects.get(username="manager").morning_summary is False
    assert send_morning_summaries() == 1  # the director's only
    c.post("/portal/notifications/", {"what": "summary", "morning_summary": "on"})
    assert User.objects.get(username="manager").morning_summary is True
    # a customer's choice is its Monday reminder; an analyst has neither
    customer = as_role("customer")
    page = BeautifulSoup(customer.get("/portal/notifications/").content, "html.parser")
    assert "on Mondays" in page.select_one("#morning-summary").get_text()
    customer.post("/portal/notifications/", {"what": "summary"})
    assert User.objects.get(username="customer").morning_summary is False
    analyst = as_role("analyst")
    page = BeautifulSoup(analyst.get("/portal/notifications/").content, "html.parser")
    assert page.select_one("#morning-summary") is None
    assert analyst.post("/portal/notifications/", {"what": "summary"}).status_code == 403


def monday(offset_weeks: int = 0) -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=offset_weeks)


def test_a_customer_is_reminded_on_mondays_of_what_its_supplier_waits_for(mailing):
    from kamkit.web.relationships import services as work
    from kamkit.web.today.services import send_customer_reminders

    User.objects.filter(username="other_customer").update(email="other@example.com")
    work.comment_on_problem(
        User.objects.get(username="manager"), mailing.records["problems"], "Which plant?"
    )
    assert send_customer_reminders(monday() + dt.timedelta(days=1)) == 0  # a Tuesday
    assert send_customer_reminders(monday()) == 1
    (message,) = mail.outbox
    assert message.to == ["customer@example.com"]  # not Beta's customer: nothing waits there
    assert message.subject == "kamkit: your supplier is waiting for you"
    assert "* Your supplier wrote on: Late deliveries" in message.body
    problem = mailing.records["problems"].pk
    assert f"  https://kamkit.example.com/portal/problems/{problem}/" in message.body.splitlines()
    assert "Price review due." not in message.body  # nothing internal
    # once that Monday, again the next
    assert send_customer_reminders(monday()) == 0
    assert send_customer_reminders(monday(1)) == 1
    # turned off: none
    User.objects.filter(username="customer").update(morning_summary=False)
    assert send_customer_reminders(monday(2)) == 0
