"""Relationship pulses by email: a KA manager asks the customer's contacts; each answers
by a one-time link without an account, and the answers become the person's pulse and
their view of the phase on the account."""

from __future__ import annotations

import datetime as dt
import re

from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client

from kamkit.web.accounts.models import Person
from kamkit.web.relationships.models import PhaseRecord, Pulse
from kamkit.web.research.models import Survey


def ask(client, firm, people, **extra):
    return client.post(
        f"/research/accounts/{firm.own.pk}/pulses/",
        {
            "people": [str(p.pk) for p in people],
            "language": "en",
            "closes_on": str(dt.date.today() + dt.timedelta(days=7)),
            **extra,
        },
    )


def with_email(person: Person, email: str) -> Person:
    person.email = email
    person.save()
    return person


def test_a_contact_s_answers_become_their_pulse_and_phase_view(as_role, firm):
    eva = with_email(firm.own_person, "eva@alpha.example")
    manager = as_role("manager")
    assert ask(manager, firm, [eva]).status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["eva@alpha.example"]
    link = re.search(r"http://testserver(/q/[^/\s]+/)", mail.outbox[0].body).group(1)

    page = BeautifulSoup(Client().get(link).content, "html.parser")
    assert len(page.select("fieldset.item")) == 9 + 4 + 1  # processes, outcomes, phase
    answers = {
        i["name"]: "5"
        for i in page.select("fieldset.item input[type=radio]")
        if i["name"] != "phase"
    }
    answers.update(
        {"JP1": "6", "JP2": "6", "JP3": "3", "SA1": "7", "SA2": "6", "TR1": "4", "TR2": "4"}
    )
    before = Pulse.objects.filter(person=eva).count()
    done = Client().post(link, {**answers, "phase": "maturity", "consent": "on"})
    assert done.status_code == 200
    pulse = Pulse.objects.filter(person=eva).order_by("-pk").first()
    assert Pulse.objects.filter(person=eva).count() == before + 1
    assert pulse.communication == 5 and pulse.co_creation == 5
    assert pulse.problem_solving == 6  # JP3 reverse-keyed (8 − 3 = 5): (6 + 6 + 5) / 3 = 5.67
    assert pulse.satisfaction == 7 and pulse.trust == 4  # (7 + 6) / 2 = 6.5 rounds half up
    view = PhaseRecord.objects.filter(account=firm.own, person=eva).order_by("-pk").first()
    assert view.phase == "maturity" and view.source == "customer_self"
    assert Client().get(link).status_code == 404


def test_contacts_without_email_or_of_another_account_are_named(as_role, firm):
    manager = as_role("manager")
    firm.own_person.email = ""
    firm.own_person.save()
    response = ask(manager, firm, [firm.own_person])
    assert response.status_code == 422
    assert "has no email address" in response.content.decode()
    assert Survey.objects.count() == 0 and mail.outbox == []


def test_only_those_who_work_on_the_account_may_ask(as_role, firm):
    eva = with_email(firm.own_person, "eva@alpha.example")
    other = as_role("analyst")
    assert ask(other, firm, [eva]).status_code == 404
    director = as_role("director")
    assert ask(director, firm, [eva]).status_code == 302
    survey = Survey.objects.get()
    manager = as_role("manager")
    assert manager.get(f"/research/surveys/{survey.pk}/").status_code == 200
    assert manager.post(f"/research/surveys/{survey.pk}/remind/").status_code == 302
    assert len(mail.outbox) == 2 and "how is our relationship going" in mail.outbox[1].subject
