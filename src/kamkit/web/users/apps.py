from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    name = "kamkit.web.users"
    label = "users"
    verbose_name = _("Users and roles")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from kamkit.web.field_labels import translate_field_labels
        from kamkit.web.middleware import start_idle_clock
        from kamkit.web.vendor_texts import translate_library_admin

        # all models are loaded by now: the admin's field labels in the reader's language
        translate_field_labels()
        translate_library_admin()

        user_logged_in.connect(start_idle_clock, dispatch_uid="kamkit_idle_clock")
