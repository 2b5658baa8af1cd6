"""The rules of the relational records (core, no database)."""

import pytest

from kamkit.core import relationships as rules


def test_two_way_needs_a_customer_participant():
    assert "two_way" in rules.check_interaction(two_way=True, participant_sides=["supplier"])
    assert rules.check_interaction(two_way=True, participant_sides=["supplier", "customer"]) == {}
    assert rules.check_interaction(two_way=False, participant_sides=["supplier"]) == {}


def test_realized_value_needs_realized_status_and_values_are_not_negative():
    errors = rules.check_initiative(
        status="agreed", realized_value_customer=10.0, realized_value_supplier=None
    )
    assert "status" in errors and "'agreed'" in errors["status"]
    assert (
        rules.check_initiative(
            status="realized", realized_value_customer=10.0, realized_value_supplier=5.0
        )
        == {}
    )
    neg = rules.check_initiative(
        status="proposed",
        realized_value_customer=None,
        realized_value_supplier=None,
        expected_value_supplier=-1,
    )
    assert set(neg) == {"expected_value_supplier"}


@pytest.mark.parametrize(
    ("current", "new", "ok"),
    [
        ("reported", "jointly_defined", True),
        ("reported", "deployed", True),
        ("deployed", "reported", False),
        ("deployed", "deployed", False),
        ("closed", "supported", False),
        ("reported", "solved", False),
    ],
)
def test_problems_move_forward_only(current, new, ok):
    assert (rules.check_stage_move(current, new) is None) is ok


def test_next_stage_for_one_click_moves():
    assert rules.next_stage("reported") == "jointly_defined"
    assert rules.next_stage("supported") == "closed"
    assert rules.next_stage("closed") is None


def test_pulse_needs_one_rating_on_the_scale():
    assert "communication" in rules.check_pulse(dict.fromkeys(rules.PULSE_ITEMS))
    assert rules.check_pulse({"trust": 7}) == {}
    assert "trust" in rules.check_pulse({"trust": 8})
    assert "trust" in rules.check_pulse({"trust": 0})


def test_preference_band_and_channels():
    assert rules.check_preference(channels=["video"], ideal_min=2, ideal_max=6) == {}
    errors = rules.check_preference(channels=["pigeon"], ideal_min=5, ideal_max=3)
    assert set(errors) == {"channels", "ideal_max"}


def test_the_customers_two_steps_on_a_shared_problem():
    from kamkit.core.relationships import customer_step

    assert customer_step("agree", "reported") == ("jointly_defined", None)
    assert customer_step("confirm", "deployed") == ("closed", None)
    assert customer_step("confirm", "supported") == ("closed", None)
    target, why = customer_step("confirm", "reported")
    assert target is None and "reported" in why and "not open" in why
    assert customer_step("agree", "closed")[0] is None
    assert customer_step("reopen", "closed")[1].startswith("'reopen' is not a step")


def test_a_customer_record_keeps_only_what_a_customer_may_set():
    from kamkit.core.relationships import customer_record

    problem = customer_record(
        "problem",
        {
            "title": "Late",
            "customer_framing": "Trucks late",
            "shared": False,
            "stage": "closed",
            "supplier_framing": "ours",
            "raised_by": "supplier",
        },
    )
    assert problem == {
        "title": "Late",
        "customer_framing": "Trucks late",
        "raised_by": "customer",
        "shared": True,
    }
    initiative = customer_record(
        "initiative",
        {
            "title": "Pilot",
            "status": "realized",
            "realized_value_supplier": 9,
            "supplier_money": 5,
            "customer_money": 3,
            "expected_value_customer": 10,
        },
    )
    assert initiative == {
        "title": "Pilot",
        "customer_money": 3,
        "expected_value_customer": 10,
        "status": "proposed",
        "shared": True,
    }
    with pytest.raises(ValueError, match="pulse"):
        customer_record("pulse", {})


def test_the_customer_contributes_while_open_and_confirms_in_delivery_or_after():
    from kamkit.core.relationships import customer_confirmation, customer_contribution

    assert customer_contribution("agreed") is None
    assert "realized" in customer_contribution("realized")
    changes, errors = customer_confirmation("in_delivery", 1200.0)
    assert errors == {} and changes == {"realized_value_customer": 1200.0, "status": "realized"}
    assert "in delivery or realized" in customer_confirmation("agreed", 5.0)[1]["status"]
    assert "negative" in customer_confirmation("realized", -1.0)[1]["realized_value_customer"]
    assert "0 if none" in customer_confirmation("realized", None)[1]["realized_value_customer"]


def test_the_supplier_value_is_never_given_to_a_customer():
    from kamkit.core.relationships import for_customer

    data = {"id": 1, "realized_value_supplier": 5, "expected_value_supplier": 6, "title": "x"}
    assert for_customer("initiative", data) == {"id": 1, "title": "x"}
    assert for_customer("problem", {"id": 1}) == {"id": 1}


def test_a_due_date_may_lie_ahead_but_not_centuries():
    import datetime as dt

    from kamkit.core.relationships import DUE_YEARS_AHEAD, check_due_day

    today = dt.date(2026, 11, 28)
    assert check_due_day("due_date", dt.date(2031, 6, 30), today) == {}
    assert check_due_day("due_date", None, today) == {}
    far = check_due_day("due_date", dt.date(9999, 12, 31), today)
    assert "too far ahead" in far["due_date"] and str(2026 + DUE_YEARS_AHEAD) in far["due_date"]
    assert "too early" in check_due_day("due_date", dt.date(1, 1, 1), today)["due_date"]
    leap = check_due_day("due_date", dt.date(2044, 2, 28), dt.date(2024, 2, 29))
    assert leap == {}  # 29 February plus 20 years is the 28th
