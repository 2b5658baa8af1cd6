"""One call from a case file to a rendered report: what the command line runs."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .loader import load_case
from .render import render
from .results import Diagnosis
from .steps import diagnose


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a burst of allocations.

    A large case creates hundreds of thousands of objects, none of them garbage, and the
    collector would scan them again and again; reference counting still frees what is
    dropped. The previous state is restored on exit.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def diagnose_path(path: str | Path) -> Diagnosis:
    """Load and diagnose a case file (raises CaseFileError for an invalid file)."""
    with collector_paused():
        return diagnose(load_case(path))


def diagnose_file(path: str | Path, fmt: str) -> str | bytes:
    """Load, diagnose and render a case file in one of the file formats."""
    with collector_paused():
        return render(diagnose(load_case(path)), fmt)
