"""Output formats of a diagnosis (SPEC §3.2): each is a pure function of the result."""

from __future__ import annotations

from collections.abc import Callable

from ..compare import WaveComparison
from ..results import Diagnosis
from .common import comparison_to_dict, matrices, matrix, to_dict
from .html import render_html
from .terminal import render_comparison_terminal, render_terminal
from .text import (
    render_comparison_csv,
    render_comparison_json,
    render_comparison_markdown,
    render_csv,
    render_json,
    render_latex,
    render_markdown,
)
from .xlsx import render_xlsx

FORMATS: tuple[str, ...] = ("table", "markdown", "csv", "xlsx", "json", "html", "latex")
COMPARISON_FORMATS: tuple[str, ...] = ("table", "markdown", "csv", "json")

_RENDERERS: dict[str, Callable[[Diagnosis], str | bytes]] = {
    "markdown": render_markdown,
    "csv": render_csv,
    "xlsx": render_xlsx,
    "json": render_json,
    "html": render_html,
    "latex": render_latex,
}

_COMPARISON_RENDERERS: dict[str, Callable[[WaveComparison], str]] = {
    "markdown": render_comparison_markdown,
    "csv": render_comparison_csv,
    "json": render_comparison_json,
}


def render(diagnosis: Diagnosis, fmt: str) -> str | bytes:
    """The diagnosis in a file format (``table`` is terminal-only: use render_terminal)."""
    try:
        return _RENDERERS[fmt](diagnosis)
    except KeyError:
        raise ValueError(
            f"unknown format {fmt!r}; expected one of {', '.join(_RENDERERS)}"
        ) from None


def render_comparison(comparison: WaveComparison, fmt: str) -> str:
    try:
        return _COMPARISON_RENDERERS[fmt](comparison)
    except KeyError:
        raise ValueError(
            f"unknown format {fmt!r}; expected one of {', '.join(_COMPARISON_RENDERERS)}"
        ) from None


__all__ = [
    "COMPARISON_FORMATS",
    "FORMATS",
    "comparison_to_dict",
    "matrices",
    "matrix",
    "render",
    "render_comparison",
    "render_comparison_terminal",
    "render_html",
    "render_terminal",
    "render_xlsx",
    "to_dict",
]
