"""Inviting the customer's people, their first visit, and revoking their access."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kamkit.web.accounts.models import Person, can
from kamkit.web.labels import say

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
        invitation = invite(
            person,
            request.user,
            request.build_absolute_uri("/"),
            language=request.POST.get("language", ""),
        )
    except InvitationRefused as exc:
        messages.error(request, _("Not invited: {exc}.").format(exc=say(str(exc))))
    else:
        messages.success(
            request,
            _("Invitation sent to {email}; the link works once, until {until}.").format(
                email=invitation.email,
                until=date_format(invitation.expires_at, "SHORT_DATE_FORMAT"),
            ),
        )
    return redirect("accounts:detail", pk=person.account_id)


@require_POST
def revoke_person(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    revoke(person)
    messages.success(
        request, _("{name} can no longer log in. Their records stay.").format(name=person.name)
    )
    return redirect("accounts:detail", pk=person.account_id)


@login_not_required
def accept_invitation(request: HttpRequest, secret: str) -> HttpResponse:
    invitation = Invitation.open_for(secret)
    if invitation is None:
        return render(request, "portal/invitation_gone.html", status=404)
    # in the language the invitation was sent in (else the browser's, as for visitors)
    with translation.override(invitation.language or translation.get_language()):
        return _accept(request, invitation)


def _accept(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    person = invitation.person
    form = ChoosePasswordForm(request.POST or None, email=invitation.email, name=person.name)
    if request.method == "POST" and form.is_valid():
        user = accept(invitation, form.cleaned_data["password1"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Welcome, {name}. Your login is {username}.").format(
                name=person.name, username=user.username
            ),
        )
        return redirect("accounts:detail", pk=person.account_id)
    return render(
        request,
        "portal/accept.html",
        {"form": form, "invitation": invitation, "person": person},
        status=422 if request.method == "POST" else 200,
    )
