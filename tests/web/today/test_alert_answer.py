"""Answering an index alert: the account's KA manager (or a director) says what will be
done; the alert leaves Today and the others who were alerted are told. Page and API."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from kamkit.web.assessment.models import IndexAlert
from kamkit.web.portal.models import Notification


@pytest.fixture
def alert(firm):
    return IndexAlert.objects.create(
        account=firm.own, on=timezone.localdate() - dt.timedelta(days=2), index=55, earlier=71
    )


def kinds(client) -> list[str]:
    page = BeautifulSoup(client.get("/today/").content, "html.parser")
    return [li["class"][1].removeprefix("kind-") for li in page.select("#today-list li")]


def test_the_manager_answers_from_today_and_the_director_is_told(as_role, firm, alert):
    c = as_role("manager")
    assert "index_fell" in kinds(c)
    page = BeautifulSoup(c.get("/today/").content, "html.parser")
    form = page.select_one(".answer-alert form")
    assert form["action"] == f"/today/alerts/{alert.pk}/answer/"
    answer = c.post(form["action"], {"answer": "Call their COO this week.", "next": "/today/"})
    assert answer.status_code == 302 and answer["Location"] == "/today/"
    alert.refresh_from_db()
    assert (
        alert.answer == "Call their COO this week." and alert.answered_by == firm.users["manager"]
    )
    assert "index_fell" not in kinds(c)
    told = Notification.objects.get(recipient=firm.users["director"])
    assert told.text.endswith("answered the fall of the index: Call their COO this week.")
    assert not Notification.objects.filter(recipient=firm.users["manager"]).exists()
    # once: a second answer is refused with who answered
    again = c.post(form["action"], {"answer": "Something else."}, follow=True)
    assert "answered this alert already" in again.content.decode()
    alert.refresh_from_db()
    assert alert.answer == "Call their COO this week."


def test_an_empty_answer_is_refused_and_nothing_is_written(as_role, alert):
    c = as_role("manager")
    page = c.post(f"/today/alerts/{alert.pk}/answer/", {"answer": "   "}, follow=True)
    assert "say what will be done" in page.content.decode()
    alert.refresh_from_db()
    assert alert.answered_at is None and alert.answer == ""


def test_who_may_answer(as_role, firm, alert):
    # another KA manager's account: not found; a customer: not its to answer
    url = f"/today/alerts/{alert.pk}/answer/"
    from kamkit.web.users.models import User

    other = User.objects.get(pk=firm.other.ka_manager_id)
    from django.test import Client

    outsider = Client()
    outsider.force_login(other)
    assert outsider.post(url, {"answer": "x"}).status_code == 404
    assert as_role("customer").post(url, {"answer": "x"}).status_code == 404
    assert as_role("analyst").post(url, {"answer": "x"}).status_code == 404
    alert.refresh_from_db()
    assert alert.answered_at is None
    # a director may
    assert as_role("director").post(url, {"answer": "I will call them."}).status_code == 302
    alert.refresh_from_db()
    assert alert.answered_by == firm.users["director"]
    # then the KA manager is told
    assert Notification.objects.filter(recipient=firm.users["manager"]).exists()


def test_the_api_lists_and_answers_alerts(client, firm, bearer, alert):
    manager = bearer("manager")
    url = f"/api/v1/accounts/{firm.own.pk}/alerts"
    listed = client.get(url, **manager).json()
    assert listed["count"] == 1 and listed["items"][0]["answer"] == ""
    assert listed["items"][0]["earlier"] == 71 and listed["items"][0]["index"] == 55
    answer_url = f"{url}/{alert.pk}/answer"
    bad = client.post(answer_url, {"answer": ""}, content_type="application/json", **manager)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "answer"
    bad = client.post(answer_url, {"answer": "a\x00b"}, content_type="application/json", **manager)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "answer"
    done = client.post(
        answer_url, {"answer": "Workshop on 3 Dec."}, content_type="application/json", **manager
    )
    assert done.status_code == 200 and done.json()["answer"] == "Workshop on 3 Dec."
    assert done.json()["answered_by"] == firm.users["manager"].pk
    again = client.post(answer_url, {"answer": "More."}, content_type="application/json", **manager)
    assert again.status_code == 409
    # a customer learns nothing of alerts
    customer = bearer("customer")
    assert client.get(url, **customer).status_code == 404
    assert (
        client.post(
            answer_url, {"answer": "x"}, content_type="application/json", **customer
        ).status_code
        == 404
    )


def test_the_answer_form_speaks_german(as_role, alert):
    c = as_role("manager")
    c.post("/auth/language/", {"language": "de"})
    text = (
        BeautifulSoup(c.get("/today/").content, "html.parser")
        .select_one(".answer-alert")
        .get_text(" ")
    )
    assert "Was werden Sie tun?" in text
    page = BeautifulSoup(c.get(f"/accounts/{alert.account_id}/").content, "html.parser")
    card = page.select_one("#index-alert").get_text(" ")
    assert (
        "der Index fiel in einem Monat von 71 auf 55" in card and "Noch nicht beantwortet" in card
    )


def test_the_account_page_shows_the_alert_and_its_answer(as_role, firm, alert):
    c = as_role("director")
    page = BeautifulSoup(c.get(f"/accounts/{firm.own.pk}/").content, "html.parser")
    card = page.select_one("#index-alert").get_text(" ")
    assert "the index fell from 71 to 55 in a month" in card and "Not answered yet." in card
    c.post(f"/today/alerts/{alert.pk}/answer/", {"answer": "Workshop on 3 Dec."})
    page = BeautifulSoup(c.get(f"/accounts/{firm.own.pk}/").content, "html.parser")
    assert "Workshop on 3 Dec." in page.select_one("#alert-answer").get_text()
    # the customer's page never shows it
    customer = BeautifulSoup(
        as_role("customer").get(f"/accounts/{firm.own.pk}/").content, "html.parser"
    )
    assert customer.select_one("#index-alert") is None
