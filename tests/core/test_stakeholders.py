"""The stakeholder map: the org chart, who knows whom and how fresh, and the warnings."""

from __future__ import annotations

import datetime as dt

from kamkit.core.stakeholders import (
    FRESH_DAYS,
    STALE_DAYS,
    Contact,
    Stakeholder,
    stakeholder_map,
)

NOW = dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC)


def ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def people() -> list[Stakeholder]:
    return [
        Stakeholder(1, "Ada (CEO)", "customer", buying_role="decision_maker"),
        Stakeholder(2, "Ben (purchasing)", "customer", reports_to=1, band=(2, 4)),
        Stakeholder(3, "Cem (engineer)", "customer", reports_to=2),
        Stakeholder(4, "Dora", "customer", reports_to=99),  # boss not in the account
        Stakeholder(5, "Eli", "customer", reports_to=6),
        Stakeholder(6, "Fay", "customer", reports_to=5),  # a loop in the data
        Stakeholder(10, "Kim (KAM)", "supplier"),
        Stakeholder(11, "Lou (service)", "supplier"),
    ]


def test_the_org_chart_follows_reports_to_and_survives_bad_data():
    result = stakeholder_map(people(), [], {}, NOW)
    roots = [v.person.name for v in result.roots]
    assert roots == ["Ada (CEO)", "Dora", "Eli", "Fay"]
    ada = result.roots[0]
    assert [v.person.name for v in ada.reports] == ["Ben (purchasing)"]
    assert [v.person.name for v in ada.reports[0].reports] == ["Cem (engineer)"]


def test_ties_are_fresh_fading_or_stale_by_the_last_contact():
    last = {(10, 1): ago(FRESH_DAYS), (11, 1): ago(FRESH_DAYS + 1), (10, 2): ago(STALE_DAYS + 1)}
    result = stakeholder_map(people(), [], last, NOW)
    ada = result.people[1]
    assert [(t.supplier_name, t.freshness) for t in ada.ties] == [
        ("Kim (KAM)", "fresh"),
        ("Lou (service)", "fading"),
    ]
    assert result.people[2].ties[0].freshness == "stale"
    assert result.people[3].ties == [] and result.people[3].last_at is None


def test_contacts_per_month_against_the_preferred_band():
    contacts = [Contact(ago(d), (10,), (2,)) for d in range(0, 90, 9)]  # 10 in 90 days
    result = stakeholder_map(people(), contacts, {(10, 2): ago(0)}, NOW)
    ben = result.people[2]
    assert ben.contacts_per_month == 10 / 3
    assert ben.band_status == "within"  # 3.3 a month within 2–4
    few = stakeholder_map(people(), contacts[:3], {(10, 2): ago(0)}, NOW).people[2]
    assert few.band_status == "below"
    assert result.people[3].band_status == ""  # no band recorded


def test_single_threaded_when_one_pair_carries_most_contacts():
    one_pair = [Contact(ago(d), (10,), (2,)) for d in range(7)]
    others = [Contact(ago(d), (11,), (3,)) for d in range(3)]
    result = stakeholder_map(people(), one_pair + others, {(10, 1): ago(1)}, NOW)
    assert any(
        w.startswith("Single-threaded: Kim (KAM) and Ben (purchasing) carry 70 %")
        for w in result.warnings
    )
    spread = one_pair[:5] + others + [Contact(ago(1), (11,), (1,))] * 2
    assert not any(
        "Single-threaded" in w
        for w in stakeholder_map(people(), spread, {(10, 1): ago(1)}, NOW).warnings
    )
    too_few = one_pair[:4]
    assert not any(
        "Single-threaded" in w
        for w in stakeholder_map(people(), too_few, {(10, 1): ago(1)}, NOW).warnings
    )


def test_a_decision_maker_not_met_for_a_quarter_is_flagged():
    never = stakeholder_map(people(), [], {}, NOW)
    assert "Decision maker Ada (CEO): nobody of ours has met them" in never.warnings
    long_ago = stakeholder_map(people(), [], {(10, 1): ago(120)}, NOW)
    assert "Decision maker Ada (CEO): not met for 120 days" in long_ago.warnings
    recent = stakeholder_map(people(), [], {(10, 1): ago(20)}, NOW)
    assert not any("Decision maker" in w for w in recent.warnings)
