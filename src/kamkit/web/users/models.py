"""Users, their roles (SPEC §5) and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    KAM_DIRECTOR = "kam_director", _("KAM director")
    KA_MANAGER = "ka_manager", _("KA manager")
    ANALYST = "analyst", _("Analyst")
    PARTNER = "partner", _("Internal partner")
    CUSTOMER = "customer", _("Customer")


class User(AbstractUser):
    """A kamkit user. ``role`` decides what they may see; a customer user belongs to one
    account and sees only what is shared with it."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.KA_MANAGER)
    account = models.ForeignKey(
        "accounts.Account",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customer_users",
        help_text=_("For customer users: the one account they belong to."),
    )
    language = models.CharField(
        max_length=5,
        blank=True,
        choices=[("en", "English"), ("de", "Deutsch")],
        help_text=_("The interface's language; empty: the browser's for customers, else English."),
    )
    notify_by_email = models.BooleanField(
        default=True,
        help_text=_(
            "Notifications also by email, where the installation mails them; the user "
            "turns it off on the Notifications page."
        ),
    )
    morning_summary = models.BooleanField(
        default=True,
        help_text=_(
            "Where the installation mails: each morning what needs this user today (KA "
            "managers, KAM directors), or on Mondays what the supplier waits for from "
            "them (customers); the user turns it off on the Notifications page."
        ),
    )
    summary_sent_on = models.DateField(null=True, blank=True, editable=False)
    """The day the last morning summary went out: one a day, however often the worker
    starts."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser

    @property
    def sees_all_accounts(self) -> bool:
        return self.is_admin or self.role == Role.KAM_DIRECTOR

    def __str__(self) -> str:
        return self.get_full_name() or self.username


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


LAST_USE_STEP = dt.timedelta(minutes=1)
"""A token's last use is written at most once a minute (a kamkit assumption, as for a
session's last activity): an integration calling every second would otherwise write on
every call, and every write drops the kept pages (``kamkit.web.pagecache``)."""


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="token")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text=_("First characters, to recognise it."))
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # issue 17: a token may end (None: until revoked) and may be limited to reading
    expires_at = models.DateTimeField(null=True, blank=True)
    read_only = models.BooleanField(
        default=False, help_text=_("Only GET requests: it can read what its user reads.")
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    @classmethod
    def issue(
        cls,
        user: User,
        name: str = "token",
        *,
        expires_at: dt.datetime | None = None,
        read_only: bool = False,
    ) -> tuple[ApiToken, str]:
        """Create a token; returns it with the secret, which is shown once. Callers go
        through ``users.services.issue_token``, which checks the input."""
        secret = "kk_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            digest=_digest(secret),
            prefix=secret[:8],
            expires_at=expires_at,
            read_only=read_only,
        )
        return token, secret

    @classmethod
    def find(cls, secret: str) -> ApiToken | None:
        """The usable token with this secret (not revoked, not expired, its user active),
        its last use noted (to the minute: ``LAST_USE_STEP``); None otherwise."""
        now = timezone.now()
        token = (
            cls.objects.select_related("user")
            .filter(digest=_digest(secret), revoked_at__isnull=True, user__is_active=True)
            .filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))
            .first()
        )
        if token is None:
            return None
        if token.last_used_at is None or now - token.last_used_at >= LAST_USE_STEP:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token

    @classmethod
    def authenticate(cls, secret: str) -> User | None:
        """The active user owning this usable secret, or None."""
        token = cls.find(secret)
        return token.user if token is not None else None

    @property
    def status(self) -> str:
        """``active``, ``expired`` or ``revoked``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "active"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
