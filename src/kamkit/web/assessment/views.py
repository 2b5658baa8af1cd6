"""Recompute the assessment on demand, for the accounts the user may work on."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from kamkit.web.accounts.models import Account
from kamkit.web.users.models import Role

from .services import assess_portfolio


@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    """Directors and admins recompute the whole portfolio, a KA manager their own
    accounts; the day's snapshots are replaced."""
    user = request.user
    if not (user.sees_all_accounts or user.role == Role.KA_MANAGER):
        raise PermissionDenied("Your role has no key accounts.")
    ids = list(Account.objects.visible_to(user).values_list("pk", flat=True))
    run = assess_portfolio(account_ids=ids)
    messages.success(
        request,
        f"Assessed {run.accounts} account{'s' if run.accounts != 1 else ''} "
        f"in {run.seconds:.1f} s; {run.inferred_changes} inferred phase change(s).",
    )
    return redirect("accounts:portfolio")
