"""Logging in and getting back in (issue 17): the login page with a second limit per
address (password spraying: a few guesses at each of many users), the password reset by
email (Django's own views with kamkit's pages), and each user's API tokens."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from kamkit.web.users import two_factor
from kamkit.web.users.lockout import address_locked, locked_out
from kamkit.web.users.models import ApiToken, User
from kamkit.web.users.services import issue_token, revoke_token


class Login(auth_views.LoginView):
    template_name = "auth/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if address_locked(request):
            return locked_out(request, by_address=True)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        """With two-factor on, the password only opens the second step."""
        user = form.get_user()
        if two_factor.device_of(user) is None:
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": int(time.time()),
            "next": self.get_success_url(),
        }
        return redirect("two_factor_login")


PENDING = "kamkit_two_factor"


@login_not_required
@require_http_methods(["GET", "POST"])
def two_factor_login(request: HttpRequest) -> HttpResponse:
    """The second step of a login: the code of the user's authenticator app, within
    ``KAMKIT_TWO_FACTOR_MINUTES`` of the password."""
    pending = request.session.get(PENDING)
    fresh = pending and time.time() - pending["at"] <= settings.KAMKIT_TWO_FACTOR_MINUTES * 60
    if not fresh:
        request.session.pop(PENDING, None)
        messages.info(request, _("Log in with your password first."))
        return redirect("login")
    if request.method == "GET":
        return render(request, "auth/two_factor_login.html", {})
    user = User.objects.get(pk=pending["user"])
    try:
        device = two_factor.verify(user, request.POST.get("code", ""))
    except ValidationError as exc:
        return render(
            request,
            "auth/two_factor_login.html",
            {"error": " ".join(exc.message_dict["code"])},
            status=422,
        )
    request.session.pop(PENDING, None)
    auth_login(request, user, backend=pending["backend"])
    otp_login(request, device)
    return redirect(pending.get("next") or "/")


def _set_up(device: TOTPDevice) -> dict:
    """What the set-up step shows of a new authenticator: its QR code and its key."""
    return {
        "new_device": device,
        "qr": two_factor.qr_svg(device),
        "secret": two_factor.secret_text(device),
    }


@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Turn two-factor login on (scan, confirm with a code) or off (with a code)."""
    user = request.user
    if not two_factor.may_use(user):
        raise PermissionDenied("two-factor login is for the firm's own people")
    context: dict = {"device": two_factor.device_of(user), "errors": {}}
    status = 200
    action = request.POST.get("action", "")
    try:
        if action == "start":
            context.update(_set_up(two_factor.start(user)))
        elif action == "confirm":
            two_factor.confirm(user, request.POST.get("code", ""))
            messages.success(
                request, _("Two-factor login is on: from now on kamkit asks for a code.")
            )
            return redirect("two_factor_setup")
        elif action == "off":
            two_factor.turn_off(user, request.POST.get("code", ""))
            messages.success(request, _("Two-factor login is off."))
            return redirect("two_factor_setup")
    except ValidationError as exc:
        context["errors"] = {f: " ".join(m) for f, m in exc.message_dict.items()}
        status = 422
        if action == "confirm":  # the same QR code again, with the message
            pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
            if pending is not None:
                context.update(_set_up(pending))
    return render(request, "auth/two_factor_setup.html", context, status=status)


class PasswordReset(auth_views.PasswordResetView):
    """Anyone may ask; an email goes only to an active user with that address, and the
    page never says whether one exists (Django's behaviour)."""

    template_name = "auth/password_reset.html"
    email_template_name = "auth/password_reset_email.txt"
    subject_template_name = "auth/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")
    use_https = settings.KAMKIT_HTTPS
    extra_context = {"hours": settings.PASSWORD_RESET_TIMEOUT // 3600}

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if address_locked(request):  # no mail bombing from one address either
            return locked_out(request, by_address=True)
        return super().post(request, *args, **kwargs)


class PasswordResetDone(auth_views.PasswordResetDoneView):
    template_name = "auth/password_reset_done.html"


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "auth/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "auth/password_reset_complete.html"


# a token's lifetimes to choose from, 90 days preselected (kamkit defaults: a short
# life limits a leaked token; "never" for a server's own integration, revocable)
EXPIRY_CHOICES = [
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("365", _("1 year")),
    ("", _("never")),
]


def _token_page(request: HttpRequest, *, secret: str = "", errors=None, status: int = 200):
    tokens = list(ApiToken.objects.filter(user=request.user).order_by("-created_at"))
    return render(
        request,
        "auth/tokens.html",
        {
            "tokens": tokens,
            "secret": secret,
            "errors": errors or {},
            "expiry_choices": EXPIRY_CHOICES,
            "values": request.POST if errors else {},
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """My API tokens: every role's own (name, scope, expiry, last use), a new one shown
    once, revoking (issue 17)."""
    if request.method == "GET":
        return _token_page(request)
    expiry = request.POST.get("expires_in_days", "")
    errors: dict[str, str] = {}
    days = None
    if expiry:
        if not expiry.isdigit() or len(expiry) > 5:
            errors["expires_in_days"] = f"{expiry[:20]!r} is not a number of days"
        else:
            days = int(expiry)
    if not errors:
        try:
            _token, secret = issue_token(
                request.user,
                request.user,
                request.POST.get("name", ""),
                expires_in_days=days,
                read_only=request.POST.get("read_only") == "on",
            )
        except ValidationError as exc:
            errors = {f: " ".join(m) for f, m in exc.message_dict.items()}
    if errors:
        return _token_page(request, errors=errors, status=422)
    return _token_page(request, secret=secret)


@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)  # others' are not found
    revoke_token(request.user, token)
    messages.success(
        request,
        _("Revoked the token “{name}” ({prefix}…).").format(name=token.name, prefix=token.prefix),
    )
    return redirect("tokens")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The user chooses the interface's language (empty: the default rule); then back to
    the page they were on."""
    from kamkit.web.base import local_next
    from kamkit.web.users.services import set_language as save_language

    try:
        save_language(request.user, request.POST.get("language", ""))
    except ValidationError:
        return HttpResponse("language: en or de.", status=400, content_type="text/plain")
    return redirect(local_next(request, "/"))
