from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "kamkit.web.research"
    label = "research"
    verbose_name = "Research data"
