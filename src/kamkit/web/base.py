"""What every kamkit record shares: a version against lost updates, timestamps, soft
deletion, and the one way to save an edit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone, translation

from kamkit.core.texts import case_variants, control_problem
from kamkit.web import pagecache


class StaleVersion(Exception):
    """The record changed since the editor loaded it (answered with 409 in the API)."""

    def __init__(self, current: int) -> None:
        self.current = current
        super().__init__(
            f"this record was changed by someone else (now version {current}); "
            "reload it and apply your change again"
        )


class TrackedQuerySet(models.QuerySet):
    def alive(self) -> TrackedQuerySet:
        """Records not soft-deleted."""
        return self.filter(deleted_at__isnull=True)

    def deleted(self) -> TrackedQuerySet:
        return self.filter(deleted_at__isnull=False)


class TrackedModel(models.Model):
    """Abstract base: ``version``, ``created_at``, ``updated_at``, ``deleted_at``."""

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    def clean_fields(self, exclude: Any = None) -> None:
        """Before Django's field checks: an explicit null for an optional text or JSON
        field means empty (the database holds no null there: it was a 500), and control
        characters (a NUL, which PostgreSQL cannot store, and the other invisible ones)
        are refused by field name (core.texts)."""
        from django.core.exceptions import ValidationError

        errors = {}
        for f in self._meta.concrete_fields:
            value = getattr(self, f.attname)
            if value is None and not f.null:
                if isinstance(f, models.CharField | models.TextField) and f.blank:
                    setattr(self, f.attname, "")
                elif isinstance(f, models.JSONField) and f.has_default():
                    setattr(self, f.attname, f.get_default())
            elif isinstance(value, str) and (problem := control_problem(value)):
                errors[f.name] = problem
        try:
            super().clean_fields(exclude)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, " ".join(messages))
        if errors:
            raise ValidationError(errors)

    objects = TrackedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


MAX_ID = 2**63 - 1
"""The largest record id any database here holds (a 64-bit signed integer): a larger one
names no record, and PostgreSQL would answer it with an error, not "not found"."""


def holds(field: str, phrase: str, lookup: str = "icontains") -> models.Q:
    """``field`` holds ``phrase`` in any letter case, in every alphabet: "österreich"
    finds "Österreich". PostgreSQL compares both in upper case; SQLite's LIKE ignores the
    case of A–Z only, so there each spelling of ``kamkit.core.texts.case_variants`` is
    tried. Every search box uses this (``lookup="istartswith"`` ranks names that start
    with the phrase)."""
    from django.db import connection

    spellings = case_variants(phrase) if connection.vendor == "sqlite" else [phrase]
    q = models.Q()
    for spelt in spellings:
        q |= models.Q(**{f"{field}__{lookup}": spelt})
    return q


def by(obj: models.Model, user: Any) -> models.Model:
    """Name ``user`` as the author of ``obj``'s next history entry (django-simple-history
    reads it from the request otherwise; services called without one say it here)."""
    if user is not None and getattr(user, "is_authenticated", False):
        obj._history_user = user
    return obj


def save_versioned(
    obj: TrackedModel, changes: dict[str, Any], expected_version: int, user: Any = None
) -> TrackedModel:
    """Apply ``changes`` to ``obj`` if it is still at ``expected_version``; bump the version.

    The check and the write are one conditional UPDATE, so two editors can never both win;
    the record's history entry is written by its ``save()``.
    """
    model = type(obj)
    by(obj, user)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.full_clean()  # invalid input changes nothing, not even the version
    with transaction.atomic():
        claimed = model.objects.filter(pk=obj.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if not claimed:
            current = model.objects.filter(pk=obj.pk).values_list("version", flat=True).first()
            raise StaleVersion(current or 0)
        obj.version = expected_version + 1
        obj.save()
    return obj


def check_all(
    records, exclude: list[str] | None = None, *, collect: bool = False
) -> dict[int, dict[str, str]]:
    """Every record valid (its model's ``full_clean``: the core rules, dates, text
    limits), or a ValidationError naming the first bad record's position and fields, so
    a bulk write writes nothing (the bulk services of every app). With ``collect``, the
    problems of every invalid record instead, by position (0-based): an import that
    leaves out the invalid rows reports each one."""
    from django.core.exceptions import ValidationError

    problems: dict[int, dict[str, str]] = {}
    records = list(records)
    plan = _quick_plan(type(records[0]), exclude or []) if records else None
    if plan is not None:
        _check_references(records, plan, problems)
    for n, record in enumerate(records):
        try:
            if n in problems:
                raise ValidationError(problems[n])
            if plan is None:
                record.full_clean(
                    exclude=exclude, validate_unique=False, validate_constraints=False
                )
            else:
                _quick_clean(record, plan)
        except ValidationError as exc:
            if not collect:
                raise ValidationError(
                    {f"record {n + 1}: {field}": msgs for field, msgs in exc.message_dict.items()}
                ) from None
            problems[n] = {field: " ".join(msgs) for field, msgs in exc.message_dict.items()}
    return problems


_SIMPLE = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.DateTimeField,
    models.DateField,
    models.ForeignKey,
    models.IntegerField,
)
_PLANS: dict[tuple, list | None] = {}


def _quick_plan(model: type[models.Model], exclude: list[str]) -> list | None:
    """The fields ``_quick_clean`` checks for ``model``, or None when one of them is of a
    type it does not know (then Django's own ``full_clean`` checks the records)."""
    from django.core import validators

    key = (model, tuple(sorted(exclude)))
    if key not in _PLANS:
        plan: list | None = []
        for f in model._meta.concrete_fields:
            if f.name in exclude or f.primary_key:
                continue
            if not isinstance(f, _SIMPLE):
                plan = None
                break
            # what the checks below do not already cover: email, number ranges…
            extra = [
                v
                for v in f.validators
                if not isinstance(
                    v, validators.MaxLengthValidator | validators.ProhibitNullCharactersValidator
                )
            ]
            choices = frozenset(c for c, _ in f.flatchoices) if f.choices else None
            plan.append((f, extra, choices))
        _PLANS[key] = plan
    return _PLANS[key]


def _check_references(records: list, plan: list, problems: dict) -> None:
    """Every foreign key given points at a record that exists: one query per field."""
    for f, _, _ in plan:
        if not isinstance(f, models.ForeignKey):
            continue
        ids = {getattr(r, f.attname) for r in records} - {None}
        if not ids:
            continue
        found = set(
            f.remote_field.model._base_manager.filter(pk__in=ids).values_list("pk", flat=True)
        )
        for n, r in enumerate(records):
            value = getattr(r, f.attname)
            if value is not None and value not in found:
                with translation.override("en"):  # said again in the reader's language
                    kind = str(f.remote_field.model._meta.verbose_name)
                problems.setdefault(n, {})[f.name] = f"no {kind} with id {value}"


def _quick_clean(record: models.Model, plan: list) -> None:
    """What ``full_clean`` checks for models of simple fields, without its per-field
    machinery (a fifth of a large import's time): required values, types, text lengths
    and choices, control characters, then the model's own ``clean`` (the core rules).
    Optional text given as None becomes empty, as in ``TrackedModel.clean_fields``."""
    from django.core.exceptions import ValidationError

    errors: dict[str, str] = {}
    values = record.__dict__
    for f, extra, choices in plan:
        value = values.get(f.attname)
        if value is None:
            if isinstance(f, models.CharField | models.TextField) and f.blank and not f.null:
                values[f.attname] = ""
            elif not f.null and not f.blank:  # blank: Django skips it too (auto_now, …)
                errors[f.name] = "This field cannot be null."
            continue
        if f.blank and value in f.empty_values:
            continue  # an optional value left empty: Django checks nothing more either
        if isinstance(f, models.CharField | models.TextField):
            if not isinstance(value, str):
                errors[f.name] = "expected text"
            elif problem := control_problem(value):
                errors[f.name] = problem
            elif not value and not f.blank:
                errors[f.name] = "This field cannot be blank."
            elif f.max_length and isinstance(f, models.CharField) and len(value) > f.max_length:
                errors[f.name] = (
                    f"Ensure this value has at most {f.max_length} characters "
                    f"(it has {len(value)})."
                )
            elif choices is not None and value and value not in choices:
                errors[f.name] = f"Value {value!r} is not a valid choice."
        elif isinstance(f, models.BooleanField):
            if not isinstance(value, bool):
                errors[f.name] = "expected true or false"
        elif isinstance(f, models.DateTimeField):
            import datetime as dt

            if not isinstance(value, dt.datetime):
                errors[f.name] = "expected a date and time"
        elif isinstance(f, models.DateField):
            import datetime as dt

            if not isinstance(value, dt.date):
                errors[f.name] = "expected a date"
        elif isinstance(f, models.IntegerField) and not isinstance(value, int):
            errors[f.name] = "expected a whole number"
        if extra and f.name not in errors and not isinstance(f, models.ForeignKey):
            try:
                for validate in extra:
                    validate(value)
            except ValidationError as exc:
                errors[f.name] = " ".join(exc.messages)
    if errors:
        raise ValidationError(errors)
    record.clean()


_INSERTABLE = (
    models.DateTimeField,
    models.DateField,
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.ForeignKey,
)


def _sqlite_datetime(db_tz: Any) -> Any:
    """What Django's SQLite backend stores for an aware datetime (naive, in the
    connection's time zone, as ``str`` writes it), without its per-value setting lookups
    (a twentieth of a large import's time); naive values as Django does (``str``)."""

    last: list[Any] = [None, ""]  # a batch's created and updated times are one moment

    def adapt(value: Any) -> str:
        if value is last[0]:
            return last[1]
        last[0] = value
        if value.tzinfo is not None:
            value = value.astimezone(db_tz).replace(tzinfo=None)
        last[1] = str(value)
        return last[1]

    return adapt


def build(model: type[models.Model], values: dict[str, Any]) -> models.Model:
    """An unsaved record of ``model``, the same as ``model(**values)`` for values given
    by attribute name (``account_id``, not ``account``), without ``Model.__init__``'s
    per-field work (a tenth of a large import's time): the fields' defaults, then the
    values. Falls back to the constructor when something listens to its signals."""
    from django.db.models.base import ModelState
    from django.db.models.signals import post_init, pre_init

    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model(**values)
    plan = _BUILD.get(model)
    if plan is None:
        fixed: dict[str, Any] = {}
        called: list[tuple[str, Any]] = []
        for f in model._meta.concrete_fields:
            if f.has_default() and callable(f.default):
                called.append((f.attname, f.default))  # what get_default calls
            else:
                fixed[f.attname] = f.get_default()
        plan = _BUILD[model] = (fixed, called, frozenset(fixed) | {a for a, _ in called})
    fixed, called, known = plan
    unknown = values.keys() - known
    if unknown:
        raise TypeError(f"{model.__name__} has no field {sorted(unknown)[0]!r}")
    obj = model.__new__(model)
    obj._state = ModelState()
    attrs = obj.__dict__
    attrs.update(fixed)
    for name, default in called:
        if name not in values:
            attrs[name] = default()
    attrs.update(values)
    return obj


_BUILD: dict[type, tuple[dict[str, Any], list[tuple[str, Any]], frozenset[str]]] = {}


def insert_many(objs: list[models.Model], batch_size: int = 500) -> None:
    """Insert new records of one model, setting each one's ``pk``: Django's
    ``bulk_create`` without its per-value preparation, which cost two thirds of an
    import's time. Only for models whose fields need no conversion beyond dates and
    times (text, numbers, booleans, foreign keys, dates); ``auto_now`` fields are set
    here. The bulk services call it after checking every record."""
    from django.db import connection

    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    if not all(isinstance(f, _INSERTABLE) for f in fields):
        model.objects.bulk_create(objs, batch_size=batch_size)  # Django prepares the rest
        return
    now = timezone.now()
    ops = connection.ops
    adapters = []
    for f in fields:
        if isinstance(f, models.DateTimeField):
            adapters.append(
                _sqlite_datetime(connection.timezone)
                if connection.vendor == "sqlite"
                else ops.adapt_datetimefield_value
            )
        elif isinstance(f, models.DateField):
            adapters.append(ops.adapt_datefield_value)
        elif isinstance(
            f,
            models.CharField
            | models.TextField
            | models.BooleanField
            | models.IntegerField
            | models.ForeignKey,
        ):
            adapters.append(None)
        else:
            raise TypeError(f"insert_many cannot store {f.name} ({type(f).__name__})")
        if getattr(f, "auto_now", False):
            for obj in objs:
                setattr(obj, f.attname, now)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    table = connection.ops.quote_name(meta.db_table)
    pk = connection.ops.quote_name(meta.pk.column)
    names = [f.attname for f in fields]
    if connection.vendor == "postgresql":
        # COPY, the bulk path PostgreSQL is made for: the ids are drawn from the table's
        # sequence first (COPY returns nothing), then every row streams in one statement.
        # An INSERT … unnest() of one array per column spent a fifth of an import's time
        # in the driver's (pure Python) array dumping.
        ids = reserve_ids(model, len(objs))
        copy_rows(
            meta.db_table,
            [meta.pk.column, *[f.column for f in fields]],
            (
                [new_pk, *[obj.__dict__[name] for name in names]]
                for obj, new_pk in zip(objs, ids, strict=True)
            ),
        )
        for obj, new_pk in zip(objs, ids, strict=True):
            obj.pk = new_pk
            obj._state.adding = False
            obj._state.db = connection.alias
        return
    with connection.cursor() as cur:
        for start in range(0, len(objs), batch_size):
            batch = objs[start : start + batch_size]
            params: list[Any] = []
            for obj in batch:
                values = obj.__dict__
                for name, adapt in zip(names, adapters, strict=True):
                    value = values[name]
                    params.append(adapt(value) if adapt and value is not None else value)
            cur.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(batch))} "
                f"RETURNING {pk}",
                params,
            )
            for obj, (new_pk,) in zip(batch, cur.fetchall(), strict=True):
                obj.pk = new_pk
                obj._state.adding = False
                obj._state.db = connection.alias


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys from the table's own sequence (PostgreSQL), for rows a
    bulk path writes with their ids."""
    from django.db import connection

    if count == 0:
        return []
    meta = model._meta
    with connection.cursor() as cur:
        cur.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [row[0] for row in cur.fetchall()]


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Rows into ``table`` by PostgreSQL's COPY (plain values only: no conversion): the
    bulk path of ``insert_many`` and of the interactions' participant links."""
    from django.db import connection

    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with (
        connection.cursor() as cur,
        cur.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
    pagecache.written(connection)  # COPY writes past Django's cursor


def soft_delete(obj: TrackedModel, user: Any = None) -> None:
    """Mark the record deleted; it stays restorable."""
    by(obj, user)
    obj.deleted_at = timezone.now()
    obj.save(update_fields=["deleted_at", "updated_at"])


def restore(obj: TrackedModel, user: Any = None) -> None:
    by(obj, user)
    obj.deleted_at = None
    obj.save(update_fields=["deleted_at", "updated_at"])


def errors_on_form(form, exc: Any, names: dict[str, str] | None = None) -> None:
    """A service's ``ValidationError`` on the form: each message on its field (renamed by
    ``names`` where the form calls it otherwise), the rest above the form."""
    from kamkit.web.labels import say

    for name, errors in exc.message_dict.items():
        name = (names or {}).get(name, name)
        form.add_error(name if name in form.fields else None, [say(e) for e in errors])


def form_write(form, write: Any, names: dict[str, str] | None = None) -> int:
    """Run a page's write (a service call) for a validated ``form`` and translate what it
    raises into the form: 0 when done; 409 when the record changed since the editor
    loaded it (or a step is not open now: ``conflicts``); 422 with each field's message
    (renamed by ``names`` where the form calls a field otherwise). The one place pages
    turn the services' errors into form errors (issue 15)."""
    from django.core.exceptions import ValidationError

    from kamkit.web.labels import say

    try:
        write()
    except StaleVersion as exc:
        form.add_error(None, say(str(exc)))
        return 409
    except ValidationError as exc:
        errors_on_form(form, exc, names)
        return 422
    except Conflict as exc:
        form.add_error(None, say(str(exc)))
        return 409
    return 0


class Conflict(Exception):
    """A step that is not open now (answered 409, the message says why)."""


def local_next(request, default: str) -> str:
    """Where a form sends the user back: its ``next`` when that is a path on this site,
    else ``default`` (never another site: an open redirect)."""
    from django.utils.http import url_has_allowed_host_and_scheme

    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default
