"""The published case of seed 004 comes out exactly as the paper's Tables 2 and 3."""

from __future__ import annotations

from kamkit.core.diagnosis import DIMENSIONS, diagnose, load_case

X = "×"
# The paper's Tables 2 and 3, transcribed: per partner the six dimension marks in the order
# of DIMENSIONS, the level of differentiation, the level of alignment and the gap.
TABLE_2 = {
    "contracting": ("", X, X, X, "", "", "rather low", "rather high", "no"),
    "customer_service": (X, X, X, X, X, X, "very high", "rather low", "yes"),
    "legal": (X, X, X, X, X, X, "very high", "rather low", "yes"),
    "market_access": ("", X, "", X, X, "", "rather low", "rather high", "no"),
    "sales": (X, "", X, X, X, X, "high", "rather low", "yes"),
    "subsidiary": ("", "", "", X, X, X, "rather low", "rather high", "no"),
    "scm": (X, X, X, X, X, X, "very high", "rather high", "yes"),
}
TABLE_3 = {
    "contracting": ("", X, X, X, "", "", "rather low", "rather high", "no"),
    "legal": (X, X, X, X, X, X, "very high", "rather low", "yes"),
    "market_access": ("", X, "", X, X, "", "rather low", "rather high", "no"),
    "marketing": ("", X, "", X, X, X, "rather high", "rather low", "yes"),
    "sales": (X, "", X, X, X, X, "high", "rather low", "yes"),
    "subsidiary": ("", "", X, X, X, X, "rather high", "rather high", "no"),
}


def _table(result, kam):
    out = {}
    for d in result.dyads_of(kam):
        marks = tuple(X if dim in d.differentiation.differs else "" for dim in DIMENSIONS)
        out[d.partner] = (
            *marks,
            d.differentiation.level,
            d.alignment.level,
            "yes" if d.gap else "no",
        )
    return out


def test_kam_unit_1_equals_table_2(published_path):
    result = diagnose(load_case(published_path))
    assert _table(result, "kam1") == TABLE_2
    assert len(result.dyads_of("kam1")) == 7
    assert sum(1 for d in result.dyads_of("kam1") if d.gap) == 4


def test_kam_unit_2_equals_table_3(published_path):
    result = diagnose(load_case(published_path))
    assert _table(result, "kam2") == TABLE_3
    assert sum(1 for d in result.dyads_of("kam2") if d.gap) == 3


def test_case_holds_the_appendix_and_the_unit_structure(published_path):
    case = load_case(published_path)
    assert len(case.respondents) == 35
    assert [r.id for r in case.respondents] == [f"I{i}" for i in range(1, 36)]
    assert case.respondents[19].units == ("kam1", "kam2")  # I20 assists both KAM units
    assert case.unit("kam2b").parent == "kam2a" and case.unit("kam2a").parent == "kam2"
    assert (case.unit("kam1").members, case.unit("kam1").age_years) == (9, 12.0)
    assert case.period == ("2013-11", "2014-09")


def test_gaps_agree_with_every_recorded_relationship_quality(published_path):
    result = diagnose(load_case(published_path))
    checked = [d for d in result.dyads if d.consistency.status != "unchecked"]
    assert len(checked) == 7
    assert all(d.consistency.status == "consistent" for d in checked)
