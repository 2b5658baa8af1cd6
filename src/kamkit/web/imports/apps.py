from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "kamkit.web.imports"
    label = "imports"
    verbose_name = "Imports"
