"""Inviting the customer's people, their first visit, and revoking their access."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kamkit.web.accounts.models import Person, can

from .forms import ChoosePasswordForm
from .models import Invitation
from .services import InvitationRefused, accept, invite, revoke


def _person(request: HttpRequest, pk: int) -> Person:
    person = get_object_or_404(
        Person.objects.visible_to(request.user).select_related("account", "user"), pk=pk
    )
    if not can(request.user, "change", person):
        raise PermissionDenied
    return person


@require_POST
def invite_person(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    try:
        invitation = invite(person, request.user, request.build_absolute_uri("/"))
    except InvitationRefused as exc:
        messages.error(request, f"Not invited: {exc}.")
    else:
        messages.success(
            request,
            f"Invitation sent to {invitation.email}; the link works once, until "
            f"{invitation.expires_at:%Y-%m-%d}.",
        )
    return redirect("accounts:detail", pk=person.account_id)


@require_POST
def revoke_person(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    revoke(person)
    messages.success(request, f"{person.name} can no longer log in. Their records stay.")
    return redirect("accounts:detail", pk=person.account_id)


@login_not_required
def accept_invitation(request: HttpRequest, secret: str) -> HttpResponse:
    invitation = Invitation.open_for(secret)
    if invitation is None:
        return render(request, "portal/invitation_gone.html", status=404)
    person = invitation.person
    form = ChoosePasswordForm(request.POST or None, email=invitation.email, name=person.name)
    if request.method == "POST" and form.is_valid():
        user = accept(invitation, form.cleaned_data["password1"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {person.name}. Your login is {user.username}.")
        return redirect("accounts:detail", pk=person.account_id)
    return render(
        request,
        "portal/accept.html",
        {"form": form, "invitation": invitation, "person": person},
        status=422 if request.method == "POST" else 200,
    )
