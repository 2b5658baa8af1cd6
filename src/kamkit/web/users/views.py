"""Logging in and getting back in (issue 17): the login page with a second limit per
address (password spraying: a few guesses at each of many users), the password reset by
email (Django's own views with kamkit's pages), and each user's API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kamkit.web.users.lockout import address_locked, locked_out
from kamkit.web.users.models import ApiToken
from kamkit.web.users.services import issue_token, revoke_token


class Login(auth_views.LoginView):
    template_name = "auth/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if address_locked(request):
            return locked_out(request, by_address=True)
        return super().post(request, *args, **kwargs)


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


EXPIRY_CHOICES = [("30", "30 days"), ("90", "90 days"), ("365", "1 year"), ("", "never")]


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
            _, secret = issue_token(
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
    messages.success(request, f"Revoked the token “{token.name}” ({token.prefix}…).")
    return redirect("tokens")
