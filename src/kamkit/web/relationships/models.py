"""Relationship records (SPEC §2.1). For now the phase records; interactions, initiatives,
problems, pulses and preferences come with issue 4."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from kamkit.web.accounts.models import PHASE_CHOICES, Account, AccountRecordQuerySet, Person
from kamkit.web.base import TrackedModel
from kamkit.web.users.models import User


class PhaseSource(models.TextChoices):
    SUPPLIER_SELF = "supplier_self", "Supplier's self-identification"
    CUSTOMER_SELF = "customer_self", "Customer's self-identification"
    DECISION = "decision", "KA manager's decision"
    INFERRED = "inferred", "Inferred by kamkit"


class PhaseRecordQuerySet(AccountRecordQuerySet):
    pass


class PhaseRecord(TrackedModel):
    """A dated statement of an account's lifecycle phase, and who made it."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="phase_records")
    phase = models.CharField(max_length=20, choices=PHASE_CHOICES)
    source = models.CharField(max_length=20, choices=PhaseSource.choices)
    recorded_on = models.DateField(default=timezone.localdate)
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="phase_records",
        help_text="Who situated the relationship (for self-identifications).",
    )
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    reasons = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    history = HistoricalRecords()
    objects = PhaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_on", "-pk"]
        indexes = [models.Index(fields=["account", "source", "recorded_on"])]

    def __str__(self) -> str:
        return f"{self.account}: {self.phase} ({self.source}, {self.recorded_on})"
