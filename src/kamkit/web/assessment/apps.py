from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "kamkit.web.assessment"
    label = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from django.db import connections

        from kamkit.web import pagecache

        from . import signals  # noqa: F401  (connects the receivers)

        for connection in connections.all(initialized_only=True):  # the rest as they open
            pagecache.install(connection)
