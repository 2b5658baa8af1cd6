from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "kamkit.web.assessment"
    label = "assessment"
    verbose_name = "Assessment"
