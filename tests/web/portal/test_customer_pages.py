"""The customer's own pages: what a customer user can do, what the supplier's side is
told, and that nothing crosses into another account."""

from __future__ import annotations

from bs4 import BeautifulSoup
from django.utils import timezone

from kamkit.web.accounts.models import Person
from kamkit.web.portal.models import Notification
from kamkit.web.relationships.models import (
    CommunicationPreference,
    PhaseRecord,
    Problem,
    ProblemComment,
    Pulse,
)
from kamkit.web.relationships.services import move_problem_stage
from kamkit.web.users.models import Role, User
from tests.personas import make_user


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def test_raise_a_problem_and_the_ka_manager_is_told(as_role, firm):
    c = as_role("customer")
    empty = c.post("/portal/problems/new/", {"title": "", "framing": ""})
    assert empty.status_code == 422 and not Problem.objects.filter(title="").exists()
    raised = c.post(
        "/portal/problems/new/",
        {"title": "Labels unreadable", "framing": "Our scanners reject one box in ten"},
    )
    problem = Problem.objects.get(title="Labels unreadable")
    assert raised["Location"] == f"/portal/problems/{problem.pk}/"
    assert (problem.raised_by, problem.shared, problem.stage) == ("customer", True, "reported")
    assert problem.customer_framing == "Our scanners reject one box in ten"
    assert list(problem.participants.all()) == [firm.records["chris"]]
    told = Notification.objects.get(recipient=firm.users["manager"])
    assert told.text == "Chris Customer raised a problem: Labels unreadable"
    assert told.link == f"/accounts/problems/{problem.pk}/"
    m = as_role("manager")
    nav = soup(m.get("/accounts/")).select_one("nav").get_text()
    assert "Notifications (1)" in nav
    page = soup(m.get("/portal/notifications/"))
    listed = page.select_one("#notifications").get_text()
    assert "raised a problem: Labels unreadable" in listed and "new" in listed
    # reading the list marks nothing; following the notification marks it read
    assert "Notifications (1)" in soup(m.get("/accounts/")).select_one("nav").get_text()
    opened = m.get(f"/portal/notifications/{told.pk}/")
    assert opened["Location"] == f"/accounts/problems/{problem.pk}/"
    assert "Notifications (1)" not in soup(m.get("/accounts/")).select_one("nav").get_text()
    # another user's notification answers as one that does not exist
    assert as_role("director").get(f"/portal/notifications/{told.pk}/").status_code == 404
    Notification.objects.filter(pk=told.pk).update(read_at=None)
    m = as_role("manager")
    m.post("/portal/notifications/")
    assert not Notification.objects.filter(recipient=firm.users["manager"], read_at=None).exists()


def test_frame_comment_co_define_and_confirm(as_role, firm):
    problem = firm.records["problems"]
    url = f"/portal/problems/{problem.pk}/"
    c = as_role("customer")
    framed = c.post(
        url, {"action": "frame", "framing": "Trucks arrive after our shift", "version": 1}
    )
    assert framed.status_code == 302
    problem.refresh_from_db()
    assert problem.customer_framing == "Trucks arrive after our shift" and problem.version == 2
    stale = c.post(url, {"action": "frame", "framing": "Other words", "version": 1})
    assert stale.status_code == 409
    c.post(url, {"action": "comment", "text": "Since the new carrier"})
    comment = ProblemComment.objects.get(problem=problem)
    assert (comment.side, comment.author) == ("customer", firm.users["customer"])
    early = c.post(url, {"action": "confirm"}, follow=True)
    assert "not open now" in soup(early).select_one(".messages").get_text()
    unframed = c.post(url, {"action": "agree"}, follow=True)
    assert "both sides frame the problem" in soup(unframed).select_one(".messages").get_text()
    from kamkit.web.relationships.services import agree_definition, frame_problem

    problem.refresh_from_db()
    frame_problem(firm.users["manager"], problem, "Carrier capacity", problem.version)
    agreed = c.post(url, {"action": "agree"}, follow=True)
    assert "your supplier's team agrees next" in soup(agreed).select_one(".messages").get_text()
    problem.refresh_from_db()
    assert problem.stage == "reported"
    assert (problem.customer_agreed_by, problem.customer_agreed_on) == (
        firm.users["customer"],
        timezone.localdate(),
    )
    frame_problem(firm.users["manager"], problem, "Carrier capacity on Mondays", problem.version)
    problem.refresh_from_db()
    assert problem.customer_agreed_on is None  # a new framing: both agree again
    c.post(url, {"action": "agree"})
    problem.refresh_from_db()
    agree_definition(firm.users["manager"], problem)
    problem.refresh_from_db()
    assert problem.stage == "jointly_defined"
    change = problem.stage_changes.get(stage="jointly_defined")
    assert change.changed_by == firm.users["manager"]
    move_problem_stage(problem, "deployed", None, firm.users["manager"])
    c.post(url, {"action": "confirm"})
    problem.refresh_from_db()
    assert problem.stage == "closed"
    texts = list(
        Notification.objects.filter(recipient=firm.users["manager"]).values_list("text", flat=True)
    )
    assert any("agreed on the definition" in t for t in texts)
    assert any("confirmed as solved" in t for t in texts)
    assert c.post(url, {"action": "delete"}).status_code == 400


def test_rate_state_the_phase_and_set_preferences_for_oneself(as_role, firm):
    c = as_role("customer")
    chris = firm.records["chris"]
    nothing = c.post("/portal/rate/", {"rated_on": "2026-11-20"})
    assert nothing.status_code == 422 and "rate at least one" in nothing.content.decode()
    # the person field is the customer's own, whatever the form says
    c.post(
        "/portal/rate/",
        {"rated_on": "2026-11-20", "trust": "4", "person": firm.own_person.pk},
    )
    pulse = Pulse.objects.latest("pk")
    assert (pulse.person, pulse.trust) == (chris, 4)
    none = c.post("/portal/phase/", {})
    assert none.status_code == 422
    page = soup(c.get("/portal/phase/"))
    assert len(page.select("fieldset.phase-options label.option")) == 4
    c.post("/portal/phase/", {"phase": "build_up", "note": "We grow together"})
    stated = PhaseRecord.objects.latest("pk")
    assert (stated.source, stated.person, stated.phase) == ("customer_self", chris, "build_up")
    backwards = c.post("/portal/preferences/", {"ideal_min": "9", "ideal_max": "3", "version": 1})
    assert backwards.status_code == 422
    c.post(
        "/portal/preferences/",
        {"ideal_min": "1", "ideal_max": "3", "channels": ["email"], "version": 1},
    )
    mine = CommunicationPreference.objects.get(person=chris)
    assert (mine.ideal_min, mine.ideal_max, mine.channels, mine.version) == (1, 3, ["email"], 2)


def test_a_customer_never_reaches_another_accounts_or_internal_problems(as_role, firm):
    internal = Problem.objects.create(
        account=firm.own, title="Margin squeeze", raised_by="supplier", shared=False
    )
    foreign = Problem.objects.create(account=firm.other, title="Their issue", raised_by="customer")
    c = as_role("customer")
    for problem in (internal, foreign):
        assert c.get(f"/portal/problems/{problem.pk}/").status_code == 404
        assert c.post(f"/portal/problems/{problem.pk}/", {"action": "agree"}).status_code == 404
    internal.refresh_from_db()
    assert internal.stage == "reported"


def test_a_customer_user_without_a_person_gets_one_when_it_first_acts(client, firm):
    newcomer = make_user("nina", Role.CUSTOMER, account=firm.own, email="nina@alpha.example")
    client.force_login(newcomer)
    client.post("/portal/rate/", {"rated_on": "2026-11-20", "satisfaction": "6"})
    person = Person.objects.get(user=newcomer)
    assert (person.account, person.side) == (firm.own, "customer")
    assert Pulse.objects.filter(person=person, satisfaction=6).exists()
    assert User.objects.get(pk=newcomer.pk).role == Role.CUSTOMER


def test_a_german_customer_is_thanked_in_german(as_role, firm):
    """The confirmation after the customer agrees on a problem's definition, in the
    customer's language (it was an English sentence for everyone)."""
    from kamkit.web.relationships.services import frame_problem
    from kamkit.web.users.models import User

    problem = firm.records["problems"]
    url = f"/portal/problems/{problem.pk}/"
    User.objects.filter(pk=firm.users["customer"].pk).update(language="de")
    c = as_role("customer")
    c.post(url, {"action": "frame", "framing": "Trucks arrive after our shift", "version": 1})
    problem.refresh_from_db()
    frame_problem(firm.users["manager"], problem, "Carrier capacity", problem.version)
    agreed = c.post(url, {"action": "agree"}, follow=True)
    said = soup(agreed).select_one(".messages").get_text()
    assert "als Nächstes stimmt das Team Ihres Lieferanten zu" in said
    assert "Thank you" not in said


def test_notifications_come_25_a_page_and_the_unread_count_covers_them_all(as_role, firm):
    manager = firm.users["manager"]
    Notification.objects.bulk_create(
        Notification(recipient=manager, account=firm.own, text=f"note {i:02d}") for i in range(30)
    )
    m = as_role("manager")
    first = soup(m.get("/portal/notifications/"))
    assert len(first.select("#notifications li")) == 25
    assert "30 unread" in first.select_one("#notifications form").get_text()
    pager = first.select_one("#notifications .pager").get_text(" ", strip=True)
    assert "Page 1 of 2" in pager and "Older" in pager
    second = soup(m.get("/portal/notifications/?page=2"))
    assert len(second.select("#notifications li")) == 5
    assert soup(m.get("/portal/notifications/?page=x")).select("#notifications li")  # page 1
