"""Dated assessment snapshots: one row per account and day, so trends can be drawn."""

from __future__ import annotations

import zlib
from typing import Any

import orjson
from django.db import models

from kamkit.web.accounts.models import PHASE_CHOICES, Account


class JSONText(models.TextField):
    """A JSON document kept as text: written whole and read whole, never searched inside,
    so PostgreSQL need not convert it to ``jsonb`` (which took 0.2 s of the 1.1 s of
    storing 10,000 snapshots). Reads give the Python value, as a JSONField would."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else orjson.loads(value)

    def to_python(self, value: Any) -> Any:
        return orjson.loads(value) if isinstance(value, str | bytes) else value

    def get_prep_value(self, value: Any) -> Any:
        return None if value is None else orjson.dumps(value).decode()

    def value_to_string(self, obj: models.Model) -> str:
        return self.get_prep_value(self.value_from_object(obj))


def pack_json(value: Any) -> bytes:
    """A JSON document as kamkit keeps a whole assessment: orjson, zlib level 1."""
    return zlib.compress(orjson.dumps(value), 1)


class CompressedJSON(models.Field):
    """A JSON document kept compressed (``pack_json``), written whole and read whole
    (issue 17: a whole assessment is 1.6 KB of JSON, about a third of that compressed;
    PostgreSQL compresses only rows above about 2 KB). Reads give the Python value; the
    backup writes the value itself, so archives stay readable JSON."""

    def get_internal_type(self) -> str:
        return "BinaryField"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else orjson.loads(zlib.decompress(bytes(value)))

    def to_python(self, value: Any) -> Any:
        if isinstance(value, bytes | memoryview):
            return orjson.loads(zlib.decompress(bytes(value)))
        return value

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        return None if value is None else connection.Database.Binary(pack_json(value))

    def value_to_string(self, obj: models.Model) -> str:
        return orjson.dumps(self.value_from_object(obj)).decode()


class SnapshotQuerySet(models.QuerySet):
    """Visible exactly when the account is, except to customers: scores are the
    supplier's unless shared (SPEC §2.7), so a customer sees no snapshot."""

    def visible_to(self, user) -> SnapshotQuerySet:
        if not user.is_authenticated or user.role == "customer":
            return self.none()
        return self.filter(account__in=Account.objects.visible_to(user).values("pk"))


class AssessmentSnapshot(models.Model):
    """An account's assessment as computed on a day: the figures the trends draw. The
    whole assessment (SPEC §2.5.1) is kept for each account's latest day only, in
    ``LatestAssessment`` (issue 17: a whole one a day took 2.1 KB per account, 1.9 GB for
    90 days of 10,000 accounts); a past day's is recomputed on demand (``kamkit assess
    --on``, the API's ``?on=``)."""

    # no index of its own: the unique (account, on) constraint serves every lookup by
    # account, and one index fewer is one write fewer per snapshot
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="snapshots", db_index=False
    )
    on = models.DateField()
    phase = models.CharField(max_length=20, choices=PHASE_CHOICES, blank=True)
    # the phase's source and the inferred phase are in the latest day's whole assessment
    # (LatestAssessment) and in a run's own output; a past day's are recomputed on demand
    communication = models.FloatField(null=True)
    co_creation = models.FloatField(null=True)
    problem_solving = models.FloatField(null=True)
    index = models.FloatField(null=True)
    lever = models.CharField(max_length=20, blank=True)
    objects = SnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["account_id", "-on"]
        constraints = [
            models.UniqueConstraint(fields=["account", "on"], name="one_snapshot_per_day")
        ]
        # no index on the day (issue 17: a third of the snapshots' 216 MB on PostgreSQL
        # at 90 days × 10,000 accounts): the latest day of the accounts and a run's
        # figures are read from LatestAssessment and the run itself

    def __str__(self) -> str:
        return f"{self.account_id} on {self.on}: {self.index}"


class PendingPhaseChange(models.Model):
    """The phase the inference rules point to, away from the account's inferred phase,
    and the day they first did (SPEC §2.2, stability): the change takes effect when the
    rules still point there on an assessment ``phase_change_min_days`` later. One row per
    account at most; none when nothing is pending."""

    account = models.OneToOneField(
        Account, on_delete=models.CASCADE, primary_key=True, related_name="pending_phase"
    )
    phase = models.CharField(max_length=20, choices=PHASE_CHOICES)
    since = models.DateField()

    def __str__(self) -> str:
        return f"{self.account_id}: {self.phase} pending since {self.since}"


class LatestAssessment(models.Model):
    """An account's whole assessment (SPEC §2.5.1) of the latest day assessed, as the
    account page shows it while it is current (issue 17)."""

    account = models.OneToOneField(
        Account, on_delete=models.CASCADE, primary_key=True, related_name="latest_assessment"
    )
    on = models.DateField()
    payload = CompressedJSON(default=dict)
    computed_at = models.DateTimeField()
    """When the computation began reading the records (compared with
    ``RecordsChanged.at`` to know whether it is still current)."""
    settings_digest = models.CharField(max_length=16, blank=True)
    """kamkit's version and the settings used, as a digest: one computed under other
    settings is not current (the settings themselves are in ``provenance`` and in
    ``kamkit assess``'s output)."""

    def __str__(self) -> str:
        return f"{self.account_id} on {self.on}"


class RecordsChanged(models.Model):
    """When an account's assessed records last changed (issue 17): the account page shows
    the day's stored snapshot only if it was computed after this, and computes the
    assessment live otherwise while the task runner stores a new one. Written by
    ``assessment.services.records_changed``, on every write of those records."""

    # the account's id without a foreign key: a change noted while the account itself is
    # being deleted (its records go first) must not block that deletion
    account_id = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.account_id}: changed {self.at}"


class DataVersion(models.Model):
    """A number that grows after every committed write to kamkit's data (issue 17, item
    8): the key under which ``kamkit.web.pagecache`` keeps whole pages, so a page kept
    before a write is never shown after it, whichever process wrote. One row; written
    by ``pagecache`` only, never backed up (a restored database starts its own)."""

    version = models.BigIntegerField(default=0)  # in the one row, id 1

    def __str__(self) -> str:
        return f"data version {self.version}"


ANSWER_LIMIT = 1000
"""Characters of an alert's answer (kamkit assumption: a few sentences, what will be done)."""


class IndexAlertQuerySet(models.QuerySet):
    def recent(self, today: Any = None) -> IndexAlertQuerySet:
        """The alerts of the alert's window before ``today`` (the local day when None):
        ``ALERT_WINDOW_DAYS`` (``kamkit.core.portfolio``), in which the same account is not
        alerted again and the portfolio's *Index fell* and Today list it."""
        import datetime as dt

        from django.utils import timezone

        from kamkit.core.portfolio import ALERT_WINDOW_DAYS

        since = (today or timezone.localdate()) - dt.timedelta(days=ALERT_WINDOW_DAYS)
        return self.filter(on__gt=since)


class IndexAlert(models.Model):
    """An account's index fell by ``ALERT_DROP_POINTS`` or more within a month
    (``kamkit.core.portfolio``): its KA manager and the KAM directors were told, on the
    day of the assessment that saw it. Kept so the same fall is told once a month."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="index_alerts")
    on = models.DateField()
    index = models.FloatField()
    earlier = models.FloatField()
    """The index stored a month (``ALERT_WINDOW_DAYS``) or more before ``on``."""
    answer = models.TextField(blank=True, max_length=ANSWER_LIMIT)
    """What the team will do about it (``answer_alert``): an answered alert leaves Today."""
    answered_by = models.ForeignKey(
        "users.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    objects = IndexAlertQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["account", "on"])]
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.account_id} on {self.on}: {self.earlier:.0f} → {self.index:.0f}"
