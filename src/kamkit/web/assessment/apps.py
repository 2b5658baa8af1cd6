from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "kamkit.web.assessment"
    label = "assessment"
    verbose_name = "Assessment"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
