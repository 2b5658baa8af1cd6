"""What every kamkit record shares: a version against lost updates, timestamps, soft
deletion, and the one way to save an edit."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone


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
        field means empty (the database holds no null there: it was a 500), and a NUL
        character is refused by name (PostgreSQL cannot store one)."""
        from django.core.exceptions import ValidationError

        errors = {}
        for f in self._meta.concrete_fields:
            value = getattr(self, f.attname)
            if value is None and not f.null:
                if isinstance(f, models.CharField | models.TextField) and f.blank:
                    setattr(self, f.attname, "")
                elif isinstance(f, models.JSONField) and f.has_default():
                    setattr(self, f.attname, f.get_default())
            elif isinstance(value, str) and "\x00" in value:
                errors[f.name] = "contains a NUL character (\\x00), which kamkit cannot store"
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
    for n, record in enumerate(records):
        try:
            record.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            if not collect:
                raise ValidationError(
                    {f"record {n + 1}: {field}": msgs for field, msgs in exc.message_dict.items()}
                ) from None
            problems[n] = {field: " ".join(msgs) for field, msgs in exc.message_dict.items()}
    return problems


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
    for name, errors in exc.message_dict.items():
        name = (names or {}).get(name, name)
        form.add_error(name if name in form.fields else None, errors)


def form_write(form, write: Any, names: dict[str, str] | None = None) -> int:
    """Run a page's write (a service call) for a validated ``form`` and translate what it
    raises into the form: 0 when done; 409 when the record changed since the editor
    loaded it (or a step is not open now: ``conflicts``); 422 with each field's message
    (renamed by ``names`` where the form calls a field otherwise). The one place pages
    turn the services' errors into form errors (issue 15)."""
    from django.core.exceptions import ValidationError

    try:
        write()
    except StaleVersion as exc:
        form.add_error(None, str(exc))
        return 409
    except ValidationError as exc:
        errors_on_form(form, exc, names)
        return 422
    except Conflict as exc:
        form.add_error(None, str(exc))
        return 409
    return 0


class Conflict(Exception):
    """A step that is not open now (answered 409, the message says why)."""
