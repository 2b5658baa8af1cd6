"""The one write path for API tokens (issue 17): the page, the command line and the
admin's actions issue and revoke them here."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kamkit.core.texts import control_problem
from kamkit.web.users.models import ApiToken, Role, User

NAME_LIMIT = 100  # the model's field
MAX_DAYS = 3650  # kamkit default: ten years at most; "never" is None


def issue_token(
    acting: User | None,
    user: User,
    name: str,
    *,
    expires_in_days: int | None = None,
    read_only: bool = False,
) -> tuple[ApiToken, str]:
    """A new token for ``user``, acting as ``acting`` (the user themselves, an
    administrator, or None: kamkit itself, the command line). ``expires_in_days`` None
    means until revoked. Returns the token and its secret (shown once)."""
    if acting is not None and acting != user and acting.role != Role.ADMIN:
        raise PermissionDenied("only administrators create tokens for someone else")
    if not user.is_active:
        raise ValidationError({"user": f"{user.username} is not active"})
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "is empty; say what the token is for"
    elif len(name) > NAME_LIMIT:
        errors["name"] = f"at most {NAME_LIMIT} characters (this one has {len(name)})"
    elif problem := control_problem(name):
        errors["name"] = problem
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_DAYS:
        errors["expires_in_days"] = f"between 1 and {MAX_DAYS} days, or none (until revoked)"
    if errors:
        raise ValidationError(errors)
    expires_at = timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None
    return ApiToken.issue(user, name, expires_at=expires_at, read_only=read_only)


def revoke_token(acting: User | None, token: ApiToken) -> ApiToken:
    """Revoke ``token`` at once (its owner or an administrator; None: kamkit itself).
    Revoking a revoked token changes nothing."""
    if acting is not None and acting != token.user and acting.role != Role.ADMIN:
        raise PermissionDenied("only the token's owner or an administrator revokes it")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def set_language(user, language: str) -> None:
    """The user's interface language (``""``: the default rule, see settings.LANGUAGES)."""
    from django.conf import settings
    from django.core.exceptions import ValidationError

    if language not in ("", *dict(settings.LANGUAGES)):
        raise ValidationError({"language": f"'{language}' is not one of: en, de"})
    user.language = language
    user.save(update_fields=["language"])


def set_notify_by_email(user, on: bool) -> None:
    """Whether the user's notifications also come by email (their own choice)."""
    user.notify_by_email = bool(on)
    user.save(update_fields=["notify_by_email"])


def set_morning_summary(user, on: bool) -> None:
    """Whether the user gets Today by email each morning (their own choice)."""
    user.morning_summary = bool(on)
    user.save(update_fields=["morning_summary"])
