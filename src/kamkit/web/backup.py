"""``kamkit backup`` and ``kamkit restore`` (SPEC §5, issue 16): the whole database in one
archive, restorable into an empty SQLite data folder or PostgreSQL database.

The archive is a ZIP file: ``manifest.json`` (kamkit's version, when, from which
database, the migrations it was made at, each table's row count) and one JSON Lines
file per table, a row per line, values as JSON (dates and times as ISO 8601, decimals
as text). It holds every record with its history, users and their tokens, the diagnosis
cases, imports, notifications, and the data folder's secret key. Left out, because the
target makes its own: sessions, the queue of background tasks, login attempts, the
admin's action log, the kept pages' data version, and Django's content types and
permissions (a group's or user's permissions are kept by name).

The backup reads one consistent snapshot while the server runs (a read transaction:
SQLite's WAL and PostgreSQL's repeatable read let writers go on). The restore writes
rows as they were, by primary key, without signals (so nothing derived is made twice
and no history entry is added), in one transaction, and moves PostgreSQL's sequences
past the restored ids. ``backup(restore(A)) == A`` table by table: that is the test.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction

FORMAT = "kamkit-backup"
VERSION = 1
LEFT_OUT = {
    "sessions.session",
    "admin.logentry",
    "contenttypes.contenttype",
    "auth.permission",
    "django_tasks_db.dbtaskresult",
    "assessment.dataversion",
}
"""Tables the target makes for itself (see the module's docstring)."""
LEFT_OUT_APPS = {"axes"}


class BackupError(Exception):
    """A backup that cannot be restored here; the message says why and what to do."""


def _label(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def tables() -> list[type[models.Model]]:
    """Every model kamkit keeps, join tables included, in a fixed order."""
    found = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed
        and not m._meta.proxy
        and _label(m) not in LEFT_OUT
        and m._meta.app_label not in LEFT_OUT_APPS
    ]
    return sorted(found, key=_label)


def _natural(field: models.Field) -> str | None:
    """Fields that point at a content type or a permission are kept by name."""
    if isinstance(field, models.ForeignKey):
        target = _label(field.remote_field.model)
        if target in ("auth.permission", "contenttypes.contenttype"):
            return target
    return None


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return value


def _decoder(field: models.Field):
    if isinstance(field, models.DateTimeField):
        return dt.datetime.fromisoformat
    if isinstance(field, models.DateField):
        return dt.date.fromisoformat
    if isinstance(field, models.TimeField):
        return dt.time.fromisoformat
    if isinstance(field, models.DecimalField):
        return decimal.Decimal
    if isinstance(field, models.UUIDField):
        return uuid.UUID
    if isinstance(field, models.BinaryField):
        return base64.b64decode
    if isinstance(field, models.DurationField):
        return lambda s: dt.timedelta(seconds=s)
    return None


def _migrations() -> dict[str, list[str]]:
    from django.db.migrations.recorder import MigrationRecorder

    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


@contextmanager
def _snapshot() -> Iterator[None]:
    """Every read inside sees one state of the database, while others write on."""
    if connection.in_atomic_block:  # already one transaction (a caller's, or a test's)
        yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cur:
            cur.execute("BEGIN DEFERRED")  # a WAL reader: writers are not blocked
        try:
            yield
        finally:
            with connection.cursor() as cur:
                cur.execute("COMMIT")
        return
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _names_of(target: str) -> dict[int, list[str]]:
    if target == "auth.permission":
        from django.contrib.auth.models import Permission

        return {
            p.pk: [p.content_type.app_label, p.content_type.model, p.codename]
            for p in Permission.objects.select_related("content_type")
        }
    from django.contrib.contenttypes.models import ContentType

    return {c.pk: [c.app_label, c.model] for c in ContentType.objects.all()}


def backup(path: Path, progress=None) -> dict[str, int]:
    """Write the archive to ``path``; returns each table's row count."""
    from kamkit import __version__

    counts: dict[str, int] = {}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive, _snapshot():
        migrations = _migrations()
        names = {t: _names_of(t) for t in ("auth.permission", "contenttypes.contenttype")}
        for model in tables():
            fields = list(model._meta.concrete_fields)
            natural = [_natural(f) for f in fields]
            label = _label(model)
            n = 0
            with archive.open(f"tables/{label}.jsonl", "w") as raw:
                out = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
                out.write(json.dumps([f.attname for f in fields]) + "\n")
                rows = model._base_manager.order_by("pk").values_list(*[f.attname for f in fields])
                for row in rows.iterator(chunk_size=2000):
                    values = [
                        names[nat].get(v) if nat and v is not None else _encode(v)
                        for v, nat in zip(row, natural, strict=True)
                    ]
                    out.write(json.dumps(values, ensure_ascii=False) + "\n")
                    n += 1
                out.flush()
                out.detach()
            counts[label] = n
            if progress:
                progress(label, n)
        secret = Path(settings.DATA_DIR) / "secret_key"
        if secret.exists():
            archive.writestr("files/secret_key", secret.read_bytes())
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "kamkit_version": __version__,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "database": connection.vendor,
            "migrations": migrations,
            "tables": counts,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=1))
    partial.replace(path)
    return counts


def read_manifest(path: Path) -> dict:
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BackupError(f"{path}: not a kamkit backup ({exc})") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(f"{path}: not a kamkit backup of format {VERSION}")
    return manifest


def holds_data() -> list[str]:
    """The tables of the database that already hold rows."""
    return [_label(m) for m in tables() if m._base_manager.exists()]


def restore(path: Path, force: bool = False, progress=None) -> dict[str, int]:
    """Restore the archive into this (migrated) database; see the module's docstring.
    Refuses when the database holds data, unless ``force`` (then it is replaced)."""
    manifest = read_manifest(path)
    here = _migrations()
    theirs = manifest["migrations"]
    mine = {app: names for app, names in here.items() if app in theirs}
    if mine != theirs:
        newer = sorted(set(theirs) - set(here)) or sorted(
            app for app in theirs if theirs[app] != here.get(app)
        )
        raise BackupError(
            f"{path.name} was made by kamkit {manifest['kamkit_version']} at other migrations "
            f"(apps: {', '.join(newer)}); restore it with that version, then upgrade"
        )
    full = holds_data()
    if full and not force:
        raise BackupError(
            f"the database holds data ({', '.join(full[:4])}{'…' if len(full) > 4 else ''}); "
            "restore into an empty data folder or database, or add --force to replace it"
        )
    known = {_label(m): m for m in tables()}
    counts: dict[str, int] = {}
    with zipfile.ZipFile(path) as archive, transaction.atomic():
        if force:
            for model in reversed(tables()):
                model._base_manager.all()._raw_delete(connection.alias)
        lookups = _lookups()
        for label in manifest["tables"]:
            model = known.get(label)
            if model is None:
                raise BackupError(f"{path.name}: table {label} is unknown to this kamkit")
            counts[label] = _restore_table(archive, label, model, lookups)
            if progress:
                progress(label, counts[label])
        _reset_sequences(list(known.values()))
        secret = "files/secret_key"
        if secret in archive.namelist():
            (Path(settings.DATA_DIR) / "secret_key").write_bytes(archive.read(secret))
    return counts


def _lookups() -> dict[str, dict[tuple, int]]:
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.management import create_contenttypes
    from django.contrib.contenttypes.models import ContentType

    for config in apps.get_app_configs():
        create_contenttypes(config, verbosity=0)
    return {
        "auth.permission": {
            (p.content_type.app_label, p.content_type.model, p.codename): p.pk
            for p in Permission.objects.select_related("content_type")
        },
        "contenttypes.contenttype": {
            (c.app_label, c.model): c.pk for c in ContentType.objects.all()
        },
    }


def _restore_table(archive, label: str, model, lookups) -> int:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    with archive.open(f"tables/{label}.jsonl") as raw:
        lines = io.TextIOWrapper(raw, encoding="utf-8")
        names = json.loads(next(lines))
        missing = [n for n in names if n not in fields]
        if missing:
            raise BackupError(f"{label}: column {missing[0]} is unknown to this kamkit")
        decoders = [_decoder(fields[n]) for n in names]
        natural = [_natural(fields[n]) for n in names]
        prepare = [fields[n].get_db_prep_save for n in names]
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(fields[n].column) for n in names)
        one = "(" + ", ".join(["%s"] * len(names)) + ")"
        per_batch = max(1, 900 // len(names))  # within every database's parameter limit
        batch: list[Any] = []
        n = 0

        def write() -> None:
            # as they were: no save(), so no signal, no auto_now, no history entry
            with connection.cursor() as cur:
                cur.execute(
                    f"INSERT INTO {table} ({columns}) VALUES "
                    + ", ".join([one] * (len(batch) // len(names))),
                    batch,
                )

        for line in lines:
            values = json.loads(line)
            for value, decode, nat, prep in zip(values, decoders, natural, prepare, strict=True):
                if value is not None and nat:
                    value = lookups[nat].get(tuple(value))
                elif value is not None and decode:
                    value = decode(value)
                batch.append(prep(value, connection))
            n += 1
            if n % per_batch == 0:
                write()
                batch = []
        if batch:
            write()
    return n


def _reset_sequences(models_: list) -> None:
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    if statements:
        with connection.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
