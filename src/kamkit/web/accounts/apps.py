from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kamkit.web.accounts"
    label = "accounts"
    verbose_name = "Key accounts and people"
