from django.urls import path

from . import customer_views, views

app_name = "portal"
urlpatterns = [
    path("invite/<str:secret>/", views.accept_invitation, name="accept"),
    path("problems/new/", customer_views.raise_problem, name="raise_problem"),
    path("problems/<int:pk>/", customer_views.problem, name="problem"),
    path("initiatives/new/", customer_views.propose_initiative, name="propose_initiative"),
    path("initiatives/<int:pk>/", customer_views.initiative, name="initiative"),
    path("perception/", customer_views.perception, name="perception"),
    path("rate/", customer_views.rate, name="rate"),
    path("phase/", customer_views.phase, name="phase"),
    path("preferences/", customer_views.preferences, name="preferences"),
    path("notifications/", customer_views.notifications, name="notifications"),
    path("notifications/<int:pk>/", customer_views.open_notification, name="open_notification"),
]
