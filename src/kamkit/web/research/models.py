"""Web questionnaires (issue 19, item 2): a wave's questionnaire sent to its units'
respondents by one-time links; answers become the wave's ratings.

Only each link's hash is kept. In an anonymous survey the answers are written to the wave
under a random respondent id and nothing ties them to the invitation (it only records
that it was answered); in a named survey the respondent id is the invitation's."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kamkit.web.diagnosis.models import DiagnosisCase
from kamkit.web.users.models import User

SURVEY_DAYS = 21
"""A survey's links work three weeks by default (kamkit assumption: long enough for two
reminders a week apart)."""
MAX_SURVEY_DAYS = 120
MAX_REMINDERS = 3
"""At most three reminders per person (kamkit assumption: more is pestering)."""
REMIND_AFTER_DAYS = 7
"""Automatic reminders a week apart by default (kamkit assumption)."""
LANGUAGES = (("en", "English"), ("de", "Deutsch"))


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Survey(models.Model):
    """A questionnaire sent by one-time links: a wave's (the differentiation instrument:
    each unit's members rate their own unit; answers become the wave's ratings) or a key
    account's relationship pulse (its customer contacts rate the three processes,
    satisfaction and trust and say which phase the relationship is in; answers become
    the account's pulses and phase statements)."""

    wave = models.ForeignKey(
        DiagnosisCase, null=True, blank=True, on_delete=models.CASCADE, related_name="surveys"
    )
    account = models.ForeignKey(
        "accounts.Account", null=True, blank=True, on_delete=models.CASCADE, related_name="surveys"
    )
    instrument = models.CharField(max_length=40, default="differentiation")
    anonymous = models.BooleanField(
        default=True,
        help_text=_(
            "Answers are written under a random respondent id that nothing links to "
            "the person; named: under the invitation's id."
        ),
    )
    closes_on = models.DateField(help_text=_("The links stop working after this day."))
    remind_after_days = models.PositiveSmallIntegerField(
        default=REMIND_AFTER_DAYS,
        help_text=_("Days between automatic reminders to those who have not answered (0: none)."),
    )
    next_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)
    link_base = models.CharField(
        max_length=300, blank=True, editable=False, help_text=_("kamkit's address for the links.")
    )
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        about = self.wave.title if self.wave_id else str(self.account)
        return f"{about}: {self.instrument}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None and timezone.localdate() <= self.closes_on


class SurveyInvitation(models.Model):
    """One person asked to answer, for one unit of the wave."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    unit = models.CharField(max_length=100, blank=True, help_text=_("The case file's unit id."))
    person = models.ForeignKey(
        "accounts.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("A relationship pulse: the customer contact asked."),
    )
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=2, choices=LANGUAGES, default="en")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    respondent = models.CharField(
        max_length=100, blank=True, help_text=_("Named surveys: the respondent id in the wave.")
    )
    target = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("Frame alignment: the KAM unit the partner unit's member rates."),
    )

    class Meta:
        ordering = ["unit", "email", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "email", "unit", "target"], name="one_invitation_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.unit})"

    def new_secret(self) -> str:
        """A fresh link secret; only its hash is kept (an earlier link stops working)."""
        secret = secrets.token_urlsafe(32)
        self.digest = digest(secret)
        return secret

    @classmethod
    def open_for(cls, secret: str) -> SurveyInvitation | None:
        """The invitation this secret opens, while it can still be answered."""
        if not secret or len(secret) > 100:
            return None
        found = (
            cls.objects.select_related("survey__wave", "survey__account", "person")
            .filter(digest=digest(secret))
            .first()
        )
        if found is None or found.answered_at or not found.survey.is_open:
            return None
        return found

    @property
    def expires_on(self) -> dt.date:
        return self.survey.closes_on


class CodingDocument(models.Model):
    """A transcript or REFI-QDA project brought into a wave to be coded (issue 19, item
    3): its paragraphs are coded by several coders, compared, adjudicated and then added
    to the wave as statements."""

    class Kind(models.TextChoices):
        TRANSCRIPT = "transcript", _("Transcript")
        QDPX = "qdpx", _("REFI-QDA project")

    wave = models.ForeignKey(
        DiagnosisCase, on_delete=models.CASCADE, related_name="coding_documents"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    unit = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("The unit of paragraphs whose speaker is no respondent."),
    )
    code_map = models.JSONField(
        default=dict, blank=True, help_text=_("REFI-QDA code name → dimension or practice.")
    )
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    added_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When its statements joined the wave.")
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class CodedSegment(models.Model):
    """A paragraph of a coding document."""

    document = models.ForeignKey(CodingDocument, on_delete=models.CASCADE, related_name="segments")
    index = models.PositiveIntegerField()
    text = models.TextField()
    speaker = models.CharField(max_length=100, blank=True)
    adjudicated = models.JSONField(
        null=True,
        blank=True,
        help_text=_("The dimensions an adjudicator settled on (None: not yet)."),
    )
    adjudicated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["document", "index"]
        constraints = [
            models.UniqueConstraint(fields=["document", "index"], name="one_segment_per_index")
        ]

    def __str__(self) -> str:
        return f"{self.document.name} #{self.index}"


class SegmentCoding(models.Model):
    """One coder's codes of one paragraph: the dimensions and practices they gave it (an
    empty list: read and given none). ``coder`` is a kamkit user's name, or a coder of an
    imported REFI-QDA project."""

    segment = models.ForeignKey(CodedSegment, on_delete=models.CASCADE, related_name="codings")
    coder = models.CharField(max_length=150)
    targets = models.JSONField(default=list)
    coded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["segment", "coder"]
        constraints = [
            models.UniqueConstraint(fields=["segment", "coder"], name="one_coding_per_coder")
        ]


class PracticeAnswer(models.Model):
    """One answer to a frame-alignment item: a partner unit's member rating a KAM unit's
    practice. Kept apart from the invitation (nothing ties it to the person); the pair's
    practice levels follow from all answers of the survey for the pair."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="practice_answers")
    partner = models.CharField(max_length=100)
    kam = models.CharField(max_length=100)
    item = models.CharField(max_length=20)
    value = models.FloatField(help_text=_("Scored: reverse-keyed items already turned."))

    class Meta:
        indexes = [models.Index(fields=["survey", "kam", "partner"])]
