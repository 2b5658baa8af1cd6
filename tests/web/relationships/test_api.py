"""The relational records through the API: rules, stages, and what a customer may do."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kamkit.web.portal.models import Notification
from kamkit.web.relationships.models import Interaction, JointInitiative, Problem, Pulse
from tests.personas import call


def test_log_an_interaction_with_participants_of_both_sides(client, firm, bearer):
    h = bearer("manager")
    url = f"/api/v1/accounts/{firm.own.pk}/interactions"
    supplier = firm.own.persons.get(side="supplier")
    one_sided = call(
        client,
        "post",
        url,
        h,
        {"channel": "video", "initiated_by": "supplier", "participants": [supplier.pk]},
    )
    assert one_sided.status_code == 422
    assert one_sided.json()["errors"][0]["field"] == "two_way"
    ok = call(
        client,
        "post",
        url,
        h,
        {
            "channel": "video",
            "initiated_by": "customer",
            "content": "strategic",
            "participants": [supplier.pk, firm.own_person.pk],
        },
    )
    assert ok.status_code == 201
    assert sorted(ok.json()["participants"]) == sorted([supplier.pk, firm.own_person.pk])
    foreign = call(
        client,
        "post",
        url,
        h,
        {"channel": "phone", "initiated_by": "supplier", "participants": [firm.other_person.pk]},
    )
    assert foreign.status_code == 422 and foreign.json()["errors"][0]["field"] == "participants"
    assert Interaction.objects.filter(account=firm.own).count() == 2  # the fixture's + one


def test_realized_value_without_realized_status_is_refused(client, firm, bearer):
    h = bearer("manager")
    url = f"/api/v1/accounts/{firm.own.pk}/initiatives/{firm.records['initiatives'].pk}"
    bad = call(client, "patch", url, h, {"version": 1, "realized_value_customer": "12000"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"
    early = call(client, "patch", url, h, {"version": 1, "realized_on": "2026-10-01"})
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "realized_on"
    good = call(
        client,
        "patch",
        url,
        h,
        {
            "version": 1,
            "status": "realized",
            "realized_value_customer": "12000",
            "realized_value_supplier": "8000",
        },
    )
    assert good.status_code == 200 and good.json()["version"] == 2
    # realized without a date: dated today, so "realized in the last 180 days" can be told
    assert good.json()["realized_on"] == timezone.localdate().isoformat()
    assert (
        str(JointInitiative.objects.get(pk=firm.records["initiatives"].pk).realized_value_supplier)
        == "8000.00"
    )


def test_problem_stages_move_forward_and_keep_their_dates(client, firm, bearer):
    h = bearer("manager")
    base = f"/api/v1/accounts/{firm.own.pk}/problems/{firm.records['problems'].pk}"
    raised = firm.records["problems"].raised_on
    # jointly defined only by both sides' framings and agreements (issue 15)
    joint = call(client, "post", f"{base}/stage", h, {"stage": "jointly_defined"})
    assert joint.status_code == 422 and "jointly defined needs" in joint.json()["detail"]
    early = call(
        client,
        "post",
        f"{base}/stage",
        h,
        {"stage": "solution_designed", "on": (raised - dt.timedelta(days=1)).isoformat()},
    )
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "on"
    assert "the day the problem was raised" in early.json()["errors"][0]["message"]
    moved = call(
        client, "post", f"{base}/stage", h, {"stage": "solution_designed", "on": str(raised)}
    )
    assert moved.status_code == 200
    assert moved.json()["stage"] == "solution_designed"
    assert moved.json()["stage_dates"] == {
        "reported": str(raised),
        "solution_designed": str(raised),
    }
    back = call(client, "post", f"{base}/stage", h, {"stage": "reported"})
    assert back.status_code == 422 and "moves forward" in back.json()["errors"][0]["message"]
    assert Problem.objects.get(pk=firm.records["problems"].pk).stage_changes.count() == 2


def test_both_sides_agree_on_a_definition_through_the_api(client, firm, bearer):
    base = f"/api/v1/accounts/{firm.own.pk}/problems/{firm.records['problems'].pk}"
    unframed = call(client, "post", f"{base}/definition/agree", bearer("manager"), {})
    assert unframed.status_code == 422
    assert {e["field"] for e in unframed.json()["errors"]} == {
        "supplier_framing",
        "customer_framing",
    }
    Problem.objects.filter(pk=firm.records["problems"].pk).update(
        supplier_framing="Carrier capacity", customer_framing="Trucks come late"
    )
    ours = call(client, "post", f"{base}/definition/agree", bearer("manager"), {})
    assert ours.status_code == 200 and ours.json()["stage"] == "reported"
    assert ours.json()["supplier_agreed_on"] is not None
    # the customer has a login: the supplier does not agree for it
    for_them = call(
        client, "post", f"{base}/definition/agree", bearer("manager"), {"for_customer": True}
    )
    assert for_them.status_code == 403
    theirs = call(client, "post", f"{base}/definition/agree", bearer("customer"), {})
    assert theirs.status_code == 200 and theirs.json()["stage"] == "jointly_defined"


def test_customer_sees_only_shared_records_and_its_own_pulses(client, firm, bearer):
    h = bearer("customer")
    interactions = call(client, "get", f"/api/v1/accounts/{firm.own.pk}/interactions", h).json()
    assert interactions["count"] == 0  # the internal call is not shared
    assert (
        b"Internal prep call notes"
        not in call(client, "get", f"/api/v1/accounts/{firm.own.pk}/interactions", h).content
    )
    Pulse.objects.create(
        account=firm.own, person=firm.own_person, communication=2
    )  # someone else's pulse
    pulses = call(client, "get", f"/api/v1/accounts/{firm.own.pk}/pulses", h).json()
    assert [p["person"] for p in pulses["items"]] == [firm.records["chris"].pk]
    assert call(client, "get", f"/api/v1/accounts/{firm.other.pk}/problems", h).status_code == 404


def test_customer_raises_a_problem_in_its_own_words_and_proposes_an_initiative(
    client, firm, bearer
):
    h = bearer("customer")
    problem = call(
        client,
        "post",
        f"/api/v1/accounts/{firm.own.pk}/problems",
        h,
        {
            "title": "Labels unreadable",
            "raised_by": "supplier",
            "customer_framing": "Scanners fail",
            "supplier_framing": "sneaky",
            "shared": False,
        },
    )
    assert problem.status_code == 201
    body = problem.json()
    assert (body["raised_by"], body["shared"], body["supplier_framing"]) == ("customer", True, "")
    initiative = call(
        client,
        "post",
        f"/api/v1/accounts/{firm.own.pk}/initiatives",
        h,
        {"title": "Shared forecast", "status": "realized", "realized_value_supplier": "1"},
    )
    assert initiative.status_code == 201
    body = initiative.json()
    assert body["status"] == "proposed" and body["shared"] is True
    # the supplier's value is neither set by the customer nor given back to it
    assert "realized_value_supplier" not in body and "expected_value_supplier" not in body
    saved = JointInitiative.objects.get(pk=body["id"])
    assert saved.realized_value_supplier is None
    assert saved.customer_owner.user.username == "customer"
    assert Notification.objects.filter(text__contains="proposed an initiative: Shared").exists()
    not_mine = call(
        client,
        "post",
        f"/api/v1/accounts/{firm.own.pk}/pulses",
        h,
        {"person": firm.own_person.pk, "trust": 3},
    )
    assert not_mine.status_code == 422 and not_mine.json()["errors"][0]["field"] == "person"
    assert (
        call(
            client,
            "post",
            f"/api/v1/accounts/{firm.own.pk}/interactions",
            h,
            {"channel": "email", "initiated_by": "customer"},
        ).status_code
        == 403
    )


def test_stale_versions_conflict_for_records_too(client, firm, bearer):
    h = bearer("customer")
    url = f"/api/v1/accounts/{firm.own.pk}/pulses/{firm.records['pulses'].pk}"
    assert call(client, "patch", url, h, {"version": 1, "trust": 7}).status_code == 200
    assert call(client, "patch", url, h, {"version": 1, "trust": 1}).status_code == 409
    assert Pulse.objects.get(pk=firm.records["pulses"].pk).trust == 7
    bad = call(client, "patch", url, h, {"version": 2, "trust": 9})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "trust"


def test_phase_statements_through_the_api_follow_the_precedence(client, firm, bearer):
    h = bearer("manager")
    url = f"/api/v1/accounts/{firm.own.pk}/phases"
    supplier = firm.own.persons.get(side="supplier")
    wrong_side = call(
        client,
        "post",
        url,
        h,
        {"phase": "maturity", "source": "supplier_self", "person": firm.own_person.pk},
    )
    assert wrong_side.status_code == 422
    assert wrong_side.json()["errors"][0]["field"] == "person"
    assert "supplier-side person" in wrong_side.json()["errors"][0]["message"]
    inferred = call(client, "post", url, h, {"phase": "decline", "source": "inferred"})
    assert inferred.status_code == 422 and inferred.json()["errors"][0]["field"] == "source"
    # both sides now say maturity: they agree, so that is the account's phase
    ours = call(
        client,
        "post",
        url,
        h,
        {"phase": "maturity", "source": "supplier_self", "person": supplier.pk},
    )
    assert ours.status_code == 201
    assert ours.json()["recorded_by"] == firm.users["manager"].pk
    firm.own.refresh_from_db()
    assert (firm.own.phase, firm.own.phase_source) == ("maturity", "both_sides")
    # the KA manager's decision overrides both
    decided = call(
        client,
        "post",
        url,
        h,
        {"phase": "decline", "source": "decision", "note": "lost the tender"},
    )
    assert decided.status_code == 201
    firm.own.refresh_from_db()
    assert (firm.own.phase, firm.own.phase_source) == ("decline", "decision")
    # deleting the decision falls back to the two sides' agreement
    gone = call(client, "delete", f"{url}/{decided.json()['id']}", h)
    assert gone.status_code == 204
    firm.own.refresh_from_db()
    assert (firm.own.phase, firm.own.phase_source) == ("maturity", "both_sides")


def test_a_customer_states_its_own_phase_view_and_reads_only_its_sides(client, firm, bearer):
    h = bearer("customer")
    url = f"/api/v1/accounts/{firm.own.pk}/phases"
    listed = call(client, "get", url, h).json()
    assert listed["count"] == len(listed["items"]) >= 1
    assert {item["source"] for item in listed["items"]} == {"customer_self"}
    # the supplier's view is not there, and neither is the person field pointing elsewhere
    stated = call(client, "post", url, h, {"phase": "build_up", "source": "decision"})
    assert stated.status_code == 201
    body = stated.json()
    assert body["source"] == "customer_self"  # a customer cannot decide for the supplier
    assert body["person"] == firm.records["chris"].pk
    other = call(
        client,
        "post",
        url,
        h,
        {"phase": "build_up", "source": "customer_self", "person": firm.own_person.pk},
    )
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "person"
    supplier_view = firm.own.phase_records.get(source="supplier_self")
    assert call(client, "get", f"{url}/{supplier_view.pk}", h).status_code == 404


def test_inferred_phases_are_not_edited_through_the_api(client, firm, bearer):
    from kamkit.web.relationships.models import PhaseRecord

    inferred = PhaseRecord.objects.create(
        account=firm.own, phase="decline", source="inferred", reasons=["activity −42 %"]
    )
    url = f"/api/v1/accounts/{firm.own.pk}/phases/{inferred.pk}"
    h = bearer("director")
    assert call(client, "get", url, h).json()["reasons"] == ["activity −42 %"]
    refused = call(client, "patch", url, h, {"version": 1, "phase": "maturity"})
    assert refused.status_code == 403 and "decision" in refused.json()["detail"]
    assert call(client, "delete", url, h).status_code == 403
    inferred.refresh_from_db()
    assert inferred.phase == "decline" and inferred.deleted_at is None


def test_the_customer_takes_its_own_steps_through_the_api(client, firm, bearer):
    from kamkit.web.relationships.models import JointInitiative

    h = bearer("customer")
    item = firm.records["initiatives"]
    base = f"/api/v1/accounts/{firm.own.pk}/initiatives/{item.pk}"
    mine = call(client, "post", f"{base}/contribution", h, {"version": 1, "customer_money": 500})
    assert mine.status_code == 200 and mine.json()["customer_money"] == "500.00"
    stale = call(client, "post", f"{base}/contribution", h, {"version": 1, "customer_money": 9})
    assert stale.status_code == 409
    early = call(client, "post", f"{base}/confirm-value", h, {"realized_value_customer": 100})
    assert early.status_code == 409 and "in delivery or realized" in early.json()["detail"]
    JointInitiative.objects.filter(pk=item.pk).update(status="in_delivery")
    done = call(client, "post", f"{base}/confirm-value", h, {"realized_value_customer": 100})
    assert done.status_code == 200 and done.json()["status"] == "realized"
    assert "realized_value_supplier" not in done.json()  # never the supplier's value
    negative = call(client, "post", f"{base}/confirm-value", h, {"realized_value_customer": -1})
    assert negative.status_code == 422
