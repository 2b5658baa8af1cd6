"""The item bank: complete for every construct of the SPEC, in both languages, scored as
its codebook says, and the readable codebook in docs/ is the bank's own."""

from __future__ import annotations

import copy
import json
from importlib.resources import files
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kamkit.cli import app
from kamkit.core.diagnosis.scales import DIMENSIONS, PRACTICES
from kamkit.core.lifecycle.config import PROCESSES
from kamkit.core.research.instruments import (
    ItemBankError,
    codebook_markdown,
    item_bank,
    parse_item_bank,
)

ROOT = Path(__file__).resolve().parents[3]


def raw_bank() -> dict:
    return yaml.safe_load(
        files("kamkit.core.research").joinpath("instruments.yaml").read_text("utf-8")
    )


def test_every_construct_of_the_spec_has_items_in_english_and_german():
    bank = item_bank()
    measured = {c.id: c for c in bank.constructs}
    for construct in (*DIMENSIONS, *PRACTICES, *PROCESSES):
        assert len(measured[construct].items) >= 2, construct
        assert measured[construct].source
        for item in measured[construct].items:
            assert item.text["en"] != item.text["de"]
    assert [i.id for i in bank.items("phase")] == ["PH1"]
    ids = [i.id for i in bank.items()]
    assert len(ids) == len(set(ids))
    # each differentiation dimension has one reverse-keyed item against acquiescence
    for dim in DIMENSIONS:
        assert sum(i.reverse for i in measured[dim].items) == 1


def test_reverse_keyed_items_count_in_the_construct_s_direction():
    bank = item_bank()
    assert bank.item("SF3").reverse and not bank.item("SF1").reverse
    assert bank.score("SF3", 2) == 6.0
    assert bank.score("SF1", 2) == 2.0
    with pytest.raises(ValueError, match="off the scale 1–7"):
        bank.score("SF1", 8)
    with pytest.raises(ValueError, match="not a rating item"):
        bank.score("PH1", 1)


@pytest.mark.parametrize(
    ("mean", "level"),
    [
        (1.0, "absent"),
        (2.99, "absent"),
        (3.0, "partial"),
        (4.99, "partial"),
        (5.0, "substantial"),
        (7.0, "substantial"),
    ],
)
def test_practice_levels_from_item_means(mean, level):
    assert item_bank().practice_level(mean) == level


def test_a_bank_missing_a_translation_or_a_dimension_is_refused_by_name():
    data = raw_bank()
    broken = copy.deepcopy(data)
    broken["constructs"][0]["items"][1].pop("de")
    with pytest.raises(ItemBankError, match="item SF2: no text in de"):
        parse_item_bank(broken)
    broken = copy.deepcopy(data)
    broken["constructs"] = [c for c in broken["constructs"] if c["id"] != "time_orientation"]
    with pytest.raises(ItemBankError, match=r"instrument differentiation: measures .*expected"):
        parse_item_bank(broken)
    broken = copy.deepcopy(data)
    broken["constructs"][1]["items"][0]["id"] = "SF1"
    with pytest.raises(ItemBankError, match="item SF1: the id is used twice"):
        parse_item_bank(broken)


def test_the_readable_codebook_in_docs_is_generated_from_the_bank():
    assert (ROOT / "docs" / "instruments.md").read_text("utf-8") == codebook_markdown()


def test_the_command_writes_the_bank_as_json():
    result = CliRunner().invoke(app, ["instruments", "-f", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    labels = {c["id"]: c["label"]["de"] for c in data["constructs"]}
    assert labels["problem_solving"] == "Gemeinsame Problemlösung"


def test_answers_score_per_construct_with_reverse_keyed_items_turned():
    scores = item_bank().construct_scores({"JP1": 6, "JP2": 6, "JP3": 3, "SA1": None, "CC1": 4})
    assert scores == {"problem_solving": [6.0, 6.0, 5.0], "communication": [4.0]}
