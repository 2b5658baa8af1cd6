"""core.texts: which characters kamkit refuses to store (issue 17)."""

from __future__ import annotations

import pytest

from kamkit.core.texts import control_problem


@pytest.mark.parametrize(
    "text", ["plain", "tab\there", "lines\nand\r\nmore", "Zürich – ünïcode", ""]
)
def test_text_tabs_and_line_breaks_are_stored(text):
    assert control_problem(text) is None


@pytest.mark.parametrize(
    ("text", "code", "position"),
    [
        ("a\x0bb", "\\x0b", 2),
        ("\x1b[31mred", "\\x1b", 1),
        ("bell\x07", "\\x07", 5),
        ("del\x7f", "\\x7f", 4),
    ],
)
def test_other_control_characters_are_named_with_their_place(text, code, position):
    problem = control_problem(text)
    assert problem is not None and code in problem and f"position {position}" in problem


def test_a_nul_says_why():
    assert "cannot store" in control_problem("a\x00b")


def test_a_search_tries_the_spellings_names_are_written_in():
    from kamkit.core.texts import case_variants

    assert case_variants("österreich") == ["österreich", "Österreich"]
    assert case_variants("MÜLLER") == ["MÜLLER", "MüLLER"]  # A–Z's case is ignored anyway
    assert case_variants("über ölwerke") == ["über ölwerke", "Über Ölwerke"]
    # A–Z only: one spelling; ß has no one-letter capital: kept as typed
    assert case_variants("alpha") == ["alpha"]
    assert case_variants("straße") == ["straße"]
    # never more than four, whatever the phrase
    assert len(case_variants("ÄÖÜ ÉÈÀ Çğ Ørsted")) <= 4
