"""Logging in and getting back in (issue 17): the login page with a second limit per
address (password spraying: a few guesses at each of many users), and the password
reset by email, Django's own views with kamkit's pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy

from kamkit.web.users.lockout import address_locked, locked_out


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
