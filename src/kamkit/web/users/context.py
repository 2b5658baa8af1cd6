"""The role-aware navigation, for every template."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from .models import Role


def navigation(request: HttpRequest) -> dict:
    """Links the current user may follow, in order."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    items: list[tuple[str, str]] = []
    if user.sees_all_accounts or user.role == Role.KA_MANAGER:
        items.append((_("Today"), "/today/"))
        items.append((_("Portfolio"), "/accounts/"))
        items.append(
            (_("Plan") if user.role == Role.KA_MANAGER else _("Plan hours"), "/assessment/plan/")
        )
    if user.sees_all_accounts:
        items.append((_("Import"), "/imports/"))
    if user.role == Role.CUSTOMER and user.account_id:
        items.append((_("Our account"), f"/accounts/{user.account_id}/"))
    if user.is_admin or user.role in (Role.KAM_DIRECTOR, Role.ANALYST):
        items.append((_("Diagnosis"), "/diagnosis/"))
    elif user.role == Role.KA_MANAGER:  # the projects of their own KAM units, if any
        from kamkit.web.diagnosis.models import DiagnosisProject

        if DiagnosisProject.objects.visible_to(user).exists():
            items.append((_("Diagnosis"), "/diagnosis/"))
    from kamkit.web.research.data import may_export

    if may_export(user):
        items.append((_("Research data"), "/research/"))
    if not (user.sees_all_accounts or user.role == Role.KA_MANAGER):
        items.append((_("Tasks"), "/tasks/"))  # the others' tasks are under Today
    unread = user.notifications.filter(read_at=None).count()
    items.append(
        (
            _("Notifications (%(n)s)") % {"n": unread} if unread else _("Notifications"),
            "/portal/notifications/",
        )
    )
    # the API's documentation is linked from "API tokens" beside the user's name (a KA
    # manager's navigation then fits one row at 1280 px)
    if user.is_admin:
        items.append((_("Admin"), "/admin/"))
    return {"nav": items}
