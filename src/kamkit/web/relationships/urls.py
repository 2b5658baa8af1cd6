from django.urls import path

from . import views

app_name = "relationships"
urlpatterns = [
    path("<int:pk>/timeline/", views.timeline, name="timeline"),
    path("<int:pk>/interactions/new/", views.log_interaction, name="log_interaction"),
    path("problems/<int:pk>/advance/", views.advance_problem, name="advance_problem"),
    path("initiatives/<int:pk>/", views.initiative_edit, name="initiative_edit"),
]
