"""The relational records through the API: rules, stages, and what a customer may do."""

from __future__ import annotations

from kamkit.web.relationships.models import Interaction, JointInitiative, Problem, Pulse

from .conftest import call


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
    assert (
        str(JointInitiative.objects.get(pk=firm.records["initiatives"].pk).realized_value_supplier)
        == "8000.00"
    )


def test_problem_stages_move_forward_and_keep_their_dates(client, firm, bearer):
    h = bearer("manager")
    base = f"/api/v1/accounts/{firm.own.pk}/problems/{firm.records['problems'].pk}"
    moved = call(
        client, "post", f"{base}/stage", h, {"stage": "jointly_defined", "on": "2026-10-02"}
    )
    assert moved.status_code == 200
    assert moved.json()["stage"] == "jointly_defined"
    assert moved.json()["stage_dates"]["jointly_defined"] == "2026-10-02"
    back = call(client, "post", f"{base}/stage", h, {"stage": "reported"})
    assert back.status_code == 422 and "moves forward" in back.json()["errors"][0]["message"]
    assert Problem.objects.get(pk=firm.records["problems"].pk).stage_changes.count() == 1


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
    assert (
        initiative.json()["status"] == "proposed"
        and initiative.json()["realized_value_supplier"] is None
    )
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
