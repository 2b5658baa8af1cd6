"""The bulk services' quick check says what ``full_clean`` says (issue 16: it replaced
``full_clean`` on the import's hot path, so it must not let through what the model
refuses), and ``insert_many`` stores what ``bulk_create`` stores."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kamkit.web.base import _quick_clean, _quick_plan, build, check_all, insert_many
from kamkit.web.relationships.models import Interaction

NOW = timezone.now()
BAD = {
    "channel": {"channel": "carrier pigeon"},
    "initiated_by": {"initiated_by": ""},
    "summary": {"summary": "x" * 2001},
    "source": {"source": "s" * 41},
    "source_id": {"source_id": "a\x00b"},
    "occurred_at": {"occurred_at": dt.datetime(1850, 1, 1, tzinfo=dt.UTC)},
    "two_way": {"two_way": None},
}


def interaction(account, **changes) -> Interaction:
    values = {"channel": "phone", "initiated_by": "supplier", "occurred_at": NOW, **changes}
    return Interaction(account=account, **values)


@pytest.mark.parametrize("field", sorted(BAD))
def test_quick_check_refuses_what_full_clean_refuses(firm, field):
    record = interaction(firm.own, **BAD[field])
    plan = _quick_plan(Interaction, ["account"])
    assert plan is not None  # the interaction's fields are all simple
    with pytest.raises(ValidationError) as quick:
        _quick_clean(record, plan)
    with pytest.raises(ValidationError) as full:
        interaction(firm.own, **BAD[field]).full_clean(exclude=["account"], validate_unique=False)
    assert set(quick.value.message_dict) == set(full.value.message_dict) == {field}


def test_quick_check_lets_an_optional_value_stay_empty_and_checks_emails(firm):
    from kamkit.web.accounts.models import Person

    people = [
        Person(account=firm.own, side="customer", name="A", email=""),
        Person(account=firm.own, side="customer", name="B", email="not an address"),
    ]
    assert _quick_plan(Person, ["account"]) is not None
    problems = check_all(people, exclude=["account"], collect=True)
    assert list(problems) == [1] and set(problems[1]) == {"email"}


def test_quick_check_finds_a_missing_reference_in_one_query(firm, django_assert_max_num_queries):
    records = [interaction(firm.own, initiative_id=99_999), interaction(firm.own)]
    with django_assert_max_num_queries(2):
        problems = check_all(records, exclude=["account"], collect=True)
    assert list(problems) == [0] and "99999" in problems[0]["initiative"]


def test_insert_many_stores_what_bulk_create_stores(firm):
    ours = interaction(firm.own, summary="ours", two_way=False, source="x", source_id="1")
    theirs = interaction(firm.own, summary="theirs", two_way=False)
    insert_many([ours])
    Interaction.objects.bulk_create([theirs])
    a = Interaction.objects.values().get(pk=ours.pk)
    b = Interaction.objects.values().get(pk=theirs.pk)
    own = {"id", "summary", "source", "source_id", "created_at", "updated_at"}
    assert {k for k in a if a[k] != b[k]} - own == set()
    assert abs(a["created_at"] - b["created_at"]) < dt.timedelta(seconds=5)
    assert a["occurred_at"] == NOW and a["updated_at"] is not None


def test_build_makes_the_record_the_constructor_makes(firm):
    values = {"account_id": firm.own.pk, "channel": "email", "occurred_at": NOW, "summary": "s"}
    ours, theirs = build(Interaction, values), Interaction(**values)
    assert vars(ours).keys() - {"_state"} == vars(theirs).keys() - {"_state"}
    for name in vars(theirs).keys() - {"_state"}:
        mine, django = getattr(ours, name), getattr(theirs, name)
        if isinstance(django, dt.datetime) and name != "occurred_at":  # default: now, called
            assert abs(mine - django) < dt.timedelta(seconds=5), name
        else:
            assert mine == django, name
    assert ours._state.adding and ours.pk is None and ours.account == firm.own
    with pytest.raises(TypeError, match="account"):
        build(Interaction, {"account": firm.own})  # by attribute name only


def test_insert_many_stores_times_as_django_does_in_any_zone(firm):
    from django.db import connection

    zones = [dt.timezone(dt.timedelta(hours=h, minutes=m)) for h, m in ((5, 30), (-8, 0))]
    times = [NOW.astimezone(z).replace(microsecond=0) for z in zones] + [NOW]
    ours = [interaction(firm.own, occurred_at=t, two_way=False) for t in times]
    theirs = [interaction(firm.own, occurred_at=t, two_way=False) for t in times]
    insert_many(ours)
    Interaction.objects.bulk_create(theirs)
    with connection.cursor() as cur:  # as stored, not as read back
        stored = {}
        for obj in ours + theirs:
            cur.execute("SELECT occurred_at FROM relationships_interaction WHERE id = %s", [obj.pk])
            stored[obj.pk] = cur.fetchone()[0]
    assert [stored[o.pk] for o in ours] == [stored[t.pk] for t in theirs]


def test_both_checks_refuse_control_characters_by_name(firm):
    plan = _quick_plan(Interaction, ["account"])
    for text in ("a\x0bb", "\x1b[2J", "x\x7f"):
        with pytest.raises(ValidationError) as quick:
            _quick_clean(interaction(firm.own, summary=text), plan)
        with pytest.raises(ValidationError) as full:
            interaction(firm.own, summary=text).full_clean(exclude=["account"])
        assert "control character" in quick.value.message_dict["summary"][0]
        assert quick.value.message_dict == full.value.message_dict
    # tabs and line breaks are text
    _quick_clean(interaction(firm.own, summary="one\ttwo\r\nthree"), plan)
