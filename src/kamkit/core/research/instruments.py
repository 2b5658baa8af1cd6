"""kamkit's item bank (issue 19): the questionnaire items behind the diagnosis (the six
differentiation dimensions, the four frame-alignment practices) and the relationship
pulses (the three relational processes, the self-identified phase), with a codebook.

The bank is ``instruments.yaml`` in this package; :func:`item_bank` reads and checks it
once. :func:`codebook_markdown` writes the readable version (``docs/instruments.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml

from kamkit.core.diagnosis.scales import DIMENSIONS, PRACTICES
from kamkit.core.lifecycle.config import PROCESSES
from kamkit.core.lifecycle.phases import PHASES

LANGUAGES = ("en", "de")
"""Every text of the bank is in each of these languages."""

EXPECTED: dict[str, tuple[str, ...]] = {
    "differentiation": DIMENSIONS,
    "frame_alignment": PRACTICES,
    "relationship": PROCESSES,
    "outcomes": ("satisfaction", "trust"),
    "phase": ("phase",),
}
"""Which constructs each instrument must measure: the names of the SPEC."""


class ItemBankError(ValueError):
    """The item bank breaks one of its rules (the message names the item or construct)."""


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    construct: str
    text: dict[str, str]
    reverse: bool = False


@dataclass(frozen=True, slots=True)
class Scale:
    id: str
    kind: str
    """``rating`` (an integer from ``min`` to ``max``) or ``category``."""
    source: str
    min: int | None = None
    max: int | None = None
    anchors: dict[int, dict[str, str]] | None = None
    categories: dict[str, dict[str, str]] | None = None


@dataclass(frozen=True, slots=True)
class Construct:
    id: str
    instrument: str
    scale: str
    label: dict[str, str]
    source: str
    items: tuple[Item, ...]
    high: dict[str, str] | None = None
    """What a high score means (rating scales)."""


@dataclass(frozen=True, slots=True)
class Instrument:
    id: str
    title: dict[str, str]
    respondents: str
    target: str
    intro: dict[str, str]


@dataclass(frozen=True, slots=True)
class ItemBank:
    version: str
    scales: dict[str, Scale]
    instruments: dict[str, Instrument]
    constructs: tuple[Construct, ...]
    practice_levels: dict[str, tuple[float, float]]
    practice_levels_source: str
    reverse_rule: str

    def construct(self, construct_id: str) -> Construct:
        for c in self.constructs:
            if c.id == construct_id:
                return c
        raise KeyError(construct_id)

    def items(self, instrument: str | None = None) -> tuple[Item, ...]:
        """Every item, in bank order (of one instrument if given)."""
        return tuple(
            i
            for c in self.constructs
            if instrument is None or c.instrument == instrument
            for i in c.items
        )

    def item(self, item_id: str) -> Item:
        for c in self.constructs:
            for i in c.items:
                if i.id == item_id:
                    return i
        raise KeyError(item_id)

    def score(self, item_id: str, answer: int) -> float:
        """The answer counted in its construct's direction (reverse-keyed: 8 − answer on a
        1–7 scale). ValueError when the answer is off the scale."""
        item = self.item(item_id)
        scale = self.scales[self.construct(item.construct).scale]
        if scale.kind != "rating" or scale.min is None or scale.max is None:
            raise ValueError(f"{item_id}: not a rating item")
        if not scale.min <= answer <= scale.max:
            raise ValueError(f"{item_id}: {answer} is off the scale {scale.min}–{scale.max}")
        return float(scale.min + scale.max - answer) if item.reverse else float(answer)

    def construct_scores(self, answers: dict[str, int | None]) -> dict[str, list[float]]:
        """The answered items' scores (reverse-keyed ones turned) per construct."""
        out: dict[str, list[float]] = {}
        for item_id, answer in answers.items():
            if answer is not None:
                out.setdefault(self.item(item_id).construct, []).append(self.score(item_id, answer))
        return out

    def practice_level(self, mean: float) -> str:
        """The level (absent, partial, substantial) of a practice whose items average
        ``mean``: each band includes its lower bound, the last both bounds."""
        bands = list(self.practice_levels.items())
        for i, (level, (low, high)) in enumerate(bands):
            if low <= mean < high or (i == len(bands) - 1 and low <= mean <= high):
                return level
        raise ValueError(f"{mean} is off the scale")


def _texts(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise ItemBankError(f"{where}: expected a text per language ({', '.join(LANGUAGES)})")
    missing = [lang for lang in LANGUAGES if not str(raw.get(lang) or "").strip()]
    if missing:
        raise ItemBankError(f"{where}: no text in {', '.join(missing)}")
    return {lang: str(raw[lang]).strip() for lang in LANGUAGES}


def parse_item_bank(data: dict[str, Any]) -> ItemBank:
    """Check and build an item bank from its YAML data (ItemBankError names the fault)."""
    if data.get("kamkit_instruments") != 1:
        raise ItemBankError("kamkit_instruments: expected 1")
    scales: dict[str, Scale] = {}
    for sid, raw in data["scales"].items():
        if raw["kind"] == "rating":
            anchors = {
                int(k): _texts(v, f"scale {sid} anchor {k}") for k, v in raw["anchors"].items()
            }
            if sorted(anchors) != list(range(raw["min"], raw["max"] + 1)):
                raise ItemBankError(f"scale {sid}: needs an anchor for each point")
            scales[sid] = Scale(sid, "rating", raw["source"], raw["min"], raw["max"], anchors)
        elif raw["kind"] == "category":
            cats = {k: _texts(v, f"scale {sid} category {k}") for k, v in raw["categories"].items()}
            scales[sid] = Scale(sid, "category", raw["source"], categories=cats)
        else:
            raise ItemBankError(f"scale {sid}: kind must be rating or category")
    if "phase4" in scales and tuple(scales["phase4"].categories or ()) != PHASES:
        raise ItemBankError(f"scale phase4: categories must be the phases {', '.join(PHASES)}")
    instruments = {
        iid: Instrument(
            iid,
            _texts(raw["title"], f"instrument {iid} title"),
            raw["respondents"],
            raw["target"],
            _texts(raw["intro"], f"instrument {iid} intro"),
        )
        for iid, raw in data["instruments"].items()
    }
    constructs = []
    seen_items: set[str] = set()
    for raw in data["constructs"]:
        cid = raw["id"]
        if raw["instrument"] not in instruments:
            raise ItemBankError(f"construct {cid}: unknown instrument {raw['instrument']}")
        if raw["scale"] not in scales:
            raise ItemBankError(f"construct {cid}: unknown scale {raw['scale']}")
        items = []
        for it in raw["items"]:
            if it["id"] in seen_items:
                raise ItemBankError(f"item {it['id']}: the id is used twice")
            seen_items.add(it["id"])
            items.append(
                Item(it["id"], cid, _texts(it, f"item {it['id']}"), bool(it.get("reverse", False)))
            )
        if not items:
            raise ItemBankError(f"construct {cid}: has no items")
        if not str(raw.get("source") or "").strip():
            raise ItemBankError(f"construct {cid}: names no source")
        constructs.append(
            Construct(
                cid,
                raw["instrument"],
                raw["scale"],
                _texts(raw["label"], f"construct {cid} label"),
                raw["source"],
                tuple(items),
                _texts(raw["high"], f"construct {cid} high") if "high" in raw else None,
            )
        )
    for instrument, expected in EXPECTED.items():
        have = tuple(c.id for c in constructs if c.instrument == instrument)
        if have != expected:
            raise ItemBankError(
                f"instrument {instrument}: measures {', '.join(have) or 'nothing'}; "
                f"expected {', '.join(expected)}"
            )
    levels = data["scoring"]["practice_levels"]
    bands = {k: (float(v[0]), float(v[1])) for k, v in levels.items() if k != "source"}
    return ItemBank(
        version=str(data["version"]),
        scales=scales,
        instruments=instruments,
        constructs=tuple(constructs),
        practice_levels=bands,
        practice_levels_source=levels["source"],
        reverse_rule=data["scoring"]["reverse"],
    )


@lru_cache(maxsize=1)
def item_bank() -> ItemBank:
    """kamkit's item bank, read from the package once."""
    text = files("kamkit.core.research").joinpath("instruments.yaml").read_text("utf-8")
    return parse_item_bank(yaml.safe_load(text))


def codebook_markdown(bank: ItemBank | None = None) -> str:
    """The item bank as a readable codebook (``docs/instruments.md``), both languages."""
    bank = bank or item_bank()
    out = [
        "# kamkit's instruments: items and codebook",
        "",
        f"Item bank version {bank.version}. Generated from "
        "`src/kamkit/core/research/instruments.yaml` by `kamkit instruments -f markdown`; "
        "edit the YAML, not this page. The items are kamkit's own wording in the tradition of "
        "the measures the papers cite; each construct names its source.",
        "",
        "## Scales",
        "",
    ]
    for s in bank.scales.values():
        out.append(f"**{s.id}** ({s.kind}; {s.source})")
        out.append("")
        if s.anchors:
            out += ["| value | English | Deutsch |", "|---|---|---|"]
            out += [f"| {k} | {v['en']} | {v['de']} |" for k, v in s.anchors.items()]
        if s.categories:
            out += ["| code | English | Deutsch |", "|---|---|---|"]
            out += [f"| `{k}` | {v['en']} | {v['de']} |" for k, v in s.categories.items()]
        out.append("")
    out += [
        "## Scoring",
        "",
        f"- Reverse-keyed items (marked R): {bank.reverse_rule}.",
        "- A frame-alignment practice's level from the mean of its items "
        f"({bank.practice_levels_source}): "
        + ", ".join(
            f"{k} from {lo:g} to "
            + (f"{hi:g}" if i == len(bank.practice_levels) - 1 else f"below {hi:g}")
            for i, (k, (lo, hi)) in enumerate(bank.practice_levels.items())
        )
        + ".",
        "",
    ]
    for inst in bank.instruments.values():
        out += [
            f"## {inst.title['en']} / {inst.title['de']} (`{inst.id}`)",
            "",
            f"- Who answers: {inst.respondents}.",
            f"- What the answers become: {inst.target}.",
            f"- Introduction: {inst.intro['en']} / *{inst.intro['de']}*",
            "",
        ]
        for c in bank.constructs:
            if c.instrument != inst.id:
                continue
            out.append(f"### {c.label['en']} / {c.label['de']} (`{c.id}`, scale {c.scale})")
            out.append("")
            out.append(f"Source: {c.source}.")
            if c.high:
                out.append(f"High values: {c.high['en']} / *{c.high['de']}*.")
            out += ["", "| item | R | English | Deutsch |", "|---|---|---|---|"]
            out += [
                f"| `{i.id}` | {'R' if i.reverse else ''} | {i.text['en']} | {i.text['de']} |"
                for i in c.items
            ]
            out.append("")
    return "\n".join(out).rstrip() + "\n"
