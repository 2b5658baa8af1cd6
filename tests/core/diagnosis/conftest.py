"""Small, readable case files for the diagnosis tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kamkit.core.diagnosis import Case, parse_case

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"

MINIMAL = """\
kamkit_case: 1
title: Minimal
units:
  - {id: kam1, name: KAM 1, kind: kam}
  - {id: legal, name: Legal, kind: partner}
links:
  - kam: kam1
    partner: legal
    differs: [structural_formalization]
    alignment: {level: low}
"""


def case_text(body: str) -> str:
    return textwrap.dedent(body)


def make_case(body: str) -> Case:
    return parse_case(case_text(body), source="case.yaml")


@pytest.fixture
def published_path() -> Path:
    return EXAMPLES / "published-case.yaml"
