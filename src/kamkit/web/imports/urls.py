from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.imports, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
]
