"""The Today page and ``GET /api/v1/today``: what needs action, for whom, in which
order, and never another manager's or anything a customer could read."""

from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup
from django.utils import timezone

from kamkit.web.assessment.models import IndexAlert
from kamkit.web.relationships import services as work
from kamkit.web.relationships.models import Interaction, Problem, Task


def listed(response) -> list[tuple[str, str]]:
    """(kind, account name) of each item, in the page's order."""
    page = BeautifulSoup(response.content, "html.parser")
    return [
        (li["class"][1].removeprefix("kind-"), li.select_one(".today-account").get_text())
        for li in page.select("#today-list li.today-item")
    ]


def text_of(response) -> str:
    return BeautifulSoup(response.content, "html.parser").select_one("main").get_text(" ")


def test_the_manager_sees_what_needs_them_most_pressing_first(as_role, firm):
    today = timezone.localdate()
    manager = firm.users["manager"]
    Task.objects.create(
        account=firm.own, title="Send the offer", due_on=today - dt.timedelta(days=2), owner=manager
    )
    Task.objects.create(account=firm.own, title="Call Eva", due_on=today, owner=manager)
    Task.objects.create(
        account=firm.own, title="Later", due_on=today + dt.timedelta(days=1), owner=manager
    )
    Task.objects.create(
        account=firm.own,
        title="Done",
        due_on=today - dt.timedelta(days=5),
        owner=manager,
        done_on=today,
    )
    IndexAlert.objects.create(
        account=firm.own, on=today - dt.timedelta(days=3), index=55, earlier=71
    )
    c = as_role("manager")
    page = c.get("/today/")
    assert page.status_code == 200
    # Alpha's customer raised "Late deliveries" and nobody answered; Beta is not theirs
    assert listed(page) == [
        ("task_overdue", "Alpha Motors"),
        ("problem_waiting", "Alpha Motors"),
        ("index_fell", "Alpha Motors"),
        ("task_due", "Alpha Motors"),
    ]
    words = text_of(page)
    assert "Overdue by 2 days: Send the offer" in words
    assert "The customer is waiting for our answer on: Late deliveries" in words
    assert "The index fell 16 points in a month (71 → 55)" in words
    assert "Due today: Call Eva" in words
    assert "Beta Energy" not in words and "Later" not in words


def test_an_answer_in_the_shared_thread_ends_the_wait_an_internal_note_does_not(as_role, firm):
    problem = firm.records["problems"]
    c = as_role("manager")
    work.comment_on_problem(
        firm.users["manager"], problem, "Checking with logistics.", internal=True
    )
    assert ("problem_waiting", "Alpha Motors") in listed(c.get("/today/"))
    work.comment_on_problem(firm.users["manager"], problem, "We will ship on Friday.")
    assert ("problem_waiting", "Alpha Motors") not in listed(c.get("/today/"))
    # the customer writes again: waiting again
    work.comment_on_problem(
        firm.users["customer"], Problem.objects.get(pk=problem.pk), "Still late."
    )
    assert ("problem_waiting", "Alpha Motors") in listed(c.get("/today/"))


def test_a_director_sees_every_account_or_one_manager_s(as_role, firm):
    c = as_role("director")
    everything = listed(c.get("/today/"))
    # Beta: declining without a decision, and never contacted
    assert everything == [
        ("problem_waiting", "Alpha Motors"),
        ("decision_needed", "Beta Energy"),
        ("no_contact", "Beta Energy"),
    ]
    other = firm.other.ka_manager
    assert listed(c.get("/today/", {"ka_manager": other.pk})) == everything[1:]
    assert listed(c.get("/today/", {"ka_manager": "null"})) == []
    assert listed(c.get("/today/", {"kind": "no_contact"})) == [("no_contact", "Beta Energy")]
    # a contact today takes Beta off the list
    Interaction.objects.create(
        account=firm.other, channel="phone", initiated_by="customer", occurred_at=timezone.now()
    )
    assert ("no_contact", "Beta Energy") not in listed(c.get("/today/"))


def test_bad_filters_are_named_and_nothing_else_is_listed(as_role, firm):
    c = as_role("director")
    for params, field in (
        ({"ka_manager": "abc"}, "ka_manager"),
        ({"ka_manager": firm.users["analyst"].pk}, "ka_manager"),
        ({"kind": "call_soon"}, "kind"),
    ):
        page = c.get("/today/", params)
        assert page.status_code == 422
        assert (
            BeautifulSoup(page.content, "html.parser")
            .select_one("#today-error")
            .get_text()
            .startswith(field)
        )
    # a KA manager cannot look at a colleague's accounts
    m = as_role("manager")
    page = m.get("/today/", {"ka_manager": firm.other.ka_manager.pk})
    assert page.status_code == 422 and "Beta Energy" not in text_of(page)


def test_who_may_open_today(as_role, firm):
    for role, status in (
        ("admin", 200),
        ("director", 200),
        ("manager", 200),
        ("analyst", 403),
        ("partner", 403),
        ("customer", 403),
    ):
        assert as_role(role).get("/today/").status_code == status, role
    assert as_role("anonymous").get("/today/").status_code == 302


def test_the_list_downloads_with_its_filters(as_role, firm):
    c = as_role("director")
    download = c.get("/today/", {"kind": "no_contact", "export": "csv"})
    lines = b"".join(download.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].split(",")[:3] == ["kind", "account", "account_id"]
    assert len(lines) == 2 and "Beta Energy" in lines[1] and "Never contacted" in lines[1]
    assert c.get("/today/", {"export": "pdf"}).status_code == 400


def test_an_empty_day_says_so(as_role, firm):
    Problem.objects.filter(pk=firm.records["problems"].pk).update(stage="deployed")
    page = as_role("manager").get("/today/")
    assert listed(page) == []
    assert "Nothing needs action today." in text_of(page)


def test_the_api_lists_the_same_items(client, firm, bearer):
    manager = bearer("manager")
    answer = client.get("/api/v1/today", **manager).json()
    assert [(i["kind"], i["account_name"]) for i in answer["items"]] == [
        ("problem_waiting", "Alpha Motors")
    ]
    item = answer["items"][0]
    assert item["ref"] == firm.records["problems"].pk and item["days"] == 0
    assert answer["counts"]["problem_waiting"] == 1 and answer["counts"]["no_contact"] == 0
    director = bearer("director")
    answer = client.get("/api/v1/today?kind=no_contact", **director).json()
    assert answer["count"] == 1 and answer["items"][0]["account"] == firm.other.pk
    assert answer["counts"]["decision_needed"] == 1  # before the kind is applied
    # paging
    page = client.get("/api/v1/today?limit=1&offset=1", **director).json()
    assert page["count"] == 3 and [i["kind"] for i in page["items"]] == ["decision_needed"]
    # errors name their field
    bad = client.get("/api/v1/today?ka_manager=abc", **director)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "ka_manager"
    bad = client.get("/api/v1/today?kind=soon", **director)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "kind"
    # who keeps no accounts has no Today
    for role in ("customer", "analyst", "partner"):
        assert client.get("/api/v1/today", **bearer(role)).status_code == 403, role
    assert client.get("/api/v1/today").status_code == 401


def test_the_page_speaks_german(as_role, firm):
    c = as_role("manager")
    c.post("/auth/language/", {"language": "de"})
    words = text_of(c.get("/today/"))
    assert "Heute" in words and "Der Kunde wartet auf unsere Antwort zu: Late deliveries" in words


def test_framing_the_customer_s_problem_is_our_first_answer(as_role, firm):
    problem = Problem.objects.get(pk=firm.records["problems"].pk)
    c = as_role("manager")
    assert ("problem_waiting", "Alpha Motors") in listed(c.get("/today/"))
    work.frame_problem(
        firm.users["manager"], problem, "Our carrier missed two slots.", problem.version
    )
    assert ("problem_waiting", "Alpha Motors") not in listed(c.get("/today/"))


def test_a_director_sees_who_owes_what(as_role, firm):
    c = as_role("director")
    page = BeautifulSoup(c.get("/today/").content, "html.parser")
    rows = {
        tr.select_one("td a").get_text(strip=True): [
            td.get_text(strip=True) for td in tr.select("td.num")
        ]
        for tr in page.select("#today-team tbody tr")
    }
    # columns: overdue, waiting, proposal, index fell, decision, no contact, due today, all
    other = firm.other.ka_manager.username
    assert rows == {
        other: ["·", "·", "·", "·", "1", "1", "·", "2"],  # Beta: undecided, never contacted
        "manager": ["·", "1", "·", "·", "·", "·", "·", "1"],  # Alpha's customer waits
    }
    link = page.select_one("#today-team tbody tr td a")["href"]
    assert listed(c.get("/today/" + link)) == [
        ("decision_needed", "Beta Energy"),
        ("no_contact", "Beta Energy"),
    ]
    # one KA manager's list has no table; a KA manager never sees one
    filtered = BeautifulSoup(c.get("/today/" + link).content, "html.parser")
    assert filtered.select_one("#today-team") is None
    mine = BeautifulSoup(as_role("manager").get("/today/").content, "html.parser")
    assert mine.select_one("#today-team") is None


def test_a_german_reader_s_download_names_its_columns_in_german(as_role, firm):
    c = as_role("director")
    c.post("/auth/language/", {"language": "de"})
    download = c.get("/today/", {"kind": "no_contact", "export": "csv"})
    lines = b"".join(download.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].split(",") == [
        "Art",
        "Account",
        "Account-ID",
        "KA-Manager",
        "Seit",
        "Tage",
        "Was",
        "Hebel",
    ]
    assert "Kein Kontakt" in lines[1] and "Nie kontaktiert" in lines[1]
    # the lever too, in German
    from kamkit.web.assessment.models import AssessmentSnapshot

    AssessmentSnapshot.objects.create(
        account=firm.other, on=timezone.localdate(), lever="co_creation"
    )
    download = c.get("/today/", {"kind": "no_contact", "export": "csv"})
    lines = b"".join(download.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[1].endswith(",Gemeinsame Wertschöpfung")


def test_the_customer_s_proposal_waits_until_we_agree_or_drop_it(as_role, firm):
    from kamkit.web.accounts.models import Account
    from kamkit.web.relationships.models import JointInitiative

    customer = firm.users["customer"]
    idea = work.create_initiative(
        customer, Account.objects.get(pk=firm.own.pk), {"title": "Returnable crates"}
    )
    c = as_role("manager")
    assert ("initiative_proposed", "Alpha Motors") in listed(c.get("/today/"))
    assert "The customer proposed today: Returnable crates" in text_of(c.get("/today/"))
    # ours (the firm's own "Joint pilot line", also proposed) is not listed
    assert [k for k, _ in listed(c.get("/today/?kind=initiative_proposed"))] == [
        "initiative_proposed"
    ]
    page = BeautifulSoup(c.get("/today/").content, "html.parser")
    assert page.select_one(".kind-initiative_proposed a.button")["href"] == (
        f"/accounts/initiatives/{idea.pk}/"
    )
    # agreed: answered
    idea = JointInitiative.objects.get(pk=idea.pk)
    work.update_initiative(firm.users["manager"], idea, {"status": "agreed"}, idea.version)
    assert ("initiative_proposed", "Alpha Motors") not in listed(c.get("/today/"))
