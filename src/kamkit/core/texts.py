"""Text that kamkit stores: no control characters but tabs and line breaks (issue 17).

A NUL cannot be stored by PostgreSQL at all; the other C0 controls and DEL are invisible
on every page, break CSV and XLSX files and are how hidden text is smuggled into
records (kamkit rule; the same set ``spreadsheet`` drops from cells)."""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_problem(value: str) -> str | None:
    """What is wrong with ``value``'s characters, or None when it may be stored."""
    found = CONTROL.search(value)
    if found is None:
        return None
    char = found.group()
    if char == "\x00":
        return "contains a NUL character (\\x00), which kamkit cannot store"
    return (
        f"contains a control character (\\x{ord(char):02x}) at position {found.start() + 1}; "
        "text may hold tabs and line breaks, no other control characters"
    )


def case_variants(phrase: str) -> list[str]:
    """The spellings of ``phrase`` a search tries where the database ignores the case of
    A–Z only (SQLite's LIKE): as typed; its letters beyond A–Z in lower case; in upper
    case; and in upper case where they begin a word, lower case elsewhere (how names
    are written: "österreich" → "Österreich", "MÜLLER" → "Müller"). Each once, at most
    four, so a search costs at most four comparisons a field (kamkit assumption: mixed
    spellings such as "mÜller" are not tried). A letter whose other case is two letters
    (ß → SS) stays as typed."""

    def spelt(change) -> str:
        out = []
        for i, ch in enumerate(phrase):
            if ch.isascii() or ch.lower() == ch.upper():
                out.append(ch)
                continue
            other = change(ch, i == 0 or not phrase[i - 1].isalnum())
            out.append(other if len(other) == 1 else ch)
        return "".join(out)

    return list(
        dict.fromkeys(
            [
                phrase,
                spelt(lambda ch, _start: ch.lower()),
                spelt(lambda ch, _start: ch.upper()),
                spelt(lambda ch, start: ch.upper() if start else ch.lower()),
            ]
        )
    )
