"""Diagnosis cases stored in the web app: the case file text, diagnosed by the core."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kamkit.web.assessment.models import JSONText
from kamkit.web.users.models import Role, User


def sees_diagnosis(user: User) -> bool:
    """Analysts, KAM directors and admins work with the diagnosis; nobody else (SPEC §2.7:
    never a customer)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_admin or user.role in (Role.KAM_DIRECTOR, Role.ANALYST))
    )


def reads_diagnosis(user: User) -> bool:
    """Who reads some of the diagnosis: those who work with it, and KA managers (the
    projects of their own KAM units, issue 18)."""
    return sees_diagnosis(user) or bool(
        user.is_authenticated and user.is_active and user.role == Role.KA_MANAGER
    )


def units_of(user: User) -> models.QuerySet:
    """The KAM units a KA manager works in: the units (and their parent units) of the
    accounts they manage (a kamkit assumption: kamkit records no unit membership)."""
    from kamkit.web.accounts.models import Account, KAMUnit

    own = Account.objects.alive().filter(ka_manager=user).values("kam_unit")
    return KAMUnit.objects.filter(models.Q(pk__in=own) | models.Q(teams__in=own)).values("pk")


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ProjectQuerySet:
        """Every project for those who work with the diagnosis; for a KA manager the
        projects linked to their own KAM units; none for anyone else (never a customer)."""
        if sees_diagnosis(user):
            return self.all()
        if reads_diagnosis(user):
            return self.filter(kam_unit__in=units_of(user))
        return self.none()


class DiagnosisProject(models.Model):
    """A firm's diagnosis followed across waves: its KAM units and partners are the ones
    named in the waves' case files (by id, so a unit is the same unit in every wave)."""

    name = models.CharField(max_length=200)
    firm = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    kam_unit = models.ForeignKey(
        "accounts.KAMUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="diagnosis_projects",
        help_text=_(
            "kamkit's KAM unit this diagnosis is about (its KA managers may read "
            "it); empty for a consultant's client outside kamkit."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> CaseQuerySet:
        """Every case for those who work with the diagnosis; for a KA manager the waves
        of the projects they may read."""
        if sees_diagnosis(user):
            return self.all()
        if reads_diagnosis(user):
            return self.filter(project__in=DiagnosisProject.objects.visible_to(user))
        return self.none()


class DiagnosisCase(models.Model):
    """A stored case file; within a project, one wave of it."""

    title = models.CharField(max_length=200)
    project = models.ForeignKey(
        DiagnosisProject,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="waves",
        help_text=_("Empty: a single case, not followed across waves."),
    )
    wave_on = models.DateField(
        null=True, blank=True, help_text=_("When the wave's data were collected.")
    )
    source_yaml = models.TextField(help_text=_("The case file (kamkit_case: 1)."))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    # the list's figures, from the diagnosis made when the case was stored: the list
    # diagnosed every case on every view (1.4 s for a case of 10,000 pairs; issue 18)
    pairs = models.PositiveIntegerField(null=True, blank=True)
    gaps = models.PositiveIntegerField(null=True, blank=True)
    # each pair's levels and gap (core.diagnosis.compare.PairSummary rows), kept when it
    # was stored: a project compares its waves without diagnosing them again (a wave of
    # 10,000 pairs takes about a second to diagnose; issue 18, item 6)
    summary = JSONText(null=True, blank=True, default=None)
    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("diagnosis case")
        verbose_name_plural = _("diagnosis cases")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class GapAction(models.Model):
    """What the firm does about one KAM unit–partner gap found in a wave: a measure to
    introduce, an owner, a due date, a status. The next wave tells whether the gap
    closed (issue 18)."""

    project = models.ForeignKey(DiagnosisProject, on_delete=models.CASCADE, related_name="actions")
    wave = models.ForeignKey(DiagnosisCase, on_delete=models.CASCADE, related_name="actions")
    kam = models.CharField(max_length=100, help_text=_("The KAM unit's id in the case file."))
    partner = models.CharField(max_length=100, help_text=_("The partner's id in the case file."))
    measure = models.CharField(max_length=40)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="gap_actions"
    )
    due = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["project", "kam", "partner"])]

    def __str__(self) -> str:
        return f"{self.kam}–{self.partner}: {self.measure}"


class PartnerUnit(models.Model):
    """Which of kamkit's internal units a project's partner is (by its id in the case
    files), where the names differ ("Legal issues" in the study, "Legal" in kamkit);
    without one, a partner is the internal unit of the same name."""

    project = models.ForeignKey(
        DiagnosisProject, on_delete=models.CASCADE, related_name="partner_units"
    )
    partner = models.CharField(max_length=100)
    internal_unit = models.ForeignKey(
        "accounts.InternalUnit", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "partner"], name="one_unit_per_partner")
        ]
