"""Revive or wind down a declining account (SPEC §2.3, issue 14): one write path for the
page and the API, its rules, who may, its history, and what follows from it (the
assessment's roles, the portfolio's flag, the plan's hours)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from kamkit.web.accounts.models import Account
from kamkit.web.assessment.planning import make_plan
from kamkit.web.assessment.services import assess_accounts
from kamkit.web.relationships.models import DeclineDecision, PhaseRecord

REASON = "Their new CFO consolidates suppliers; we keep service orderly."


def _page(account: Account) -> str:
    return reverse("relationships:decline_decision", kwargs={"pk": account.pk})


def _post(client, account, **data):
    body = {"decision": "wind_down", "decided_on": dt.date.today().isoformat(), "reason": REASON}
    return client.post(_page(account), {**body, **data})


def test_the_director_decides_on_the_page_and_everything_follows(as_role, firm):
    declining = firm.other  # declining by a KA manager's phase decision
    client = as_role("director")
    page = client.get(_page(declining))
    assert b'id="decision-needed"' in page.content and b"No decision recorded yet" in page.content
    portfolio = client.get(reverse("accounts:portfolio"))
    assert b'id="decisions-needed"' in portfolio.content and b"decision needed" in portfolio.content
    (before,) = assess_accounts([declining.pk])
    assert before.decision_needed and before.roles["problem_solving"] == "motivator"

    response = _post(client, declining)
    assert response.status_code == 302
    declining.refresh_from_db()
    assert declining.decline_decision == "wind_down" and not declining.decision_needed
    record = DeclineDecision.objects.get(account=declining)
    assert (record.reason, record.decided_by) == (REASON, firm.users["director"])
    page = client.get(_page(declining))
    assert b'id="decision-in-force"' in page.content and REASON.encode() in page.content
    (after,) = assess_accounts([declining.pk])
    assert set(after.roles.values()) == {"hygiene"} and not after.decision_needed
    assert "wind down" in after.roles_origin
    filtered = client.get(reverse("accounts:portfolio") + "?decision=wind_down")
    assert declining.name.encode() in filtered.content
    needed = client.get(reverse("accounts:portfolio") + "?decision=needed")
    assert declining.name.encode() not in needed.content

    # a later decision is a new row: the history keeps both, newest first
    assert _post(client, declining, decision="revive").status_code == 302
    assert list(
        DeclineDecision.objects.filter(account=declining).values_list("decision", flat=True)
    ) == ["revive", "wind_down"]
    (revived,) = assess_accounts([declining.pk])
    assert revived.roles["co_creation"] == "motivator"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "  "}, b"This field is required"),
        ({"decided_on": "2999-01-01"}, b"is in the future"),
        ({"decision": "sell"}, b"Select a valid choice"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(as_role, firm, data, message):
    response = _post(as_role("director"), firm.other, **data)
    assert response.status_code == 422 and message in response.content
    assert not DeclineDecision.objects.exists()
    firm.other.refresh_from_db()
    assert firm.other.decline_decision == ""


def test_only_a_declining_account_takes_a_decision(as_role, firm):
    client = as_role("manager")  # firm.own: maturity by the customer's view
    assert b'id="not-declining"' in client.get(_page(firm.own)).content
    response = _post(client, firm.own)
    assert response.status_code == 422 and b"only a declining account" in response.content
    assert not DeclineDecision.objects.exists()


def test_who_may_decide(client, firm, as_role):
    """The account's own KA manager and the director decide; another KA manager does not
    see the account; an analyst and a customer never reach it."""
    other_manager = firm.other.ka_manager
    assert _post(as_role("manager"), firm.other).status_code == 404
    assert _post(as_role("analyst"), firm.other).status_code == 404
    assert _post(as_role("customer"), firm.other).status_code == 404
    client.force_login(other_manager)
    assert _post(client, firm.other).status_code == 302
    assert DeclineDecision.objects.get().decided_by == other_manager


def test_a_decision_lapses_when_the_account_leaves_decline(firm):
    from kamkit.web.relationships.services import record_decline_decision

    record_decline_decision(firm.other, "revive", REASON, firm.users["director"])
    PhaseRecord.objects.create(account=firm.other, phase="build_up", source="decision")
    firm.other.refresh_from_db()
    assert (firm.other.phase, firm.other.decline_decision) == ("build_up", "")
    assert DeclineDecision.objects.filter(account=firm.other).count() == 1  # history kept
    # declining again: a new decline needs a new decision
    PhaseRecord.objects.create(account=firm.other, phase="decline", source="decision")
    firm.other.refresh_from_db()
    assert firm.other.decision_needed


def test_the_api_records_lists_and_refuses(client, firm, bearer):
    url = reverse("api:decline_decisions", kwargs={"account_id": firm.other.pk})
    body = {"decision": "revive", "reason": REASON, "decided_on": "2026-11-01"}
    post = client.post(url, json.dumps(body), content_type="application/json", **bearer("admin"))
    assert post.status_code == 201 and post.json()["decision"] == "revive"
    listed = client.get(url, **bearer("director")).json()
    assert listed["count"] == 1 and listed["in_force"] == "revive"
    assert listed["items"][0]["reason"] == REASON
    assessed = client.get(
        reverse("api:account_assessment", kwargs={"account_id": firm.other.pk}),
        **bearer("director"),
    ).json()
    assert assessed["phase"]["decline_decision"] == "revive"
    assert assessed["phase"]["decision_needed"] is False
    assert "SPEC §2.3" in assessed["provenance"]["roles"]
    # internal: the account's own customer gets 404, as for an account that does not exist
    assert client.get(url, **bearer("other_customer")).status_code == 404
    bad = client.post(
        url,
        json.dumps({"decision": "sell", "reason": ""}),
        content_type="application/json",
        **bearer("director"),
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"decision", "reason"}
    future = client.post(
        url,
        json.dumps({**body, "decided_on": "2999-01-01"}),
        content_type="application/json",
        **bearer("director"),
    )
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "decided_on"
    assert DeclineDecision.objects.count() == 1


def test_the_plan_gives_a_wound_down_account_only_its_minimum(firm):
    from kamkit.web.assessment.services import assess_portfolio
    from kamkit.web.relationships.services import record_decline_decision

    assess_portfolio()
    undecided = make_plan(firm.users["director"], 200, minimum=2)
    record_decline_decision(firm.other, "wind_down", REASON, firm.users["director"])
    wound = make_plan(firm.users["director"], 200, minimum=2)
    hours = {s.account: s.hours for s in wound.plan.accounts}
    assert hours[firm.other.pk] == pytest.approx(2)
    assert not [i for i in wound.plan.items if i.account == firm.other.pk]
    assert any("wound down" in note for note in wound.plan.notes)
    assert {s.account: s.hours for s in undecided.plan.accounts}[firm.other.pk] >= 2
