"""Importing CRM exports, mail and calendars (SPEC §2.8, issue 16): one path for the
command line (``kamkit import``) and the import page.

Each file is read by ``kamkit.core.imports`` into plain records; here they are matched
against what the database holds (by source and source id: a re-import changes nothing)
and written through the services of their apps, never by saving a model here:
``create_accounts_in_bulk``, ``update_account``, ``add_people_in_bulk``,
``update_person``, ``set_managers_in_bulk``, ``add_person``,
``log_interactions_in_bulk``, ``edit_interaction``.

All or nothing per file: a file with a rejected row writes nothing unless
``skip_invalid``; a dry run writes nothing at all (it runs the whole import and rolls it
back, so the preview's counts are exactly what the import will do).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from kamkit.core.i18n import gettext_noop
from kamkit.core.imports import calendar as ics
from kamkit.core.imports import mail
from kamkit.core.imports.profiles import Profile, detect, load_mapping
from kamkit.core.imports.records import Record, cut, to_record, two_way_with
from kamkit.core.imports.tables import UnreadableFile, read_table
from kamkit.core.relationships import EARLIEST_DAY, TEXT_LIMITS
from kamkit.web.accounts import services as accounts
from kamkit.web.accounts.models import Account, Person
from kamkit.web.base import StaleVersion, build
from kamkit.web.relationships import services as work
from kamkit.web.relationships.models import Interaction
from kamkit.web.users.models import Role, User

CHUNK = 2000
"""Rows read, checked and written at a time: memory stays flat whatever the file's size."""

MAX_REJECTS_KEPT = 1000
"""Rejected rows listed in a stored report (the count is always complete; the command
line's rejects file lists every one)."""

ORDER = {"user": 0, "account": 1, "person": 2, "interaction": 3, "mail": 4, "calendar": 5}
"""Files are imported in this order, whatever order they are given in: what others refer
to first."""

FIELD_OF = {"role": "title", "summary": "subject", "ka_manager": "owner", "account": "account"}
"""A model field's problem is reported on the column its value came from."""


COMPARED = ("occurred_at", "channel", "initiated_by", "two_way", "summary", "formality", "content")
"""An interaction's fields a re-import compares (and corrects when the file changed)."""


@dataclass(frozen=True)
class _Someone:
    """A known person as the bulk service reads a participant: id, account and side
    (a whole ``Person`` per participant cost a quarter of an import's time)."""

    pk: int
    account_id: int
    side: str


class _Undo(Exception):
    """Roll back one file (rejected rows without ``skip_invalid``)."""


@dataclass
class FileReport:
    """What one file did (or, in a dry run, would do)."""

    file: str
    kind: str = ""
    format: str = ""
    source: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    skipped: int = 0
    skipped_reasons: Counter = field(default_factory=Counter)
    rejects: list[tuple[int, str, str]] = field(default_factory=list)
    written: bool = False
    error: str = ""

    def reject(self, row: int, column: str, problem: str) -> None:
        self.rejected += 1
        self.rejects.append((row, column, problem))

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.skipped_reasons[reason] += 1

    def to_json(self, limit: int | None = None) -> dict[str, Any]:
        rejects = self.rejects if limit is None else self.rejects[:limit]
        return {
            "file": self.file,
            "kind": self.kind,
            "format": self.format,
            "source": self.source,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "skipped": self.skipped,
            "skipped_reasons": dict(self.skipped_reasons.most_common()),
            "rejects": [{"row": r, "column": c, "problem": p} for r, c, p in rejects],
            "written": self.written,
            "error": self.error,
        }


@dataclass
class ImportReport:
    """Every file's report, and the run's options."""

    files: list[FileReport]
    dry_run: bool
    skip_invalid: bool
    assessed: int = 0

    @property
    def exit_status(self) -> int:
        """0 when everything was imported, 2 when a file cannot be read at all, 3 when
        rows were rejected (the command line's exit status)."""
        if any(f.error for f in self.files):
            return 2
        if any(f.rejected for f in self.files):
            return 3
        return 0

    def totals(self) -> dict[str, int]:
        keys = ("created", "updated", "unchanged", "rejected", "skipped")
        return {k: sum(getattr(f, k) for f in self.files) for k in keys}

    def to_json(self, limit: int | None = None) -> dict[str, Any]:
        from kamkit import __version__

        return {
            "kamkit_version": __version__,
            "dry_run": self.dry_run,
            "skip_invalid": self.skip_invalid,
            "exit_status": self.exit_status,
            "totals": self.totals(),
            "assessed_accounts": self.assessed,
            "files": [f.to_json(limit) for f in self.files],
        }


GC_THRESHOLD = 50_000
"""Allocations between two of the garbage collector's young collections while a file is
imported (Python's default: 700). An import keeps thousands of records alive per chunk,
and each young collection walked them again: a ninth of a large import's time (10 % of
``bench/import.py``: 12.0 s → 10.5 s); the memory that costs is reported by the bench
(kamkit assumption, measured: the same peak memory as the default)."""


_COLLECTING = {"imports": 0, "threshold": (700, 10, 10)}
_COLLECTING_LOCK = threading.Lock()


@contextmanager
def _collect_less() -> Iterator[None]:
    """While an import runs: what was alive before it is not walked again
    (``gc.freeze``), and young collections come every ``GC_THRESHOLD`` allocations. The
    collector's own settings come back when the last import running in this process
    ends (the settings are the process's), whatever happens."""
    import gc

    with _COLLECTING_LOCK:
        if _COLLECTING["imports"] == 0:
            _COLLECTING["threshold"] = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(GC_THRESHOLD, *_COLLECTING["threshold"][1:])
        _COLLECTING["imports"] += 1
    try:
        yield
    finally:
        with _COLLECTING_LOCK:
            _COLLECTING["imports"] -= 1
            if _COLLECTING["imports"] == 0:
                gc.set_threshold(*_COLLECTING["threshold"])
                gc.unfreeze()


REASON_LIMIT = 100
"""What a history entry's reason holds (django-simple-history's column)."""


def _reason(report: FileReport) -> str:
    """The reason a change by an import is saved with: the file it came from, cut to
    the history's column (PostgreSQL refuses a longer value; a name can be 255 long),
    and said again in the reader's language where it is shown."""
    return cut(gettext_noop("import of {file}").format(file=report.file), REASON_LIMIT)


def _chunks(items: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _sourced(qs, source: str):
    """Records of ``source`` found by their source id: the query repeats the unique
    index's condition (a source id is given), or SQLite will not use that partial index
    and scans the table for every chunk (an import of a million rows took quadratic
    time), and drops the model's ordering, which lookups do not need."""
    return qs.filter(source=source).exclude(source_id="").order_by()


@contextmanager
def _by_index() -> Iterator[None]:
    """On PostgreSQL, lookups by index only: inside the import's one transaction the
    tables grow without statistics, and the planner, taking them for small, scanned them
    whole for every chunk (an import of a million rows grew quadratically)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("SET enable_seqscan = off")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute("SET enable_seqscan = on")


class _Statistics:
    """Keeps PostgreSQL's planner statistics of the tables an import fills current. Inside
    the import's one transaction a table grows from nothing; without statistics the
    planner looked up a chunk's source ids by the index's first column only (the source)
    and filtered every row of that source: 364 ms a chunk at a million interactions,
    against 11 ms once analysed, and a full import grew quadratically. ``ANALYZE`` runs
    inside the transaction, each time a table has doubled since the last one."""

    MIN_ROWS = 5_000  # kamkit assumption: below this a lookup is cheap with any plan

    def __init__(self) -> None:
        self.since: dict[str, int] = {}
        self.size: dict[str, int] = {}

    def grown(self, model, rows: int) -> None:
        if connection.vendor != "postgresql" or rows <= 0:
            return
        table = model._meta.db_table
        self.since[table] = self.since.get(table, 0) + rows
        if self.since[table] >= max(self.MIN_ROWS, self.size.get(table, 0)):
            with connection.cursor() as cur:
                cur.execute(f"ANALYZE {connection.ops.quote_name(table)}")
            self.size[table] = self.size.get(table, 0) + self.since[table]
            self.since[table] = 0


def _in(model_qs, name: str, values: Iterable[Any]):
    """Rows whose ``name`` is in ``values``, queried in slices a database accepts."""
    values = list(dict.fromkeys(values))
    for start in range(0, len(values), 900):
        with _by_index():
            rows = list(model_qs.filter(**{f"{name}__in": values[start : start + 900]}))
        yield from rows


class _Memo:
    """A lookup by id remembered for one file of interactions, where a million rows name
    the same contacts and accounts again and again: each id is asked once (found or not).
    Safe because the file writes no accounts or customer persons, and is dropped with it."""

    def __init__(self, lookup: Callable[[set[str]], dict[str, Any]]) -> None:
        self.lookup = lookup
        self.known: dict[str, Any] = {}

    def __call__(self, ids: Iterable[str]) -> dict[str, Any]:
        ids = set(ids)
        if missing := ids - self.known.keys():
            found = self.lookup(missing)
            for i in missing:
                self.known[i] = found.get(i)
        return {i: self.known[i] for i in ids if self.known[i] is not None}


@dataclass
class _Plan:
    path: Path
    kind: str
    profile: Profile | None = None
    report: FileReport | None = None


class Importer:
    """One import run; see the module's docstring."""

    def __init__(
        self,
        user: User | None,
        *,
        source: str = "auto",
        mapping: Path | None = None,
        dry_run: bool = False,
        skip_invalid: bool = False,
        keep_body: bool = False,
        progress: Callable[[str, int], None] | None = None,
        names: dict[Path, str] | None = None,
    ) -> None:
        if user is not None:  # None: kamkit itself (the command line)
            _may_import(user)
        self.user = user
        self.source = source
        self.mapping = load_mapping(mapping) if mapping else None
        self.dry_run = dry_run
        self.skip_invalid = skip_invalid
        self.keep_body = keep_body
        self.progress = progress or (lambda name, rows: None)
        self.names = names or {}
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.today = timezone.localdate()
        self.touched: set[int] = set()
        self.crm_users: dict[tuple[str, str], tuple[str, ...]] = {}  # (source, id) → keys
        self._users: dict[str, User] | None = None
        self._supplier: dict[tuple[int, int], Person] = {}
        self.statistics = _Statistics()

    # -- what the database holds ---------------------------------------------------------

    def _forget(self) -> None:
        """After a file was rolled back, what was cached from it is gone too."""
        self._supplier.clear()

    def users(self) -> dict[str, User]:
        """kamkit users by email, user name and full name (case-insensitive)."""
        if self._users is None:
            self._users = {}
            for u in User.objects.filter(is_active=True).exclude(role=Role.CUSTOMER):
                for key in (u.email, u.username, u.get_full_name()):
                    if key:
                        self._users.setdefault(key.casefold(), u)
        return self._users

    def owner(self, source: str, ref: str | None) -> User | None:
        """The kamkit user a CRM owner reference names (an id from the source's user
        file, an email, a user name or a full name), or None."""
        if not ref:
            return None
        for key in self.crm_users.get((source, ref), (ref,)):
            if user := self.users().get(key.casefold()):
                return user
        return None

    def accounts_by_id(self, source: str, ids: Iterable[str]) -> dict[str, int]:
        qs = _sourced(Account.objects.alive(), source).values_list("source_id", "pk")
        return dict(_in(qs, "source_id", ids))

    def accounts_by_name(self, names: Iterable[str]) -> dict[str, int]:
        folded = {n.casefold() for n in names if n}
        qs = (
            Account.objects.alive()
            .annotate(folded=Lower("name"))
            .order_by("pk")
            .values_list("folded", "pk")
        )
        found: dict[str, int] = {}
        for name, pk in _in(qs, "folded", folded):
            found.setdefault(name, pk)
        return found

    def persons_by_id(self, source: str, ids: Iterable[str]) -> dict[str, tuple[int, int, str]]:
        qs = (
            Person.objects.alive()
            .filter(source=source)
            .exclude(source_id="")
            .order_by()
            .values_list("source_id", "pk", "account_id", "side")
        )
        return {sid: (pk, acc, side) for sid, pk, acc, side in _in(qs, "source_id", ids)}

    def people_by_name(self, account_ids: set[int]) -> dict[tuple[int, str], _Someone]:
        """The people of the accounts by (account, lower-case name): Dynamics names the
        attendees of a call or an appointment instead of giving their ids."""
        if not account_ids:
            return {}
        qs = (
            Person.objects.alive()
            .annotate(folded=Lower("name"))
            .values_list("account_id", "folded", "pk", "side")
        )
        found: dict[tuple[int, str], _Someone] = {}
        for account, name, pk, side in _in(qs, "account_id", account_ids):
            found.setdefault((account, name), _Someone(pk, account, side))
        return found

    def supplier_person(self, account_id: int, user: User) -> Person:
        """The user's person on the account's supplier side, added when missing (through
        ``add_person``), so who-met-whom counts them."""
        key = (account_id, user.pk)
        if key not in self._supplier:
            person = (
                Person.objects.alive()
                .filter(account_id=account_id, side="supplier", user=user)
                .first()
            )
            if person is None:
                account = Account.objects.get(pk=account_id)
                person = accounts.add_person(
                    self.user,
                    account,
                    {
                        "side": "supplier",
                        "name": user.get_full_name() or user.username,
                        "email": user.email,
                        "user": user,
                    },
                )
            self._supplier[key] = person
        return self._supplier[key]

    # -- the run -------------------------------------------------------------------------

    def plan(self, path: Path) -> _Plan:
        name = self.names.get(path, path.name)
        suffix = path.suffix.lower()
        if suffix in mail.MAIL_SUFFIXES:
            return _Plan(path, "mail", report=FileReport(name, "mail", "mail", "mail"))
        if suffix == ".ics":
            return _Plan(path, "calendar", report=FileReport(name, "calendar", "iCalendar", "ics"))
        report = FileReport(name)
        try:
            table = read_table(path)
        except UnreadableFile as exc:
            report.error = str(exc)
            return _Plan(path, "error", report=report)
        try:
            profile = self.mapping or detect(table.header, self.source)
        finally:
            table.rows.close()
        if profile is None:
            report.error = (
                f"{name}: the columns match no known export"
                + ("" if self.source == "auto" else f" of {self.source}")
                + f" (first columns: {', '.join(table.header[:6])}); "
                "give a column map with --mapping"
            )
            return _Plan(path, "error", report=report)
        report.kind, report.format, report.source = profile.kind, profile.title, profile.source
        return _Plan(path, profile.kind, profile, report)

    def run(self, paths: Iterable[Path]) -> ImportReport:
        plans = sorted((self.plan(Path(p)) for p in paths), key=lambda p: ORDER.get(p.kind, 9))
        reports = [p.report for p in plans]
        assessed = 0
        with _collect_less(), transaction.atomic():
            for plan in plans:
                if plan.kind == "error":
                    continue
                report = plan.report
                try:
                    with transaction.atomic():
                        self.import_file(plan, report)
                        if report.rejected and not self.skip_invalid:
                            raise _Undo
                    report.written = not self.dry_run
                except _Undo:
                    self._forget()
                except UnreadableFile as exc:
                    report.error = str(exc)
                    self._forget()
            if self.dry_run:
                transaction.set_rollback(True)
            elif self.touched:
                from kamkit.web.assessment.services import assess_portfolio

                touched = sorted(self.touched)
                work.rebuild_pairs(touched)
                work.rebuild_weeks(touched)
                assessed = assess_portfolio(account_ids=touched).accounts
        return ImportReport(reports, self.dry_run, self.skip_invalid, assessed)

    def import_file(self, plan: _Plan, report: FileReport) -> None:
        if plan.kind == "mail":
            self.import_mail(plan.path, report)
        elif plan.kind == "calendar":
            self.import_calendar(plan.path, report)
        else:
            table = read_table(plan.path)
            columns = plan.profile.column_of(table.header)
            records = self.records(table.rows, plan.profile, columns, report)
            getattr(self, f"import_{plan.kind}s")(records, plan.profile, columns, report)

    def records(
        self, rows, profile: Profile, columns: dict[str, str], report: FileReport
    ) -> Iterator[Record]:
        """The file's rows as records: those with problems rejected, those that are not
        kamkit's kind of record skipped, a second row with an id already seen rejected."""
        seen: dict[str, int] = {}
        for n, (line, values) in enumerate(rows, start=1):
            if n % CHUNK == 0:
                self.progress(report.file, n)
            record = to_record(profile, columns, line, values, tz=self.tz, today=self.today)
            if record.skip:
                report.skip(record.skip)
                continue
            if record.source_id in seen:
                report.reject(
                    line,
                    columns.get("source_id", "id"),
                    f"{record.source_id!r} is already on row {seen[record.source_id]}",
                )
                continue
            if record.errors:
                for column, problem in record.errors.items():
                    report.reject(line, column, problem)
                continue
            seen[record.source_id] = line
            yield record

    def _model_errors(
        self, report: FileReport, line: int, columns: dict[str, str], errors: dict[str, Any]
    ) -> None:
        """A service's problems with one row, each on its column."""
        first = True
        for name, problem in errors.items():
            text = problem if isinstance(problem, str) else " ".join(problem)
            column = columns.get(FIELD_OF.get(name, name), name)
            if first:
                report.reject(line, column, text)
                first = False
            else:  # one row is one rejected row, however many problems it has
                report.rejects.append((line, column, text))

    def _update(self, write, obj, changes: dict[str, Any], report, line, columns) -> bool:
        """Change an existing record through its service, with a history entry naming
        the file; a refusal becomes the row's reject."""
        obj._change_reason = _reason(report)
        try:
            write(self.user, obj, changes, obj.version)
        except ValidationError as exc:
            self._model_errors(report, line, columns, exc.message_dict)
            return False
        except (StaleVersion, PermissionDenied) as exc:
            report.reject(line, "", str(exc))
            return False
        report.updated += 1
        return True

    # -- users, accounts, people ---------------------------------------------------------

    def import_users(self, records, profile: Profile, columns, report: FileReport) -> None:
        """A CRM's user file only says whose owner id is whose; kamkit's users are not
        created from it (they are invited)."""
        for record in records:
            keys = tuple(k for k in (record.values["email"], record.values["username"]) if k)
            self.crm_users[(profile.source, record.source_id)] = keys
            if any(k.casefold() in self.users() for k in keys):
                report.unchanged += 1
            else:
                report.skip("not a kamkit user (no one with this email or user name)")

    def import_accounts(self, records, profile: Profile, columns, report: FileReport) -> None:
        src = profile.source
        records = list(records)  # account files are small; parents may come later
        in_file = {r.source_id for r in records}
        named_in_file = {r.values["name"].casefold() for r in records}
        existing = {
            a.source_id: a for a in _in(_sourced(Account.objects, src), "source_id", in_file)
        }
        parents_by_id = self.accounts_by_id(
            src, {r.refs["parent"] for r in records if "parent" in r.refs}
        )
        parents_by_name = self.accounts_by_name(
            r.refs["parent_name"] for r in records if "parent_name" in r.refs
        )
        new: list[tuple[Record, Account]] = []
        later: list[Record] = []
        for r in records:
            parent = r.refs.get("parent")
            if parent and parent not in in_file and parent not in parents_by_id:
                report.reject(r.line, columns.get("parent", ""), f"unknown account {parent!r}")
                continue
            parent_name = r.refs.get("parent_name", "").casefold()
            if parent_name and parent_name not in named_in_file | parents_by_name.keys():
                report.reject(
                    r.line, columns.get("parent_name", ""), f"unknown account {parent_name!r}"
                )
                continue
            values = dict(r.values)
            owner = self.owner(src, r.refs.get("owner"))
            if owner is not None and owner.role == Role.KA_MANAGER:
                values["ka_manager"] = owner
            account = existing.get(r.source_id)
            if account is None:
                new.append((r, Account(source=src, source_id=r.source_id, **values)))
            elif account.deleted_at is not None:
                report.skip("deleted in kamkit (restore it to import it again)")
                continue
            else:
                changes = {k: v for k, v in values.items() if getattr(account, k) != v}
                if changes and self._update(
                    accounts.update_account, account, changes, report, r.line, columns
                ):
                    self.touched.add(account.pk)
                elif not changes:
                    report.unchanged += 1
            if parent or parent_name:
                later.append(r)
        problems = accounts.create_accounts_in_bulk(
            self.user, [a for _, a in new], skip_invalid=True
        )
        self.statistics.grown(Account, len(new) - len(problems))
        for n, (r, account) in enumerate(new):
            if n in problems:
                self._model_errors(report, r.line, columns, problems[n])
            else:
                report.created += 1
                existing[r.source_id] = account
                self.touched.add(account.pk)
        if later:
            by_name = self.accounts_by_name(
                r.refs["parent_name"] for r in later if "parent_name" in r.refs
            )
            by_id = self.accounts_by_id(
                src, {r.refs["parent"] for r in later if "parent" in r.refs}
            )
            for r in later:
                account = existing.get(r.source_id)
                parent_pk = by_id.get(r.refs.get("parent", "")) or by_name.get(
                    r.refs.get("parent_name", "").casefold()
                )
                if account is None or account.pk is None or account.parent_id == parent_pk:
                    continue
                account.refresh_from_db()
                account._change_reason = _reason(report)
                try:
                    accounts.update_account(
                        self.user, account, {"parent_id": parent_pk}, account.version
                    )
                except (ValidationError, StaleVersion, PermissionDenied) as exc:
                    report.reject(r.line, columns.get("parent", "parent"), str(exc))

    def _account_of(self, r: Record, by_id: dict[str, int], by_name: dict[str, int]) -> int | None:
        if r.refs.get("account"):
            return by_id.get(r.refs["account"])
        return by_name.get(r.refs.get("account_name", "").casefold())

    def import_persons(self, records, profile: Profile, columns, report: FileReport) -> None:
        src = profile.source
        managers: list[tuple[Record, int, int]] = []  # (record, person, account)
        for chunk in _chunks(records):
            by_id = self.accounts_by_id(
                src, {r.refs["account"] for r in chunk if "account" in r.refs}
            )
            by_name = self.accounts_by_name(r.refs.get("account_name", "") for r in chunk)
            existing = {
                p.source_id: p
                for p in _in(
                    _sourced(Person.objects, src), "source_id", [r.source_id for r in chunk]
                )
            }
            new: list[tuple[Record, Person]] = []
            for r in chunk:
                account_id = self._account_of(r, by_id, by_name)
                if account_id is None:
                    column = columns.get("account") or columns.get("account_name", "account")
                    ref = r.refs.get("account") or r.refs.get("account_name")
                    report.reject(r.line, column, f"unknown account {ref!r}")
                    continue
                person = existing.get(r.source_id)
                if person is None:
                    person = build(
                        Person,
                        {"account_id": account_id, "source": src, "source_id": r.source_id}
                        | r.values,
                    )
                    new.append((r, person))
                elif person.deleted_at is not None:
                    report.skip("deleted in kamkit (restore them to import them again)")
                    continue
                else:
                    values = {**r.values, "account_id": account_id}
                    changes = {k: v for k, v in values.items() if getattr(person, k) != v}
                    if changes:
                        self._update(
                            accounts.update_person, person, changes, report, r.line, columns
                        )
                    else:
                        report.unchanged += 1
                if "reports_to" in r.refs or "reports_to_name" in r.refs:
                    managers.append((r, person, account_id))
            problems = accounts.add_people_in_bulk(
                self.user, [p for _, p in new], skip_invalid=True
            )
            self.statistics.grown(Person, len(new) - len(problems))
            for n, (r, _) in enumerate(new):
                if n in problems:
                    self._model_errors(report, r.line, columns, problems[n])
                else:
                    report.created += 1
        self._managers(src, managers, columns, report)

    def _managers(self, src: str, managers, columns, report: FileReport) -> None:
        """Whom each person reports to, once every person of the file is there."""
        if not managers:
            return
        by_id = self.persons_by_id(
            src, {r.refs["reports_to"] for r, _, _ in managers if "reports_to" in r.refs}
        )
        accounts_needed = {a for r, _, a in managers if "reports_to_name" in r.refs}
        by_name: dict[tuple[int, str], int] = {}
        if accounts_needed:
            qs = (
                Person.objects.alive()
                .filter(side="customer")
                .annotate(folded=Lower("name"))
                .values_list("account_id", "folded", "pk")
            )
            for account_id, name, pk in _in(qs, "account_id", accounts_needed):
                by_name.setdefault((account_id, name), pk)
        pairs: list[tuple[int, int]] = []
        lines: list[Record] = []
        for r, person, account_id in managers:
            if person.pk is None:
                continue  # the person itself was rejected
            if "reports_to" in r.refs:
                found = by_id.get(r.refs["reports_to"])
                boss = found[0] if found else None
                column, ref = columns.get("reports_to", "reports_to"), r.refs["reports_to"]
            else:
                boss = by_name.get((account_id, r.refs["reports_to_name"].casefold()))
                column, ref = columns.get("reports_to_name", ""), r.refs["reports_to_name"]
            if boss is None:
                report.rejects.append(
                    (r.line, column, f"unknown person {ref!r}; imported without it")
                )
                report.rejected += 1
                continue
            if person.reports_to_id != boss:
                pairs.append((person.pk, boss))
                lines.append(r)
        problems = accounts.set_managers_in_bulk(self.user, pairs)
        for n, problem in problems.items():
            report.reject(
                lines[n].line,
                columns.get("reports_to") or columns.get("reports_to_name", ""),
                problem,
            )

    # -- interactions --------------------------------------------------------------------

    def import_interactions(self, records, profile: Profile, columns, report: FileReport) -> None:
        src = profile.source
        accounts_by_id = _Memo(lambda ids: self.accounts_by_id(src, ids))
        persons_by_id = _Memo(lambda ids: self.persons_by_id(src, ids))
        for chunk in _chunks(records):
            now = timezone.now()
            by_id = accounts_by_id(r.refs["account"] for r in chunk if "account" in r.refs)
            by_name = self.accounts_by_name(r.refs.get("account_name", "") for r in chunk)
            people = persons_by_id(
                p for r in chunk for p in r.refs["contacts"] + r.refs["participants"]
            )
            named = self.people_by_name(
                {a for a in by_id.values()} | {a for a in by_name.values()}
                if any(r.refs.get("contact_names") for r in chunk)
                else set()
            )
            items: list[tuple[Record, Interaction, list[Person]]] = []
            for r in chunk:
                account_id = self._account_of(r, by_id, by_name)
                known = [
                    people[c] for c in r.refs["contacts"] + r.refs["participants"] if c in people
                ]
                if (
                    account_id is None
                    and not r.refs.get("account")
                    and not r.refs.get("account_name")
                ):
                    account_id = known[0][1] if known else None
                if account_id is None:
                    ref = (
                        r.refs.get("account")
                        or r.refs.get("account_name")
                        or ", ".join(r.refs["contacts"])
                    )
                    column = (
                        columns.get("account")
                        or columns.get("account_name")
                        or columns.get("contacts", "")
                    )
                    report.reject(r.line, column, f"unknown account {ref!r}")
                    continue
                missing = [p for p in r.refs["participants"] if p not in people]
                if missing:
                    report.reject(
                        r.line, columns.get("participants", ""), f"unknown person {missing[0]!r}"
                    )
                    continue
                participants = [
                    _Someone(pk, acc, side) for pk, acc, side in known if acc == account_id
                ]
                for name in r.refs.get("contact_names", ()):
                    if found := named.get((account_id, name.casefold())):
                        participants.append(found)
                owner = self.owner(src, r.refs.get("owner"))
                if owner is not None:
                    participants.append(self.supplier_person(account_id, owner))
                participants = list({p.pk: p for p in participants}.values())  # once each
                values = {
                    "account_id": account_id,
                    "source": src,
                    "source_id": r.source_id,
                    "created_at": now,  # one moment for the chunk (not a clock read a row)
                }
                values |= r.values
                values["two_way"] = two_way_with(values["two_way"], [p.side for p in participants])
                items.append((r, build(Interaction, values), participants))
            self._write_interactions(items, columns, report)

    def _write_interactions(self, items, columns, report: FileReport) -> None:
        """New interactions in one bulk write; known ones compared and, where changed,
        corrected through ``edit_interaction``."""
        if not items:
            return
        src = items[0][1].source
        existing = {
            (i.account_id, i.source_id): i
            for i in _in(
                _sourced(Interaction.objects, src),
                "source_id",
                {x.source_id for _, x, _ in items},
            )
        }
        new = []
        for r, interaction, participants in items:
            old = existing.get((interaction.account_id, interaction.source_id))
            if old is None:
                new.append((r, interaction, participants))
                continue
            if old.deleted_at is not None:
                report.skip("deleted in kamkit (restore it to import it again)")
                continue
            # only what the file gives: kamkit's own defaults never overwrite a correction
            fields = r.values.keys() if r.values else COMPARED
            changes = {
                f: getattr(interaction, f)
                for f in fields
                if f in COMPARED and getattr(interaction, f) != getattr(old, f)
            }
            if changes:
                old._change_reason = _reason(report)
                try:
                    work.edit_interaction(self.user, old, changes, old.version)
                    report.updated += 1
                    self.touched.add(old.account_id)
                except ValidationError as exc:
                    self._model_errors(report, r.line, columns, exc.message_dict)
                except (StaleVersion, PermissionDenied) as exc:
                    report.reject(r.line, "", str(exc))
            else:
                report.unchanged += 1
        problems = work.log_interactions_in_bulk(
            self.user, [(i, p) for _, i, p in new], skip_invalid=True, rebuild=False
        )
        self.statistics.grown(Interaction, len(new) - len(problems))
        for n, (r, interaction, _) in enumerate(new):
            if n in problems:
                self._model_errors(report, r.line, columns, problems[n])
            else:
                report.created += 1
                self.touched.add(interaction.account_id)

    # -- mail and calendars --------------------------------------------------------------

    def _people_by_email(self, addresses: set[str]) -> dict[str, list[tuple[int, int, str]]]:
        """Known people (either side) by lower-case email: (pk, account, side)."""
        qs = (
            Person.objects.alive()
            .annotate(address=Lower("email"))
            .values_list("address", "pk", "account_id", "side")
        )
        found: dict[str, list[tuple[int, int, str]]] = {}
        for address, pk, account, side in _in(qs, "address", addresses):
            found.setdefault(address, []).append((pk, account, side))
        return found

    def _contact(self, addresses: list[str], known, account_id: int) -> list[Person]:
        """The people of one account among the addresses: its known persons, and kamkit
        users as the account's supplier people."""
        people: dict[int, Person] = {}
        for address in addresses:
            for pk, account, side in known.get(address, []):
                if account == account_id:
                    people[pk] = _Someone(pk, account, side)
            user = self.users().get(address)
            if user is not None and user.email.casefold() == address:
                person = self.supplier_person(account_id, user)
                people[person.pk] = person
        return list(people.values())

    def import_mail(self, path: Path, report: FileReport) -> None:
        """Every message with a known customer person becomes an interaction on that
        person's account (see docs/imports.md for the rules)."""
        messages = list(mail.read_messages(path, self.keep_body))
        addresses = {a for m in messages for a in [m.sender, *m.recipients] if a}
        known = self._people_by_email(addresses)
        customers = _side_of(known, "customer")
        suppliers = _side_of(known, "supplier")
        suppliers |= {a for a in addresses if a in self.users()}
        dialogues = mail.two_way_threads(messages, customers, suppliers)
        items = []
        limit = TEXT_LIMITS["summary"]
        for n, m in enumerate(messages, start=1):
            if n % CHUNK == 0:
                self.progress(report.file, n)
            everyone = [a for a in [m.sender, *m.recipients] if a]
            accounts_of = _customer_accounts(everyone, known)
            if not accounts_of:
                report.skip("no known customer person in From, To or Cc")
                continue
            if m.problem or m.sent_at is None:
                report.reject(n, "Date" if m.sent_at is None else "", m.problem or "Date: missing")
                continue
            if m.sent_at.date() > self.today or m.sent_at.date() < EARLIEST_DAY:
                report.skip(
                    "dated in the future" if m.sent_at.date() > self.today else "dated before 1900"
                )
                continue
            summary = cut(m.subject if not m.body else f"{m.subject}\n\n{m.body}".strip(), limit)
            for account_id in accounts_of:
                people = self._contact(everyone, known, account_id)
                interaction = Interaction(
                    account_id=account_id,
                    source="mail",
                    source_id=m.message_id[:255],
                    occurred_at=m.sent_at,
                    channel="email",
                    initiated_by="customer" if m.sender in customers else "supplier",
                    two_way=m.thread_root in dialogues,
                    summary=summary,
                )
                items.append((Record("mail", n, m.message_id), interaction, people))
        for chunk in _chunks(items):
            self._write_interactions(chunk, {"summary": "Subject", "occurred_at": "Date"}, report)

    def import_calendar(self, path: Path, report: FileReport) -> None:
        """Every meeting that took place with a known customer attendee becomes an
        interaction: video when it carries a Teams, Zoom, Meet or Webex link."""
        now = timezone.now()
        occurrences = list(ics.read_occurrences(path, tz=self.tz, until=now, since=EARLIEST_DAY))
        addresses = {a for o in occurrences for a in [o.organizer, *o.attendees] if a}
        known = self._people_by_email(addresses)
        customers = _side_of(known, "customer")
        items = []
        for n, o in enumerate(occurrences, start=1):
            everyone = [a for a in [o.organizer, *o.attendees] if a]
            accounts_of = _customer_accounts(everyone, known)
            if not accounts_of:
                report.skip("no known customer person among the attendees")
                continue
            for account_id in accounts_of:
                interaction = Interaction(
                    account_id=account_id,
                    source="ics",
                    source_id=o.source_id[:255],
                    occurred_at=o.start,
                    channel="video" if o.video else "in_person",
                    initiated_by="customer" if o.organizer in customers else "supplier",
                    two_way=True,
                    summary=cut(o.summary, TEXT_LIMITS["summary"]),
                )
                items.append(
                    (
                        Record("calendar", n, o.source_id),
                        interaction,
                        self._contact(everyone, known, account_id),
                    )
                )
        for chunk in _chunks(items):
            self._write_interactions(
                chunk, {"summary": "SUMMARY", "occurred_at": "DTSTART"}, report
            )


def _side_of(known: dict[str, list[tuple[int, int, str]]], side: str) -> set[str]:
    """The addresses of known people of one side."""
    return {a for a, rows in known.items() if any(s == side for _, _, s in rows)}


def _customer_accounts(addresses: list[str], known) -> list[int]:
    """The accounts whose customer people are among the addresses (a message or a
    meeting becomes an interaction on each)."""
    return sorted(
        {acc for a in addresses for _, acc, side in known.get(a, ()) if side == "customer"}
    )


def import_files(user: User | None, paths: Iterable[Path], **options: Any) -> ImportReport:
    """Import the files (see ``Importer``); the one entry point of the command line and
    the import page."""
    return Importer(user, **options).run(paths)


def write_rejects(report: ImportReport, path: Path) -> int:
    """Every rejected row as ``file,row,column,problem`` (spreadsheet-safe cells)."""
    import csv

    from kamkit.core.spreadsheet import row as safe

    count = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["file", "row", "column", "problem"])
        for file in report.files:
            for line, column, problem in file.rejects:
                out.writerow(safe([file.file, line, column, problem]))
                count += 1
    return count


# -- the import page's runs: the one write path of ImportRun ---------------------------


def _may_import(user: User) -> None:
    if not user.sees_all_accounts:
        raise PermissionDenied("only a KAM director or an administrator imports")


def start_import(user: User, files: dict[str, Iterable[bytes]], **options: Any):
    """A new run of the import page: its files stored in the data folder (name →
    chunks), and its preview (a dry run) queued for the worker."""
    from .models import ImportRun
    from .tasks import folder, preview_import

    _may_import(user)
    run = ImportRun.objects.create(created_by=user, files=list(files), **options)
    where = folder(run)
    where.mkdir(parents=True, exist_ok=True)
    for name, chunks in files.items():
        with (where / name).open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
    preview_import.enqueue(run.pk)
    return run


def confirm_import(user: User, run) -> bool:
    """Import what the preview showed; False when the run is not waiting for it."""
    from .models import ImportRun
    from .tasks import run_import

    _may_import(user)
    claimed = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PREVIEWED).update(
        status=ImportRun.Status.IMPORTING
    )
    if claimed:
        run_import.enqueue(run.pk)
    return bool(claimed)


def cancel_import(user: User, run) -> bool:
    """Drop a previewed run (nothing was written) and its files; False when it is not
    waiting for a confirmation."""
    import shutil

    from .models import ImportRun
    from .tasks import folder

    _may_import(user)
    claimed = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PREVIEWED).update(
        status=ImportRun.Status.CANCELLED
    )
    if claimed:
        shutil.rmtree(folder(run), ignore_errors=True)
    return bool(claimed)
