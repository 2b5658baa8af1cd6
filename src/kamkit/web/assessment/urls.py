from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("recompute/", views.recompute, name="recompute"),
    path("plan/", views.plan, name="plan"),
]
