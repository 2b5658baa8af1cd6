from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from kamkit.web import health
from kamkit.web.accounts import views as account_views
from kamkit.web.api import api
from kamkit.web.relationships import views as relationship_views
from kamkit.web.users import views as user_views

# the admin says whose it is, in the reader's language (Django's default: "Django
# administration")
admin.site.site_header = _("kamkit administration")
admin.site.site_title = _("kamkit administration")

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("auth/login/", user_views.Login.as_view(), name="login"),
    path("auth/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("auth/password/reset/", user_views.PasswordReset.as_view(), name="password_reset"),
    path(
        "auth/password/reset/sent/",
        user_views.PasswordResetDone.as_view(),
        name="password_reset_done",
    ),
    path(
        "auth/password/reset/<uidb64>/<token>/",
        user_views.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "auth/password/reset/done/",
        user_views.PasswordResetComplete.as_view(),
        name="password_reset_complete",
    ),
    path("auth/two-factor/", user_views.two_factor_login, name="two_factor_login"),
    path("auth/two-factor/setup/", user_views.two_factor_setup, name="two_factor_setup"),
    path("auth/tokens/", user_views.tokens, name="tokens"),
    path("auth/language/", user_views.set_language, name="set_language"),
    path("auth/tokens/<int:pk>/revoke/", user_views.revoke, name="revoke_token"),
    path("accounts/", include("kamkit.web.accounts.urls")),
    path("accounts/", include("kamkit.web.relationships.urls")),
    path("assessment/", include("kamkit.web.assessment.urls")),
    path("accounts/", include("kamkit.web.portal.people_urls")),
    path("portal/", include("kamkit.web.portal.urls")),
    path("diagnosis/", include("kamkit.web.diagnosis.urls")),
    path("imports/", include("kamkit.web.imports.urls")),
    path("search/", include("kamkit.web.search.urls")),
    path("today/", include("kamkit.web.today.urls")),
    path("research/", include("kamkit.web.research.urls")),
    path("tasks/", relationship_views.my_tasks, name="tasks"),
    path("tasks/<int:pk>/done/", relationship_views.task_done, name="task_done"),
    # a questionnaire's one-time link: short, since it travels by email
    path("q/", include(("kamkit.web.research.urls_answer", "answer"))),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: JSON under /api/ (an API client reads the error as the API's others), the
    page otherwise."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not Found"}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: JSON under /api/, the page otherwise (it should never happen: SPEC §5)."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "internal error; the server's log has the details"}, status=500
        )
    return render(request, "500.html", status=500)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 (e.g. a body over the size limit): JSON under /api/, the page otherwise."""
    from django.conf import settings
    from django.core.exceptions import RequestDataTooBig

    if isinstance(exception, RequestDataTooBig):  # 413, as HTTP names it (issue 17)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
        why = f"the body is larger than the server accepts ({limit:g} MB)"
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": why}, status=413)
        return HttpResponse(why.capitalize() + ".", status=413, content_type="text/plain")
    if request.path.startswith("/api/"):
        why = str(exception) if exception else "bad request"
        return JsonResponse({"detail": why or "bad request"}, status=400)
    return HttpResponse("Bad request.", status=400, content_type="text/plain; charset=utf-8")


handler400 = bad_request
handler404 = not_found
handler500 = server_error
