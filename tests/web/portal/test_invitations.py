"""Inviting a customer person: the emailed one-time link, choosing a password, expiry,
replacement and revocation."""

from __future__ import annotations

import datetime as dt
import re

from bs4 import BeautifulSoup
from django.core import mail
from django.utils import timezone

from kamkit.web.portal.models import Invitation
from kamkit.web.users.models import Role, User
from tests.personas import PASSWORD

GOOD = "plum-orchard-lantern-42"


def link_in(message) -> str:
    return re.search(r"http://testserver(/portal/invite/[^/\s]+/)", message.body).group(1)


def messages_of(response) -> str:
    return BeautifulSoup(response.content, "html.parser").select_one(".messages").get_text()


def invite(client, person):
    return client.post(f"/accounts/people/{person.pk}/invite/", follow=True)


def test_invite_set_password_and_land_on_the_account(as_role, firm, client):
    eva = firm.own_person
    c = as_role("manager")
    no_email = invite(c, eva)
    assert "has no email address" in messages_of(no_email) and not mail.outbox
    eva.email = "eva@alpha.example"
    eva.save()
    sent = invite(c, eva)
    assert "Invitation sent to eva@alpha.example" in messages_of(sent)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["eva@alpha.example"]
    path = link_in(mail.outbox[0])
    secret = path.rstrip("/").rsplit("/", 1)[1]
    stored = Invitation.objects.get(person=eva)
    assert stored.digest != secret and secret not in stored.digest  # only a hash is kept
    page = BeautifulSoup(c.get(f"/accounts/{firm.own.pk}/").content, "html.parser")
    assert "invited until" in page.select_one("#people").get_text()

    client.logout()
    form = client.get(path)
    assert form.status_code == 200 and "Welcome, Eva Buyer" in form.content.decode()
    differ = client.post(path, {"password1": GOOD, "password2": GOOD + "x"})
    assert differ.status_code == 422 and "differ" in differ.content.decode()
    weak = client.post(path, {"password1": "eva", "password2": "eva"})
    assert weak.status_code == 422 and "too short" in weak.content.decode()
    assert not User.objects.filter(username="eva@alpha.example").exists()  # nothing written
    done = client.post(path, {"password1": GOOD, "password2": GOOD})
    assert done.status_code == 302 and done["Location"] == f"/accounts/{firm.own.pk}/"
    user = User.objects.get(username="eva@alpha.example")
    assert (user.role, user.account, user.is_active) == (Role.CUSTOMER, firm.own, True)
    eva.refresh_from_db()
    assert eva.user == user
    assert client.get(f"/accounts/{firm.own.pk}/").status_code == 200  # logged in
    client.logout()
    assert client.get(path).status_code == 404  # used once
    login = client.post("/auth/login/", {"username": "eva@alpha.example", "password": GOOD})
    assert login.status_code == 302


def test_expired_and_replaced_links_stop_working(as_role, firm, client):
    eva = firm.own_person
    eva.email = "eva@alpha.example"
    eva.save()
    c = as_role("manager")
    invite(c, eva)
    first = link_in(mail.outbox[0])
    invite(c, eva)  # sent again: the older link is replaced
    second = link_in(mail.outbox[1])
    client.logout()
    gone = client.get(first)
    assert gone.status_code == 404 and "no longer works" in gone.content.decode()
    Invitation.objects.filter(revoked_at=None).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert client.get(second).status_code == 404
    assert client.get("/portal/invite/made-up-secret/").status_code == 404


def test_revoking_access_logs_the_customer_out_for_good(as_role, firm, client):
    chris = firm.records["chris"]  # the customer user's person
    c = as_role("manager")
    revoked = c.post(f"/accounts/people/{chris.pk}/revoke/", follow=True)
    assert "can no longer log in" in messages_of(revoked)
    customer = User.objects.get(pk=firm.users["customer"].pk)
    assert not customer.is_active
    client.logout()
    refused = client.post("/auth/login/", {"username": "customer", "password": PASSWORD})
    assert refused.status_code == 200  # the login form again
    client.force_login(customer)
    assert client.get(f"/accounts/{firm.own.pk}/").status_code == 302  # sent to log in


def test_who_may_be_invited(as_role, firm):
    c = as_role("manager")
    sam = firm.own.persons.get(name="Sam Engineer")
    sam.email = "sam@supplier.example"
    sam.save()
    assert "only the customer's people" in messages_of(invite(c, sam))
    eva = firm.own_person
    User.objects.filter(pk=firm.users["director"].pk).update(username="eva@alpha.example")
    eva.email = "eva@alpha.example"
    eva.save()
    assert "already the login of another kamkit user" in messages_of(invite(c, eva))
    assert not mail.outbox
    # another manager's account: not found; a customer may not invite
    assert c.post(f"/accounts/people/{firm.other_person.pk}/invite/").status_code == 404
    assert as_role("customer").post(f"/accounts/people/{eva.pk}/invite/").status_code == 403


def test_an_invitation_in_german_reaches_a_german_login(as_role, firm, client):
    """The KA manager picks the invitation's language: the email, the page that sets the
    password and the new login read German."""
    eva = firm.own_person
    eva.email = "eva@alpha.example"
    eva.save()
    c = as_role("manager")
    people = BeautifulSoup(c.get(f"/accounts/{firm.own.pk}/").content, "html.parser")
    picker = people.select_one("#people select[name=language]")
    assert [o["value"] for o in picker.select("option")] == ["en", "de"]
    assert picker.select_one("option[selected]")["value"] == "en"  # the manager's language
    sent = c.post(f"/accounts/people/{eva.pk}/invite/", {"language": "de"}, follow=True)
    assert "Invitation sent to eva@alpha.example" in messages_of(sent)
    email = mail.outbox[0]
    assert email.subject == f"{firm.own.name}: Ihr Zugang zu kamkit"
    assert "Hallo Eva Buyer" in email.body and "Passwort" in email.body
    assert Invitation.objects.get(person=eva).language == "de"
    # sent again: German is what the picker now offers first
    people = BeautifulSoup(c.get(f"/accounts/{firm.own.pk}/").content, "html.parser")
    assert people.select_one("#people select[name=language] option[selected]")["value"] == "de"

    client.logout()
    path = link_in(email)
    form = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="de">' in form.content.decode()
    done = client.post(path, {"password1": GOOD, "password2": GOOD})
    assert done.status_code == 302
    assert User.objects.get(username="eva@alpha.example").language == "de"
    welcome = client.get(done["Location"])
    assert '<html lang="de">' in welcome.content.decode()


def test_an_invitation_in_english_by_default_and_no_unknown_language(as_role, firm):
    eva = firm.own_person
    eva.email = "eva@alpha.example"
    eva.save()
    c = as_role("manager")
    refused = c.post(f"/accounts/people/{eva.pk}/invite/", {"language": "xx"}, follow=True)
    assert "xx is not a language of kamkit" in messages_of(refused)
    assert not mail.outbox and not Invitation.objects.filter(person=eva).exists()
    hostile = c.post(f"/accounts/people/{eva.pk}/invite/", {"language": "q" * 5000}, follow=True)
    assert "q" * 20 + " is not a language" in messages_of(hostile)
    assert "q" * 21 not in messages_of(hostile)  # not echoed whole
    invite(c, eva)  # no language chosen (an older form, a script): the installation's
    assert mail.outbox[0].subject.endswith("your access to kamkit")
    assert Invitation.objects.get(person=eva).language == ""
