"""Notifications by email (``KAMKIT_NOTIFY_BY_EMAIL``): their links work outside kamkit
(``KAMKIT_BASE_URL``), and each mail says why it came and where every notification is."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core import mail

from kamkit.cli import serving_address
from kamkit.web.accounts.models import Account
from kamkit.web.relationships import services
from kamkit.web.users.models import User


@pytest.fixture
def mailed(firm, settings, django_capture_on_commit_callbacks):
    """The customer raises a problem; its KA manager is told by email."""
    settings.KAMKIT_NOTIFY_BY_EMAIL = True
    User.objects.filter(username="manager").update(email="max@supplier.example")

    def raise_one(title: str = "Pallets unlabelled") -> str:
        customer = User.objects.get(username="customer")
        with django_capture_on_commit_callbacks(execute=True):
            problem = services.raise_problem(
                customer, Account.objects.get(pk=firm.own.pk), title=title, framing="x"
            )
        (message,) = [m for m in mail.outbox if title in m.body]
        assert message.to == ["max@supplier.example"]
        return message.body, problem

    return raise_one


def test_a_mailed_link_is_an_address_with_the_base_url(mailed, settings):
    settings.KAMKIT_BASE_URL = "https://kamkit.example.com"
    body, problem = mailed()
    lines = body.splitlines()
    assert lines[0] == "Chris Customer raised a problem: Pallets unlabelled"
    assert f"https://kamkit.example.com/accounts/problems/{problem.pk}/" in lines
    assert "https://kamkit.example.com/portal/notifications/" in body
    assert "You get this because kamkit tells you by email" in body


def test_without_a_base_url_the_link_stays_a_path(mailed, settings):
    settings.KAMKIT_BASE_URL = ""
    body, problem = mailed("Labels missing")
    assert f"/accounts/problems/{problem.pk}/" in body.splitlines()
    assert "http" not in body


def test_the_mail_s_footer_is_in_the_reader_s_language(mailed, settings):
    settings.KAMKIT_BASE_URL = "https://kamkit.example.com"
    User.objects.filter(username="manager").update(language="de")
    body, _ = mailed("Falsche Etiketten")
    assert "Sie erhalten diese E-Mail" in body


def test_a_base_url_that_is_no_address_stops_startup_with_its_reason():
    env = {
        **os.environ,
        "KAMKIT_BASE_URL": "kamkit.example.com",
        "DJANGO_SETTINGS_MODULE": "kamkit.web.settings",
    }
    run = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode != 0
    assert "KAMKIT_BASE_URL must be the address people open kamkit at" in run.stderr


@pytest.mark.parametrize(
    ("host", "port", "address"),
    [
        ("127.0.0.1", 8000, "http://127.0.0.1:8000"),
        ("0.0.0.0", 80, "http://localhost:80"),
        ("::1", 8765, "http://[::1]:8765"),
        ("kamkit.internal", 8000, "http://kamkit.internal:8000"),
    ],
)
def test_kamkit_serve_names_the_address_it_serves(host, port, address):
    assert serving_address(host, port) == address


def test_a_reader_turns_the_mails_off_and_on_and_is_still_told_in_kamkit(mailed, client, settings):
    from bs4 import BeautifulSoup

    from kamkit.web.portal.models import Notification

    manager = User.objects.get(username="manager")
    client.force_login(manager)
    page = BeautifulSoup(client.get("/portal/notifications/").content, "html.parser")
    box = page.select_one("#notify-by-email input[name=notify_by_email]")
    assert (
        box.has_attr("checked")
        and "max@supplier.example" in page.select_one("#notify-by-email").get_text()
    )
    answer = client.post("/portal/notifications/", {"what": "email"})  # unticked: off
    assert answer.status_code == 302
    assert User.objects.get(pk=manager.pk).notify_by_email is False
    customer = User.objects.get(username="customer")
    before = len(mail.outbox)
    services.raise_problem(
        customer, Account.objects.get(pk=customer.account_id), title="Quiet", framing="x"
    )
    assert len(mail.outbox) == before  # no mail…
    assert Notification.objects.filter(recipient=manager, text__contains="Quiet").exists()
    client.post("/portal/notifications/", {"what": "email", "notify_by_email": "on"})
    assert User.objects.get(pk=manager.pk).notify_by_email is True
    body, _ = mailed("Loud again")
    assert "Loud again" in body
    # "mark all as read" is still what a plain post does
    client.post("/portal/notifications/")
    assert not Notification.objects.filter(recipient=manager, read_at=None).exists()


def test_the_choice_is_offered_only_where_notifications_are_mailed(client, firm, settings):
    from bs4 import BeautifulSoup

    settings.KAMKIT_NOTIFY_BY_EMAIL = False
    client.force_login(User.objects.get(username="customer"))
    page = BeautifulSoup(client.get("/portal/notifications/").content, "html.parser")
    assert page.select_one("#notify-by-email") is None
    settings.KAMKIT_NOTIFY_BY_EMAIL = True
    page = BeautifulSoup(client.get("/portal/notifications/").content, "html.parser")
    assert page.select_one("#notify-by-email") is not None


def test_a_contact_without_a_login_gets_no_link_and_is_told_whom_to_ask(
    firm, settings, django_capture_on_commit_callbacks
):
    """A task given to a customer contact who has no login (only an address): the mail
    names the task, leads to no login page, and says how to stop such mails."""
    import datetime as dt

    from kamkit.web.accounts.models import Person

    settings.KAMKIT_NOTIFY_BY_EMAIL = True
    settings.KAMKIT_BASE_URL = "https://kamkit.example.com"
    eva = Person.objects.get(pk=firm.own_person.pk)
    eva.email = "eva@alpha.example"
    eva.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.create_task(
            firm.users["manager"],
            Account.objects.get(pk=firm.own.pk),
            {"title": "Send the forecast", "due_on": dt.date.today(), "owner_person": eva},
        )
    (message,) = [m for m in mail.outbox if m.to == ["eva@alpha.example"]]
    assert "Send the forecast" in message.body
    assert "https://" not in message.body and "/tasks/" not in message.body
    assert "tell your contact there" in message.body and "(Alpha Motors)" in message.body
