"""The role-aware navigation, for every template."""

from __future__ import annotations

from django.http import HttpRequest

from .models import Role


def navigation(request: HttpRequest) -> dict:
    """Links the current user may follow, in order."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    items: list[tuple[str, str]] = []
    if user.sees_all_accounts or user.role == Role.KA_MANAGER:
        items.append(("Portfolio", "/accounts/"))
        items.append(
            ("Plan" if user.role == Role.KA_MANAGER else "Plan hours", "/assessment/plan/")
        )
    if user.sees_all_accounts:
        items.append(("Import", "/imports/"))
    if user.role == Role.CUSTOMER and user.account_id:
        items.append(("Our account", f"/accounts/{user.account_id}/"))
    if user.is_admin or user.role in (Role.KAM_DIRECTOR, Role.ANALYST):
        items.append(("Diagnosis", "/diagnosis/"))
    elif user.role == Role.KA_MANAGER:  # the projects of their own KAM units, if any
        from kamkit.web.diagnosis.models import DiagnosisProject

        if DiagnosisProject.objects.visible_to(user).exists():
            items.append(("Diagnosis", "/diagnosis/"))
    unread = user.notifications.filter(read_at=None).count()
    items.append(
        (f"Notifications ({unread})" if unread else "Notifications", "/portal/notifications/")
    )
    items.append(("API", "/api/v1/docs"))
    if user.is_admin:
        items.append(("Admin", "/admin/"))
    return {"nav": items}
