from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kamkit.web.accounts import views as account_views
from kamkit.web.api import api

urlpatterns = [
    path("", account_views.home, name="home"),
    path(
        "auth/login/",
        auth_views.LoginView.as_view(
            template_name="auth/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("auth/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("kamkit.web.accounts.urls")),
    path("accounts/", include("kamkit.web.relationships.urls")),
    path("assessment/", include("kamkit.web.assessment.urls")),
    path("accounts/", include("kamkit.web.portal.people_urls")),
    path("portal/", include("kamkit.web.portal.urls")),
    path("diagnosis/", include("kamkit.web.diagnosis.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
