"""Password reset by email for every role (issue 17), with Django's views."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from django.core import mail

from tests.personas import PASSWORD


def logs_in(client, username: str, password: str) -> bool:
    answer = client.post("/auth/login/", {"username": username, "password": password})
    return answer.status_code == 302


def reset_link(outbox) -> str:
    (message,) = outbox
    found = re.search(r"http://testserver(/auth/password/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


@pytest.mark.parametrize("username", ["customer", "manager", "director", "admin"])
def test_every_role_can_reset_its_password_by_email(client, firm, username):
    user = firm.users[username]
    user.email = f"{username}@example.com"
    user.save()
    sent = client.post("/auth/password/reset/", {"email": user.email.upper()})
    assert sent.status_code == 302 and sent["Location"] == "/auth/password/reset/sent/"
    link = reset_link(mail.outbox)
    assert mail.outbox[0].to == [user.email]
    form = client.get(link, follow=True)
    assert form.status_code == 200 and b"Choose a new password" in form.content
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a new long secret 42", "new_password2": "a new long secret 42"},
    )
    assert done.status_code == 302 and done["Location"] == "/auth/password/reset/done/"
    assert logs_in(client, username, "a new long secret 42")
    client.logout()
    assert not logs_in(client, username, PASSWORD)
    # the link works once
    client.logout()
    again = client.get(link, follow=True)
    assert b"does not work any more" in again.content


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, firm):
    sent = client.post("/auth/password/reset/", {"email": "nobody@example.com"})
    assert sent.status_code == 302 and sent["Location"] == "/auth/password/reset/sent/"
    assert mail.outbox == []


def test_a_weak_new_password_is_refused_by_name(client, firm):
    user = firm.users["manager"]
    user.email = "m@example.com"
    user.save()
    client.post("/auth/password/reset/", {"email": user.email})
    form = client.get(reset_link(mail.outbox), follow=True)
    refused = client.post(
        form.redirect_chain[-1][0], {"new_password1": "password", "new_password2": "password"}
    )
    assert refused.status_code == 200
    alert = BeautifulSoup(refused.content, "html.parser").select_one("[role=alert]").get_text()
    assert "too common" in alert


def test_a_bad_email_is_named(client, firm):
    refused = client.post("/auth/password/reset/", {"email": "not an address"})
    assert refused.status_code == 200
    alert = BeautifulSoup(refused.content, "html.parser").select_one("[role=alert]").get_text()
    assert alert.startswith("Email:")


def test_the_login_page_links_to_the_reset(client, db):
    page = BeautifulSoup(client.get("/auth/login/").content, "html.parser")
    assert page.select_one('a[href="/auth/password/reset/"]')
