"""Working on an account in the browser's forms: problems, pulses, preferences, phase
statements and the timeline's further pages (server side; the journeys are in
tests/browser)."""

from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kamkit.web.relationships.models import (
    CommunicationPreference,
    Interaction,
    PhaseRecord,
    Pulse,
)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def errors(response) -> str:
    return " ".join(e.get_text() for e in soup(response).select(".field-error, .error"))


def problem_form(problem, **changes) -> dict:
    data = {
        "title": problem.title,
        "raised_by": problem.raised_by,
        "raised_on": problem.raised_on.isoformat(),
        "shared": "on",
        "supplier_framing": problem.supplier_framing,
        "customer_framing": problem.customer_framing,
        "outcome": problem.outcome,
        "lessons": problem.lessons,
        "version": problem.version,
    }
    data.update(changes)
    return data


def test_a_problem_is_framed_by_both_sides_and_staffed_from_both(as_role, firm):
    c = as_role("manager")
    problem = firm.records["problems"]
    sam = firm.own.persons.get(name="Sam Engineer")
    page = c.get(f"/accounts/problems/{problem.pk}/")
    assert page.status_code == 200
    stages = [li.span.get_text() for li in soup(page).select("ol.stages li")]
    assert stages[0] == "Reported" and stages[-1] == "Closed"
    saved = c.post(
        f"/accounts/problems/{problem.pk}/",
        problem_form(
            problem,
            supplier_framing="Carrier capacity on the Lyon route",
            customer_framing="Our line stops twice a week",
            participants=[sam.pk, firm.own_person.pk],
            lessons="Book capacity a month ahead",
        ),
    )
    assert saved.status_code == 302
    before = problem.customer_framing
    problem.refresh_from_db()
    # the customer's people have a login: their framing is theirs (issue 15), so the
    # supplier's form shows it read-only and what it posts for it is ignored
    assert problem.customer_framing == before
    assert "read-only here" in c.get(f"/accounts/problems/{problem.pk}/").content.decode()
    assert set(problem.participants.values_list("name", flat=True)) == {
        "Sam Engineer",
        "Eva Buyer",
    }
    assert problem.version == 2
    stale = c.post(f"/accounts/problems/{problem.pk}/", problem_form(problem, version=1))
    assert stale.status_code == 409 and "changed" in errors(stale).lower()
    foreign = c.post(
        f"/accounts/problems/{problem.pk}/",
        problem_form(problem, participants=[firm.other_person.pk]),
    )
    assert foreign.status_code == 422
    message = soup(foreign).select_one("fieldset.participants .field-error").get_text()
    assert message == f"person {firm.other_person.pk} is not one of this account's people"
    assert problem.participants.count() == 2  # nothing half-written
    # without a customer login the supplier's team records what the customer said
    from kamkit.web.users.models import User

    User.objects.filter(role="customer", account=firm.own).update(is_active=False)
    problem.refresh_from_db()
    relayed = c.post(
        f"/accounts/problems/{problem.pk}/",
        problem_form(problem, customer_framing="Our line stops twice a week"),
    )
    assert relayed.status_code == 302
    problem.refresh_from_db()
    assert problem.customer_framing == "Our line stops twice a week"


def test_a_pulse_needs_a_rating_on_the_scale(as_role, firm):
    c = as_role("manager")
    url = f"/accounts/{firm.own.pk}/pulses/new/"
    before = Pulse.objects.count()
    empty = c.post(url, {"person": firm.own_person.pk, "rated_on": "2026-11-20"})
    assert empty.status_code == 422 and "rate at least one" in errors(empty)
    off_scale = c.post(url, {"person": firm.own_person.pk, "rated_on": "2026-11-20", "trust": "9"})
    assert off_scale.status_code == 422
    assert Pulse.objects.count() == before
    ok = c.post(
        url,
        {"person": firm.own_person.pk, "rated_on": "2026-11-20", "trust": "3", "comment": "Tense"},
    )
    assert ok.status_code == 302
    pulse = Pulse.objects.latest("pk")
    assert (pulse.person, pulse.trust, pulse.side) == (firm.own_person, 3, "customer")


def test_preferences_are_added_and_edited_with_a_band_that_makes_sense(as_role, firm):
    c = as_role("manager")
    url = f"/accounts/{firm.own.pk}/preferences/"
    page = c.get(url)
    assert "Chris Customer" in page.content.decode()
    backwards = c.post(url, {"person": "", "ideal_min": "6", "ideal_max": "2"})
    assert backwards.status_code == 422 and "at least the minimum (6)" in errors(backwards)
    added = c.post(
        url, {"person": "", "channels": ["video", "in_person"], "ideal_min": "3", "ideal_max": "6"}
    )
    assert added.status_code == 302
    account_wide = CommunicationPreference.objects.get(account=firm.own, person=None)
    assert account_wide.channels == ["video", "in_person"]
    edit = f"/accounts/preferences/{account_wide.pk}/"
    changed = c.post(edit, {"person": "", "ideal_min": "3", "ideal_max": "9", "version": "1"})
    assert changed.status_code == 302
    account_wide.refresh_from_db()
    assert (account_wide.ideal_max, account_wide.version, account_wide.channels) == (9, 2, [])
    stale = c.post(edit, {"person": "", "ideal_min": "1", "ideal_max": "2", "version": "1"})
    assert stale.status_code == 409
    # only the customer's people have communication preferences
    sam = firm.own.persons.get(name="Sam Engineer")
    ours = c.post(url, {"person": sam.pk, "ideal_min": "1", "ideal_max": "2"})
    assert ours.status_code == 422


def test_the_phase_page_records_views_and_decisions_with_the_descriptions(as_role, firm):
    c = as_role("manager")
    url = f"/accounts/{firm.own.pk}/phase/"
    page = soup(c.get(url))
    options = page.select("fieldset.phase-options label.option")
    assert len(options) == 4 + 3  # four phases with descriptions, three sources
    assert "shrinking" in options[3].get_text()  # the decline description
    assert "different phases" in page.select_one("#current").get_text()  # fixture disagrees
    nobody = c.post(
        url, {"phase": "maturity", "source": "supplier_self", "recorded_on": "2026-11-20"}
    )
    assert nobody.status_code == 422 and "supplier-side person" in errors(nobody)
    sam = firm.own.persons.get(name="Sam Engineer")
    wrong = c.post(
        url,
        {
            "phase": "maturity",
            "source": "customer_self",
            "person": sam.pk,
            "recorded_on": "2026-11-20",
        },
    )
    assert wrong.status_code == 422 and "customer-side person" in errors(wrong)
    count = PhaseRecord.objects.count()
    decided = c.post(
        url,
        {
            "phase": "decline",
            "source": "decision",
            "recorded_on": "2026-11-20",
            "note": "Tender lost",
        },
        follow=True,
    )
    assert PhaseRecord.objects.count() == count + 1
    assert "now treated as Decline" in decided.content.decode()
    firm.own.refresh_from_db()
    assert (firm.own.phase, firm.own.phase_source) == ("decline", "decision")
    record = PhaseRecord.objects.latest("pk")
    assert record.recorded_by == firm.users["manager"]


def test_the_timeline_shows_more_a_page_at_a_time(as_role, firm):
    # 70 mails, some on the same day and some at the same moment: each page continues
    # exactly where the last one ended, so every entry shows once, in order
    base = timezone.now() - dt.timedelta(days=1)
    Interaction.objects.bulk_create(
        Interaction(
            account=firm.own,
            channel="email",
            initiated_by="supplier",
            two_way=False,
            occurred_at=base - dt.timedelta(hours=n // 2),
            summary=f"Mail {n}",
        )
        for n in range(70)
    )
    c = as_role("manager")
    url = f"/accounts/{firm.own.pk}/timeline/"
    page = soup(c.get(url + "?process=communication"))
    seen = [li.select_one(".muted").text for li in page.select("ol.timeline li")]
    assert len(seen) == 25
    queries = []
    while button := page.select_one(".pager button"):
        assert "process=communication" in button["hx-get"]
        with CaptureQueriesContext(connection) as ctx:
            page = soup(c.get(button["hx-get"]))
        queries.append(len(ctx.captured_queries))
        assert page.select_one("#timeline-list") is None  # only the next page
        seen += [li.select_one(".muted").text for li in page.select("ol.timeline li")]
    details = Interaction.objects.filter(account=firm.own).count()
    assert len(seen) == details == 71  # the fixture's call too
    mails = [int(text.split()[1]) for text in seen if text.startswith("Mail ")]
    # newest first; two mails at one moment: the later recorded first
    assert mails == sorted(range(70), key=lambda n: (n // 2, -n))
    assert len(set(queries)) == 1  # every further page costs the same
    assert c.get(url + "?after=yesterday").status_code == 400
    assert c.get(url + "?after=2026-01-01.9.0.1").status_code == 400


def test_the_timeline_pages_cover_every_kind_in_one_order(as_role, firm):
    from kamkit.web.relationships.timeline import build_timeline

    manager = firm.users["manager"]
    whole = build_timeline(firm.own, manager, limit=10_000)
    assert {e.process for e in whole} >= {"communication", "problem_solving"}
    paged, after = [], None
    while True:
        chunk = build_timeline(firm.own, manager, limit=2, after=after)
        if not chunk:
            break
        paged += chunk
        after = chunk[-1].cursor
    assert [(e.process, e.record.pk) for e in paged] == [(e.process, e.record.pk) for e in whole]


def test_another_managers_account_pages_are_not_found(as_role, firm):
    c = as_role("manager")
    for url in (
        f"/accounts/{firm.other.pk}/phase/",
        f"/accounts/{firm.other.pk}/preferences/",
    ):
        assert c.get(url).status_code == 404, url
    assert c.post(f"/accounts/{firm.other.pk}/pulses/new/", {}).status_code == 404


def test_the_supplier_raises_a_problem_and_starts_an_initiative_from_the_account(as_role, firm):
    """Issue 15: both from the account page, through the services."""
    from kamkit.web.relationships.models import JointInitiative, Problem

    c = as_role("manager")
    page = soup(c.get(f"/accounts/{firm.own.pk}/"))
    links = {a.get_text(): a["href"] for a in page.select("#new-records a")}
    assert links == {
        "Raise a problem": f"/accounts/{firm.own.pk}/problems/new/",
        "New initiative": f"/accounts/{firm.own.pk}/initiatives/new/",
    }
    bad = c.post(links["Raise a problem"], {"title": "Dock", "raised_on": "9999-12-31"})
    assert bad.status_code == 422 and "is in the future" in errors(bad)
    raised = c.post(
        links["Raise a problem"],
        {
            "title": "Dock slots",
            "framing": "Our trucks wait two hours",
            "raised_on": timezone.localdate().isoformat(),
            "participants": [firm.own_person.pk, firm.records["chris"].pk],
        },
    )
    problem = Problem.objects.get(title="Dock slots")
    assert raised["Location"] == f"/accounts/problems/{problem.pk}/"
    assert (problem.raised_by, problem.shared) == ("supplier", False)  # box left unticked
    assert problem.participants.count() == 2
    started = c.post(
        links["New initiative"],
        {"title": "Consignment stock", "status": "agreed", "shared": "on", "supplier_money": "-1"},
    )
    assert (
        started.status_code == 422
        and not JointInitiative.objects.filter(title="Consignment stock").exists()
    )
    started = c.post(
        links["New initiative"],
        {"title": "Consignment stock", "status": "agreed", "shared": "on"},
    )
    made = JointInitiative.objects.get(title="Consignment stock")
    assert started["Location"] == f"/accounts/initiatives/{made.pk}/"


def test_reply_note_and_undo_on_the_problem_page(as_role, firm):
    problem = firm.records["problems"]
    c = as_role("manager")
    url = f"/accounts/problems/{problem.pk}/"
    empty = c.post(url + "comment/", {"text": ""})
    assert empty.status_code == 422 and "This field is required" in errors(empty)
    c.post(url + "comment/", {"text": "Second truck from Monday"})
    c.post(url + "comment/", {"text": "Check the carrier's invoice", "internal": "on"})
    thread = soup(c.get(url)).select_one("#thread").get_text()
    assert "Second truck from Monday" in thread and "internal note" in thread
    customer = as_role("customer")
    theirs = soup(customer.get(f"/portal/problems/{problem.pk}/")).get_text()
    assert "Second truck from Monday" in theirs and "carrier's invoice" not in theirs
    assert (
        "commented on “Late deliveries”" in soup(customer.get("/portal/notifications/")).get_text()
    )
    c = as_role("manager")
    c.post(f"/accounts/problems/{problem.pk}/advance/", {"stage": "solution_designed"})
    nothing = c.post(url + "undo/", {"reason": ""})
    assert nothing.status_code == 422
    c.post(url + "undo/", {"reason": "clicked by mistake"})
    problem.refresh_from_db()
    assert problem.stage == "reported"
    assert "clicked by mistake" in soup(c.get(url)).select_one("#undone").get_text()


def test_correct_delete_and_undo_a_contact_on_the_pages(as_role, firm):
    from kamkit.web.relationships.models import Interaction

    call_ = firm.records["interactions"]
    c = as_role("manager")
    page = soup(c.get(f"/accounts/{firm.own.pk}/"))
    edit = page.select_one(f'a[href="/accounts/interactions/{call_.pk}/"]')
    assert edit is not None and edit.get_text() == "Edit"
    form = soup(c.get(f"/accounts/interactions/{call_.pk}/")).select_one("#edit-interaction form")
    data = {
        i["name"]: i.get("value", "")
        for i in form.select("input")
        if i.get("type") not in ("checkbox",) and i.get("name")
    }
    data.update(
        {
            "channel": "phone",
            "initiated_by": "supplier",
            "formality": "formal",
            "content": "operational",
            "summary": "Prep call: pricing",
            "participants": [firm.own_person.pk],
        }
    )
    saved = c.post(f"/accounts/interactions/{call_.pk}/", data)
    assert saved.status_code == 302
    call_.refresh_from_db()
    assert call_.summary == "Prep call: pricing"
    stale = c.post(f"/accounts/interactions/{call_.pk}/", data)  # the old version again
    assert stale.status_code == 409 and "changed" in errors(stale)
    gone = c.post(f"/accounts/entries/interaction/{call_.pk}/delete/")
    assert gone["Location"] == f"/accounts/{firm.own.pk}/?deleted=interaction:{call_.pk}"
    undo = soup(c.get(gone["Location"])).select_one("#undo-delete")
    assert (
        "Prep call"
        not in soup(c.get(f"/accounts/{firm.own.pk}/")).select_one("#timeline-list").get_text()
    )
    c.post(undo["action"])
    assert Interaction.objects.alive().filter(pk=call_.pk).exists()
    assert c.post(f"/accounts/entries/nonsense/{call_.pk}/delete/").status_code == 404


def test_a_move_is_dated_when_it_happened_within_the_problems_life(as_role, firm):
    problem = firm.records["problems"]
    from kamkit.web.relationships.models import Problem

    Problem.objects.filter(pk=problem.pk).update(
        raised_on=dt.date(2026, 10, 1), stage="jointly_defined"
    )
    c = as_role("manager")
    url = f"/accounts/problems/{problem.pk}/advance/"
    early = c.post(url, {"on": "2026-09-30"}, follow=True)
    assert "the day the problem was raised" in soup(early).select_one(".messages").get_text()
    bad = c.post(url, {"on": "30/09/2026"}, follow=True)
    assert "is not a date" in soup(bad).select_one(".messages").get_text()
    c.post(url, {"on": "2026-10-05"})
    change = Problem.objects.get(pk=problem.pk).stage_changes.get(stage="solution_designed")
    assert change.changed_on == dt.date(2026, 10, 5)


def test_correct_a_pulse_and_a_phase_statement_we_recorded(as_role, firm):
    from kamkit.web.relationships.models import PhaseRecord, Pulse

    heard = Pulse.objects.create(account=firm.own, person=firm.own_person, trust=4)
    c = as_role("manager")
    url = f"/accounts/entries/pulse/{heard.pk}/"
    assert c.get(url).status_code == 200
    saved = c.post(
        url,
        {
            "person": firm.own_person.pk,
            "rated_on": timezone.localdate().isoformat(),
            "trust": "6",
            "version": 1,
        },
    )
    assert saved.status_code == 302
    heard.refresh_from_db()
    assert (heard.trust, heard.version) == (6, 2)
    # Chris's own pulse (Chris has a login) is not ours to correct
    assert c.get(f"/accounts/entries/pulse/{firm.records['pulses'].pk}/").status_code == 403
    ours = PhaseRecord.objects.create(account=firm.own, phase="build_up", source="decision")
    moved = c.post(
        f"/accounts/entries/phase/{ours.pk}/",
        {
            "phase": "maturity",
            "source": "decision",
            "recorded_on": timezone.localdate().isoformat(),
            "version": 1,
        },
    )
    assert moved.status_code == 302
    firm.own.refresh_from_db()
    assert (firm.own.phase, firm.own.phase_source) == ("maturity", "decision")
    assert c.get(f"/accounts/entries/interaction/{heard.pk}/").status_code == 404


def test_the_phase_page_shows_a_pending_inferred_change(as_role, firm):
    from kamkit.web.assessment.models import PendingPhaseChange

    PendingPhaseChange.objects.create(account=firm.own, phase="decline", since=dt.date(2026, 11, 1))
    page = soup(as_role("manager").get(f"/accounts/{firm.own.pk}/phase/"))
    text = page.select_one("#pending-change").get_text()
    assert "decline" in text and "2026-11-01" in text
