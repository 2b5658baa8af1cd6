"""Today's rules (kamkit.core.agenda): who is waiting, what is due, in which order."""

from __future__ import annotations

import datetime as dt

import pytest

from kamkit.core import agenda
from kamkit.core.relationships import OPEN_STAGES

TODAY = dt.date(2026, 11, 29)


def waiting(**kw):
    facts = {
        "raised_by": "customer",
        "raised_on": dt.date(2026, 11, 1),
        "stage": "reported",
        "open_stages": OPEN_STAGES,
        "last_shared_side": None,
        "last_shared_on": None,
    }
    return agenda.waiting_since(**(facts | kw))


def test_the_customer_waits_when_it_raised_a_problem_nobody_answered():
    assert waiting() == dt.date(2026, 11, 1)
    # our side moved it on: no longer waiting, even without a word in the thread
    assert waiting(stage="jointly_defined") is None
    # our own problem, silent: nobody waits for us
    assert waiting(raised_by="supplier") is None
    # we framed it (our first answer in the joint definition)
    assert waiting(supplier_framed=True) is None


def test_the_last_word_of_the_shared_thread_decides():
    said = dt.date(2026, 11, 20)
    assert waiting(last_shared_side="customer", last_shared_on=said) == said
    assert waiting(last_shared_side="supplier", last_shared_on=said) is None
    # the customer wrote on our problem in a later stage: they wait again
    assert (
        waiting(
            raised_by="supplier",
            stage="solution_designed",
            last_shared_side="customer",
            last_shared_on=said,
        )
        == said
    )


@pytest.mark.parametrize("stage", ["deployed", "supported", "closed"])
def test_a_solved_problem_waits_for_nobody(stage):
    assert waiting(stage=stage, last_shared_side="customer", last_shared_on=TODAY) is None


def test_a_task_is_overdue_before_today_due_today_and_nothing_later():
    assert agenda.task_kind(TODAY - dt.timedelta(days=1), TODAY) == "task_overdue"
    assert agenda.task_kind(TODAY, TODAY) == "task_due"
    assert agenda.task_kind(TODAY + dt.timedelta(days=1), TODAY) is None


def test_the_order_is_urgency_then_the_oldest():
    items = [
        agenda.Item("task_due", 1, TODAY, ref=9),
        agenda.Item("no_contact", 2, None),
        agenda.Item("no_contact", 3, dt.date(2026, 9, 1)),
        agenda.Item("problem_waiting", 4, dt.date(2026, 11, 28), ref=5),
        agenda.Item("problem_waiting", 5, dt.date(2026, 11, 2), ref=6),
        agenda.Item("task_overdue", 6, dt.date(2026, 11, 27), ref=7),
        agenda.Item("decision_needed", 7, None),
        agenda.Item("index_fell", 8, dt.date(2026, 11, 20), facts={}),
        agenda.Item("initiative_proposed", 9, dt.date(2026, 11, 1), ref=3),
    ]
    order = [(i.kind, i.account_id) for i in agenda.ordered(items)]
    assert order == [
        ("task_overdue", 6),
        ("problem_waiting", 5),  # waiting since 2 November before since yesterday
        ("problem_waiting", 4),
        ("initiative_proposed", 9),  # the customer's proposal: after its problems
        ("index_fell", 8),
        ("decision_needed", 7),
        ("no_contact", 2),  # never contacted before a contact in September
        ("no_contact", 3),
        ("task_due", 1),
    ]
    assert list(agenda.URGENCY) == list(agenda.KINDS)


def test_an_unknown_kind_is_refused_by_name():
    with pytest.raises(ValueError, match="kind: expected one of task_overdue"):
        agenda.Item("call_soon", 1, None)


def test_each_item_says_what_and_since_when():
    def say(item):
        template, values = agenda.sentence(item, TODAY)
        return template.format(**values)

    late = agenda.Item("task_overdue", 1, TODAY - dt.timedelta(days=3), ref=1, title="Send it")
    assert say(late) == "Overdue by 3: Send it"  # the web layer writes "3 days"
    assert say(agenda.Item("task_due", 1, TODAY, ref=1, title="Call")) == "Due today: Call"
    asked = agenda.Item("problem_waiting", 1, TODAY - dt.timedelta(days=5), ref=2, title="Leak")
    assert say(asked) == "The customer has waited 5 for our answer on: Leak"
    now = agenda.Item("problem_waiting", 1, TODAY, ref=2, title="Leak")
    assert say(now) == "The customer is waiting for our answer on: Leak"
    fell = agenda.Item("index_fell", 1, TODAY, facts={"points": 18, "earlier": 81, "now": 63})
    assert say(fell) == "The index fell 18 points in a month (81 → 63)"
    assert say(agenda.Item("no_contact", 1, None)) == "Never contacted"
    idea = agenda.Item("initiative_proposed", 1, TODAY - dt.timedelta(days=4), ref=3, title="Pilot")
    assert say(idea) == "The customer proposed 4 ago: Pilot"
    assert say(agenda.Item("no_contact", 1, TODAY - dt.timedelta(days=41))) == "No contact for 41"
    # every kind has a label and says where its rule comes from
    assert set(agenda.KIND_LABELS) == set(agenda.RULE_SOURCES) == set(agenda.KINDS)
    assert "SPEC §2.3" in agenda.RULE_SOURCES["decision_needed"]


def turn(**kw):
    from kamkit.core.relationships import CUSTOMER_STEPS

    facts = {
        "stage": "reported",
        "confirm_stages": CUSTOMER_STEPS["confirm"][0],
        "open_stages": OPEN_STAGES,
        "both_framed": False,
        "customer_agreed": False,
        "last_shared_side": None,
    }
    return agenda.customer_turn(**(facts | kw))


def test_the_customer_s_turn_on_a_shared_problem():
    assert turn() is None  # nothing asked of them yet
    assert turn(both_framed=True) == "agree"
    assert turn(both_framed=True, customer_agreed=True) is None
    assert turn(last_shared_side="supplier") == "reply"
    assert turn(last_shared_side="customer") is None  # they spoke last: our turn
    assert turn(stage="solution_designed", last_shared_side="supplier") == "reply"
    # a deployed solution waits for their confirmation, whoever wrote last
    assert turn(stage="deployed", last_shared_side="customer") == "confirm"
    assert turn(stage="supported") == "confirm"
    assert turn(stage="closed", last_shared_side="supplier") is None


def test_a_realized_initiative_waits_for_the_customer_s_value():
    assert agenda.value_awaited("realized", None)
    assert not agenda.value_awaited("realized", 0)  # "none" is an answer
    assert not agenda.value_awaited("in_delivery", None)
    assert set(agenda.CUSTOMER_SENTENCES) == set(agenda.CUSTOMER_KINDS)
