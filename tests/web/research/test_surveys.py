"""Questionnaires: an analyst invites a wave's people, each answers by a one-time link
without an account, and the answers become the wave's ratings."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client

from kamkit.core.diagnosis import parse_case
from kamkit.core.research.instruments import item_bank
from kamkit.web.research.models import MAX_REMINDERS, Survey, SurveyInvitation

ITEMS = item_bank().items("differentiation")


def links() -> list[str]:
    return [re.search(r"http://testserver(/q/[^/\s]+/)", m.body).group(1) for m in mail.outbox]


def start(as_role, firm, anonymous=True) -> tuple[Client, Survey]:
    client = as_role("analyst")
    response = client.post(
        f"/research/waves/{firm.wave.pk}/surveys/",
        {
            "anonymous": "on" if anonymous else "",
            "closes_on": str(dt.date.today() + dt.timedelta(days=10)),
        },
    )
    assert response.status_code == 302
    return client, Survey.objects.get(wave=firm.wave)


def answers(value: int = 5, **overrides) -> dict[str, str]:
    data = {i.id: str(value) for i in ITEMS}
    data["consent"] = "on"
    data.update({k: str(v) for k, v in overrides.items()})
    return data


def case_of(firm):
    firm.wave.refresh_from_db()
    return parse_case(firm.wave.source_yaml)


def test_an_anonymous_answer_becomes_ratings_of_the_unit(as_role, firm):
    client, survey = start(as_role, firm)
    response = client.post(
        f"/research/surveys/{survey.pk}/",
        {"invitees": "legal, anna@example.com, Anna Berg, de\nkam1, ben@example.com"},
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert "anonym" in mail.outbox[0].body and mail.outbox[0].to == ["anna@example.com"]
    before = case_of(firm)
    anna_link = links()[0]

    page = Client().get(anna_link)  # no login
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.html["lang"] == "de"
    assert len(soup.select("fieldset.item")) == len(ITEMS) == 18
    assert ITEMS[0].text["de"] in soup.text

    done = Client().post(anna_link, answers(5, SF3=2, OO1=""))
    assert done.status_code == 200 and "Vielen Dank" in done.content.decode()
    after = case_of(firm)
    new = [r for r in after.respondents if r.id not in {x.id for x in before.respondents}]
    assert len(new) == 1 and new[0].id.startswith("anon-") and new[0].units == ("legal",)
    assert new[0].consent_on == dt.date.today().isoformat()
    mine = {r.item: r for r in after.ratings if r.respondent == new[0].id}
    assert len(mine) == 17  # OO1 left open
    assert mine["SF3"].value == 6.0 and mine["SF3"].dimension == "structural_formalization"
    assert mine["SF1"].value == 5.0
    invitation = SurveyInvitation.objects.get(email="anna@example.com")
    assert invitation.answered_at and invitation.respondent == ""  # nothing ties them
    assert Client().get(anna_link).status_code == 404  # used up

    progress = client.get(f"/research/surveys/{survey.pk}/")
    assert "Progress: 1 of 2 answered" in progress.content.decode()


def test_a_named_answer_keeps_the_invitation_s_respondent_id(as_role, firm):
    client, survey = start(as_role, firm, anonymous=False)
    client.post(f"/research/surveys/{survey.pk}/", {"invitees": "legal, cara@example.com"})
    Client().post(links()[0], answers(3))
    invitation = SurveyInvitation.objects.get(email="cara@example.com")
    assert invitation.respondent == f"q{invitation.pk}"
    assert invitation.respondent in {r.id for r in case_of(firm).respondents}


def test_bad_answers_are_named_and_nothing_is_written(as_role, firm):
    client, survey = start(as_role, firm)
    client.post(f"/research/surveys/{survey.pk}/", {"invitees": "legal, dora@example.com"})
    link = links()[0]
    before = firm.wave.source_yaml
    response = Client().post(link, answers(5, SF1=9))
    assert response.status_code == 422
    soup = BeautifulSoup(response.content, "html.parser")
    assert "choose a point from 1 to 7" in soup.select_one("#item-SF1").text
    empty = Client().post(link, {"consent": "on", **{i.id: "" for i in ITEMS}})
    assert empty.status_code == 422 and "answer at least one question" in empty.content.decode()
    firm.wave.refresh_from_db()
    no_consent = Client().post(link, {k: v for k, v in answers(5).items() if k != "consent"})
    assert no_consent.status_code == 422
    assert "agree to the use of your answers first" in no_consent.content.decode()
    firm.wave.refresh_from_db()
    assert firm.wave.source_yaml == before
    assert SurveyInvitation.objects.get(email="dora@example.com").answered_at is None


def test_invitations_name_each_bad_line_and_invite_no_one_then(as_role, firm):
    client, survey = start(as_role, firm)
    response = client.post(
        f"/research/surveys/{survey.pk}/",
        {"invitees": "legal, ok@example.com\nnowhere, x@example.com\nlegal, not-an-address"},
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "line 3: &#x27;not-an-address&#x27; is not an email address" in text
    response = client.post(
        f"/research/surveys/{survey.pk}/",
        {"invitees": "legal, ok@example.com\nnowhere, x@example.com"},
    )
    assert "line 2: &#x27;nowhere&#x27; is not a unit of this wave" in response.content.decode()
    assert survey.invitations.count() == 0 and mail.outbox == []


def test_a_reminder_replaces_the_link_and_stops_after_the_last(as_role, firm):
    client, survey = start(as_role, firm)
    client.post(f"/research/surveys/{survey.pk}/", {"invitees": "legal, eve@example.com"})
    first = links()[0]
    for _ in range(MAX_REMINDERS + 1):
        client.post(f"/research/surveys/{survey.pk}/remind/")
    assert len(mail.outbox) == 1 + MAX_REMINDERS
    assert Client().get(first).status_code == 404
    assert Client().get(links()[-1]).status_code == 200
    assert SurveyInvitation.objects.get(email="eve@example.com").reminders == MAX_REMINDERS


def test_a_closed_questionnaire_opens_no_link(as_role, firm):
    client, survey = start(as_role, firm)
    client.post(f"/research/surveys/{survey.pk}/", {"invitees": "legal, fay@example.com"})
    client.post(f"/research/surveys/{survey.pk}/close/")
    assert Client().get(links()[0]).status_code == 404
    response = client.post(
        f"/research/surveys/{survey.pk}/", {"invitees": "legal, gus@example.com"}
    )
    assert response.status_code == 422  # no invitations to a closed questionnaire


@pytest.mark.parametrize("days", [-1, 365])
def test_the_last_day_must_be_ahead_and_within_bounds(as_role, firm, days):
    client = as_role("analyst")
    response = client.post(
        f"/research/waves/{firm.wave.pk}/surveys/",
        {"anonymous": "on", "closes_on": str(dt.date.today() + dt.timedelta(days=days))},
    )
    assert response.status_code == 422
    assert Survey.objects.count() == 0


def test_an_anonymous_survey_does_not_show_who_answered(as_role, firm):
    client, survey = start(as_role, firm)
    client.post(
        f"/research/surveys/{survey.pk}/",
        {"invitees": "legal, hal@example.com\nlegal, ida@example.com"},
    )
    Client().post(links()[0], answers(4))
    page = BeautifulSoup(client.get(f"/research/surveys/{survey.pk}/").content, "html.parser")
    invited = page.select_one("#invited")
    assert "hal@example.com" in invited.text
    assert "Answered" not in invited.text and "anon-" not in invited.text
    assert "Progress: 1 of 2 answered" in page.select_one("#progress").text


def test_reminders_go_out_automatically_through_the_task_runner(as_role, firm):
    from django.utils import timezone

    from kamkit.web.research.tasks import remind_survey

    client, survey = start(as_role, firm)
    client.post(
        f"/research/surveys/{survey.pk}/",
        {"invitees": "legal, jo@example.com\nlegal, kim@example.com"},
    )
    survey.refresh_from_db()
    due = survey.next_reminder_at
    assert due is not None
    assert abs((due - timezone.now()) - dt.timedelta(days=7)) < dt.timedelta(minutes=1)
    assert remind_survey.call(survey.pk) == 0  # not due yet: a stale or early task does nothing
    Client().post(links()[0], answers(4))  # jo answers
    Survey.objects.filter(pk=survey.pk).update(next_reminder_at=timezone.now())
    assert remind_survey.call(survey.pk) == 1  # only kim is reminded
    assert mail.outbox[-1].to == ["kim@example.com"]
    survey.refresh_from_db()
    assert survey.next_reminder_at > timezone.now() + dt.timedelta(days=6)  # the next one
    client.post(f"/research/surveys/{survey.pk}/close/")
    Survey.objects.filter(pk=survey.pk).update(next_reminder_at=timezone.now())
    assert remind_survey.call(survey.pk) == 0  # closed: no more


def test_no_automatic_reminders_when_asked_for_none(as_role, firm):
    client = as_role("analyst")
    client.post(
        f"/research/waves/{firm.wave.pk}/surveys/",
        {
            "anonymous": "on",
            "closes_on": str(dt.date.today() + dt.timedelta(days=10)),
            "remind_after_days": "0",
        },
    )
    survey = Survey.objects.get()
    client.post(f"/research/surveys/{survey.pk}/", {"invitees": "legal, lu@example.com"})
    survey.refresh_from_db()
    assert survey.remind_after_days == 0 and survey.next_reminder_at is None


def test_partners_rate_a_kam_unit_s_practices_and_the_pair_s_practices_follow(as_role, firm):
    client = as_role("analyst")
    client.post(
        f"/research/waves/{firm.wave.pk}/surveys/",
        {
            "instrument": "frame_alignment",
            "anonymous": "on",
            "closes_on": str(dt.date.today() + dt.timedelta(days=10)),
        },
    )
    survey = Survey.objects.get()
    refused = client.post(
        f"/research/surveys/{survey.pk}/", {"invitees": "legal, nowhere, x@example.com"}
    )
    assert (
        "the wave has no pair of KAM unit &#x27;nowhere&#x27; and partner &#x27;legal&#x27;"
        in refused.content.decode()
    )
    client.post(
        f"/research/surveys/{survey.pk}/",
        {"invitees": "legal, kam1, ann@example.com\nlegal, kam1, bob@example.com"},
    )
    assert mail.outbox[0].subject.endswith("a short questionnaire about working with KAM unit 1")
    first, second = links()
    page = BeautifulSoup(Client().get(first).content, "html.parser")
    assert len(page.select("fieldset.item")) == 8
    assert "Working with the KAM unit" in page.select_one("h1").text

    def practices():
        case = case_of(firm)
        return next(
            link for link in case.links if (link.kam, link.partner) == ("kam1", "legal")
        ).alignment

    data = {
        "FB1": "6",
        "FB2": "6",
        "FA1": "2",
        "FA2": "2",
        "FE1": "4",
        "FE2": "4",
        "FT1": "",
        "FT2": "",
        "consent": "on",
    }
    assert Client().post(first, data).status_code == 200
    after = practices()
    assert after.practices == {
        "bridging": "substantial",  # mean 6
        "amplification": "absent",  # mean 2
        "extension": "partial",  # mean 4
        "transformation": "absent",  # nobody rated it, nothing recorded before
    }
    assert after.level == "rather low"  # the analyst's level stays and counts first
    assert any(e.endswith("1 respondent of legal") for e in after.evidence)
    Client().post(second, {**data, "FB1": "2", "FB2": "2"})
    after = practices()
    assert after.practices["bridging"] == "partial"  # (6 + 6 + 2 + 2) / 4 = 4
    assert [e for e in after.evidence if e.startswith(f"questionnaire {survey.pk}:")] == [
        f"questionnaire {survey.pk}: 2 respondents of legal"
    ]


def test_the_wave_s_questionnaires_say_how_and_whether_open_in_german(as_role, firm):
    """The list of a wave's questionnaires: anonymous or named, open or closed, in the
    reader's language (it said "anonymous" and "open" in German too)."""
    from kamkit.web.users.models import User

    client, survey = start(as_role, firm)
    User.objects.filter(pk=firm.users["analyst"].pk).update(language="de")
    page = BeautifulSoup(
        client.get(f"/research/waves/{firm.wave.pk}/surveys/").content, "html.parser"
    )
    cells = [td.get_text(" ", strip=True) for td in page.select("table.list tbody td")]
    assert "anonym" in cells and "offen" in cells
    assert "anonymous" not in cells and "open" not in cells
    Survey.objects.filter(pk=survey.pk).update(anonymous=False, closes_on=dt.date(2020, 1, 1))
    page = BeautifulSoup(
        client.get(f"/research/waves/{firm.wave.pk}/surveys/").content, "html.parser"
    )
    cells = [td.get_text(" ", strip=True) for td in page.select("table.list tbody td")]
    assert "namentlich" in cells and "geschlossen" in cells
