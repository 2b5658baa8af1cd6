"""Invitations of the customer's people into kamkit (issue 6)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kamkit.web.accounts.models import Person
from kamkit.web.users.models import User

INVITATION_DAYS = 7


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Invitation(models.Model):
    """A one-time link, sent by email, with which a customer person sets a password.
    Only the link's hash is kept; it expires, is used once, and can be revoked."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(
        max_length=5,
        blank=True,
        help_text=_("The language of the email and of the new login; empty: the browser's."),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.state})"

    @classmethod
    def issue(
        cls, person: Person, by: User, days: int = INVITATION_DAYS, language: str = ""
    ) -> tuple[Invitation, str]:
        """A new invitation and its secret (shown only in the link sent); any earlier
        open invitation of the person is revoked."""
        now = timezone.now()
        cls.objects.filter(person=person, accepted_at=None, revoked_at=None).update(revoked_at=now)
        secret = secrets.token_urlsafe(32)
        invitation = cls.objects.create(
            person=person,
            email=person.email,
            digest=_digest(secret),
            created_by=by,
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
            language=language,
        )
        return invitation, secret

    @classmethod
    def open_for(cls, secret: str) -> Invitation | None:
        """The invitation this secret opens, if it is still usable."""
        found = cls.objects.select_related("person__account").filter(digest=_digest(secret)).first()
        return found if found and found.state == "open" else None

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"


class Notification(models.Model):
    """Something the customer's people did that the supplier's side should see."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(max_length=300)
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text
