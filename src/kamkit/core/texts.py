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
