"""Portfolio and account pages, read with an HTML parser."""

from __future__ import annotations

from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kamkit.web.accounts.models import Account, Person


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def names(response) -> list[str]:
    return names_in(soup(response))


def names_in(page: BeautifulSoup) -> list[str]:
    return [a.get_text(strip=True) for a in page.select("table.list tbody td:first-child a")]


def test_portfolio_search_filter_sort(as_role, firm):
    c = as_role("director")
    assert names(c.get("/accounts/")) == ["Alpha Motors", "Beta Energy"]
    assert names(c.get("/accounts/?q=energ")) == ["Beta Energy"]
    # the sides disagree (build-up vs maturity): the customer's view wins (SPEC §2.2)
    assert names(c.get("/accounts/?phase=maturity")) == ["Alpha Motors"]
    assert names(c.get(f"/accounts/?ka_manager={firm.users['manager'].pk}")) == ["Alpha Motors"]
    assert names(c.get("/accounts/?ordering=-name")) == ["Beta Energy", "Alpha Motors"]


def test_portfolio_pages_and_htmx_partial(as_role, firm):
    Account.objects.bulk_create([Account(name=f"Zeta {i:02d}") for i in range(30)])
    c = as_role("director")
    first = c.get("/accounts/")
    assert len(names(first)) == 25
    assert "Page 1 of 2" in soup(first).select_one("nav.pager").get_text()
    second = c.get("/accounts/?page=2")
    assert len(names(second)) == 7
    partial = c.get("/accounts/?q=Zeta", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert soup(partial).find("header") is None  # only the table, for htmx to swap in
    assert len(names(partial)) == 25


def test_portfolio_empty_states(as_role, firm):
    c = as_role("director")
    none_match = soup(c.get("/accounts/?q=nothing-like-this")).select_one(".empty").get_text()
    assert "No account matches these filters" in none_match
    Account.objects.all().update(ka_manager=None)
    empty = soup(as_role("manager").get("/accounts/")).select_one(".empty").get_text()
    assert "No key accounts yet" in empty


def test_portfolio_query_count_is_flat(as_role, firm):
    c = as_role("director")
    c.get("/accounts/")  # the first visit sets the CSRF cookie (then kept pages are read)
    Account.objects.filter(pk=firm.own.pk).update(name=firm.own.name)  # not the kept page
    with CaptureQueriesContext(connection) as few:
        c.get("/accounts/")
    Account.objects.bulk_create(
        [Account(name=f"Extra {i}", ka_manager=firm.users["manager"]) for i in range(20)]
    )
    with CaptureQueriesContext(connection) as many:
        c.get("/accounts/")
    assert len(many) == len(few)


def test_account_page_for_the_supplier(as_role, firm):
    page = soup(as_role("manager").get(f"/accounts/{firm.own.pk}/"))
    assert page.h1.get_text() == "Alpha Motors"
    phase = page.select_one("#phase").get_text(" ", strip=True)
    # supplier says build-up, customer maturity
    assert "the two sides see different phases" in phase.lower()
    assert "Our view Build-up" in phase and "The customer's view Maturity" in phase
    assert "Price review due." in page.select_one("#facts").get_text()
    people = page.select_one("#people").get_text()
    assert "Eva Buyer" in people and "Sam Engineer" in people


def test_account_page_for_the_customer_shows_nothing_internal(as_role, firm):
    response = as_role("customer").get(f"/accounts/{firm.own.pk}/")
    html = response.content.decode()
    page = soup(response)
    for secret in (
        "Price review due.",
        "Selection score",
        "Recent changes",
        "different phases",
        "Edit account",
    ):
        assert secret not in html, secret
    assert "Maturity" in page.select_one("#phase").get_text()  # their own statement
    assert page.select_one("nav").get_text(" ", strip=True) == "Our account Tasks Notifications"
    assert as_role("customer").get(f"/accounts/{firm.other.pk}/").status_code == 404


def test_edit_with_a_stale_version_says_so_and_keeps_the_record(as_role, firm):
    c = as_role("manager")
    url = f"/accounts/{firm.own.pk}/edit/"
    form = {"name": "Alpha Motors", "industry": "cars", "version": 1, "is_key_account": "on"}
    assert c.post(url, form).status_code == 302
    stale = c.post(url, {**form, "industry": "trucks"}, HTTP_HX_REQUEST="true")
    assert stale.status_code == 409
    assert "changed by someone else" in soup(stale).select_one(".error").get_text()
    assert Account.objects.get(pk=firm.own.pk).industry == "cars"


def test_a_manager_cannot_reassign_accounts(as_role, client, firm, bearer):
    page = soup(as_role("manager").get(f"/accounts/{firm.own.pk}/"))
    assert page.select_one("select[name=ka_manager]") is None
    director_page = soup(as_role("director").get(f"/accounts/{firm.own.pk}/"))
    assert director_page.select_one("select[name=ka_manager]") is not None
    import json

    response = client.patch(
        f"/api/v1/accounts/{firm.own.pk}",
        data=json.dumps({"version": 1, "ka_manager": None}),
        content_type="application/json",
        **bearer("manager"),
    )
    assert response.status_code == 403
    assert Account.objects.get(pk=firm.own.pk).ka_manager == firm.users["manager"]


def test_edit_with_bad_input_names_the_field(as_role, firm):
    c = as_role("manager")
    response = c.post(
        f"/accounts/{firm.own.pk}/edit/",
        {"name": "", "revenue_share": "9", "version": 1},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    errors = {
        label.contents[0].strip(): label.select_one(".field-error").get_text()
        for label in soup(response).select("label")
        if label.select_one(".field-error")
    }
    assert set(errors) == {"Name", "Revenue share"}
    assert Account.objects.get(pk=firm.own.pk).version == 1


def test_add_and_remove_a_person(as_role, firm):
    c = as_role("manager")
    assert (
        c.post(
            f"/accounts/{firm.own.pk}/people/new/", {"side": "customer", "name": "Mia Quality"}
        ).status_code
        == 302
    )
    mia = Person.objects.get(name="Mia Quality")
    assert mia.account == firm.own
    bad = c.post(
        f"/accounts/{firm.own.pk}/people/new/", {"side": "customer", "name": "", "email": "nope"}
    )
    assert bad.status_code == 422
    assert c.post(f"/accounts/people/{mia.pk}/delete/").status_code == 302
    assert Person.objects.get(pk=mia.pk).is_deleted
    people = soup(c.get(f"/accounts/{firm.own.pk}/")).select_one("#people").get_text()
    assert "Mia Quality" not in people


def test_diagnosis_report_in_the_web_app(as_role, firm):
    c = as_role("analyst")
    listing = soup(c.get("/diagnosis/"))
    row = listing.select_one("#single-cases table.list tbody tr").get_text(" ", strip=True)
    assert "Published case" in row and " 13 " in f" {row} " and " 7 " in f" {row} "
    report = c.get(f"/diagnosis/{firm.case.pk}/")
    assert b"KAM unit 1" in report.content and report["Content-Type"].startswith("text/html")
    xlsx = c.get(f"/diagnosis/{firm.case.pk}/xlsx/")
    assert xlsx.content[:2] == b"PK" and "attachment" in xlsx["Content-Disposition"]
    assert c.get(f"/diagnosis/{firm.case.pk}/pdf/").status_code == 404


def test_any_saved_phase_record_updates_the_accounts_phase(firm):
    from kamkit.web.base import soft_delete
    from kamkit.web.relationships.models import PhaseRecord

    assert Account.objects.get(pk=firm.own.pk).phase == "maturity"  # the customer's view
    decision = PhaseRecord.objects.create(account=firm.own, phase="decline", source="decision")
    own = Account.objects.get(pk=firm.own.pk)
    assert (own.phase, own.phase_source) == ("decline", "decision")
    soft_delete(decision)
    assert Account.objects.get(pk=firm.own.pk).phase == "maturity"


def test_portfolio_sorts_by_risk_and_draws_phase_by_index(as_role, firm):
    from kamkit.web.assessment.services import assess_portfolio

    assess_portfolio()
    c = as_role("director")
    page = soup(c.get("/accounts/?ordering=risk"))
    rows = page.select("#portfolio-table tbody tr")
    indexes = [r.select_one("td.num.stay").get_text(strip=True) for r in rows]
    shown = [float(i) for i in indexes if i != "—"]
    assert shown == sorted(shown) and shown  # lowest index first
    assert "—" in indexes  # Beta Energy has no records, so no index: it sorts last
    assert all(i == "—" for i in indexes[indexes.index("—") :])
    chart = page.select_one("#phase-index svg")
    assert chart is not None and chart["aria-label"].startswith("Accounts by lifecycle phase")
    bubbles = chart.select("circle")
    assert bubbles and all(b.find_parent("a")["href"].endswith("ordering=risk") for b in bubbles)
    api = c.get("/api/v1/accounts?ordering=risk")
    assert api.status_code == 200


def test_account_page_shows_the_assessment_only_to_the_supplier(as_role, firm):
    page = soup(as_role("manager").get(f"/accounts/{firm.own.pk}/"))
    section = page.select_one("#assessment")
    processes = [
        r.select_one("summary").get_text(" ", strip=True)
        for r in section.select("table.processes tbody tr")
    ]
    assert [p.split(" lever")[0] for p in processes] == [
        "Collaborative communication",
        "Co-creation of value",
        "Joint problem solving",
    ]
    lever = section.select_one("#lever").get_text(" ", strip=True)
    assert lever.startswith("Principal lever")
    assert page.select_one("#trends svg") is not None
    customer = soup(as_role("customer").get(f"/accounts/{firm.own.pk}/"))
    assert customer.select_one("#assessment") is None and customer.select_one("#trends") is None
    assert "Principal lever" not in customer.get_text()


def test_recompute_now_assesses_the_accounts_the_user_works_on(as_role, firm):
    from kamkit.web.assessment.models import AssessmentSnapshot

    c = as_role("director")
    before = soup(c.get("/accounts/")).select_one("form.recompute").get_text(" ", strip=True)
    assert "Not assessed yet" in before
    c = as_role("manager")
    done = c.post("/assessment/recompute/", follow=True)
    assert "Assessed 1 account" in done.content.decode()  # Alpha Motors only
    assert set(AssessmentSnapshot.objects.values_list("account__name", flat=True)) == {
        "Alpha Motors"
    }
    after = soup(done).select_one("form.recompute").get_text(" ", strip=True)
    assert "Last assessed" in after
    assert as_role("customer").post("/assessment/recompute/").status_code == 403


def test_the_portfolio_s_sort_choices_follow_the_reader_s_language(as_role, firm):
    """The sort menu in English for one reader and German for the next, from the same
    process: django-filter words its choices once when the class is made, so kamkit's
    ordering words them lazily, each time they are shown."""
    from kamkit.web.users.models import User

    def sort_choices(role: str) -> list[str]:
        page = soup(as_role(role).get("/accounts/"))
        return [o.get_text() for o in page.select("select[name=ordering] option")]

    english = sort_choices("director")
    assert "Risk (lowest index first) (descending)" in english
    User.objects.filter(pk=firm.users["manager"].pk).update(language="de")
    german = sort_choices("manager")
    assert "Risiko (niedrigster Index zuerst) (absteigend)" in german
    assert not [c for c in german if "descending" in c or "Risk" in c]
    assert "Risk (lowest index first) (descending)" in sort_choices("director")


def test_a_director_creates_an_account_and_lands_on_its_page(as_role, firm):
    c = as_role("director")
    portfolio = soup(c.get("/accounts/"))
    assert portfolio.select_one("#account-actions a[href='/accounts/new/']")
    form = soup(c.get("/accounts/new/")).select_one("form#new-account")
    assert form.select_one("input[name=revenue_share]")["max"] == "5"
    manager = firm.users["manager"]
    response = c.post(
        "/accounts/new/",
        {
            "name": "Gamma Rail",
            "industry": "rail",
            "country": "Austria",
            "is_key_account": "on",
            "ka_manager": manager.pk,
            "revenue_share": "4",
        },
    )
    made = Account.objects.get(name="Gamma Rail")
    assert response.status_code == 302 and response["Location"] == f"/accounts/{made.pk}/"
    assert (made.industry, made.ka_manager, made.revenue_share) == ("rail", manager, 4)
    assert made.history.first().history_user == firm.users["director"]
    page = c.get(response["Location"])
    assert "Created Gamma Rail." in page.content.decode()
    assert "Gamma Rail" in names(c.get("/accounts/"))
    assert "Gamma Rail" in names(as_role("manager").get("/accounts/"))  # now the manager's


def test_a_new_account_with_bad_input_names_each_field_and_writes_nothing(as_role, firm):
    c = as_role("director")
    before = Account.objects.count()
    response = c.post("/accounts/new/", {"name": "", "revenue_share": "9", "country": "x\x00"})
    assert response.status_code == 422
    page = soup(response)
    errors = {
        e.find_parent("label").find(["input", "select", "textarea"])["name"]: e.get_text()
        for e in page.select(".field-error")
    }
    assert set(errors) == {"name", "revenue_share", "country"}, errors
    assert "5" in errors["revenue_share"]
    assert page.select_one("input[name=revenue_share]")["value"] == "9"  # kept to correct
    assert Account.objects.count() == before


def test_only_directors_and_administrators_create_delete_and_restore(as_role, firm):
    manager = as_role("manager")
    assert manager.get("/accounts/new/").status_code == 403
    assert not soup(manager.get("/accounts/")).select_one("#account-actions")
    assert not soup(manager.get(f"/accounts/{firm.own.pk}/")).select_one("#delete-account")
    assert manager.post(f"/accounts/{firm.own.pk}/delete/").status_code == 403
    assert Account.objects.alive().filter(pk=firm.own.pk).exists()


def test_delete_offers_undo_and_the_deleted_list_restores(as_role, firm):
    c = as_role("director")
    assert soup(c.get(f"/accounts/{firm.own.pk}/")).select_one("#delete-account button")
    gone = c.post(f"/accounts/{firm.own.pk}/delete/")
    assert gone.status_code == 302 and gone["Location"] == f"/accounts/?deleted={firm.own.pk}"
    portfolio = c.get(gone["Location"])
    undo = soup(portfolio).select_one("form#undo-delete")
    assert "Alpha Motors" in undo.get_text()
    assert undo["action"] == f"/accounts/{firm.own.pk}/restore/"
    assert names(portfolio) == ["Beta Energy"]
    # the firm's "Gone GmbH" was deleted before
    assert "2 deleted accounts" in soup(portfolio).select_one("#deleted-link").get_text()
    # the account's customer user and its manager no longer reach it
    assert as_role("customer").get(f"/accounts/{firm.own.pk}/").status_code == 404
    assert "Alpha Motors" not in names(as_role("manager").get("/accounts/"))
    # later, from the list of deleted accounts
    c = as_role("director")
    listed = soup(c.get("/accounts/deleted/")).select("#deleted-accounts tbody tr")
    assert [r.td.get_text() for r in listed] == ["Alpha Motors", "Gone GmbH"]  # newest first
    back = c.post(f"/accounts/{firm.own.pk}/restore/")
    assert back["Location"] == f"/accounts/{firm.own.pk}/"
    assert "Restored Alpha Motors." in c.get(back["Location"]).content.decode()
    assert as_role("customer").get(f"/accounts/{firm.own.pk}/").status_code == 200
    c = as_role("director")  # one client: each as_role signs it in again
    assert c.post(f"/accounts/{firm.deleted.pk}/restore/").status_code == 302
    empty = soup(as_role("director").get("/accounts/deleted/"))
    assert "No account is deleted." in empty.select_one(".empty").get_text()
    assert not soup(as_role("director").get("/accounts/")).select_one("#deleted-link")


def test_undo_is_offered_only_for_an_account_that_is_still_deleted(as_role, firm):
    c = as_role("director")
    for query in (f"?deleted={firm.own.pk}", "?deleted=abc", "?deleted=" + "9" * 30):
        page = soup(c.get(f"/accounts/{query}"))
        assert page.select_one("#undo-delete") is None, query  # alive, or not an id
    assert c.post("/accounts/999999/restore/").status_code == 404
    assert c.post(f"/accounts/{firm.own.pk}/restore/").status_code == 404  # not deleted


def _reassign_form(page) -> dict:
    form = page.select_one("form#reassign")
    return {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}


def test_a_director_reassigns_a_leaving_manager_s_accounts(as_role, firm):
    from kamkit.web.accounts.models import KAMUnit

    leaving = firm.users["manager"]
    Account.objects.create(name="Delta Foods", ka_manager=leaving)
    successor = firm.other.ka_manager  # the other manager
    c = as_role("director")
    listed = soup(c.get(f"/accounts/?ka_manager={leaving.pk}"))
    assert names_in(listed) == ["Alpha Motors", "Delta Foods"]
    hidden = _reassign_form(listed)
    assert hidden["expected"] == "2" and f"ka_manager={leaving.pk}" in hidden["filters"]
    assert "Reassign these 2 accounts" in listed.select_one("form#reassign button").get_text()
    unit = KAMUnit.objects.create(name="Food KAM")
    done = c.post(
        "/accounts/reassign/",
        {**hidden, "ka_manager": successor.pk, "kam_unit": unit.pk},
    )
    assert done.status_code == 302
    assert done["Location"] == f"/accounts/?ka_manager={leaving.pk}"
    moved = Account.objects.filter(name__in=["Alpha Motors", "Delta Foods"])
    assert {(a.ka_manager_id, a.kam_unit_id) for a in moved} == {(successor.pk, unit.pk)}
    alpha = Account.objects.get(pk=firm.own.pk)
    assert alpha.version == 2 and alpha.history.first().history_user == firm.users["director"]
    after = c.get(done["Location"])
    assert "Reassigned 2 of 2 accounts to other_manager." in after.content.decode()
    c.post(f"/accounts/{firm.own.pk}/delete/")  # its notification stays, without a link
    c.force_login(successor)
    told = soup(c.get("/portal/notifications/"))
    gone = [li for li in told.select("#notifications li") if "Alpha Motors" in li.get_text()]
    assert gone and "(deleted)" in gone[0].get_text() and not gone[0].select("a")
    assert Account.objects.get(pk=firm.other.pk).ka_manager == successor  # was already


def test_reassign_refuses_a_changed_list_or_bad_filters_and_writes_nothing(as_role, firm):
    c = as_role("director")
    manager = firm.users["manager"]
    hidden = _reassign_form(soup(c.get(f"/accounts/?ka_manager={manager.pk}")))
    hidden["ka_manager"] = manager.pk
    Account.objects.create(name="Epsilon AG", ka_manager=manager)  # meanwhile
    for post, words in (
        (hidden, "holds 2 accounts now, not 1"),
        ({**hidden, "expected": "2", "ka_manager": ""}, "KA manager: This field is required."),
        ({**hidden, "filters": "phase=nonsense"}, "the filters are not valid"),
        ({**hidden, "expected": "x"}, "Number of accounts listed: Enter a whole number."),
        ({**hidden, "expected": "2", "ka_manager": "999999"}, "KA manager"),
    ):
        response = c.post("/accounts/reassign/", post)
        assert response.status_code == 302, post
        text = c.get(response["Location"]).content.decode()
        assert "Nothing was reassigned" in text and words in text, (post, words)
    assert Account.objects.alive().filter(ka_manager=manager).count() == 2
    assert Account.objects.get(pk=firm.own.pk).version == 1


def test_unassigned_accounts_are_listed_and_only_directors_reassign(as_role, firm):
    Account.objects.filter(pk=firm.other.pk).update(ka_manager=None)
    c = as_role("director")
    assert names(c.get("/accounts/?ka_manager=null")) == ["Beta Energy"]
    manager = as_role("manager")
    assert not soup(manager.get("/accounts/")).select_one("form#reassign")
    refused = manager.post(
        "/accounts/reassign/",
        {"filters": "", "expected": "1", "ka_manager": firm.users["manager"].pk},
    )
    assert refused.status_code == 403
    assert Account.objects.get(pk=firm.own.pk).ka_manager == firm.users["manager"]


def test_a_name_that_exists_is_asked_about_before_a_second_account(as_role, firm):
    c = as_role("director")
    before = Account.objects.count()
    asked = c.post("/accounts/new/", {"name": "  alpha   MOTORS ", "is_key_account": "on"})
    assert asked.status_code == 422
    page = soup(asked)
    assert "An account of this name exists already: Alpha Motors." in page.get_text()
    assert page.select_one("#same-name a")["href"] == f"/accounts/{firm.own.pk}/"
    assert Account.objects.count() == before
    # a deleted account's name is free again; ticked, a second one is made
    made = c.post("/accounts/new/", {"name": "Alpha Motors", "anyway": "on"})
    assert made.status_code == 302
    assert Account.objects.filter(name="Alpha Motors").count() == 2
    assert c.post("/accounts/new/", {"name": "Gone GmbH"}).status_code == 302


def test_reassign_takes_at_most_its_limit_at_once(as_role, firm, monkeypatch):
    from kamkit.web.accounts import views

    monkeypatch.setattr(views, "REASSIGN_LIMIT", 1)
    c = as_role("director")
    hidden = _reassign_form(soup(c.get("/accounts/")))  # both accounts
    hidden["ka_manager"] = firm.users["manager"].pk
    response = c.post("/accounts/reassign/", hidden)
    text = c.get(response["Location"]).content.decode()
    assert "Nothing was reassigned: at most 1 accounts at once." in text
    assert Account.objects.get(pk=firm.other.pk).ka_manager != firm.users["manager"]


def test_the_accounts_whose_index_fell_are_one_click_away(as_role, firm, client, bearer):
    import datetime as dt

    from django.utils import timezone

    from kamkit.web.assessment.models import IndexAlert

    c = as_role("director")
    assert soup(c.get("/accounts/")).select_one("#fell-this-month") is None
    today = timezone.localdate()
    IndexAlert.objects.create(account=firm.own, on=today, index=41, earlier=55)
    IndexAlert.objects.create(  # a fall older than the month counts no more
        account=firm.other, on=today - dt.timedelta(days=31), index=30, earlier=45
    )
    chip = soup(c.get("/accounts/")).select_one("#fell-this-month")
    assert chip.b.get_text() == "1" and "10 points" in chip["title"]
    assert names(c.get("/accounts/" + chip["href"])) == ["Alpha Motors"]
    api = client.get("/api/v1/accounts?fell=month", **bearer("director")).json()
    assert [a["name"] for a in api["items"]] == ["Alpha Motors"]


def test_the_accounts_nobody_contacted_for_a_month_are_one_click_away(
    as_role, firm, client, bearer
):
    import datetime as dt

    from django.utils import timezone

    from kamkit.web.relationships.models import Interaction

    def contact_cells(response) -> dict[str, tuple[str, bool]]:
        rows = soup(response).select("#portfolio-table tbody tr")
        return {
            r.select_one("td a").get_text(strip=True): (
                r.select_one("td.contact").get_text(strip=True),
                "flag-text" in r.select_one("td.contact")["class"],
            )
            for r in rows
        }

    c = as_role("director")
    page = c.get("/accounts/")
    # Alpha's internal call was logged just now; Beta Energy has never been contacted
    assert contact_cells(page) == {"Alpha Motors": ("today", False), "Beta Energy": ("never", True)}
    chip = soup(page).select_one("#no-contact")
    assert chip.b.get_text() == "1" and "30 days" in chip["title"]
    assert names(c.get("/accounts/" + chip["href"])) == ["Beta Energy"]
    # 31 days without contact is a month; a call 29 days ago is not
    now = timezone.now()
    call = firm.records["interactions"]
    Interaction.objects.filter(pk=call.pk).update(occurred_at=now - dt.timedelta(days=31))
    assert contact_cells(c.get("/accounts/"))["Alpha Motors"] == ("31 days ago", True)
    assert names(c.get("/accounts/?contact=none")) == ["Alpha Motors", "Beta Energy"]
    later = Interaction.objects.create(
        account=firm.own,
        channel="video",
        initiated_by="customer",
        two_way=True,
        occurred_at=now - dt.timedelta(days=29),
    )
    assert contact_cells(c.get("/accounts/"))["Alpha Motors"] == ("29 days ago", False)
    assert names(c.get("/accounts/?contact=none")) == ["Beta Energy"]
    # sorted by last contact: the longest silence first, never at the very top
    assert names(c.get("/accounts/?ordering=contact")) == ["Beta Energy", "Alpha Motors"]
    assert names(c.get("/accounts/?ordering=-contact")) == ["Alpha Motors", "Beta Energy"]
    # a deleted interaction was no contact
    from kamkit.web.base import soft_delete

    soft_delete(later)
    assert names(c.get("/accounts/?contact=none")) == ["Alpha Motors", "Beta Energy"]
    # the download carries the day of the last contact
    download = c.get("/accounts/?export=csv")
    csv = b"".join(download.streaming_content).decode("utf-8-sig").splitlines()
    header = csv[0].split(",")
    alpha = next(line for line in csv if "Alpha Motors" in line).split(",")
    assert alpha[header.index("last_contact")].startswith(
        str(timezone.localdate(now - dt.timedelta(days=31)))
    )
    # the API: the same filter, a bad value named
    director = bearer("director")
    api = client.get("/api/v1/accounts?contact=none", **director).json()
    assert [a["name"] for a in api["items"]] == ["Alpha Motors", "Beta Energy"]
    # each account says when: Alpha's call 31 days ago, Beta never
    when = {a["name"]: a["last_contact"] for a in api["items"]}
    assert when["Beta Energy"] is None
    called = Interaction.objects.get(pk=call.pk).occurred_at  # JSON keeps milliseconds
    assert abs(dt.datetime.fromisoformat(when["Alpha Motors"]) - called) < dt.timedelta(
        seconds=0.001
    )
    one = client.get(f"/api/v1/accounts/{firm.own.pk}", **director).json()
    assert one["last_contact"] == when["Alpha Motors"]
    bad = client.get("/api/v1/accounts?contact=soon", **director)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "contact"


def test_a_customer_s_last_contact_counts_only_what_is_shared_with_it(client, firm, bearer):
    # the account's one interaction is the firm's internal call: not the customer's to see
    customer = bearer("customer")
    api = client.get("/api/v1/accounts?contact=none", **customer).json()
    assert [a["name"] for a in api["items"]] == ["Alpha Motors"]
    # the customer's output is the public one: no internal fields, no last contact
    assert "last_contact" not in api["items"][0] and "internal_notes" not in api["items"][0]
    manager = client.get("/api/v1/accounts?contact=none", **bearer("manager")).json()
    assert manager["items"] == []


def test_the_account_page_says_when_the_last_contact_was(as_role, firm):
    import datetime as dt

    from django.utils import timezone

    from kamkit.web.relationships.models import Interaction

    c = as_role("manager")
    cell = soup(c.get(f"/accounts/{firm.own.pk}/")).select_one("#last-contact")
    assert cell.get_text(" ", strip=True).startswith("today") and "flag-text" not in (
        cell.get("class") or []
    )
    Interaction.objects.filter(account=firm.own).update(
        occurred_at=timezone.now() - dt.timedelta(days=45)
    )
    cell = soup(c.get(f"/accounts/{firm.own.pk}/")).select_one("#last-contact")
    assert cell.get_text(" ", strip=True).startswith("45 days ago") and "flag-text" in cell["class"]
    director = as_role("director")
    other = soup(director.get(f"/accounts/{firm.other.pk}/")).select_one("#last-contact")
    assert other.get_text(strip=True) == "never"
    # the customer's page has no facts section: nothing of the internal call's day
    customer = soup(as_role("customer").get(f"/accounts/{firm.own.pk}/"))
    assert customer.select_one("#last-contact") is None


def test_the_no_contact_column_and_filter_agree_on_the_thirtieth_day(as_role, firm):
    """Days count by the local calendar in both: a contact late on the day 30 days ago
    is red and filtered; one early on the day 29 days ago is neither."""
    import datetime as dt

    from django.utils import timezone

    from kamkit.web.relationships.models import Interaction

    today = timezone.localdate()
    call = firm.records["interactions"]

    def at(days_ago: int, hour: int, minute: int = 0) -> None:
        moment = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(hour, minute))
        Interaction.objects.filter(pk=call.pk).update(occurred_at=timezone.make_aware(moment))

    c = as_role("manager")

    def seen() -> tuple[str, bool, bool]:
        row = soup(c.get("/accounts/")).select_one("#portfolio-table tbody tr")
        cell = row.select_one("td.contact")
        listed = names(c.get("/accounts/?contact=none")) == ["Alpha Motors"]
        return cell.get_text(strip=True), "flag-text" in cell["class"], listed

    at(30, 23, 59)
    assert seen() == ("30 days ago", True, True)
    at(29, 0, 1)
    assert seen() == ("29 days ago", False, False)


def test_a_customer_who_asked_for_no_minimum_is_not_flagged_without_contact(as_role, firm):
    """SPEC §2.4 takes the contact band from the customer's preference first: a band
    from 0 makes a silent month what the customer asked for, on every view alike."""
    from kamkit.web.relationships.models import CommunicationPreference

    def flagged(c) -> tuple[list[str], list[str], bool, str]:
        """The filter, Today, Beta's red cell and the chip's count."""
        filtered = names(c.get("/accounts/?contact=none"))
        today = soup(c.get("/today/?kind=no_contact"))
        on_today = [a.get_text() for a in today.select("#today-list .today-account")]
        page = soup(c.get("/accounts/"))
        row = page.select_one("#portfolio-table tbody tr:nth-of-type(2) td.contact")
        chip = page.select_one("#no-contact b")
        return filtered, on_today, "flag-text" in row["class"], chip.get_text() if chip else "0"

    c = as_role("director")
    # Beta Energy has never been contacted
    assert flagged(c) == (["Beta Energy"], ["Beta Energy"], True, "1")
    # its buyer asks for 0–2 contacts a month: not flagged anywhere
    pref = CommunicationPreference.objects.create(
        account=firm.other, person=firm.other_person, ideal_min=0, ideal_max=2
    )
    assert flagged(c) == ([], [], False, "0")
    # stated again, 1–4: the newest counts, flagged again
    CommunicationPreference.objects.create(
        account=firm.other, person=firm.other_person, ideal_min=1, ideal_max=4
    )
    assert flagged(c) == (["Beta Energy"], ["Beta Energy"], True, "1")
    # the account's own preference comes before its people's
    CommunicationPreference.objects.create(account=firm.other, ideal_min=0, ideal_max=3)
    assert flagged(c) == ([], [], False, "0")
    # and the account's newest preference is the one that counts (the assessment's too)
    CommunicationPreference.objects.create(account=firm.other, ideal_min=2, ideal_max=6)
    assert flagged(c) == (["Beta Energy"], ["Beta Energy"], True, "1")
    from kamkit.web.assessment.services import preferred_bands

    assert preferred_bands([firm.other.pk]) == {firm.other.pk: (2, 6)}
    assert pref.pk  # the first one is kept, only outranked
