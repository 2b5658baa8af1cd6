"""Portal actions on the supplier's account pages (under /accounts/)."""

from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("people/<int:pk>/invite/", views.invite_person, name="invite"),
    path("people/<int:pk>/revoke/", views.revoke_person, name="revoke"),
]
