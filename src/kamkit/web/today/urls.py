from django.urls import path

from . import views

urlpatterns = [
    path("", views.today_page, name="today"),
    path("alerts/<int:pk>/answer/", views.answer_alert, name="answer_alert"),
]
