"""The search box in the top bar, its page and ``GET /api/v1/search``: what each role
finds, and what it never finds."""

from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kamkit.web.accounts.models import Account, Person, Side
from kamkit.web.relationships.models import JointInitiative, Problem, Task
from kamkit.web.search.services import MAX_LENGTH, PER_GROUP


def found(response) -> dict[str, list[str]]:
    """The page's hits by group: {"accounts": ["Alpha Motors", …], …}."""
    page = BeautifulSoup(response.content, "html.parser")
    return {
        section["id"].removeprefix("found-"): [
            a.get_text(strip=True) for a in section.select("ul.found li > a:first-child")
        ]
        for section in page.select("section[id^=found-]")
    }


def links(response) -> dict[str, str]:
    page = BeautifulSoup(response.content, "html.parser")
    return {a.get_text(strip=True): a["href"] for a in page.select("ul.found li > a:first-child")}


def test_a_director_finds_every_kind_of_record_and_it_opens(as_role, firm):
    Problem.objects.create(account=firm.other, title="Alpha pump leaks", raised_by="supplier")
    Task.objects.create(account=firm.other, title="Call Alpha's plant", due_on=dt.date.today())
    c = as_role("director")
    answer = c.get("/search/", {"q": "alpha"})
    assert answer.status_code == 200
    hits = found(answer)
    assert hits["accounts"] == ["Alpha Motors"]
    assert hits["problems"] == ["Alpha pump leaks"]
    assert hits["tasks"] == ["Call Alpha's plant"]
    where = links(answer)
    assert where["Alpha Motors"] == f"/accounts/{firm.own.pk}/"
    problem = Problem.objects.get(title="Alpha pump leaks")
    assert where["Alpha pump leaks"] == f"/accounts/problems/{problem.pk}/"
    assert c.get(where["Alpha pump leaks"]).status_code == 200
    # people by name, email, role or department; the customer's side first
    Person.objects.create(account=firm.other, side=Side.CUSTOMER, name="Bo Buyer", role="ceo")
    assert found(c.get("/search/", {"q": "buyer"}))["people"] == ["Bo Buyer", "Eva Buyer"]
    assert found(c.get("/search/", {"q": "engineer"}))["people"] == ["Sam Engineer"]
    # the diagnosis: projects and cases
    hits = found(c.get("/search/", {"q": "published"}))
    assert hits["projects"] == ["Published case project"] and "Published case" in hits["cases"]


def test_names_that_start_with_the_phrase_come_first_and_a_group_says_how_many(as_role, firm):
    Account.objects.bulk_create(
        [Account(name=f"Northwind {i:02d}") for i in range(PER_GROUP + 3)]
        + [Account(name="A North Star")]
    )
    c = as_role("director")
    answer = c.get("/search/", {"q": "north"})
    hits = found(answer)["accounts"]
    assert hits[0] == "Northwind 00" and "A North Star" not in hits
    assert len(hits) == PER_GROUP
    page = BeautifulSoup(answer.content, "html.parser")
    heading = page.select_one("#found-accounts h2").get_text(" ", strip=True)
    assert f"{PER_GROUP} of {PER_GROUP + 4}" in heading
    more = page.select_one("#found-accounts p.small a")
    assert more["href"] == "/accounts/?q=north"
    listed = BeautifulSoup(c.get(more["href"]).content, "html.parser")
    assert "14 accounts" in listed.get_text()


def test_a_manager_finds_only_their_accounts_records(as_role, firm):
    Problem.objects.create(account=firm.other, title="Energy invoices late", raised_by="customer")
    c = as_role("manager")
    assert "accounts" not in found(c.get("/search/", {"q": "beta"}))
    assert found(c.get("/search/", {"q": "luis"})) == {}
    assert "problems" not in found(c.get("/search/", {"q": "invoices"}))
    assert found(c.get("/search/", {"q": "late deliveries"}))["problems"] == ["Late deliveries"]


def test_a_customer_finds_only_what_its_account_shares(as_role, firm):
    Problem.objects.create(
        account=firm.own, title="Pricing dispute (ours)", raised_by="supplier", shared=False
    )
    Problem.objects.create(account=firm.other, title="Pricing at Beta", raised_by="customer")
    JointInitiative.objects.create(account=firm.own, title="Pricing model", shared=True)
    Task.objects.create(account=firm.own, title="Pricing memo", due_on=dt.date.today())
    c = as_role("customer")
    hits = found(c.get("/search/", {"q": "pricing"}))
    # not the internal problem, not the other account's, not the unshared task
    assert hits == {"initiatives": ["Pricing model"]}
    initiative = JointInitiative.objects.get(title="Pricing model")
    assert links(c.get("/search/", {"q": "pricing"}))["Pricing model"] == (
        f"/portal/initiatives/{initiative.pk}/"
    )
    assert found(c.get("/search/", {"q": "beta"})) == {}
    assert found(c.get("/search/", {"q": "luis"})) == {}
    # the diagnosis is internal: never a customer's, whatever it is called
    assert found(c.get("/search/", {"q": "published"})) == {}
    assert found(c.get("/search/", {"q": "late"}))["problems"] == ["Late deliveries"]
    assert links(c.get("/search/", {"q": "late"}))["Late deliveries"] == (
        f"/portal/problems/{firm.records['problems'].pk}/"
    )


def test_an_analyst_finds_the_diagnosis_and_no_account(as_role, firm):
    c = as_role("analyst")
    assert found(c.get("/search/", {"q": "alpha"})) == {}
    assert "cases" in found(c.get("/search/", {"q": "wave"}))


def test_bad_phrases_are_named_and_nothing_is_searched(as_role, firm):
    c = as_role("director")
    empty = c.get("/search/")
    assert empty.status_code == 200 and found(empty) == {}
    assert BeautifulSoup(empty.content, "html.parser").select_one("#search-error") is None
    short = c.get("/search/", {"q": " a "})
    assert short.status_code == 422
    error = BeautifulSoup(short.content, "html.parser").select_one("#search-error")
    assert "at least 2 characters" in error.get_text()
    long = c.get("/search/", {"q": "x" * (MAX_LENGTH + 1)})
    assert long.status_code == 422
    assert f"at most {MAX_LENGTH} characters" in long.content.decode()
    for hostile in ("ab\x00cd", "ab\x1bcd"):  # PostgreSQL cannot compare a NUL
        refused = c.get("/search/", {"q": hostile})
        assert refused.status_code == 422
        assert "control character" in refused.content.decode()
    # the database's wildcards are letters like any other
    assert found(c.get("/search/", {"q": "%_"})) == {}
    nothing = c.get("/search/", {"q": "zzz-nothing"})
    assert nothing.status_code == 200
    assert "Nothing you may see matches" in nothing.content.decode()


def test_the_phrase_is_shown_as_text_never_as_markup(as_role, firm):
    c = as_role("director")
    answer = c.get("/search/", {"q": '<script>alert("x")</script>'})
    assert answer.status_code == 200
    assert b"<script>alert" not in answer.content
    box = BeautifulSoup(answer.content, "html.parser").select_one("#search-q")
    assert box["value"] == '<script>alert("x")</script>'


def test_the_top_bar_search_box_is_on_every_page_and_keeps_the_phrase(as_role, firm):
    c = as_role("manager")
    page = BeautifulSoup(c.get("/accounts/").content, "html.parser")
    box = page.select_one("header form.topsearch")
    assert box["action"] == "/search/" and box.select_one("input[name=q]")
    kept = BeautifulSoup(c.get("/search/", {"q": "alpha"}).content, "html.parser")
    assert kept.select_one("header form.topsearch input")["value"] == "alpha"


def test_the_query_count_does_not_grow_with_the_hits(as_role, firm):
    c = as_role("director")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/search/", {"q": "zeta"}).status_code == 200
        # the kept pages' data version is read after a write: not the search's
        return sum("dataversion" not in q["sql"] for q in ctx.captured_queries)

    Account.objects.bulk_create([Account(name=f"Zeta {i}") for i in range(2)])
    few = queries()
    Account.objects.bulk_create([Account(name=f"Zeta {i}") for i in range(2, 30)])
    for account in Account.objects.filter(name__startswith="Zeta"):
        Person.objects.create(account=account, side=Side.CUSTOMER, name=f"Zeta person {account.pk}")
    assert queries() == few + 2  # two groups hold more than a page: they are counted


def test_the_api_answers_groups_and_names_a_bad_field(client, firm, bearer):
    headers = bearer("manager")
    body = client.get("/api/v1/search", {"q": "alpha"}, **headers).json()
    assert body["query"] == "alpha"
    accounts = {g["kind"]: g for g in body["groups"]}["accounts"]
    assert accounts["count"] == 1
    assert accounts["items"][0] == {
        "id": firm.own.pk,
        "title": "Alpha Motors",
        "detail": accounts["items"][0]["detail"],
        "url": f"/accounts/{firm.own.pk}/",
    }
    assert client.get("/api/v1/search", {"q": "beta"}, **headers).json()["groups"] == []
    short = client.get("/api/v1/search", {"q": "a"}, **headers)
    assert short.status_code == 422
    assert short.json()["errors"][0]["field"] == "q"
    assert "at least 2" in short.json()["errors"][0]["message"]
    nul = client.get("/api/v1/search", {"q": "ab\x00"}, **headers)
    assert nul.status_code == 422 and nul.json()["errors"][0]["field"] == "q"
    missing = client.get("/api/v1/search", **headers)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "q"
    too_many = client.get("/api/v1/search", {"q": "alpha", "limit": 51}, **headers)
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "limit"
    assert client.get("/api/v1/search", {"q": "alpha"}).status_code == 401
    customer = client.get("/api/v1/search", {"q": "beta"}, **bearer("customer")).json()
    assert customer["groups"] == []


def test_a_german_reader_is_told_in_german(as_role, firm):
    from kamkit.web.users.models import User

    User.objects.filter(pk=firm.users["director"].pk).update(language="de")
    c = as_role("director")
    short = c.get("/search/", {"q": "a"})
    assert short.status_code == 422
    error = BeautifulSoup(short.content, "html.parser").select_one("#search-error")
    assert error.get_text(strip=True) == "Geben Sie mindestens 2 Zeichen ein."
    assert "Nichts, was Sie sehen dürfen" in c.get("/search/", {"q": "zzzz"}).content.decode()


def test_an_account_found_offers_to_log_a_contact_to_whoever_may(as_role, firm):
    def log_links(role: str) -> list[str]:
        page = BeautifulSoup(as_role(role).get("/search/", {"q": "alpha"}).content, "html.parser")
        return [a["href"] for a in page.select("#found-accounts a.log-here")]

    assert log_links("manager") == [f"/accounts/{firm.own.pk}/?log=1#log"]
    assert log_links("director") == [f"/accounts/{firm.own.pk}/?log=1#log"]
    assert log_links("customer") == []  # its own account, not its to log on
    page = BeautifulSoup(
        as_role("manager").get(f"/accounts/{firm.own.pk}/?log=1").content, "html.parser"
    )
    assert page.select_one("details#log").has_attr("open")
    plain = BeautifulSoup(
        as_role("manager").get(f"/accounts/{firm.own.pk}/").content, "html.parser"
    )
    assert not plain.select_one("details#log").has_attr("open")


def test_letters_beyond_a_to_z_are_found_in_either_case(as_role, firm, client, bearer):
    # SQLite's LIKE ignores the case of A–Z only: "österreich" must still find Österreich
    Account.objects.filter(pk=firm.own.pk).update(country="Österreich")
    Person.objects.create(account=firm.own, side=Side.CUSTOMER, name="Jürgen Ölmüller")
    c = as_role("director")
    assert found(c.get("/search/", {"q": "österreich"}))["accounts"] == ["Alpha Motors"]
    assert found(c.get("/search/", {"q": "ÖSTERREICH"}))["accounts"] == ["Alpha Motors"]
    assert found(c.get("/search/", {"q": "ölmüller"}))["people"] == ["Jürgen Ölmüller"]
    # the portfolio's own box, and the API
    page = BeautifulSoup(c.get("/accounts/", {"q": "österreich"}).content, "html.parser")
    assert [a.get_text(strip=True) for a in page.select("#portfolio-table tbody td a")][:1] == [
        "Alpha Motors"
    ]
    api = client.get("/api/v1/accounts?q=%C3%B6sterreich", **bearer("director")).json()
    assert [a["name"] for a in api["items"]] == ["Alpha Motors"]


def test_a_manager_finds_a_note_in_the_contacts_of_their_accounts(as_role, firm, client, bearer):
    c = as_role("manager")
    answer = c.get("/search/", {"q": "prep call"})
    assert found(answer)["contacts"] == ["Internal prep call notes"]
    link = links(answer)["Internal prep call notes"]
    assert link == f"/accounts/{firm.own.pk}/?q=prep+call#timeline"
    # it opens the account with its timeline searched for the words
    page = BeautifulSoup(c.get(link).content, "html.parser")
    assert page.select_one("#timeline-q")["value"] == "prep call"
    entries = page.select("#timeline-list li")
    assert entries and all("prep call" in li.get_text().lower() for li in entries)
    # the customer: the call is internal, not shared; another manager: not theirs
    assert "contacts" not in found(as_role("customer").get("/search/", {"q": "prep call"}))
    api = client.get("/api/v1/search?q=prep+call", **bearer("manager")).json()
    assert [g["kind"] for g in api["groups"]] == ["contacts"]
    other = client.get("/api/v1/search?q=prep+call", **bearer("director")).json()
    assert [g["kind"] for g in other["groups"]] == ["contacts"]


def test_past_so_many_accounts_contacts_are_searched_on_the_timeline(as_role, firm, monkeypatch):
    from kamkit.web.search import services

    monkeypatch.setattr(services, "CONTACT_ACCOUNTS", 1)  # the director sees two
    c = as_role("director")
    answer = c.get("/search/", {"q": "prep call"})
    assert "contacts" not in found(answer)
    scope = BeautifulSoup(answer.content, "html.parser").select_one("#search-scope").get_text()
    assert "when you see at most 1 accounts" in scope
    # the manager sees one account: still searched
    assert found(as_role("manager").get("/search/", {"q": "prep call"}))["contacts"]
