from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "kamkit.web.relationships"
    label = "relationships"
    verbose_name = "Relationship data"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
