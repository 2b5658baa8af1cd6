"""One account assessed end to end in the core: precedence with the inference as the
last resort, scores in the phase's roles, index and lever, in the SPEC §2.5.1 shape."""

from __future__ import annotations

import datetime as dt

import pytest

from kamkit.core.lifecycle import SUBSCORES, PhaseFacts, PhaseStatement, Signals, assess

TODAY = dt.date(2026, 11, 1)
FACTS = PhaseFacts(
    relationship_start=dt.date(2025, 6, 1),  # 17 months
    interactions_last_90=18,
    interactions_prev_90=12,  # +50 %, 12 before and a change of 6: build-up
    realized_ever=1,
    pairs_ever=4,
)
SIGNALS = Signals(
    has_records=True,
    interactions=12,  # 4 per 30 days: inside build-up's 4–12 → 100
    customer_initiated=4,
    supplier_initiated=8,  # 50
    two_way=9,  # 75
    strategic=3,  # 25 % of 30 % → 83.3
    formal=6,  # capped 100
    initiatives_active=1,  # 50
    initiatives_active_bilateral=0,  # 0
    pairs_recent=3,  # 50
)


def test_inferred_when_nobody_said_anything():
    a = assess(17, [], FACTS, SIGNALS, TODAY)
    out = a.to_json()
    assert out["phase"]["value"] == "build_up" and out["phase"]["source"] == "inferred"
    assert "activity +50 % vs previous 90 days" in out["phase"]["reasons"]
    comm, co = out["processes"]["communication"], out["processes"]["co_creation"]
    assert comm["score"] == pytest.approx(round((100 + 50 + 75 + 250 / 3 + 100) / 5, 1))
    assert (comm["signals"], comm["of"], comm["role"]) == (5, 6, "motivator")
    assert co["score"] == pytest.approx(round((50 + 0 + 50) / 3, 1))
    assert co["subscores"]["realization"] is None
    ps = out["processes"]["problem_solving"]
    assert (ps["score"], ps["signals"], ps["of"], ps["role"]) == (None, 0, 5, "background")
    assert {p: tuple(v["subscores"]) for p, v in out["processes"].items()} == SUBSCORES
    # U over communication and co-creation, both motivators in build-up
    c, v = (100 + 50 + 75 + 250 / 3 + 100) / 5, 100 / 3
    u = (c - 50) - 0.3 * (50 - v)
    # U ≥ 0 and U_max = 50 + 50 (SPEC §2.5): 50 + 50·U/U_max
    assert out["index"] == pytest.approx(round(50 + 50 * u / 100, 1))
    # +10 points: communication (≈ 81.7, above the baseline) gains 1.0·10 = 10;
    # co-creation (33.3, below it) gains only 0.3·10 = 3: a motivator pays most above it
    assert out["lever"]["process"] == "communication"
    assert "raise the index by 5.0" in out["lever"]["why"]  # 50·10/100


def test_a_decision_outranks_the_inference_and_changes_the_roles():
    stated = [
        PhaseStatement("maturity", "decision", dt.date(2026, 10, 1)),
        PhaseStatement("decline", "inferred", dt.date(2026, 9, 1)),  # the stored one
    ]
    a = assess(17, stated, FACTS, SIGNALS, TODAY)
    assert (a.phase.value, a.phase.source) == ("maturity", "decision")
    # still reported next to it: the stored inference stays until the rules' build-up
    # has held for 30 days (SPEC §2.2, stability)
    assert (a.inferred.phase, a.inferred.rule_phase) == ("decline", "build_up")
    assert a.to_json()["phase"]["inferred_pending"] == {
        "phase": "build_up",
        "since": TODAY.isoformat(),
    }
    assert a.roles == {
        "communication": "hygiene",
        "co_creation": "hygiene",
        "problem_solving": "motivator",
    }


DECLINING = [PhaseStatement("decline", "decision", dt.date(2026, 10, 1))]


@pytest.mark.parametrize(
    ("decision", "roles", "origin"),
    [
        (None, ("hygiene", "hygiene", "motivator"), "decline undecided"),
        ("revive", ("motivator", "motivator", "background"), "build-up's roles"),
        ("wind_down", ("hygiene", "hygiene", "hygiene"), "all hygiene"),
    ],
)
def test_a_declining_account_is_assessed_by_its_decision(decision, roles, origin):
    """SPEC §2.3: the three decline rows; the JSON says which decision holds, whether one
    is needed, and where the roles come from."""
    a = assess(17, DECLINING, FACTS, SIGNALS, TODAY, decision=decision)
    assert tuple(a.roles[p] for p in ("communication", "co_creation", "problem_solving")) == roles
    out = a.to_json()
    assert out["phase"]["decline_decision"] == decision
    assert out["phase"]["decision_needed"] is (decision is None)
    assert origin in out["provenance"]["roles"] and "SPEC §2.3" in out["provenance"]["roles"]


def test_a_decision_counts_only_while_the_account_declines():
    a = assess(17, [], FACTS, SIGNALS, TODAY, decision="wind_down")  # inferred build-up
    assert a.phase.value == "build_up" and a.decision is None and not a.decision_needed
    assert a.roles["co_creation"] == "motivator"
    assert a.to_json()["provenance"]["roles"] == "paper: Ashill et al. (2013), Table 1"


def test_the_roles_source_names_a_firms_own_table():
    from kamkit.core.lifecycle import AssessmentConfig

    config = AssessmentConfig.from_mapping({"roles": {"build_up": {"problem_solving": "hygiene"}}})
    assert assess(17, [], FACTS, SIGNALS, TODAY, config).roles_origin.startswith("firm setting")


def test_every_rule_applied_names_its_origin():
    """Issue 14 (traceable): the JSON says, rule by rule, paper, SPEC, kamkit default or
    the firm's own setting, naming the settings that differ."""
    from kamkit.core.lifecycle import AssessmentConfig

    out = assess(17, [], FACTS, SIGNALS, TODAY).to_json()["provenance"]
    assert set(out) == {
        "phase_precedence",
        "phase_rules",
        "phase_stability",
        "roles",
        "subscores",
        "index",
        "lever",
    }
    assert out["index"] == "SPEC §2.5" and out["phase_rules"].startswith("SPEC §2.2")
    assert "kamkit defaults" in out["subscores"]
    config = AssessmentConfig.from_mapping({"baseline": 40, "decline_activity_trend": -0.5})
    firm = assess(17, [], FACTS, SIGNALS, TODAY, config).to_json()["provenance"]
    assert firm["index"] == "firm setting (baseline)"
    assert firm["phase_rules"] == "firm setting (decline_activity_trend)"
    assert firm["lever"] == "SPEC §2.5"
