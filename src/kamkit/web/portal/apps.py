from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "kamkit.web.portal"
    label = "portal"
    verbose_name = "Customer portal"
