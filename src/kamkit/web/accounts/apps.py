from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kamkit.web.accounts"
    label = "accounts"
    verbose_name = _("Key accounts and people")
