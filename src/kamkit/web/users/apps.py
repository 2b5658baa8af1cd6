from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "kamkit.web.users"
    label = "users"
    verbose_name = "Users and roles"
