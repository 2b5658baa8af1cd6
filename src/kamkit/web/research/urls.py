from django.urls import path

from . import qca_views, views

app_name = "research"
urlpatterns = [
    path("", views.research, name="index"),
    path("qca/", qca_views.qca_page, name="qca"),
    path("waves/<int:pk>/surveys/", views.wave_surveys, name="wave_surveys"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey"),
    path("surveys/<int:pk>/remind/", views.survey_remind, name="survey_remind"),
    path("surveys/<int:pk>/close/", views.survey_close, name="survey_close"),
    path("waves/<int:pk>/coding/", views.coding, name="coding"),
    path("accounts/<int:pk>/pulses/", views.account_pulses, name="account_pulses"),
    path("coding/<int:pk>/", views.code_document, name="code"),
    path("coding/<int:pk>/agreement/", views.document_agreement_view, name="document_agreement"),
    path("coding/<int:pk>/add/", views.add_statements, name="add_statements"),
]

answer_urlpatterns = [path("<str:secret>/", views.answer, name="answer")]
