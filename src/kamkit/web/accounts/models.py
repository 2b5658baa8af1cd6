"""Accounts, people on both sides, KAM units and teams (SPEC §2.1).

What a user may see is decided here, once per model family: ``visible_to(user)`` on the
querysets and ``can(user, action, obj)``; views and the API only call them.
"""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kamkit.core import relationships as rules
from kamkit.core.lifecycle.phases import PHASES, decision_needed
from kamkit.core.portfolio import DEFAULT_WEIGHTS, SELECTION_CRITERIA, selection_score
from kamkit.core.stakeholders import ATTITUDES, BUYING_ROLES, INFLUENCE
from kamkit.web.base import TrackedModel, TrackedQuerySet
from kamkit.web.labels import DECISION_LABELS, PHASE_LABELS, SOURCE_LABELS, Translated
from kamkit.web.users.models import Role, User

PHASE_CHOICES = [(p, PHASE_LABELS[p]) for p in PHASES]
SCORE = [MinValueValidator(0), MaxValueValidator(5)]


class KAMUnit(TrackedModel):
    """A KAM unit, or a team within one (``parent`` set)."""

    name = models.CharField(max_length=120)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="teams"
    )
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("KAM unit")
        verbose_name_plural = _("KAM units")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name


class InternalUnit(models.Model):
    """One of the firm's internal units that key-account work draws on (legal, supply
    chain, customer service…): problems and initiatives name those involved, and the
    diagnosis reads them as evidence on its KAM unit–partner pairs (issue 18)."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("internal unit")
        verbose_name_plural = _("internal units")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AccountQuerySet(TrackedQuerySet):
    def visible_to(self, user: User) -> AccountQuerySet:
        """The accounts ``user`` may see: all for directors and admins, their own for KA
        managers, their one account for customer users, none for anyone else."""
        qs = self.alive()
        if not user.is_authenticated or not user.is_active:
            return qs.none()
        if user.sees_all_accounts:
            return qs
        if user.role == Role.KA_MANAGER:
            return qs.filter(ka_manager=user)
        if user.role == Role.CUSTOMER and user.account_id:
            return qs.filter(pk=user.account_id)
        return qs.none()

    def with_assessment(self) -> AccountQuerySet:
        """Annotate each account's latest stored index and lever (``latest_index``,
        ``latest_lever``): one subquery each, for lists sorted by risk."""
        from kamkit.web.assessment.models import AssessmentSnapshot  # it imports this module

        latest = AssessmentSnapshot.objects.filter(account=models.OuterRef("pk")).order_by("-on")
        return self.annotate(
            latest_index=models.Subquery(latest.values("index")[:1]),
            latest_lever=models.Subquery(latest.values("lever")[:1]),
        )

    def index_fell(self) -> AccountQuerySet:
        """Only the accounts alerted for a fall of their index within the alert's window
        (``kamkit.core.portfolio``: ``ALERT_DROP_POINTS`` in ``ALERT_WINDOW_DAYS``)."""
        from kamkit.web.assessment.models import IndexAlert

        return self.filter(pk__in=IndexAlert.objects.recent().values("account_id"))

    def decision_needed(self) -> AccountQuerySet:
        """Only the declining accounts without a decision, revive or wind down (SPEC §2.3;
        ``kamkit.core.lifecycle.phases.decision_needed``)."""
        return self.filter(phase="decline", decline_decision="")

    def with_last_contact(self, user: User) -> AccountQuerySet:
        """Annotate when each account last had an interaction ``user`` may see
        (``last_contact``, None when never): for a customer user its shared ones only.
        One index seek an account (the interactions' index leads with the account)."""
        from kamkit.web.relationships.models import Interaction

        last = (
            Interaction.objects.visible_to(user)
            .filter(account=models.OuterRef("pk"))
            .order_by("-occurred_at")
            .values("occurred_at")[:1]
        )
        return self.annotate(last_contact=models.Subquery(last))

    def no_contact(self) -> AccountQuerySet:
        """Only the accounts without contact for ``NO_CONTACT_DAYS`` days or more, or
        ever (``kamkit.core.portfolio.no_contact``, by the local calendar day;
        ``with_last_contact`` annotated first), but for those whose customer asked for no
        minimum of contacts (``silence_wished``)."""
        from kamkit.core.portfolio import contact_cutoff
        from kamkit.web.assessment.services import silence_wished

        cutoff = contact_cutoff(timezone.localdate())
        since = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
        silent = models.Q(last_contact__lt=since) | models.Q(last_contact__isnull=True)
        return self.filter(silent).exclude(pk__in=silence_wished())

    def with_index_change(self, days: int = 30) -> AccountQuerySet:
        """Also the index stored ``days`` or more before the latest assessment
        (``earlier_index``): the portfolio's change arrows (issue 20; 30 days, a kamkit
        assumption: a month)."""
        from kamkit.web.assessment.models import AssessmentSnapshot

        cutoff = timezone.localdate() - dt.timedelta(days=days)
        earlier = AssessmentSnapshot.objects.filter(
            account=models.OuterRef("pk"), on__lte=cutoff
        ).order_by("-on")
        return self.annotate(earlier_index=models.Subquery(earlier.values("index")[:1]))

    def with_scores(self) -> AccountQuerySet:
        """Also the latest assessment's day and three process scores (the exports)."""
        from kamkit.web.assessment.models import AssessmentSnapshot

        latest = AssessmentSnapshot.objects.filter(account=models.OuterRef("pk")).order_by("-on")
        return self.annotate(
            **{
                f"latest_{name}": models.Subquery(latest.values(name)[:1])
                for name in ("on", "communication", "co_creation", "problem_solving")
            }
        )


class SourceFields(models.Model):
    """Where an imported record came from (issue 16): the source (``salesforce``,
    ``hubspot``, ``dynamics``, ``kamkit``, ``mail``, ``ics`` or a mapping's name) and
    its id there, so a re-import finds it again. Empty for records made in kamkit."""

    source = models.CharField(max_length=40, blank=True, editable=False)
    source_id = models.CharField(max_length=255, blank=True, editable=False)

    class Meta:
        abstract = True


def source_unique(name: str, *fields: str) -> models.UniqueConstraint:
    """One record per source id (within ``fields``), for imported records only. The
    source id leads, so the index also finds a file's ids by themselves (an import
    looks them up in chunks)."""
    return models.UniqueConstraint(
        fields=["source", "source_id", *fields],
        condition=~models.Q(source_id=""),
        name=name,
    )


class Account(SourceFields, TrackedModel):
    """A customer firm, usually a key account."""

    name = models.CharField(max_length=200)
    industry = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=80, blank=True)
    is_key_account = models.BooleanField(default=True)
    revenue_share = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCORE)
    growth_potential = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCORE)
    lead_user = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=SCORE, help_text=_("Lead-user status, 0–5.")
    )
    reputation = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCORE)
    market_access = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCORE)
    selection_weights = models.JSONField(default=dict, blank=True)
    ka_manager = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_accounts",
        limit_choices_to={"role": Role.KA_MANAGER},
        verbose_name=_("KA manager"),
    )
    kam_unit = models.ForeignKey(
        KAMUnit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accounts",
        verbose_name=_("KAM unit"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subsidiaries",
        help_text=_("The account this one belongs to (a group's subsidiary)."),
    )
    relationship_start = models.DateField(null=True, blank=True)
    revenue_history = models.JSONField(
        default=list,
        blank=True,
        help_text=_('Yearly revenue: [{"year": 2025, "revenue": 1.2e6}, …]'),
    )
    internal_notes = models.TextField(blank=True, help_text=_("Never shown to the customer."))
    perception_shared = models.BooleanField(
        default=False,
        help_text=_(
            "The KA manager shares the perception gap (both sides' ratings and phase "
            "views) with the customer's people."
        ),
    )
    # the effective phase (SPEC §2.2), kept current from the phase records
    phase = models.CharField(max_length=20, choices=PHASE_CHOICES, blank=True)
    phase_source = models.CharField(max_length=20, blank=True)
    phase_disagreement = models.BooleanField(default=False)
    # a declining account's decision in force (SPEC §2.3), kept from the decline decisions
    # while the account declines; cleared when it leaves decline (the history stays there)
    decline_decision = models.CharField(
        max_length=20, blank=True, choices=list(DECISION_LABELS.items())
    )

    history = HistoricalRecords(
        excluded_fields=["phase", "phase_source", "phase_disagreement", "decline_decision"]
    )
    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["ka_manager", "name"]),
            models.Index(fields=["phase"]),
            models.Index(fields=["kam_unit"]),
        ]
        constraints = [source_unique("account_source_id")]

    def __str__(self) -> str:
        return self.name

    @property
    def decision_needed(self) -> bool:
        """Declining without a decision (SPEC §2.3): flagged on the portfolio."""
        return decision_needed(self.phase, self.decline_decision)

    @property
    def phase_source_label(self) -> str:
        return SOURCE_LABELS.get(self.phase_source, self.phase_source)

    @property
    def index_change(self) -> float | None:
        """Latest index minus the one a month before (from ``with_index_change``)."""
        latest = getattr(self, "latest_index", None)
        earlier = getattr(self, "earlier_index", None)
        return None if latest is None or earlier is None else latest - earlier

    @property
    def selection_score(self) -> float | None:
        scores = {c: getattr(self, c) for c in SELECTION_CRITERIA}
        return selection_score(scores, {**DEFAULT_WEIGHTS, **(self.selection_weights or {})})

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        weights = self.selection_weights or {}
        if not isinstance(weights, dict) or any(
            k not in SELECTION_CRITERIA or not isinstance(v, int | float) or v < 0
            for k, v in (weights.items() if isinstance(weights, dict) else [])
        ):
            errors["selection_weights"] = (
                "weights must map criteria (" + ", ".join(SELECTION_CRITERIA) + ") to numbers ≥ 0"
            )
        history = self.revenue_history or []
        if not isinstance(history, list) or any(
            not isinstance(r, dict)
            or not isinstance(r.get("year"), int)
            or not isinstance(r.get("revenue"), int | float)
            for r in history
        ):
            errors["revenue_history"] = 'expected a list of {"year": YYYY, "revenue": number}'
        # the relationship's start happened: from 1900 to tomorrow (core.relationships)
        errors.update(
            rules.check_day("relationship_start", self.relationship_start, timezone.localdate())
        )
        if errors:
            raise ValidationError(errors)


def can(user: User, action: str, obj: Account | Person | None = None) -> bool:
    """May ``user`` do ``action`` (view, create, change, delete, restore) on ``obj``?"""
    if not user.is_authenticated or not user.is_active:
        return False
    account = obj.account if isinstance(obj, Person) else obj
    if action == "view":
        return (
            account is not None and Account.objects.visible_to(user).filter(pk=account.pk).exists()
        )
    if user.sees_all_accounts:
        return True
    if user.role == Role.KA_MANAGER:
        if isinstance(obj, Person) or (account is not None and action == "change"):
            return account is not None and account.ka_manager_id == user.pk
        return False
    return False


def customer_person(user: User, create: bool = False) -> Person | None:
    """The person a customer user is on its account: the one identity the API and the
    portal use when a customer rates, frames or states something for itself. With
    ``create``, a user made without one (``kamkit user add``) gets it on first need."""
    if user.role != Role.CUSTOMER or not user.account_id:
        return None
    person = Person.objects.alive().filter(user=user, account_id=user.account_id).first()
    if person is None and create:
        person = Person.objects.create(
            account_id=user.account_id,
            side=Side.CUSTOMER,
            name=user.get_full_name() or user.username,
            email=user.email,
            user=user,
        )
    return person


class Side(models.TextChoices):
    SUPPLIER = "supplier", _("Supplier")
    CUSTOMER = "customer", _("Customer")


class AccountRecordQuerySet(TrackedQuerySet):
    """Records that belong to an account: visible exactly when their account is. Every
    per-account record (people, phases, and the relationship data to come) uses this."""

    def visible_to(self, user: User) -> AccountRecordQuerySet:
        return self.alive().filter(account__in=Account.objects.visible_to(user).values("pk"))


class PersonQuerySet(AccountRecordQuerySet):
    """People of the accounts a user may see."""


class Person(SourceFields, TrackedModel):
    """Someone on either side of a key account relationship."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="persons")
    side = models.CharField(max_length=10, choices=Side.choices)
    name = models.CharField(max_length=200)
    role = models.CharField(
        max_length=80, blank=True, help_text=_("Account rep, engineer, executive, buyer, user…")
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    department = models.CharField(max_length=120, blank=True)
    reports_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    # the stakeholder map (issue 20): our judgement, never shown to the customer
    buying_role = models.CharField(
        max_length=20,
        blank=True,
        choices=list(Translated(BUYING_ROLES).items()),
        help_text=_("Internal."),
    )
    attitude = models.CharField(
        max_length=20,
        blank=True,
        choices=list(Translated(ATTITUDES).items()),
        help_text=_("Towards us. Internal."),
    )
    influence = models.CharField(
        max_length=10,
        blank=True,
        choices=list(Translated(INFLUENCE).items()),
        help_text=_("Internal."),
    )
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="persons"
    )
    history = HistoricalRecords()
    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["side", "name"]
        indexes = [models.Index(fields=["account", "side"])]
        constraints = [source_unique("person_source_id")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.reports_to_id is not None:
            if self.reports_to_id == self.pk:
                raise ValidationError({"reports_to": "a person does not report to themselves"})
            boss = Person.objects.filter(pk=self.reports_to_id).values("account_id").first()
            if boss is None or boss["account_id"] != self.account_id:
                raise ValidationError({"reports_to": "reports to a person of the same account"})
