"""Relationship records (SPEC §2.1): phase records, interactions, joint value initiatives,
problems with their stages, pulses and communication preferences."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kamkit.core import relationships as rules
from kamkit.core.lifecycle.phases import check_phase_statement
from kamkit.core.plan import MAX_REVIEW_DAYS, OBJECTIVE_STATUSES, REVIEW_EVERY_DAYS, ObjectiveFacts
from kamkit.web.accounts.models import (
    PHASE_CHOICES,
    Account,
    AccountRecordQuerySet,
    Person,
    SourceFields,
    source_unique,
)
from kamkit.web.base import TrackedModel
from kamkit.web.labels import DECISION_LABELS, OBJECTIVE_STATUS_LABELS, decap
from kamkit.web.users.models import Role, User

_TEXT_FIELDS: dict[type, tuple[str, ...]] = {}


def check_record(obj: models.Model, days: dict[str, object] | None = None) -> dict[str, str]:
    """The rules every relationship record shares (core): its texts within their limits,
    and the days it names neither before 1900 nor ahead of tomorrow."""
    names = _TEXT_FIELDS.get(type(obj))
    if names is None:  # a model's text fields, found once (a bulk import checks millions)
        names = tuple(f.name for f in obj._meta.fields if isinstance(f, models.TextField))
        _TEXT_FIELDS[type(obj)] = names
    errors = rules.check_texts({name: getattr(obj, name) for name in names})
    tz = timezone.get_current_timezone()  # once: a bulk import checks millions
    today = dt.datetime.now(tz).date()
    for name, day in (days or {}).items():
        if isinstance(day, dt.datetime):
            day = day.astimezone(tz).date() if day.tzinfo is not None else day.date()
        for key, message in rules.check_day(name, day, today).items():
            errors.setdefault(key, message)
    return errors


class PhaseSource(models.TextChoices):
    SUPPLIER_SELF = "supplier_self", _("Supplier's self-identification")
    CUSTOMER_SELF = "customer_self", _("Customer's self-identification")
    DECISION = "decision", _("KA manager's decision")
    INFERRED = "inferred", _("Inferred by kamkit")


class PhaseRecordQuerySet(AccountRecordQuerySet):
    """A customer user sees its own side's self-identifications, never the supplier's view,
    decisions or inferences."""

    def visible_to(self, user: User) -> PhaseRecordQuerySet:
        qs = super().visible_to(user)
        if user.is_authenticated and user.role == Role.CUSTOMER:
            qs = qs.filter(source=PhaseSource.CUSTOMER_SELF)
        return qs


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
        help_text=_("Who situated the relationship (for self-identifications)."),
    )
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    reasons = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True, max_length=rules.TEXT_LIMITS["note"])
    history = HistoricalRecords()
    objects = PhaseRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("phase record")
        verbose_name_plural = _("phase records")
        ordering = ["-recorded_on", "-pk"]
        indexes = [models.Index(fields=["account", "source", "recorded_on"])]

    def __str__(self) -> str:
        return f"{self.account}: {self.phase} ({self.source}, {self.recorded_on})"

    def clean(self) -> None:
        if self.source == PhaseSource.INFERRED:
            return
        person = self.person if self.person_id else None
        errors = check_phase_statement(
            phase=self.phase, source=self.source, person_side=person.side if person else None
        )
        for key, message in check_record(self, {"recorded_on": self.recorded_on}).items():
            errors.setdefault(key, message)
        if person is not None and person.account_id != self.account_id and "person" not in errors:
            errors["person"] = "must be a person of this account"
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        """Save, then bring the account's stored effective phase up to date, wherever the
        record was saved from (API, page, admin). Bulk loads call refresh_phases once."""
        super().save(*args, **kwargs)
        from .services import refresh_phases  # services imports this module

        refresh_phases([self.account_id])


class DeclineDecisionQuerySet(models.QuerySet):
    """Internal to the supplier: never shown to a customer user."""

    def visible_to(self, user: User) -> DeclineDecisionQuerySet:
        if not user.is_authenticated or user.role == Role.CUSTOMER:
            return self.none()
        return self.filter(account__in=Account.objects.visible_to(user).values("pk"))


class DeclineDecision(models.Model):
    """What the KAM director or the account's KA manager decided for a declining account:
    revive or wind down (SPEC §2.3), dated, with the reason. Rows are never changed: a
    new decision is a new row, so the history stays whole."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="decline_decisions")
    decision = models.CharField(max_length=20, choices=list(DECISION_LABELS.items()))
    decided_on = models.DateField()
    reason = models.TextField()
    decided_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    objects = DeclineDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        indexes = [models.Index(fields=["account", "decided_on"])]

    def __str__(self) -> str:
        return gettext("%(account)s: %(decision)s on %(day)s") % {
            "account": self.account_id,
            "decision": self.get_decision_display(),
            "day": self.decided_on,
        }


# -- the three relational processes (issue 4) ------------------------------------------------


def _choices(values: tuple[str, ...]) -> list[tuple[str, object]]:
    from kamkit.web.labels import choices

    return choices(values)


class SharedRecordQuerySet(AccountRecordQuerySet):
    """Per-account records a customer user sees only when shared with the customer."""

    shared_field = "shared"

    def visible_to(self, user: User) -> SharedRecordQuerySet:
        qs = super().visible_to(user)
        if user.is_authenticated and user.role == Role.CUSTOMER:
            qs = qs.filter(**{self.shared_field: True})
        return qs


class OwnRecordQuerySet(AccountRecordQuerySet):
    """Per-account records a customer user sees only when they are its own."""

    def visible_to(self, user: User) -> OwnRecordQuerySet:
        qs = super().visible_to(user)
        if user.is_authenticated and user.role == Role.CUSTOMER:
            qs = qs.filter(person__user=user)
        return qs


class InteractionQuerySet(SharedRecordQuerySet):
    shared_field = "shared_with_customer"


class JointInitiative(TrackedModel):
    """A joint value initiative: what both sides put in and what each gets out."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="initiatives")
    title = models.CharField(max_length=200)
    goal = models.TextField(blank=True, max_length=rules.TEXT_LIMITS["goal"])
    status = models.CharField(
        max_length=20, choices=_choices(rules.INITIATIVE_STATUSES), default="proposed"
    )
    supplier_owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer_owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    supplier_effort_days = models.DecimalField(
        max_digits=8, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    customer_effort_days = models.DecimalField(
        max_digits=8, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    supplier_money = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    customer_money = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    supplier_know_how = models.TextField(
        blank=True, max_length=rules.TEXT_LIMITS["supplier_know_how"]
    )
    customer_know_how = models.TextField(
        blank=True, max_length=rules.TEXT_LIMITS["customer_know_how"]
    )
    expected_value_customer = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True
    )
    expected_value_supplier = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True
    )
    realized_value_customer = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True
    )
    realized_value_supplier = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True
    )
    value_note = models.TextField(blank=True, max_length=rules.TEXT_LIMITS["value_note"])
    due_date = models.DateField(null=True, blank=True)
    realized_on = models.DateField(
        null=True,
        blank=True,
        help_text=_(
            "When the value was realized; set to today when the status becomes "
            "realized without a date."
        ),
    )
    customer_confirmed_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the customer confirmed the value it realized (in the portal)."),
    )
    internal_units = models.ManyToManyField(
        "accounts.InternalUnit",
        blank=True,
        related_name="initiatives",
        help_text=_("Our internal units involved (never shown to the customer)."),
    )
    shared = models.BooleanField(default=True)
    history = HistoricalRecords()
    objects = SharedRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint initiative")
        verbose_name_plural = _("joint initiatives")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["account", "status"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if self.status == "realized" and self.realized_on is None:
            self.realized_on = timezone.localdate()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = rules.check_initiative(
            status=self.status,
            realized_value_customer=self.realized_value_customer,
            realized_value_supplier=self.realized_value_supplier,
            expected_value_customer=self.expected_value_customer,
            expected_value_supplier=self.expected_value_supplier,
        )
        for key, message in check_record(self, {"realized_on": self.realized_on}).items():
            errors.setdefault(key, message)
        for key, message in rules.check_due_day(
            "due_date", self.due_date, timezone.localdate()
        ).items():
            errors.setdefault(key, message)
        if self.realized_on and self.status != "realized":
            errors.setdefault(
                "realized_on",
                f"a realization date is recorded but the status is '{self.status}'; "
                "set the status to 'realized', or clear the date",
            )
        for field in ("supplier_owner", "customer_owner"):
            owner = getattr(self, field)
            side = field.split("_")[0]
            if owner is not None and (owner.account_id != self.account_id or owner.side != side):
                errors[field] = f"must be a {side}-side person of this account"
        if errors:
            raise ValidationError(errors)


class Problem(TrackedModel):
    """A problem solved jointly: each side's framing, its stages with their dates."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="problems")
    title = models.CharField(max_length=200)
    raised_by = models.CharField(max_length=10, choices=_choices(rules.SIDES))
    raised_on = models.DateField(default=timezone.localdate)
    supplier_framing = models.TextField(
        blank=True, max_length=rules.TEXT_LIMITS["supplier_framing"]
    )
    customer_framing = models.TextField(
        blank=True, max_length=rules.TEXT_LIMITS["customer_framing"]
    )
    stage = models.CharField(
        max_length=20, choices=_choices(rules.PROBLEM_STAGES), default="reported"
    )
    participants = models.ManyToManyField(Person, blank=True, related_name="problems")
    internal_units = models.ManyToManyField(
        "accounts.InternalUnit",
        blank=True,
        related_name="problems",
        help_text=_("Our internal units involved (never shown to the customer)."),
    )
    outcome = models.TextField(blank=True, max_length=rules.TEXT_LIMITS["outcome"])
    supplier_agreed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    supplier_agreed_on = models.DateField(null=True, blank=True, editable=False)
    customer_agreed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    customer_agreed_on = models.DateField(null=True, blank=True, editable=False)
    """Each side's agreement on the definition, with who and when (issue 15): both, with
    both framings, make the problem jointly defined."""
    lessons = models.TextField(
        blank=True,
        max_length=rules.TEXT_LIMITS["lessons"],
        help_text=_("What both sides learned (shared knowledge)."),
    )
    shared = models.BooleanField(default=True)
    history = HistoricalRecords()
    objects = SharedRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["-raised_on", "-pk"]
        indexes = [models.Index(fields=["account", "stage"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        """A new problem's first stage is dated too (the day it was raised), wherever it was
        created from; later moves are dated by ``move_problem_stage``."""
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            ProblemStageChange.objects.create(
                problem=self, stage=self.stage, changed_on=self.raised_on
            )

    def clean(self) -> None:
        if errors := check_record(self, {"raised_on": self.raised_on}):
            raise ValidationError(errors)

    @property
    def next_move(self) -> str | None:
        """The stage a one-click move goes to: the next one, except that a reported
        problem shared with the customer is jointly defined by both sides' agreement, not
        by a click (issue 15); an internal one goes on to a solution."""
        if self.stage == "reported":
            return None if self.shared else "solution_designed"
        return rules.next_stage(self.stage)

    @property
    def next_stage_label(self) -> str | None:
        """The label of the stage a one-click move goes to."""
        following = self.next_move
        return decap(dict(_choices(rules.PROBLEM_STAGES))[following]) if following else None


class ProblemStageChange(models.Model):
    """When a problem reached a stage (the date of every change is kept)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="stage_changes")
    stage = models.CharField(max_length=20, choices=_choices(rules.PROBLEM_STAGES))
    changed_on = models.DateField(default=timezone.localdate)
    changed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["changed_on", "pk"]


class UndoneStageMove(models.Model):
    """A stage move that was taken back, with who, when and why: the living stages stay in
    ``ProblemStageChange``; the move that was undone is kept here, so the history holds
    both (issue 15)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="undone_moves")
    stage = models.CharField(max_length=20, choices=_choices(rules.PROBLEM_STAGES))
    changed_on = models.DateField()
    changed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    back_to = models.CharField(max_length=20, choices=_choices(rules.PROBLEM_STAGES))
    undone_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    undone_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(max_length=rules.TEXT_LIMITS["note"])

    class Meta:
        ordering = ["-undone_at", "-pk"]


class Interaction(SourceFields, TrackedModel):
    """A communication event between the two sides."""

    # no index of its own: the assessment's index leads with the account (one index less
    # to keep on every insert; a million-row import spent a share of its time on it)
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="interactions", db_index=False
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    channel = models.CharField(max_length=20, choices=_choices(rules.CHANNELS))
    initiated_by = models.CharField(max_length=10, choices=_choices(rules.SIDES))
    two_way = models.BooleanField(default=True, help_text=_("A dialogue, not a broadcast."))
    formality = models.CharField(max_length=10, choices=_choices(rules.FORMALITY), default="formal")
    content = models.CharField(
        max_length=20, choices=_choices(rules.CONTENT), default="operational"
    )
    participants = models.ManyToManyField(Person, blank=True, related_name="interactions")
    summary = models.TextField(blank=True, max_length=rules.TEXT_LIMITS["summary"])
    initiative = models.ForeignKey(
        JointInitiative,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
    )
    problem = models.ForeignKey(
        Problem, null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions"
    )
    shared_with_customer = models.BooleanField(default=False)
    logged_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[participants])
    objects = InteractionQuerySet.as_manager()

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            # covers the assessment's per-account aggregate, so it reads no table rows
            models.Index(
                fields=[
                    "account",
                    "occurred_at",
                    "initiated_by",
                    "two_way",
                    "content",
                    "formality",
                    "deleted_at",
                ],
                name="interaction_assessment",
            )
        ]
        # a message to people of two accounts is an interaction on each
        constraints = [source_unique("interaction_source_id", "account")]

    def __str__(self) -> str:
        return gettext("%(channel)s on %(date)s") % {
            "channel": self.get_channel_display(),
            "date": f"{self.occurred_at:%Y-%m-%d}",
        }

    def clean(self) -> None:
        if errors := check_record(self, {"occurred_at": self.occurred_at}):
            raise ValidationError(errors)


class Pulse(TrackedModel):
    """A person's 1–7 ratings of the three processes, satisfaction and trust."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="pulses")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pulses")
    rated_on = models.DateField(default=timezone.localdate)
    communication = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    co_creation = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    problem_solving = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    satisfaction = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    trust = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    comment = models.TextField(blank=True, max_length=rules.TEXT_LIMITS["comment"])
    history = HistoricalRecords()
    objects = OwnRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("pulse")
        verbose_name_plural = _("pulses")
        ordering = ["-rated_on", "-pk"]

    @property
    def side(self) -> str:
        return self.person.side

    def clean(self) -> None:
        errors = rules.check_pulse({item: getattr(self, item) for item in rules.PULSE_ITEMS})
        for key, message in check_record(self, {"rated_on": self.rated_on}).items():
            errors.setdefault(key, message)
        if self.person_id and self.person.account_id != self.account_id:
            errors["person"] = "must be a person of this account"
        if errors:
            raise ValidationError(errors)


class CommunicationPreference(TrackedModel):
    """Preferred channels and the ideal contact band per 30 days, for a person or the
    whole account (``person`` empty)."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="preferences")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="preferences"
    )
    channels = models.JSONField(default=list, blank=True)
    ideal_min = models.PositiveSmallIntegerField(default=2)
    ideal_max = models.PositiveSmallIntegerField(default=8)
    history = HistoricalRecords()
    objects = OwnRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("communication preference")
        verbose_name_plural = _("communication preferences")
        ordering = ["person_id", "-pk"]

    def clean(self) -> None:
        channels = self.channels if isinstance(self.channels, list) else []
        errors = rules.check_preference(
            channels=channels, ideal_min=self.ideal_min, ideal_max=self.ideal_max
        )
        if not isinstance(self.channels, list):
            errors["channels"] = "expected a list of channels"
        if self.person_id and self.person.account_id != self.account_id:
            errors["person"] = "must be a person of this account"
        if errors:
            raise ValidationError(errors)


class PersonPair(models.Model):
    """A supplier-side and a customer-side person who took part in the same interaction,
    with the first and last time they did: kept by ``services.rebuild_pairs`` whenever an
    account's interactions or participants change, so the assessment counts relational
    ties without joining every interaction to its participants twice."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    supplier = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "supplier", "customer"], name="one_row_per_pair"
            )
        ]
        indexes = [models.Index(fields=["account", "first_at", "last_at"])]


class InteractionWeek(models.Model):
    """One account's living interactions in one calendar week (Monday to Sunday, UTC):
    how many, and how many were customer-initiated, two-way, strategic and formal. Kept
    by ``services.rebuild_weeks`` whenever an account's interactions change, so the
    assessment adds up a dozen rows per account and window and reads single interactions
    only at the window's ragged ends (docs/scores.md)."""

    # no index of its own: the unique (account, week) constraint serves lookups by account
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+", db_index=False)
    week = models.DateField(help_text=_("The Monday (UTC) the week starts on."))
    interactions = models.PositiveIntegerField()
    by_customer = models.PositiveIntegerField()
    two_way = models.PositiveIntegerField()
    strategic = models.PositiveIntegerField()
    formal = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "week"], name="one_row_per_account_week")
        ]
        indexes = [
            # covers the assessment's sums, so SQLite reads no table rows
            models.Index(
                fields=[
                    "account",
                    "week",
                    "interactions",
                    "by_customer",
                    "two_way",
                    "strategic",
                    "formal",
                ],
                name="interaction_week_counts",
            )
        ]


class ProblemCommentQuerySet(models.QuerySet):
    """A customer user reads the shared thread of its shared problems, never the
    supplier's internal notes."""

    def visible_to(self, user: User) -> ProblemCommentQuerySet:
        problems = Problem.objects.visible_to(user).values("pk")
        qs = self.filter(problem__in=problems)
        if user.is_authenticated and user.role == Role.CUSTOMER:
            qs = qs.filter(internal=False)
        return qs


class ProblemComment(models.Model):
    """A message on a problem from either side: the shared thread both sides read, or a
    supplier's internal note (``internal``) the customer never sees."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    side = models.CharField(max_length=10, choices=_choices(rules.SIDES))
    internal = models.BooleanField(
        default=False,
        help_text=_("A note for the supplier's side only; never shown to the customer."),
    )
    text = models.TextField(max_length=rules.TEXT_LIMITS["text"])
    created_at = models.DateTimeField(default=timezone.now)
    objects = ProblemCommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    def clean(self) -> None:
        if errors := check_record(self):
            raise ValidationError(errors)


class Objective(TrackedModel):
    """An objective of the account plan (issue 20): a measurable target with a date,
    linked to the initiatives and problems that serve it, reviewed on a cadence. Shared
    objectives form the mutual plan the customer sees and comments on; the others are
    internal."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="objectives")
    title = models.CharField(max_length=200)
    measure = models.CharField(
        max_length=200, blank=True, help_text=_("What is measured, e.g. share of wallet (%).")
    )
    start_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    current_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    target_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10,
        choices=[(k, OBJECTIVE_STATUS_LABELS[k]) for k in OBJECTIVE_STATUSES],
        default="open",
    )
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_every_days = models.PositiveSmallIntegerField(default=REVIEW_EVERY_DAYS)
    last_reviewed_on = models.DateField(null=True, blank=True)
    initiatives = models.ManyToManyField(JointInitiative, blank=True, related_name="objectives")
    problems = models.ManyToManyField(Problem, blank=True, related_name="objectives")
    shared = models.BooleanField(
        default=False, help_text=_("Part of the mutual plan: the customer sees and comments on it.")
    )
    history = HistoricalRecords(m2m_fields=[initiatives, problems])
    objects = SharedRecordQuerySet.as_manager()

    class Meta:
        ordering = ["status", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def facts(self) -> ObjectiveFacts:
        def number(v):
            return None if v is None else float(v)

        return ObjectiveFacts(
            status=self.status,
            start=number(self.start_value),
            current=number(self.current_value),
            target=number(self.target_value),
            created_on=timezone.localtime(self.created_at).date(),
            last_reviewed_on=self.last_reviewed_on,
            review_every_days=self.review_every_days,
        )

    def clean(self) -> None:
        errors = {}
        if not 1 <= (self.review_every_days or 0) <= MAX_REVIEW_DAYS:
            errors["review_every_days"] = f"between 1 and {MAX_REVIEW_DAYS} days"
        today = timezone.localdate()
        errors.update(rules.check_due_day("due_on", self.due_on, today))
        errors.update(rules.check_day("last_reviewed_on", self.last_reviewed_on, today))
        if errors:
            raise ValidationError(errors)


class ObjectiveComment(models.Model):
    """A comment on an objective: either side on a shared one, our side only on an
    internal one."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    side = models.CharField(
        max_length=10, choices=[("supplier", _("Supplier")), ("customer", _("Customer"))]
    )
    text = models.TextField(max_length=rules.TEXT_LIMITS["comment"])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]


class TaskQuerySet(AccountRecordQuerySet):
    """A customer user sees the tasks shared with the customer (an owner on its side makes
    a task shared); the supplier's side every task of the accounts it sees."""

    def open(self) -> TaskQuerySet:
        return self.alive().filter(done_on=None)

    def overdue(self, today: dt.date) -> TaskQuerySet:
        """Open and due before ``today`` (due today is not overdue yet)."""
        return self.open().filter(due_on__lt=today)

    def visible_to(self, user: User) -> TaskQuerySet:
        qs = super().visible_to(user)
        if user.is_authenticated and user.role == Role.CUSTOMER:
            qs = qs.filter(shared=True)
        return qs


class Task(TrackedModel):
    """Something to do by a day (issue 20): from the lever's next actions, a plan
    objective or a problem, owned by someone of either side; kamkit reminds the owner on
    the due day."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="tasks")
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    owner = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
        help_text=_("Someone of our side (a kamkit user)."),
    )
    owner_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        help_text=_("Or someone of the customer's side."),
    )
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    problem = models.ForeignKey(
        Problem, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    initiative = models.ForeignKey(
        JointInitiative, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    from_lever = models.CharField(
        max_length=20, blank=True, help_text=_("The process whose next action this is.")
    )
    shared = models.BooleanField(default=False, help_text=_("The customer sees it."))
    done_on = models.DateField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        User, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()
    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["done_on", "due_on", "pk"]
        indexes = [models.Index(fields=["due_on", "done_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def overdue(self) -> bool:
        return self.done_on is None and self.due_on < timezone.localdate()

    def clean(self) -> None:
        errors = dict(rules.check_due_day("due_on", self.due_on, timezone.localdate()))
        if (self.owner_id is None) == (self.owner_person_id is None):
            errors["owner"] = "one owner: someone of our side or of the customer's"
        if self.owner_person_id and self.owner_person.account_id != self.account_id:
            errors["owner_person"] = "must be a person of this account"
        for name in ("objective", "problem", "initiative"):
            record = getattr(self, name)
            if record is not None and record.account_id != self.account_id:
                errors[name] = "must be of this account"
        if errors:
            raise ValidationError(errors)
