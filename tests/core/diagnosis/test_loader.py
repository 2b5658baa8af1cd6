"""The case file loader: a valid file becomes a Case; every error class is located."""

from __future__ import annotations

import pytest

from kamkit.core.diagnosis import CaseFileError, load_case, parse_case

from .conftest import MINIMAL, case_text


def errors(text: str) -> list[str]:
    with pytest.raises(CaseFileError) as info:
        parse_case(case_text(text), source="c.yaml")
    return str(info.value).splitlines()


def test_minimal_case_loads_with_its_fields():
    case = parse_case(MINIMAL, source="m.yaml")
    assert case.title == "Minimal"
    assert [u.id for u in case.units] == ["kam1", "legal"]
    assert case.links[0].differs == ("structural_formalization",)
    assert case.links[0].alignment.level == "low"


def test_unknown_top_level_key_is_named_with_its_line():
    lines = errors(MINIMAL + "colour: blue\n")
    assert lines == [
        "c.yaml:11: colour: unknown key; expected one of: " + lines[0].split("one of: ")[1]
    ]


def test_unknown_dimension_in_differs():
    text = MINIMAL.replace("[structural_formalization]", "[structural_formalization, humour]")
    (line,) = errors(text)
    assert line.startswith("c.yaml:9: links[kam1->legal].differs[1]: 'humour' is not a")


def test_dimension_listed_twice():
    text = MINIMAL.replace("[structural_formalization]", "[time_orientation, time_orientation]")
    (line,) = errors(text)
    assert "listed twice" in line and line.startswith("c.yaml:9:")


def test_alignment_level_not_on_the_scale():
    (line,) = errors(MINIMAL.replace("{level: low}", "{level: medium}"))
    assert line.startswith("c.yaml:10: links[kam1->legal].alignment.level: 'medium'")
    assert "low, rather low, rather high, high" in line


def test_alignment_level_spelled_with_underscore_is_accepted():
    case = parse_case(MINIMAL.replace("{level: low}", "{level: rather_high}"))
    assert case.links[0].alignment.level == "rather high"


def test_practice_value_not_on_the_scale_and_missing_practice():
    text = MINIMAL.replace(
        "{level: low}",
        "{practices: {bridging: sometimes, amplification: absent, extension: absent}}",
    )
    lines = errors(text)
    assert any("practices.bridging: 'sometimes' is not a practice level" in x for x in lines)
    assert any("practices.transformation: missing" in x for x in lines)
    assert all(x.startswith("c.yaml:10:") for x in lines)


def test_link_to_a_missing_unit():
    (line,) = errors(MINIMAL.replace("partner: legal", "partner: legl"))
    assert line == "c.yaml:8: links[kam1->legl].partner: no unit with id 'legl'"


def test_link_must_run_from_a_kam_unit_to_a_partner():
    text = MINIMAL.replace("kam: kam1\n    partner: legal", "kam: legal\n    partner: kam1")
    lines = errors(text)
    assert any("links[legal->kam1].kam: 'legal' is a partner unit" in x for x in lines)
    assert any("links[legal->kam1].partner: 'kam1' is a kam unit" in x for x in lines)


def test_duplicate_unit_id_and_duplicate_link():
    text = MINIMAL.replace(
        "  - {id: legal, name: Legal, kind: partner}\n",
        "  - {id: legal, name: Legal, kind: partner}\n  - {id: legal, name: Legal 2, kind: partner}\n",
    )
    text += "  - {kam: kam1, partner: legal}\n"
    lines = errors(text)
    assert "c.yaml:6: units[legal].id: duplicate unit id 'legal'" in lines
    assert any(x.startswith("c.yaml:12: links[kam1->legal]: duplicate link") for x in lines)


def test_duplicate_mapping_key_is_not_silently_overwritten():
    text = MINIMAL.replace(
        "    alignment: {level: low}", "    alignment: {level: low}\n    alignment: {level: high}"
    )
    (line,) = errors(text)
    assert line == "c.yaml:11: links[kam1->legal].alignment: duplicate key"


def test_wrong_types_are_named():
    text = MINIMAL.replace("title: Minimal", "title: [a, b]").replace(
        "{id: kam1, name: KAM 1, kind: kam}", "{id: kam1, name: KAM 1, kind: kam, members: many}"
    )
    lines = errors(text)
    assert "c.yaml:2: title: expected text, found a list" in lines
    assert "c.yaml:4: units[kam1].members: expected a whole number, found the text 'many'" in lines


def test_yaml_syntax_error_is_located():
    (line,) = errors("kamkit_case: 1\ntitle: [unclosed\nunits: []\n")
    assert line.startswith("c.yaml:3: yaml: invalid YAML")
    assert "starts on line 2" in line


@pytest.mark.parametrize("version", ["2", "'1'", "0", "true"])
def test_unsupported_version_stops_before_reading_the_rest(version):
    lines = errors(MINIMAL.replace("kamkit_case: 1", f"kamkit_case: {version}") + "bogus: 1\n")
    assert len(lines) == 1
    assert lines[0].startswith("c.yaml:1: kamkit_case: unsupported case file version")


def test_missing_required_keys_and_empty_file():
    lines = errors("kamkit_case: 1\n")
    assert {x.split(": ", 2)[2] for x in lines} == {
        "missing required key 'title'",
        "missing required key 'units'",
        "missing required key 'links'",
    }
    assert errors("")[0].startswith("c.yaml:1: kamkit_case: the file is empty")
    assert (
        errors("- just\n- a list\n")[0] == "c.yaml:1: (top level): expected a mapping, found a list"
    )


def test_ratings_profiles_and_statements_are_validated():
    text = MINIMAL + case_text(
        """\
        respondents:
          - {id: R1, unit: kam1}
          - {id: R2, unit: nowhere}
        ratings:
          - {respondent: R1, dimension: goal_orientation, value: 9}
          - {respondent: R9, dimension: goal_orientation, value: 3}
        profiles:
          kam1: {time_orientation: [], tone: warm}
          ghost: {time_orientation: short}
        statements:
          - {dimensions: [time_orientation], text: said by nobody}
        """
    )
    lines = errors(text)
    joined = "\n".join(lines)
    assert "c.yaml:13: respondents[R2].unit: no unit with id 'nowhere'" in lines
    assert "c.yaml:15: ratings[0].value: 9 is out of range; expected from 1 to 7" in lines
    assert "c.yaml:16: ratings[1].respondent: no respondent with id 'R9'" in lines
    assert "profiles.kam1.time_orientation: an empty ranking" in joined
    assert "profiles.kam1.tone: unknown key" in joined
    assert "profiles.ghost: no unit with id 'ghost'" in joined
    assert "statements[0]: say who made the statement" in joined


def test_every_problem_is_reported_at_once_sorted_by_line():
    text = MINIMAL.replace("kind: partner", "kind: department").replace(
        "{level: low}", "{level: x}"
    )
    lines = errors(text)
    assert len(lines) >= 2
    numbers = [int(x.split(":")[1]) for x in lines]
    assert numbers == sorted(numbers)


def test_parent_must_exist_and_not_loop():
    text = case_text(
        """\
        kamkit_case: 1
        title: Loops
        units:
          - {id: a, kind: kam, parent: b}
          - {id: b, kind: kam, parent: a}
          - {id: c, kind: kam, parent: zz}
          - {id: p, kind: partner}
        links:
          - {kam: a, partner: p}
        """
    )
    lines = errors(text)
    assert any("units[c].parent: no unit with id 'zz'" in x for x in lines)
    assert any("loops back" in x for x in lines)


def test_quality_word_must_be_known():
    (line,) = errors(MINIMAL + "    relationship_quality: meh\n")
    assert "relationship_quality: 'meh' is not a known quality word" in line


def test_load_case_reports_a_missing_file(tmp_path):
    with pytest.raises(CaseFileError) as info:
        load_case(tmp_path / "nope.yaml")
    assert str(info.value) == f"{tmp_path / 'nope.yaml'}:1: file: no such file"


def test_load_case_reports_non_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Müller".encode("latin-1"))
    with pytest.raises(CaseFileError, match="not UTF-8"):
        load_case(path)


@pytest.mark.parametrize(
    "name",
    ["published-case.yaml", "invented-nordlicht-2024.yaml", "invented-nordlicht-2025.yaml"],
)
def test_both_readers_build_the_same_case(name, monkeypatch):
    from kamkit.core.diagnosis import loader

    from .conftest import EXAMPLES

    fast = load_case(EXAMPLES / name)
    monkeypatch.setattr(loader, "_fast_yaml", None)
    slow = load_case(EXAMPLES / name)
    assert fast == slow


def test_yes_and_dates_read_as_text_on_both_readers(monkeypatch):
    from kamkit.core.diagnosis import loader

    text = MINIMAL.replace("title: Minimal", "title: yes\nwave: 2024-05-01")
    fast = parse_case(text)
    monkeypatch.setattr(loader, "_fast_yaml", None)
    slow = parse_case(text)
    assert (fast.title, fast.wave) == (slow.title, slow.wave) == ("yes", "2024-05-01")


def test_errors_are_located_the_same_without_the_fast_reader(monkeypatch):
    from kamkit.core.diagnosis import loader

    text = MINIMAL.replace("{level: low}", "{level: medium}") + "colour: blue\n"
    fast = errors(text)
    monkeypatch.setattr(loader, "_fast_yaml", None)
    assert errors(text) == fast


def test_alias_bombs_and_self_references_are_refused_quickly():
    import time

    lines = ["kamkit_case: 1", "title: bomb", 'a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    bomb = "\n".join([*lines, "units: *a8", "links: []"]) + "\n"
    start = time.perf_counter()
    lines_out = errors(bomb)
    assert time.perf_counter() - start < 5  # 10**9 strings if aliases were expanded
    assert any(x.startswith("c.yaml:3: a0: unknown key") for x in lines_out)
    loop = errors("kamkit_case: 1\ntitle: loop\nunits: &u [*u]\nlinks: &l {a: *l}\n")
    assert "c.yaml:3: units[0]: expected a mapping, found a list" in loop
    assert "c.yaml:4: links: expected a list, found a mapping" in loop
