from django.apps import AppConfig


class DiagnosisConfig(AppConfig):
    name = "kamkit.web.diagnosis"
    label = "diagnosis"
    verbose_name = "Integration-gap diagnosis"
