from django.urls import path

from . import views

urlpatterns = [path("<str:secret>/", views.answer, name="questionnaire")]
