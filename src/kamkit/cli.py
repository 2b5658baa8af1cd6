"""The ``kamkit`` command (Typer): thin, it calls the core and prints."""

from __future__ import annotations

import json
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


def _show(renderable: Any, output: Path | None) -> None:
    """A terminal table on the screen, or as plain text (160 columns) into a file."""
    if output is None:
        Console(soft_wrap=False).print(renderable)
        return
    import io

    console = Console(record=True, width=160, file=io.StringIO())
    console.print(renderable)
    _write(console.export_text(), output)


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
        _show(render_terminal(result), output)
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
    if format is CompareFormat.table:
        _show(render_comparison_terminal(comparison), output)
        return
    _write(render_comparison(comparison, format.value), output)


# -- the web platform ---------------------------------------------------------------------


def _django() -> None:
    """Set up Django for a command (imports stay lazy: the diagnosis needs no Django)."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kamkit.web.settings")
    import django

    django.setup()


def _migrate() -> None:
    from kamkit.web.schema import migrate_database

    migrate_database()


def _print_demo_logins() -> None:
    from kamkit.web.demo import DEMO_LOGINS, DEMO_PASSWORD

    print(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for username, (_, _, what) in DEMO_LOGINS.items():
        print(f"  {username:<10} {what}")


class InstrumentFormat(StrEnum):
    markdown = "markdown"
    json = "json"
    yaml = "yaml"


@app.command(help="The item bank: questionnaire items and codebook (English and German).")
def instruments(
    format: Annotated[
        InstrumentFormat,
        typer.Option("--format", "-f", help="Output format.", case_sensitive=False),
    ] = InstrumentFormat.markdown,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to FILE.")] = None,
) -> None:
    from dataclasses import asdict
    from importlib.resources import files

    from kamkit.core.research.instruments import codebook_markdown, item_bank

    if format is InstrumentFormat.markdown:
        _write(codebook_markdown(), output)
    elif format is InstrumentFormat.yaml:
        _write(
            files("kamkit.core.research").joinpath("instruments.yaml").read_text("utf-8"), output
        )
    else:
        _write(json.dumps(asdict(item_bank()), ensure_ascii=False, indent=2) + "\n", output)


class QCAFormat(StrEnum):
    table = "table"
    json = "json"
    latex = "latex"


class QCACases(StrEnum):
    pairs = "pairs"
    accounts = "accounts"


class QCASolution(StrEnum):
    complex = "complex"
    parsimonious = "parsimonious"
    intermediate = "intermediate"


@app.command(
    help=(
        "Fuzzy-set QCA (SPEC §4): the truth table, the solution with its parameters of "
        "fit, and necessity, as R's QCA computes them. DATA.csv holds one case a row (a "
        "first column of names is kept), memberships 0–1 or raw values with --calibrate."
    )
)
def qca(
    outcome: Annotated[str, typer.Option("--outcome", help="Outcome column; ~Y negates it.")],
    conditions: Annotated[str, typer.Option("--conditions", help="Columns, comma-separated.")],
    data: Annotated[
        Path | None, typer.Argument(help="CSV file, one case a row (or --case).")
    ] = None,
    case: Annotated[
        Path | None,
        typer.Option(
            "--case",
            help="A diagnosis case file instead of DATA: its pairs as cases (the practices "
            "and the differing dimensions as conditions; NOGAP or GOODREL as outcome).",
        ),
    ] = None,
    cases_from: Annotated[
        QCACases | None,
        typer.Option(
            "--cases",
            help="Cases from kamkit's database instead of DATA: the diagnosis pairs of every "
            "wave, or every key account (process scores and phase; INDEX, SATISFIED, "
            "TRUSTED), its raw columns calibrated with the page's default anchors unless "
            "--calibrate says otherwise.",
            case_sensitive=False,
        ),
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="--cases accounts: assessed on YYYY-MM-DD.")
    ] = None,
    calibrate: Annotated[
        list[str] | None,
        typer.Option(
            "--calibrate",
            help="NAME=e,c,i (fuzzy, direct method) or NAME=t (crisp at t); repeat per column.",
        ),
    ] = None,
    incl_cut: Annotated[float, typer.Option("--incl-cut", help="Inclusion cut.")] = 0.8,
    n_cut: Annotated[int, typer.Option("--n-cut", help="Frequency cut.")] = 1,
    solution: Annotated[
        QCASolution, typer.Option("--solution", case_sensitive=False)
    ] = QCASolution.complex,
    dir_exp: Annotated[
        str | None,
        typer.Option(
            "--dir-exp",
            help="Directional expectations: A,~B (present, absent); others either way.",
        ),
    ] = None,
    format: Annotated[
        QCAFormat, typer.Option("--format", "-f", case_sensitive=False)
    ] = QCAFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to FILE.")] = None,
) -> None:
    from kamkit.core import qca as q

    if sum(x is not None for x in (data, case, cases_from)) != 1:
        _err("give DATA.csv, --case CASE.yaml or --cases pairs|accounts (one of them)")
        raise typer.Exit(2)
    source = data or case or f"--cases {cases_from.value}"
    defaults: dict[str, tuple[float, ...]] = {}
    if cases_from is not None:
        columns, names, defaults = _qca_cases_from_database(cases_from.value, on)
    elif case is not None:
        columns, names, _how = q.diagnosis_cases(_load(case))
    else:
        try:
            text = data.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            _err(f"{data}: cannot be read ({exc})")
            raise typer.Exit(2) from None
    try:
        if case is None and cases_from is None:
            columns, names = q.read_csv(text)
        names_list = [c.strip() for c in conditions.split(",") if c.strip()]
        given = [q.Calibration.parse(c) for c in calibrate or []]
        used = {outcome.lstrip("~"), *names_list}
        given += [  # the page's default anchors for the raw columns not calibrated here
            q.Calibration(column, anchors)
            for column, anchors in defaults.items()
            if column in used and column not in {c.column for c in given}
        ]
        expectations = q.parse_expectations((dir_exp or "").split(","), names_list)
        report = q.analyse(
            columns,
            outcome,
            names_list,
            case_names=names,
            calibrations=given,
            incl_cut=incl_cut,
            n_cut=n_cut,
            solution=solution.value,
            dir_exp=expectations,
        )
    except q.QCAError as exc:
        _err(f"{source}: {exc}")
        raise typer.Exit(2) from None
    if format is QCAFormat.json:
        _write(json.dumps(report, ensure_ascii=False, indent=2) + "\n", output)
    elif format is QCAFormat.latex:
        _write(q.report_latex(report), output)
    else:
        _write(q.report_text(report), output)


def _qca_cases_from_database(source: str, on: str | None):
    """The page's cases (kamkit.web.research.qca), every record (no user scope)."""
    import datetime as dt

    _django()
    from kamkit.web.research.data import DatasetError
    from kamkit.web.research.qca import account_cases, pair_cases

    try:
        day = dt.date.fromisoformat(on) if on else None
    except ValueError:
        _err(f"--on: {on!r} is not a day (YYYY-MM-DD)")
        raise typer.Exit(2) from None
    try:
        cases = account_cases(None, day) if source == "accounts" else pair_cases(None)
    except DatasetError as exc:
        _err(f"--cases {source}: {exc.message}")
        raise typer.Exit(2) from None
    return cases.columns, cases.names, cases.anchors


class DatasetName(StrEnum):
    panel = "panel"
    pairs = "pairs"
    responses = "responses"


class DatasetFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    dta = "dta"
    sav = "sav"


def _month(value: str | None, option: str):
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        _err(f"{option}: '{value}' is not a month (YYYY-MM)")
        raise typer.Exit(2) from None


@app.command(
    "export",
    help="Write a research data set with its codebook (FILE stem + -codebook beside it): "
    "panel (account × month), pairs (KAM unit × partner × wave) or responses (respondent × "
    "item).",
)
def export_dataset(
    name: Annotated[DatasetName, typer.Argument(metavar="panel|pairs|responses")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The data file to write.")],
    format: Annotated[
        DatasetFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="csv, xlsx, dta (Stata) or sav (SPSS); default: from FILE's suffix.",
            case_sensitive=False,
        ),
    ] = None,
    pseudonymise: Annotated[
        bool,
        typer.Option(
            "--pseudonymise", help="Stable pseudonyms for ids; names and free text dropped."
        ),
    ] = False,
    case: Annotated[
        list[Path] | None,
        typer.Option(
            "--case",
            help="pairs/responses from these case files instead of the database (repeatable).",
        ),
    ] = None,
    project: Annotated[
        list[int] | None,
        typer.Option("--project", help="pairs/responses of this project id only (repeatable)."),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--from", help="panel: first month, YYYY-MM (default: 11 months before --to)."
        ),
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="panel: last month, YYYY-MM (default: this month).")
    ] = None,
) -> None:
    from kamkit.core.research.datasets import FORMATS, write

    fmt = format.value if format else output.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        _err(f"--format: say csv, xlsx, dta or sav (the suffix '{output.suffix}' names none)")
        raise typer.Exit(2)
    first, last = _month(start, "--from"), _month(end, "--to")
    if case:
        if name is DatasetName.panel:
            _err("--case: the panel comes from the database; case files give pairs or responses")
            raise typer.Exit(2)
        import datetime as dt

        from kamkit import __version__
        from kamkit.core.research.datasets import pseudonymise as pseudonymised
        from kamkit.core.research.diagnosis_data import Wave, pairs_dataset, responses_dataset

        waves = []
        for path in case:
            result = _load(path)
            waves.append(
                Wave(result.case.firm or path.stem, result.case.wave or path.stem, None, result)
            )
        about = {
            "kamkit_version": __version__,
            "made_on": dt.date.today().isoformat(),
            "case_files": ", ".join(str(p) for p in case),
        }
        build = pairs_dataset if name is DatasetName.pairs else responses_dataset
        data = build(waves, about)
        if pseudonymise:
            import secrets

            from kamkit.core.research.datasets import Pseudonymiser

            # no installation secret without the database: pseudonyms of this run only
            data = pseudonymised(data, Pseudonymiser(secrets.token_bytes(32)))
    else:
        _django()
        _migrate()
        import calendar

        from kamkit.web.research.data import DatasetError, dataset

        if last is not None:
            last = last.replace(day=calendar.monthrange(last.year, last.month)[1])
        try:
            data = dataset(
                name.value,
                None,
                start=first,
                end=last,
                projects=project,
                pseudonymised=pseudonymise,
            )
        except DatasetError as exc:
            _err(f"--{exc.field}: {exc.message}")
            raise typer.Exit(2) from None
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        data_path, book = write(data, fmt, output)
    except OSError as exc:
        _err(f"{output}: cannot write ({exc.strerror or exc})")
        raise typer.Exit(1) from None
    _err(f"Wrote {data_path} ({len(data.rows)} rows, {len(data.variables)} variables) and {book}")


code_app = typer.Typer(
    help="Coded interview statements: agreement of coders, statements for a case file.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(code_app, name="code")


def _coding_source(path: Path):
    """(segments, coders, codes) of a .qdpx, .docx or plain-text transcript."""
    from kamkit.core.research.coding import CodingFileError, read_source

    try:
        return read_source(path.name, path.read_bytes())
    except OSError as exc:
        _err(f"{path}: cannot read ({exc.strerror or exc})")
        raise typer.Exit(2) from None
    except CodingFileError as exc:
        _err(str(exc))
        raise typer.Exit(2) from None


def _code_map(path: Path | None, codes: list[str]) -> dict[str, str]:
    import yaml

    from kamkit.core.research.coding import map_codes

    given = None
    if path is not None:
        try:
            given = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            _err(f"--map {path}: cannot read it as YAML ({exc})")
            raise typer.Exit(2) from None
        if not isinstance(given, dict):
            _err(f"--map {path}: expected code name: dimension or practice, one per line")
            raise typer.Exit(2)
    try:
        return map_codes(codes, {str(k): str(v) for k, v in (given or {}).items()})
    except ValueError as exc:
        _err(f"--map {path}: {exc}")
        raise typer.Exit(2) from None


@code_app.command("agreement", help="Agreement of the coders of a REFI-QDA project, per code.")
def code_agreement(
    project: Annotated[Path, typer.Argument(metavar="PROJECT.qdpx")],
    mapping: Annotated[
        Path | None, typer.Option("--map", help="YAML: code name: dimension or practice.")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
) -> None:
    from kamkit.core.research.coding import agreement_by_code

    if output_format not in ("table", "json"):
        _err(f"--format: '{output_format}' is not table or json")
        raise typer.Exit(2)
    segments, coders, codes = _coding_source(project)
    if len(coders) < 2:
        _err(f"{project}: agreement needs at least two coders; this file has {len(coders)}")
        raise typer.Exit(2)
    mapped = _code_map(mapping, codes)
    result = agreement_by_code(segments, mapped, coders)
    by_key = {s.key: s for s in segments}
    if output_format == "json":
        data = {
            "kamkit_version": __version__,
            "unit_of_coding": "paragraph (a coder's selection counts where it overlaps it)",
            "coders": coders,
            "codes": mapped,
            "unmapped_codes": [c for c in codes if c not in mapped],
            "agreement": [
                {
                    "target": a.target,
                    "segments": a.segments,
                    "alpha": a.alpha,
                    "kappa": a.kappa,
                    "disagreements": [
                        {
                            "segment": key,
                            "speaker": by_key[key].speaker,
                            "text": by_key[key].text,
                            "codes": {c: sorted(v) for c, v in by_key[key].codes.items()},
                        }
                        for key in a.disagreements
                    ],
                }
                for a in result
            ],
        }
        _write(json.dumps(data, ensure_ascii=False, indent=2) + "\n", None)
        return
    from rich.table import Table

    table = Table(title=f"Agreement of {', '.join(coders)} ({len(segments)} paragraphs)")
    for col in ("code", "paragraphs coded", "Krippendorff's α", "Cohen's κ", "disagreements"):
        table.add_column(col)
    for a in result:
        table.add_row(
            a.target,
            str(a.segments),
            "—" if a.alpha is None else f"{a.alpha:.3f}",
            "—" if a.kappa is None else f"{a.kappa:.3f}",
            str(len(a.disagreements)),
        )
    Console(soft_wrap=False).print(table)
    unmapped = [c for c in codes if c not in mapped]
    if unmapped:
        _err(
            f"codes left out (no dimension or practice; map them with --map): {', '.join(unmapped)}"
        )


@code_app.command(
    "statements",
    help="Add a transcript's or REFI-QDA project's paragraphs to a case file as statements.",
)
def code_statements(
    source: Annotated[Path, typer.Argument(metavar="FILE.qdpx|FILE.docx|FILE.txt")],
    case: Annotated[Path, typer.Option("--case", help="The case file to add them to.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The new case file.")],
    mapping: Annotated[
        Path | None, typer.Option("--map", help="YAML: code name: dimension or practice.")
    ] = None,
    rule: Annotated[
        str,
        typer.Option("--rule", help="Which codes count: majority, all, any, or a coder's name."),
    ] = "majority",
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="The unit of paragraphs whose speaker is no respondent."),
    ] = None,
    coded_only: Annotated[
        bool, typer.Option("--coded-only", help="Leave out paragraphs with no dimension.")
    ] = False,
) -> None:
    from dataclasses import replace

    from kamkit.core.diagnosis.writer import dump_case
    from kamkit.core.research.coding import statements_for

    result = _load(case)
    segments, coders, codes = _coding_source(source)
    mapped = _code_map(mapping, codes) if codes else {}
    if coders and rule not in ("majority", "all", "any", *coders):
        _err(f"--rule: '{rule}' is not majority, all, any or a coder ({', '.join(coders)})")
        raise typer.Exit(2)
    try:
        statements = statements_for(
            segments,
            result.case,
            mapping=mapped,
            coders=coders,
            rule=rule,
            unit=unit,
            coded_only=coded_only,
        )
    except ValueError as exc:
        _err(f"{source}: {exc}")
        raise typer.Exit(2) from None
    new = replace(result.case, statements=(*result.case.statements, *statements))
    how = f", codes by {rule} of {', '.join(coders)}" if coders else " (not coded yet)"
    _write(dump_case(new, f"Statements from {source.name}{how}"), output)
    coded = sum(1 for st in statements if st.dimensions)
    _err(f"{len(statements)} statements added, {coded} with dimensions")


@app.command(help="Bring the database up to this version of kamkit (a deploy step).")
def migrate(
    check: Annotated[
        bool,
        typer.Option("--check", help="Change nothing; exit 1 if migrations are pending."),
    ] = False,
) -> None:
    _django()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from kamkit.web.schema import migrate_database, new_database_in_one_step

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if check:
        if pending:
            print(f"{len(pending)} migration(s) pending: run kamkit migrate")
            raise typer.Exit(1)
        print("The database is up to date.")
        return
    if not pending:
        print("The database is up to date; nothing to apply.")
        return
    at_once = new_database_in_one_step(executor.loader)
    applied = migrate_database()
    print(f"Applied {len(applied)} migration(s):")
    if at_once:
        print("  (a new database: its tables made from the current models in one step)")
    for app_label, name in applied:
        print(f"  {app_label}.{name}")


@app.command(help="Serve the web app (migrates first; --demo loads the demo firm if empty).")
def serve(
    demo: Annotated[
        bool, typer.Option("--demo", help="Load the demo firm into an empty database.")
    ] = False,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1, max=64)] = 2,
    worker: Annotated[
        bool,
        typer.Option(
            "--worker/--no-worker",
            help="Run the background worker (imports) beside the web processes; "
            "--no-worker when it runs elsewhere (kamkit worker).",
        ),
    ] = True,
    migrate_first: Annotated[
        bool,
        typer.Option(
            "--migrate/--no-migrate",
            help="Apply pending migrations first (default); --no-migrate when the deploy "
            "runs kamkit migrate as its own step (several web containers).",
        ),
    ] = True,
) -> None:
    import os

    # the links of emails sent without a request (the worker's too) name this address
    # unless the firm names its own (behind a proxy, a domain)
    os.environ.setdefault("KAMKIT_BASE_URL", serving_address(host, port))
    _django()
    from django.conf import settings
    from django.db import connections

    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:  # gunicorn needs a POSIX system (fcntl)
        _err(
            "kamkit serve runs on Linux and macOS. On Windows, run it in WSL 2 or the "
            "Docker image (docs/operations.md)."
        )
        raise typer.Exit(2) from None
    if migrate_first:
        _migrate()
    if demo:
        from kamkit.web.accounts.models import Account
        from kamkit.web.demo import load_demo

        if not Account.objects.exists():
            counts = load_demo()
            print(f"Loaded the demo firm: {counts.get('accounts', 0)} accounts.")
        _print_demo_logins()
    connections.close_all()  # never share a database connection across the fork
    if worker:
        _start_worker()

    class _Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")
            self.cfg.set("graceful_timeout", 5)

        def load(self):
            from kamkit.web.wsgi import application

            return application

    address = serving_address(host, port)
    print(f"kamkit is serving {address}/  (data: {settings.DATA_DIR}; Ctrl-C stops)")
    sys.stdout.flush()
    _Server().run()


def serving_address(host: str, port: int) -> str:
    """Where ``kamkit serve --host HOST --port PORT`` is opened: an IPv6 address in
    brackets, every-interface addresses as localhost."""
    if host in ("0.0.0.0", "::"):
        host = "localhost"
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def _start_worker() -> None:
    """``kamkit worker`` as a child process, stopped when the server stops."""
    import atexit
    import os
    import subprocess

    child = subprocess.Popen(
        [sys.executable, "-c", "from kamkit.cli import main; main()", "worker", "--quiet"]
    )
    owner = os.getpid()

    def stop() -> None:
        if os.getpid() == owner and child.poll() is None:  # not in a forked web worker
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()

    atexit.register(stop)


@app.command(
    help="Run the background worker: imports started on the import page (and later "
    "reminders and mail). kamkit serve starts one itself."
)
def worker(
    quiet: Annotated[bool, typer.Option("--quiet", help="Log only warnings.")] = False,
    interval: Annotated[
        float, typer.Option(help="Seconds between looks for new work.", min=0.1)
    ] = 1.0,
) -> None:
    _django()
    _migrate()
    from django.core.management import call_command

    from kamkit.web.taskrunner import prune_finished

    prune_finished()  # each start, and each `kamkit assess`: old results do not pile up
    from kamkit.web.relationships.tasks import at_worker_start

    at_worker_start()  # due tasks' reminders, then one run waiting each morning
    call_command("db_worker", interval=interval, verbosity=0 if quiet else 1)


@app.command(
    help="Write one archive of everything (records with their history, users, tokens, "
    "diagnosis cases, imports, the secret key) as a consistent snapshot; the server may run."
)
def backup(
    file: Annotated[
        Path | None,
        typer.Argument(help="The archive to write (default: kamkit-backup-<time>.zip)."),
    ] = None,
) -> None:
    import datetime as dt

    _django()
    _migrate()
    from kamkit.web.backup import backup as write_backup

    target = file or Path(f"kamkit-backup-{dt.datetime.now():%Y%m%d-%H%M%S}.zip")
    try:
        counts = write_backup(target)
    except OSError as exc:
        _err(f"{target}: cannot write ({exc.strerror or exc})")
        raise typer.Exit(1) from None
    rows = sum(counts.values())
    print(f"Wrote {target}: {rows:,} rows in {len(counts)} tables.")


@app.command(
    help="Restore an archive of kamkit backup into an empty data folder (SQLite) or an "
    "empty PostgreSQL database (DATABASE_URL); --force replaces what the database holds."
)
def restore(
    file: Annotated[Path, typer.Argument(help="The archive kamkit backup wrote.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace the data the database holds.")
    ] = False,
) -> None:
    _django()
    _migrate()
    from kamkit.web.backup import BackupError
    from kamkit.web.backup import restore as read_backup

    try:
        counts = read_backup(file, force=force)
    except BackupError as exc:
        _err(str(exc))
        raise typer.Exit(2) from None
    print(f"Restored {sum(counts.values()):,} rows in {len(counts)} tables from {file}.")


@app.command(help="Load the demo firm (48 accounts, people, phases, the published case).")
def demo() -> None:
    _django()
    _migrate()
    from kamkit.web.demo import load_demo

    counts = load_demo()
    if not counts:
        print("The demo firm is already loaded.")
    else:
        print(", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items()))
    _print_demo_logins()


class ImportSource(StrEnum):
    auto = "auto"
    salesforce = "salesforce"
    hubspot = "hubspot"
    dynamics = "dynamics"
    kamkit = "kamkit"


@app.command(
    "import",
    help="Import CRM exports (Salesforce, HubSpot, Dynamics 365, kamkit CSV or XLSX), mail "
    "(.mbox, .eml) and calendars (.ics). Exit status 0: all imported; 2: a file cannot be "
    "read; 3: rows were rejected (listed, and written to the rejects file).",
)
def import_(
    paths: Annotated[list[Path], typer.Argument(help="Files to import, in any order.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    source: Annotated[
        ImportSource, typer.Option(help="The CRM the files come from (auto: from the header).")
    ] = ImportSource.auto,
    mapping: Annotated[
        Path | None, typer.Option(help="A YAML column map for files no profile recognises.")
    ] = None,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid", help="Import the valid rows of a file that has invalid ones."
        ),
    ] = False,
    keep_body: Annotated[
        bool, typer.Option("--keep-body", help="Keep mail bodies with the subject.")
    ] = False,
    rejects: Annotated[
        Path, typer.Option(help="Where the rejected rows are written as CSV.")
    ] = Path("kamkit-import-rejects.csv"),
    output_format: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
) -> None:
    import json

    if output_format not in ("table", "json"):
        _err(f"unknown format '{output_format}'; use table or json")
        raise typer.Exit(2)
    missing = [p for p in paths if not p.is_file()]
    if missing:
        _err(f"{missing[0]}: no such file")
        raise typer.Exit(2)
    from kamkit.core.imports.profiles import MappingError

    _django()
    _migrate()
    from rich.progress import Progress

    from kamkit.web.imports.services import import_files, write_rejects

    with Progress(transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task("Importing", total=None)

        def progress(name: str, rows: int) -> None:
            bar.update(task, description=f"{name}: {rows:,} rows", completed=rows)

        try:
            report = import_files(
                None,
                paths,
                source=source.value,
                mapping=mapping,
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                keep_body=keep_body,
                progress=progress,
            )
        except MappingError as exc:
            _err(f"--mapping: {exc}")
            raise typer.Exit(2) from None
    status = report.exit_status
    if any(f.rejects for f in report.files):
        try:
            write_rejects(report, rejects)
        except OSError as exc:
            _err(f"{rejects}: cannot write ({exc.strerror or exc})")
    if output_format == "json":
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
        raise typer.Exit(status)
    _print_import(report, rejects)
    raise typer.Exit(status)


def _print_import(report, rejects: Path) -> None:
    from rich.table import Table

    table = Table(title="Dry run: nothing was written" if report.dry_run else "Import")
    for column in (
        "file",
        "source",
        "kind",
        "created",
        "updated",
        "unchanged",
        "rejected",
        "skipped",
    ):
        table.add_column(
            column, justify="left" if column in ("file", "source", "kind") else "right"
        )
    for f in report.files:
        table.add_row(
            f.file,
            f.source or "-",
            f.kind or "-",
            *(
                str(getattr(f, k))
                for k in ("created", "updated", "unchanged", "rejected", "skipped")
            ),
        )
    Console(soft_wrap=False).print(table)
    for f in report.files:
        if f.error:
            _err(f.error)
        for line, column, problem in f.rejects[:50]:
            _err(
                f"{f.file}:{line}: {column}: {problem}" if column else f"{f.file}:{line}: {problem}"
            )
        if len(f.rejects) > 50:
            _err(f"{f.file}: … and {len(f.rejects) - 50} more rejected rows")
        for reason, n in f.skipped_reasons.most_common():
            print(f"{f.file}: skipped {n}: {reason}")
        if f.rejected and not f.written and not report.dry_run:
            _err(f"{f.file}: nothing was written (use --skip-invalid to import the valid rows)")
    if any(f.rejects for f in report.files):
        _err(f"Rejected rows written to {rejects}")
    if report.assessed:
        print(f"Assessed {report.assessed} accounts again.")


@app.command(
    help="Recompute every account's phase, process scores, index and lever and store the "
    "day's snapshots (KAMKIT_ASSESSMENT_CONFIG overrides thresholds)."
)
def assess(
    on: Annotated[
        str | None, typer.Option("--on", help="Assess as of this day (YYYY-MM-DD); default today.")
    ] = None,
    account: Annotated[
        list[int] | None, typer.Option("--account", help="Only this account id (repeatable).")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
    rebuild: Annotated[
        bool,
        typer.Option(
            "--rebuild",
            help="First recount the kept interaction aggregates (person pairs, weekly "
            "counts) from the interactions: after loading data with SQL or fixtures.",
        ),
    ] = False,
) -> None:
    import datetime as dt
    import json

    if output_format not in ("table", "json"):
        _err(f"unknown format '{output_format}'; use table or json")
        raise typer.Exit(2)
    day = None
    if on:
        try:
            day = dt.date.fromisoformat(on)
        except ValueError:
            _err(f"--on: '{on}' is not a date like 2026-11-20")
            raise typer.Exit(2) from None
    _django()
    _migrate()
    from django.utils import timezone

    from kamkit.web.accounts.models import Account
    from kamkit.web.assessment.services import assess_portfolio, configuration

    if day and day > timezone.localdate():
        _err(f"--on: {day} is in the future")
        raise typer.Exit(2)
    if account:
        missing = sorted(
            set(account)
            - set(Account.objects.alive().filter(pk__in=account).values_list("pk", flat=True))
        )
        if missing:
            _err(f"--account: no account with id {missing[0]}")
            raise typer.Exit(2)
    try:
        configuration()
    except (ValueError, OSError) as exc:
        _err(f"assessment configuration: {exc}")
        raise typer.Exit(2) from None
    if rebuild:
        from kamkit.web.relationships.services import rebuild_pairs, rebuild_weeks

        rebuild_pairs(account or None)
        rebuild_weeks(account or None)
    run = assess_portfolio(day, account or None)
    from kamkit import __version__
    from kamkit.web.taskrunner import prune_finished

    prune_finished()

    config = configuration()
    if output_format == "json":
        items = [a.to_json() for a in sorted(run.assessments, key=lambda a: a.account)]
        document = {
            "on": run.on.isoformat(),
            "count": len(items),
            "items": items,
            "inferred_changes": run.inferred_changes,
            "kamkit_version": __version__,
            "settings": config.to_json(),
        }
        print(json.dumps(document, ensure_ascii=False, indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Assessment on {run.on}: {run.accounts} accounts in {run.seconds:.2f} s")
    for column in ("account", "phase", "source", "comm.", "co-cr.", "probl.", "index", "lever"):
        table.add_column(
            column, justify="right" if column in ("comm.", "co-cr.", "probl.", "index") else "left"
        )

    def num(x: float | None) -> str:
        return "–" if x is None else f"{x:.1f}"

    names = dict(
        Account.objects.filter(pk__in=[a.account for a in run.assessments]).values_list(
            "pk", "name"
        )
    )
    lowest = sorted(
        run.assessments,
        key=lambda a: (a.index is None, a.index or 0.0, names.get(a.account, "")),
    )
    for a in lowest[:25]:
        table.add_row(
            names.get(a.account, str(a.account)),
            a.phase.value or "–",
            a.phase.source or "–",
            num(a.processes["communication"].score),
            num(a.processes["co_creation"].score),
            num(a.processes["problem_solving"].score),
            num(a.index),
            a.lever.process or "–",
        )
    Console(width=None if sys.stdout.isatty() else 120).print(table)
    if run.accounts > 25:
        print(f"(the 25 lowest indexes of {run.accounts}; --format json for all)")
    print(f"{run.inferred_changes} inferred phase change(s) recorded.")
    print(
        f"kamkit {__version__}; baseline {config.baseline:g}; phase changes after "
        f"{config.phase_change_min_days} days; every setting: --format json"
    )


@app.command(
    "plan",
    help="Plan the KAM team's hours: where the next hours raise effectiveness most "
    "(SPEC §2.6), beside the proportional and equal plans.",
)
def plan(
    hours: Annotated[float, typer.Option("--hours", help="Hours of KAM effort in the period.")],
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table, csv, xlsx or json")
    ] = "table",
    minimum: Annotated[
        float, typer.Option("--minimum", help="Hours every key account gets at least.")
    ] = 0.0,
    capacity: Annotated[
        list[str] | None,
        typer.Option("--capacity", help="A KA manager's hours, USERNAME=HOURS (repeatable)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
) -> None:
    import json

    if output_format not in ("table", "csv", "xlsx", "json"):
        _err(f"unknown format '{output_format}'; use table, csv, xlsx or json")
        raise typer.Exit(2)
    if output_format == "xlsx" and output is None:
        _err("--format xlsx needs --output FILE.xlsx")
        raise typer.Exit(2)
    _django()
    _migrate()
    from kamkit.core.allocation import PlanError
    from kamkit.web.assessment.planning import make_plan
    from kamkit.web.users.models import User

    caps: dict[int, float] = {}
    for item in capacity or []:
        name, sep, value = item.partition("=")
        user = User.objects.filter(username=name, role="ka_manager").first()
        if not sep or user is None:
            _err(f"--capacity: '{item}' is not USERNAME=HOURS of a KA manager")
            raise typer.Exit(2)
        try:
            caps[user.pk] = float(value)
        except ValueError:
            _err(f"--capacity: '{value}' is not a number of hours")
            raise typer.Exit(2) from None
    try:
        result = make_plan(None, hours, capacities=caps, minimum=minimum)
    except PlanError as exc:
        _err(str(exc))
        raise typer.Exit(2) from None
    p = result.plan
    if output_format == "json":
        _write(json.dumps(result.to_json(), ensure_ascii=False, indent=1) + "\n", output)
        return
    if output_format == "csv":
        _write(result.csv(), output)
        return
    if output_format == "xlsx":
        _write(result.xlsx(), output)
        return
    from rich.table import Table

    table = Table(title=f"Plan for {hours:g} h: {p.hours_used:.1f} h placed")
    for column in ("account", "phase", "KA manager", "hours", "where", "index"):
        table.add_column(column, justify="right" if column in ("hours", "index") else "left")

    def num(x: float | None) -> str:
        return "–" if x is None else f"{x:.0f}"

    rows = result.rows()
    for row in rows[:25]:
        where = ", ".join(f"{i['process']} {i['hours']:.1f} h" for i in row["items"]) or "minimum"
        table.add_row(
            row["account"].name,
            row["phase"],
            row["manager"],
            f"{row['hours']:.1f}",
            where,
            f"{num(row['index_before'])} → {num(row['index_after'])}",
        )
    _show(table, output)
    lines = [
        f"index points added, summed over the accounts: {p.index_gain:.1f} "
        f"(proportional to revenue: {p.comparison_index_gain['proportional']:.1f}; "
        f"equal hours: {p.comparison_index_gain['equal']:.1f})",
        f"objective (Σ weight·U, what the plan maximises): {p.objective:.1f}; before any "
        f"hours {p.objective_before:.1f}; proportional to revenue: "
        f"{p.comparison['proportional']:.1f}; equal hours: {p.comparison['equal']:.1f}",
        f"at most {100 * p.gap:.2f} % of the plan's gain from the optimum (upper bound "
        f"{p.upper_bound:.1f})",
        *p.notes,
        f"kamkit {__version__}; τ {result.settings()['tau_hours']:g} h; baseline "
        f"{result.settings()['baseline']:g}",
    ]
    if len(rows) > 25:
        lines.insert(0, f"(the 25 accounts with most hours of {len(rows)}; --format csv for all)")
    print("\n".join(lines))


user_app = typer.Typer(help="Manage users.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(user_app, name="user")
ROLES = ("admin", "kam_director", "ka_manager", "analyst", "partner", "customer")


@user_app.command("add", help="Add a user with a role (customers need --account).")
def user_add(
    name: Annotated[str, typer.Argument(help="User name for logging in.")],
    role: Annotated[str, typer.Option("--role", help="One of: " + ", ".join(ROLES))],
    account: Annotated[
        int | None, typer.Option("--account", help="Account id (customer users).")
    ] = None,
    email: Annotated[str, typer.Option(help="Email address.")] = "",
    password: Annotated[
        str | None,
        typer.Option(
            help="Password (asked for when omitted; or set KAMKIT_PASSWORD)",
            envvar="KAMKIT_PASSWORD",
        ),
    ] = None,
) -> None:
    if role not in ROLES:
        _err(f"--role: {role!r} is not a role; expected one of: {', '.join(ROLES)}")
        raise typer.Exit(2)
    if role == "customer" and account is None:
        _err("--account: a customer user belongs to one account; give its id")
        raise typer.Exit(2)
    if role != "customer" and account is not None:
        _err("--account: only customer users belong to an account")
        raise typer.Exit(2)
    _django()
    _migrate()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from kamkit.web.accounts.models import Account
    from kamkit.web.users.models import User

    if User.objects.filter(username=name).exists():
        _err(f"NAME: a user named {name!r} already exists")
        raise typer.Exit(2)
    target = None
    if account is not None:
        target = Account.objects.alive().filter(pk=account).first()
        if target is None:
            _err(f"--account: no account with id {account}")
            raise typer.Exit(2)
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = User(
        username=name,
        role=role,
        email=email,
        account=target,
        is_staff=role == "admin",
        is_superuser=role == "admin",
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        _err("password: " + " ".join(exc.messages))
        raise typer.Exit(2) from None
    user.set_password(password)
    user.save()
    print(f"Added {name} ({role}{f', account {account}' if account else ''}).")


token_app = typer.Typer(help="Manage API tokens.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(token_app, name="token")


@token_app.command("create", help="Create an API token for user NAME and print it (shown once).")
def token_create(
    name: Annotated[str, typer.Argument(help="The user the token acts as.")],
    label: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    expires_days: Annotated[
        int | None,
        typer.Option("--expires-days", help="Days until it stops working (default: never)."),
    ] = None,
    read_only: Annotated[
        bool, typer.Option("--read-only", help="It may only read (GET), never change.")
    ] = False,
) -> None:
    _django()
    _migrate()
    from django.core.exceptions import ValidationError

    from kamkit.web.users.models import User
    from kamkit.web.users.services import issue_token

    user = User.objects.filter(username=name, is_active=True).first()
    if user is None:
        _err(f"NAME: no active user named {name!r}")
        raise typer.Exit(2)
    try:
        token, secret = issue_token(
            None, user, label, expires_in_days=expires_days, read_only=read_only
        )
    except ValidationError as exc:
        options = {"name": "--label", "expires_in_days": "--expires-days"}
        for field, messages in exc.message_dict.items():
            _err(f"{options.get(field, field)}: {' '.join(messages)}")
        raise typer.Exit(2) from None
    print(secret)
    until = f"until {token.expires_at:%Y-%m-%d %H:%M} UTC" if token.expires_at else "until revoked"
    scope = "read-only" if token.read_only else "read and write"
    _err(f"Token {token.pk} ({scope}, {until}). Use it as: Authorization: Bearer <token>.")
    _err("It is shown only this once.")


@token_app.command("list", help="List API tokens (never their secrets): all, or USER's.")
def token_list(
    user: Annotated[str | None, typer.Argument(help="Only this user's tokens.")] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
    all_tokens: Annotated[
        bool, typer.Option("--all", help="Also revoked and expired tokens.")
    ] = False,
) -> None:
    if output_format not in ("table", "json"):
        _err(f"--format: {output_format!r} is not a format; expected table or json")
        raise typer.Exit(2)
    _django()
    _migrate()
    from kamkit.web.users.models import ApiToken

    tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
    if user is not None:
        tokens = tokens.filter(user__username=user)
    rows = [
        {
            "id": t.pk,
            "user": t.user.username,
            "name": t.name,
            "prefix": t.prefix,
            "scope": "read" if t.read_only else "read-write",
            "status": t.status,
            "created": t.created_at.isoformat(timespec="seconds"),
            "expires": t.expires_at.isoformat(timespec="seconds") if t.expires_at else "",
            "last_used": t.last_used_at.isoformat(timespec="seconds") if t.last_used_at else "",
        }
        for t in tokens
        if all_tokens or t.status == "active"
    ]
    if output_format == "json":
        print(json.dumps(rows, indent=2))
        return
    if not rows:
        print("No tokens." if all_tokens else "No active tokens (--all shows the others).")
        return
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns).rstrip())
    for r in rows:
        print("  ".join(str(r[c]).ljust(widths[c]) for c in columns).rstrip())


@token_app.command("revoke", help="Revoke a token at once, by its id or its prefix (kk_…).")
def token_revoke(
    token: Annotated[str, typer.Argument(help="The token's id or prefix, as token list shows.")],
) -> None:
    _django()
    _migrate()
    from kamkit.web.base import MAX_ID
    from kamkit.web.users.models import ApiToken
    from kamkit.web.users.services import revoke_token

    found = list(
        ApiToken.objects.filter(pk=int(token))
        if token.isdigit() and int(token) <= MAX_ID
        else ApiToken.objects.filter(prefix=token)
    )
    if not found:
        _err(f"TOKEN: no token with id or prefix {token!r} (kamkit token list --all)")
        raise typer.Exit(2)
    if len(found) > 1:
        _err(f"TOKEN: {len(found)} tokens start with {token!r}; give the id instead")
        raise typer.Exit(2)
    (target,) = found
    was = target.status
    revoke_token(None, target)
    if was == "revoked":
        print(f"Token {target.pk} ({target.name}, {target.user.username}) was revoked already.")
    else:
        print(f"Revoked token {target.pk} ({target.name}, {target.user.username}).")


@app.command(
    help="Run a Django management command (e.g. kamkit manage createsuperuser).",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def manage(ctx: typer.Context) -> None:
    from kamkit.web.manage import main as manage_main

    manage_main(["kamkit manage", *ctx.args])


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
