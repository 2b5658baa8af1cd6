from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("invite/<str:secret>/", views.accept_invitation, name="accept"),
]
