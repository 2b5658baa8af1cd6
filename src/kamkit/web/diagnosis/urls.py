from django.urls import path

from . import project_views, views

app_name = "diagnosis"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("projects/new/", project_views.project_new, name="project_new"),
    path("projects/<int:pk>/", project_views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", project_views.project_edit, name="project_edit"),
    path("projects/<int:pk>/waves/new/", project_views.wave_new, name="wave_new"),
    path("projects/<int:pk>/waves/start/", project_views.wave_start, name="wave_start"),
    path("actions/<int:pk>/", project_views.action_edit, name="action"),
    path("<int:pk>/case.yaml", views.case_source, name="source"),
    path("<int:pk>/changes/<str:fmt>/", project_views.wave_changes, name="changes"),
    path("<int:pk>/delete/", views.case_delete, name="delete"),
    path("<int:pk>/pairs/<str:kam>/<str:partner>/", project_views.pair_detail, name="pair"),
    path(
        "<int:pk>/pairs/<str:kam>/<str:partner>/unit/",
        project_views.partner_unit,
        name="partner_unit",
    ),
    path(
        "<int:pk>/pairs/<str:kam>/<str:partner>/edit/",
        project_views.pair_edit,
        name="pair_edit",
    ),
    path("<int:pk>/edit/", project_views.wave_edit, name="wave_edit"),
    path("<int:pk>/next/", project_views.next_wave, name="next_wave"),
    path("<int:pk>/units/new/", project_views.unit_edit, name="unit_new"),
    path("<int:pk>/units/<str:uid>/", project_views.unit_edit, name="unit_edit"),
    path("<int:pk>/respondents/new/", project_views.respondent_edit, name="respondent_new"),
    path(
        "<int:pk>/respondents/<str:rid>/",
        project_views.respondent_edit,
        name="respondent_edit",
    ),
    path("<int:pk>/statements/", project_views.statements, name="statements"),
    path("<int:pk>/", views.case_report, name="report"),
    path("<int:pk>/<str:fmt>/", views.case_report, name="download"),
]
