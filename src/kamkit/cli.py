"""The ``kamkit`` command (Typer): thin, it calls the core and prints."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from kamkit import __version__

app = typer.Typer(
    name="kamkit",
    help="kamkit: key account management across the relationship lifecycle.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


class _DiagnoseGroup(TyperGroup):
    """``kamkit diagnose CASE`` runs a diagnosis; ``kamkit diagnose compare OLD NEW``
    compares two waves. A first argument that is not a subcommand is taken as a case."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


diagnose_app = typer.Typer(
    cls=_DiagnoseGroup,
    help=(
        "Diagnose integration gaps between KAM units and internal partners.\n\n"
        "kamkit diagnose CASE.yaml [--format FORMAT] [--output FILE]\n\n"
        "kamkit diagnose compare OLD.yaml NEW.yaml"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(diagnose_app, name="diagnose")


class Format(StrEnum):
    table = "table"
    markdown = "markdown"
    csv = "csv"
    xlsx = "xlsx"
    json = "json"
    html = "html"
    latex = "latex"


class CompareFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    csv = "csv"
    json = "json"


EXIT_INVALID_CASE = 2


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _load(path: Path):
    from kamkit.core.diagnosis import CaseFileError, diagnose_path

    try:
        return diagnose_path(path)
    except CaseFileError as exc:
        _err(str(exc))
        n = len(exc.issues)
        _err(f"{path}: {n} problem{'s' if n != 1 else ''}; nothing was computed.")
        raise typer.Exit(EXIT_INVALID_CASE) from None


def _write(content: str | bytes, output: Path | None) -> None:
    if output is None:
        if isinstance(content, bytes):
            sys.stdout.buffer.write(content)
        else:
            sys.stdout.write(content)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            output.write_bytes(content)
        else:
            output.write_text(content, encoding="utf-8")
    except OSError as exc:
        _err(f"{output}: cannot write ({exc.strerror or exc})")
        raise typer.Exit(1) from None
    _err(f"Wrote {output}")


@diagnose_app.command("run", help="Diagnose the case in CASE (a kamkit_case YAML file).")
def diagnose_run(
    case: Annotated[Path, typer.Argument(metavar="CASE.yaml", help="The case file.")],
    format: Annotated[
        Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
    ] = Format.table,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    from kamkit.core.diagnosis import collector_paused
    from kamkit.core.diagnosis.render import render, render_terminal

    result = _load(case)
    if format is Format.table:
        if output is None:
            Console(soft_wrap=False).print(render_terminal(result))
            return
        console = Console(record=True, width=160, file=open("/dev/null", "w"))  # noqa: SIM115
        console.print(render_terminal(result))
        _write(console.export_text(), output)
        return
    if format is Format.xlsx and output is None and sys.stdout.isatty():
        _err("--format xlsx writes a binary file: add --output FILE.xlsx")
        raise typer.Exit(EXIT_INVALID_CASE)
    with collector_paused():
        content = render(result, format.value)
    _write(content, output)


@diagnose_app.command("compare", help="Compare two waves of the same firm: gaps opened and closed.")
def diagnose_compare(
    old: Annotated[Path, typer.Argument(metavar="OLD.yaml", help="The earlier wave.")],
    new: Annotated[Path, typer.Argument(metavar="NEW.yaml", help="The later wave.")],
    format: Annotated[
        CompareFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
    ] = CompareFormat.table,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    from kamkit.core.diagnosis import compare_waves
    from kamkit.core.diagnosis.render import render_comparison, render_comparison_terminal

    old_result, new_result = _load(old), _load(new)
    comparison = compare_waves(old_result, new_result)
    if format is CompareFormat.table and output is None:
        Console().print(render_comparison_terminal(comparison))
        return
    if format is CompareFormat.table:
        console = Console(record=True, width=160, file=open("/dev/null", "w"))  # noqa: SIM115
        console.print(render_comparison_terminal(comparison))
        _write(console.export_text(), output)
        return
    _write(render_comparison(comparison, format.value), output)


def _version(value: bool) -> None:
    if value:
        print(f"kamkit {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = None,
) -> None:
    """kamkit: key account management across the relationship lifecycle."""


def main() -> None:
    """Entry point of the ``kamkit`` console script."""
    app()


if __name__ == "__main__":
    main()
