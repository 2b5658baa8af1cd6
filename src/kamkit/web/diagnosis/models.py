"""Diagnosis cases stored in the web app: the case file text, diagnosed by the core."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from kamkit.web.users.models import Role, User


def sees_diagnosis(user: User) -> bool:
    """Analysts, KAM directors and admins work with the diagnosis; nobody else (SPEC §2.7:
    never a customer)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_admin or user.role in (Role.KAM_DIRECTOR, Role.ANALYST))
    )


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> CaseQuerySet:
        return self.all() if sees_diagnosis(user) else self.none()


class DiagnosisCase(models.Model):
    title = models.CharField(max_length=200)
    source_yaml = models.TextField(help_text="The case file (kamkit_case: 1).")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    # the list's figures, from the diagnosis made when the case was stored: the list
    # diagnosed every case on every view (1.4 s for a case of 10,000 pairs; issue 18)
    pairs = models.PositiveIntegerField(null=True, blank=True)
    gaps = models.PositiveIntegerField(null=True, blank=True)
    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title
