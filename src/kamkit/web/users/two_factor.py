"""Optional two-factor login with an authenticator app (TOTP, RFC 6238; issue 17), for
the firm's own people: a customer's people log in with their password only (kamkit
default: they owe kamkit nothing, and see only what is shared with them).

The one write path for a user's authenticator: pages call these functions."""

from __future__ import annotations

import base64
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from kamkit.web.users.models import Role, User


def may_use(user: User) -> bool:
    return user.is_authenticated and user.role != Role.CUSTOMER


def device_of(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator, if two-factor is on."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def start(user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator for ``user`` (an earlier unconfirmed one is
    replaced); it counts only once ``confirm`` saw a code from it."""
    if not may_use(user):
        raise PermissionDenied("two-factor login is for the firm's own people")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=False)


def _code(code: str) -> str:
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        raise ValidationError({"code": "is the 6 digits your authenticator app shows"})
    return code


def confirm(user: User, code: str) -> TOTPDevice:
    """Turn two-factor on: the code must come from the authenticator just set up."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise ValidationError({"code": "start the set-up first"})
    if not device.verify_token(_code(code)):
        raise ValidationError(
            {"code": "does not match; check the app's clock and try the next code"}
        )
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def verify(user: User, code: str) -> TOTPDevice:
    """The user's authenticator when ``code`` is its current code (after the password);
    ValidationError otherwise. Repeated wrong codes are slowed down (django-otp)."""
    device = device_of(user)
    if device is None:
        raise ValidationError({"code": "two-factor login is not on for this user"})
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise ValidationError({"code": "too many wrong codes; wait a little and try again"})
    if not device.verify_token(_code(code)):
        raise ValidationError({"code": "does not match; try the code the app shows now"})
    return device


def turn_off(user: User, code: str) -> None:
    """Turn two-factor off, with a current code (someone at an unlocked screen cannot)."""
    verify(user, code)
    TOTPDevice.objects.filter(user=user).delete()


def qr_svg(device: TOTPDevice) -> str:
    """The set-up link as a QR code, an SVG ``data:`` address for an ``<img>`` (the page
    allows images from ``data:`` only, no inline SVG markup is needed)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, to type in when a camera is not at hand."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))
