from django.urls import path

from . import views

app_name = "diagnosis"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("<int:pk>/case.yaml", views.case_source, name="source"),
    path("<int:pk>/delete/", views.case_delete, name="delete"),
    path("<int:pk>/", views.case_report, name="report"),
    path("<int:pk>/<str:fmt>/", views.case_report, name="download"),
]
