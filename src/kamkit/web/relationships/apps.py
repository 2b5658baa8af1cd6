from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationshipsConfig(AppConfig):
    name = "kamkit.web.relationships"
    label = "relationships"
    verbose_name = _("Relationship data")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
