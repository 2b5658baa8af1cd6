"""The one write path for problems and initiatives (issue 15), service by service: who
may, who may not, bad input, conflicts, and who is told. The pages and the API only
translate to these (their tests check the translation)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kamkit.web.base import StaleVersion
from kamkit.web.portal.models import Notification
from kamkit.web.relationships import services
from kamkit.web.relationships.models import (
    JointInitiative,
    Problem,
    ProblemComment,
    ProblemStageChange,
    UndoneStageMove,
)
from tests.personas import call

TODAY = timezone.localdate()


def told(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("text", flat=True))


def test_raise_a_problem_from_either_side(firm):
    manager, customer = firm.users["manager"], firm.users["customer"]
    shared = services.raise_problem(
        manager,
        firm.own,
        title="Pallets too high",
        framing="Our trucks wait at their dock",
        participants=[firm.own_person, firm.records["chris"]],
    )
    assert (shared.raised_by, shared.supplier_framing, shared.customer_framing) == (
        "supplier",
        "Our trucks wait at their dock",
        "",
    )
    assert shared.stage_changes.get().changed_by == manager
    assert told(customer) == ["manager raised a problem: Pallets too high"]
    quiet = services.raise_problem(manager, firm.own, title="Margin squeeze", shared=False)
    assert quiet.shared is False and len(told(customer)) == 1  # internal: nobody told

    theirs = services.raise_problem(
        customer, firm.own, title="Scanner errors", framing="Labels unreadable", shared=False
    )
    assert (theirs.raised_by, theirs.shared, theirs.customer_framing) == (
        "customer",
        True,  # a customer's problem is always shared
        "Labels unreadable",
    )
    assert list(theirs.participants.all()) == [firm.records["chris"]]
    assert "Chris Customer raised a problem: Scanner errors" in told(manager)


@pytest.mark.parametrize("role", ["analyst", "partner", "other_customer"])
def test_who_may_not_raise_a_problem(firm, role):
    with pytest.raises(PermissionDenied):
        services.raise_problem(firm.users[role], firm.own, title="Not mine")
    assert not Problem.objects.filter(title="Not mine").exists()


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"raised_on": dt.date(9999, 12, 31)}, "raised_on", "is in the future"),
        ({"raised_on": dt.date(1850, 1, 1)}, "raised_on", "too early"),
        ({"framing": "x" * 10_001}, "supplier_framing", "at most 10,000 characters"),
        ({"title": ""}, "title", "cannot be blank"),
    ],
)
def test_a_bad_problem_names_its_field_and_writes_nothing(firm, kwargs, field, words):
    before = Problem.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.raise_problem(firm.users["manager"], firm.own, **{"title": "Pallets", **kwargs})
    assert words in " ".join(caught.value.message_dict[field])
    assert Problem.objects.count() == before


def test_participants_come_from_this_account(firm):
    with pytest.raises(ValidationError) as caught:
        services.raise_problem(
            firm.users["manager"], firm.own, title="Mixed", participants=[firm.other_person]
        )
    assert "not a person of this account" in caught.value.message_dict["participants"][0]


def test_the_conversation_keeps_internal_notes_internal(firm):
    problem, manager, customer = (
        firm.records["problems"],
        firm.users["manager"],
        firm.users["customer"],
    )
    services.comment_on_problem(manager, problem, "Our planner checks the slots", internal=True)
    assert told(customer) == []  # an internal note tells nobody
    services.comment_on_problem(manager, problem, "A second truck from Monday")
    assert told(customer) == ["manager commented on “Late deliveries”"]
    services.comment_on_problem(customer, problem, "Thank you", internal=True)  # ignored flag
    seen = ProblemComment.objects.visible_to(customer).filter(problem=problem)
    assert [c.text for c in seen] == ["A second truck from Monday", "Thank you"]
    assert ProblemComment.objects.visible_to(manager).filter(problem=problem).count() == 3
    with pytest.raises(ValidationError) as empty:
        services.comment_on_problem(manager, problem, "   ")
    assert "text" in empty.value.message_dict
    with pytest.raises(ValidationError) as long:
        services.comment_on_problem(manager, problem, "y" * 4_001)
    assert "at most 4,000 characters" in long.value.message_dict["text"][0]
    hidden = services.raise_problem(manager, firm.own, title="Internal", shared=False)
    with pytest.raises(PermissionDenied):
        services.comment_on_problem(customer, hidden, "Let me in")


def test_each_side_frames_only_its_own_side(firm):
    problem = firm.records["problems"]
    services.frame_problem(firm.users["customer"], problem, "Trucks come late", problem.version)
    problem.refresh_from_db()
    assert (problem.customer_framing, problem.supplier_framing) == ("Trucks come late", "")
    services.frame_problem(firm.users["manager"], problem, "Dock slots are full", problem.version)
    problem.refresh_from_db()
    assert (problem.customer_framing, problem.supplier_framing) == (
        "Trucks come late",
        "Dock slots are full",
    )
    with pytest.raises(StaleVersion):
        services.frame_problem(firm.users["manager"], problem, "Old text", problem.version - 1)


def test_a_stage_move_keeps_its_date_and_can_be_undone(firm):
    problem, manager = firm.records["problems"], firm.users["manager"]
    before_raised = problem.raised_on - dt.timedelta(days=1)
    why = services.move_problem_stage(problem, "deployed", before_raised, manager)
    assert "the day the problem was raised" in why
    joint = services.move_problem_stage(problem, "jointly_defined", None, manager)
    assert joint.startswith("jointly defined needs the supplier's framing")
    assert services.move_problem_stage(problem, "deployed", None, manager) is None
    assert "moved “Late deliveries” to deployed" in told(firm.users["customer"])[-1]
    with pytest.raises(PermissionDenied):
        services.undo_stage_move(firm.users["customer"], problem, "not yours")
    with pytest.raises(ValidationError):
        services.undo_stage_move(manager, problem, " ")
    undone = services.undo_stage_move(manager, problem, "clicked the wrong button")
    problem.refresh_from_db()
    assert problem.stage == "reported" and undone.back_to == "reported"
    assert (undone.stage, undone.undone_by, undone.reason) == (
        "deployed",
        manager,
        "clicked the wrong button",
    )
    assert list(ProblemStageChange.objects.filter(problem=problem).values_list("stage")) == [
        ("reported",)
    ]
    with pytest.raises(ValidationError) as nothing:
        services.undo_stage_move(manager, problem, "again")
    assert "no stage move to undo" in nothing.value.message_dict["stage"][0]
    assert UndoneStageMove.objects.filter(problem=problem).count() == 1


def test_create_an_initiative_from_either_side(firm):
    started = services.create_initiative(
        firm.users["manager"],
        firm.own,
        {"title": "Vendor-managed stock", "status": "agreed", "expected_value_supplier": 900},
    )
    assert (started.status, started.expected_value_supplier) == ("agreed", 900)
    assert told(firm.users["customer"]) == ["manager started an initiative: Vendor-managed stock"]
    proposed = services.create_initiative(
        firm.users["customer"],
        firm.own,
        {"title": "Shared forecast", "status": "realized", "expected_value_supplier": 5},
    )
    assert (proposed.status, proposed.expected_value_supplier) == ("proposed", None)
    with pytest.raises(PermissionDenied):
        services.create_initiative(firm.users["other_customer"], firm.own, {"title": "No"})
    assert not JointInitiative.objects.filter(title="No").exists()


@pytest.mark.parametrize(
    ("path", "body", "field", "words"),
    [
        (
            "interactions",
            {
                "channel": "phone",
                "initiated_by": "supplier",
                "two_way": False,
                "occurred_at": "9999-12-31T10:00:00Z",
            },
            "occurred_at",
            "is in the future",
        ),
        (
            "interactions",
            {
                "channel": "phone",
                "initiated_by": "supplier",
                "two_way": False,
                "summary": "z" * 2001,
            },
            "summary",
            "at most 2,000 characters",
        ),
        ("pulses", {"person": None, "rated_on": "2031-01-01", "trust": 5}, "rated_on", "future"),
    ],
)
def test_the_api_applies_the_same_rules(client, firm, bearer, path, body, field, words):
    if "person" in body:
        body = {**body, "person": firm.records["chris"].pk}
    response = call(
        client, "post", f"/api/v1/accounts/{firm.own.pk}/{path}", bearer("manager"), body
    )
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert words in errors[field]


def test_log_correct_delete_and_restore_a_contact(firm):
    from kamkit.web.relationships.models import Interaction, PersonPair

    manager = firm.users["manager"]
    chris, sam = firm.records["chris"], firm.own.persons.get(name="Sam Engineer")
    call_ = services.log_interaction(
        manager,
        firm.own,
        {"channel": "video", "initiated_by": "customer", "two_way": True, "summary": "Q1 plan"},
        [chris, sam],
    )
    assert call_.logged_by == manager
    assert PersonPair.objects.filter(account=firm.own).count() == 1  # kept current
    with pytest.raises(ValidationError) as one_way:
        services.log_interaction(
            manager, firm.own, {"channel": "phone", "initiated_by": "supplier"}, [sam]
        )
    assert "two_way" in one_way.value.message_dict
    services.edit_interaction(manager, call_, {"summary": "Q1 plan agreed"}, call_.version)
    call_.refresh_from_db()
    assert (call_.summary, call_.version) == ("Q1 plan agreed", 2)
    assert call_.history.first().history_user == manager
    with pytest.raises(StaleVersion):
        services.edit_interaction(manager, call_, {"summary": "late edit"}, 1)
    with pytest.raises(ValidationError):
        services.edit_interaction(manager, call_, {"two_way": True}, call_.version, [sam])
    with pytest.raises(PermissionDenied):
        services.delete_entry(firm.users["customer"], call_)
    services.delete_entry(manager, call_)
    assert not Interaction.objects.alive().filter(pk=call_.pk).exists()
    assert PersonPair.objects.filter(account=firm.own).count() == 0  # the pair is gone
    services.restore_entry(manager, call_)
    assert Interaction.objects.alive().filter(pk=call_.pk).exists()
    assert PersonPair.objects.filter(account=firm.own).count() == 1


def test_what_the_customer_recorded_is_theirs_and_inferred_phases_kamkits(firm):
    from kamkit.web.relationships.models import PhaseRecord

    with pytest.raises(PermissionDenied):
        services.delete_entry(firm.users["manager"], firm.records["pulses"])  # Chris's
    inferred = PhaseRecord.objects.create(account=firm.own, phase="maturity", source="inferred")
    with pytest.raises(PermissionDenied):
        services.delete_entry(firm.users["director"], inferred)
    ours = PhaseRecord.objects.create(
        account=firm.own, phase="decline", source="decision", recorded_by=firm.users["manager"]
    )
    firm.own.refresh_from_db()
    assert firm.own.phase == "decline"
    services.delete_entry(firm.users["manager"], ours)
    firm.own.refresh_from_db()
    assert firm.own.phase != "decline"  # the account's phase follows


def test_a_definition_is_joint_only_with_both_framings_and_both_agreements(firm):
    problem, manager, customer = (
        firm.records["problems"],
        firm.users["manager"],
        firm.users["customer"],
    )
    with pytest.raises(ValidationError) as unframed:
        services.agree_definition(manager, problem)
    assert set(unframed.value.message_dict) == {"supplier_framing", "customer_framing"}
    services.frame_problem(manager, problem, "Dock slots full", problem.version)
    services.frame_problem(customer, problem, "Trucks come late", problem.version)
    services.agree_definition(manager, problem)
    assert (problem.stage, problem.supplier_agreed_by) == ("reported", manager)
    with pytest.raises(PermissionDenied):  # the customer has a login: it agrees itself
        services.agree_definition(manager, problem, for_customer=True)
    services.frame_problem(customer, problem, "Trucks come late on Mondays", problem.version)
    assert problem.supplier_agreed_on is None  # a new framing: both agree again
    services.agree_definition(customer, problem)
    services.agree_definition(manager, problem)
    assert problem.stage == "jointly_defined"
    assert problem.stage_changes.get(stage="jointly_defined").changed_by == manager
    with pytest.raises(ValidationError) as again:
        services.agree_definition(customer, problem)
    assert "stage" in again.value.message_dict
    with pytest.raises(PermissionDenied):
        services.agree_definition(firm.users["other_customer"], problem)


def test_without_a_customer_login_the_supplier_records_the_customers_side(firm):
    from kamkit.web.users.models import User

    User.objects.filter(role="customer", account=firm.own).update(is_active=False)
    problem, manager = firm.records["problems"], firm.users["manager"]
    problem.supplier_framing, problem.customer_framing = "Dock slots", "Trucks late"
    problem.save()
    services.agree_definition(manager, problem)
    services.agree_definition(manager, problem, for_customer=True)
    assert problem.stage == "jointly_defined"
    assert (problem.customer_agreed_by, problem.supplier_agreed_by) == (manager, manager)


def test_pulses_and_phase_views_from_either_side(firm):
    from kamkit.web.relationships.models import PhaseRecord

    manager, customer = firm.users["manager"], firm.users["customer"]
    mine = services.record_pulse(customer, firm.own, {"trust": 6, "person": firm.own_person})
    assert mine.person == firm.records["chris"]  # a customer rates for itself
    assert "Chris Customer rated the relationship" in told(manager)
    heard = services.record_pulse(manager, firm.own, {"trust": 3, "person": firm.own_person})
    assert heard.person == firm.own_person
    with pytest.raises(ValidationError) as off:
        services.record_pulse(manager, firm.own, {"trust": 9, "person": firm.own_person})
    assert "less than or equal to 7" in off.value.message_dict["trust"][0]
    with pytest.raises(ValidationError):
        services.record_pulse(manager, firm.own, {"trust": 5, "person": firm.other_person})
    view = services.record_phase_view(customer, firm.own, "decline", note="Prices rose")
    assert (view.source, view.person) == ("customer_self", firm.records["chris"])
    assert any("sees the relationship in decline" in t for t in told(manager))
    decision = services.record_phase_view(manager, firm.own, "maturity", source="decision")
    firm.own.refresh_from_db()
    assert (firm.own.phase, firm.own.phase_source) == ("maturity", "decision")
    with pytest.raises(ValidationError) as bad:
        services.record_phase_view(manager, firm.own, "boom", source="decision")
    assert "phase" in bad.value.message_dict
    with pytest.raises(ValidationError) as future:
        services.record_phase_view(
            manager, firm.own, "maturity", source="decision", recorded_on=dt.date(2999, 1, 1)
        )
    assert "recorded_on" in future.value.message_dict
    assert PhaseRecord.objects.filter(pk=decision.pk).exists()


def test_initiatives_change_on_both_sides_on_one_path(firm):
    from decimal import Decimal

    manager, customer = firm.users["manager"], firm.users["customer"]
    item = firm.records["initiatives"]
    services.update_initiative(manager, item, {"status": "in_delivery"}, item.version)
    assert "manager moved “Joint pilot line” to in delivery" in told(customer)
    with pytest.raises(PermissionDenied):
        services.update_initiative(customer, item, {"status": "dropped"}, item.version)
    services.update_contribution(
        customer, item, {"customer_effort_days": Decimal("4"), "status": "dropped"}, item.version
    )
    item.refresh_from_db()
    assert (item.customer_effort_days, item.status) == (Decimal("4.0"), "in_delivery")
    with pytest.raises(StaleVersion):
        services.update_contribution(customer, item, {"customer_money": 1}, item.version - 1)
    with pytest.raises(ValidationError):
        services.confirm_value(customer, item, Decimal("-1"))
    services.confirm_value(customer, item, Decimal("2500"))
    item.refresh_from_db()
    assert (item.status, item.customer_confirmed_on) == ("realized", TODAY)
    with pytest.raises(services.StepRefused):
        services.update_contribution(customer, item, {"customer_money": 1}, item.version)
    assert any("confirmed 2500 of value" in t for t in told(manager))


def test_the_supplier_edits_a_problem_and_the_customer_is_told_of_a_reframing(firm):
    problem, manager, customer = (
        firm.records["problems"],
        firm.users["manager"],
        firm.users["customer"],
    )
    services.frame_problem(customer, problem, "Trucks late", problem.version)
    services.edit_problem(manager, problem, {"supplier_framing": "Dock full"}, problem.version)
    services.agree_definition(manager, problem)
    assert "manager reframed “Late deliveries”" in told(customer)
    with pytest.raises(ValidationError) as theirs:
        services.edit_problem(manager, problem, {"customer_framing": "Ours now"}, problem.version)
    assert "customer_framing" in theirs.value.message_dict
    services.edit_problem(
        manager, problem, {"supplier_framing": "Dock full on Mon"}, problem.version
    )
    assert problem.supplier_agreed_on is None  # agree again
    before = len(told(customer))
    services.edit_problem(manager, problem, {"lessons": "Book early"}, problem.version)
    assert len(told(customer)) == before  # not a reframing: nobody told


def test_preferences_from_either_side(firm):
    manager, customer = firm.users["manager"], firm.users["customer"]
    mine = services.set_preferences(
        customer, firm.own, {"channels": ["video"], "ideal_min": 1, "ideal_max": 3}
    )
    assert mine.person == firm.records["chris"]
    assert "Chris Customer updated how to be contacted" in told(manager)
    with pytest.raises(ValidationError) as band:
        services.set_preferences(customer, firm.own, {"ideal_min": 5, "ideal_max": 2}, mine, 1)
    assert "ideal_max" in band.value.message_dict
    with pytest.raises(ValidationError) as ours:
        services.set_preferences(
            manager, firm.own, {"person": firm.own.persons.get(name="Sam Engineer")}
        )
    assert "customer-side person" in ours.value.message_dict["person"][0]
    whole = services.set_preferences(manager, firm.own, {"channels": ["phone"], "person": None})
    assert whole.person is None
    with pytest.raises(PermissionDenied):
        services.set_preferences(firm.users["other_customer"], firm.own, {"channels": []})


def test_many_records_at_once_obey_the_same_rules_all_or_nothing(firm):
    """The bulk write path of the demo loader (and, later, imports): every record is
    checked like a single write; one bad record writes nothing."""
    from kamkit.web.relationships.models import Interaction, PersonPair, Pulse

    sam, chris = firm.own.persons.get(name="Sam Engineer"), firm.records["chris"]

    def contact(**kw):
        return Interaction(
            account=firm.own, channel="video", initiated_by="supplier", two_way=True, **kw
        )

    before = Interaction.objects.count()
    with pytest.raises(ValidationError) as one_bad:
        services.log_interactions_in_bulk(None, [(contact(), [sam, chris]), (contact(), [sam])])
    assert "record 2: two_way" in one_bad.value.message_dict
    assert Interaction.objects.count() == before
    assert services.log_interactions_in_bulk(None, [(contact(), [sam, chris])]) == {}
    assert Interaction.objects.count() == before + 1
    assert PersonPair.objects.filter(account=firm.own).count() == 1  # rebuilt once
    with pytest.raises(PermissionDenied):
        services.log_interactions_in_bulk(firm.users["customer"], [(contact(), [sam, chris])])
    with pytest.raises(ValidationError) as scale:
        services.add_records_in_bulk(None, [Pulse(account=firm.own, person=chris, trust=9)])
    assert "record 1: trust" in scale.value.message_dict

    raised = dt.date(2026, 10, 1)

    def problem(**kw):
        return Problem(account=firm.own, title="P", raised_by="customer", raised_on=raised, **kw)

    skipped_agreement = [
        (problem(), [("reported", raised), ("jointly_defined", dt.date(2026, 10, 5))], [])
    ]
    with pytest.raises(ValidationError) as joint:
        services.add_problems_in_bulk(None, skipped_agreement)
    assert "jointly defined needs" in " ".join(joint.value.message_dict["record 1: stage"])
    early = [(problem(), [("reported", raised), ("solution_designed", dt.date(2026, 9, 1))], [])]
    with pytest.raises(ValidationError):
        services.add_problems_in_bulk(None, early)
    agreed = problem(
        supplier_framing="a",
        customer_framing="b",
        supplier_agreed_on=dt.date(2026, 10, 5),
        customer_agreed_on=dt.date(2026, 10, 5),
    )
    history = [("reported", raised), ("jointly_defined", dt.date(2026, 10, 5))]
    assert services.add_problems_in_bulk(None, [(agreed, history, [sam, chris])]) == 1
    agreed.refresh_from_db()
    assert agreed.stage == "jointly_defined" and agreed.participants.count() == 2


def test_who_raised_a_problem_and_when_stay_consistent(firm):
    problem, manager = firm.records["problems"], firm.users["manager"]
    with pytest.raises(ValidationError) as who:
        services.edit_problem(manager, problem, {"raised_by": "supplier"}, problem.version)
    assert "raised_by" in who.value.message_dict  # the customer has a login
    Problem.objects.filter(pk=problem.pk).update(raised_on=dt.date(2026, 10, 1))
    problem.refresh_from_db()
    services.move_problem_stage(problem, "solution_designed", dt.date(2026, 10, 10), manager)
    with pytest.raises(ValidationError) as late:
        services.edit_problem(
            manager, problem, {"raised_on": dt.date(2026, 10, 20)}, problem.version
        )
    assert "it was raised before that" in late.value.message_dict["raised_on"][0]
    services.edit_problem(manager, problem, {"raised_on": dt.date(2026, 9, 25)}, problem.version)
    assert problem.stage_changes.get(stage="reported").changed_on == dt.date(2026, 9, 25)
