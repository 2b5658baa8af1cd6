"""The effective phase (SPEC §2.2 precedence) and the rule for a recorded phase statement."""

from __future__ import annotations

import datetime as dt

import pytest

from kamkit.core.lifecycle.phases import (
    PHASE_DESCRIPTIONS,
    PHASES,
    PhaseStatement,
    check_phase_statement,
    effective_phase,
)

D = dt.date(2026, 6, 1)


def st(phase: str, source: str, days: int = 0, reasons: tuple[str, ...] = ()) -> PhaseStatement:
    return PhaseStatement(phase, source, D + dt.timedelta(days=days), reasons)


def test_nothing_known_gives_no_phase():
    eff = effective_phase([])
    assert (eff.value, eff.source, eff.disagreement) == (None, None, False)


def test_precedence_decision_then_agreement_then_customer_then_supplier_then_inferred():
    inferred = st("decline", "inferred", reasons=("activity −42 % vs previous 90 days",))
    supplier = st("build_up", "supplier_self")
    customer = st("maturity", "customer_self")
    decision = st("exploration", "decision", days=-300)  # even an old decision wins
    assert effective_phase([inferred]).source == "inferred"
    assert effective_phase([inferred]).reasons == inferred.reasons
    only_ours = effective_phase([inferred, supplier])
    assert (only_ours.value, only_ours.source) == ("build_up", "supplier_self")
    both = effective_phase([inferred, supplier, customer])
    assert (both.value, both.source, both.disagreement) == ("maturity", "customer_self", True)
    assert (both.supplier_view, both.customer_view) == ("build_up", "maturity")
    agree = effective_phase([inferred, supplier, st("build_up", "customer_self")])
    assert (agree.value, agree.source, agree.disagreement) == ("build_up", "both_sides", False)
    decided = effective_phase([inferred, supplier, customer, decision])
    assert (decided.value, decided.source) == ("exploration", "decision")
    assert decided.disagreement  # the flag stays visible under a decision


def test_the_latest_statement_of_a_source_counts_and_same_day_ties_go_to_the_later():
    old, new = st("exploration", "supplier_self", -30), st("build_up", "supplier_self")
    assert effective_phase([new, old]).value == "build_up"
    first, second = st("build_up", "customer_self"), st("maturity", "customer_self")
    assert effective_phase([first, second]).value == "maturity"


@pytest.mark.parametrize(
    ("phase", "source", "side", "field"),
    [
        ("maturity", "supplier_self", "customer", "person"),
        ("maturity", "customer_self", None, "person"),
        ("maturity", "decision", "supplier", "person"),
        ("maturity", "inferred", None, "source"),
        ("growth", "decision", None, "phase"),
    ],
)
def test_a_recorded_statement_names_what_is_wrong(phase, source, side, field):
    assert field in check_phase_statement(phase=phase, source=source, person_side=side)


def test_valid_statements_pass_and_every_phase_has_a_description():
    assert (
        check_phase_statement(phase="build_up", source="customer_self", person_side="customer")
        == {}
    )
    assert check_phase_statement(phase="decline", source="decision", person_side=None) == {}
    assert set(PHASE_DESCRIPTIONS) == set(PHASES)
    assert all(len(text) > 40 for text in PHASE_DESCRIPTIONS.values())


def test_a_decline_decision_is_checked_field_by_field():
    from kamkit.core.lifecycle.phases import check_decline_decision

    today = dt.date(2026, 11, 1)
    ok = {"choice": "revive", "reason": "new buyer", "phase": "decline", "on": today}
    assert check_decline_decision(**ok, today=today) == {}
    bad = check_decline_decision(
        choice="close", reason="  ", phase="maturity", on=today + dt.timedelta(days=1), today=today
    )
    assert set(bad) == {"decision", "reason", "decided_on", "account"}
    assert "'close' is not a decision" in bad["decision"]
    assert "in maturity" in bad["account"]
    old = check_decline_decision(**{**ok, "on": dt.date(2001, 1, 1)}, today=today)
    assert "more than 365 days ago" in old["decided_on"]
