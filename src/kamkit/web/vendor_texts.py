"""German for what the libraries kamkit uses show in the admin but do not translate
themselves (issue 20).

* django-otp names the TOTP devices' fields, help texts and form sections in plain
  English (not marked for translation); :func:`translate_library_admin` gives them lazy
  translations once the admin is loaded, and the texts are listed below.

* Django 5.2's German catalog lacks the texts it added for password-based login (the
  user admin), and django-tasks' database backend has no catalog at all. The texts are
  listed here so ``makemessages`` keeps them in kamkit's catalog, which Django reads
  after the libraries' own (``LOCALE_PATHS``): a later Django that translates them wins
  nothing and loses nothing.
* The task runner's app names itself "Tasks Database Backend" in plain English;
  :class:`TasksConfig` is the same app under a translated name (``INSTALLED_APPS``).
"""

from __future__ import annotations

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig

#: texts that Django 5.2, django-otp, django-simple-history and django-tasks show
#: untranslated in German
LIBRARY_TEXTS = (
    # django.contrib.auth (the user admin's password-based login)
    gettext_noop("Conflicting form data submitted. Please try again."),
    gettext_noop("Password-based authentication was disabled."),
    gettext_noop("Set password: %s"),
    gettext_noop("Reset password"),
    gettext_noop("Set password"),
    gettext_noop(
        "Whether the user will be able to authenticate using a password or not. If "
        "disabled, they may still be able to authenticate using other backends, such as "
        "Single Sign-On or LDAP."
    ),
    gettext_noop("Password-based authentication"),
    gettext_noop("Enabled"),
    gettext_noop("Disabled"),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),
    gettext_noop("Enable password-based authentication for this user by setting a password."),
    # django.contrib.admin
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop(
        "This action will <strong>enable</strong> password-based authentication for this user."
    ),
    gettext_noop("Disable password-based authentication"),
    gettext_noop("Enable password-based authentication"),
    gettext_noop("In case you’ve forgotten, you are:"),
    # django-otp
    gettext_noop("sent by email"),
    # django-simple-history (the admin's history of a record)
    gettext_noop("Changes"),
    # django-tasks' database backend
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("status"),
    gettext_noop("enqueued at"),
    gettext_noop("started at"),
    gettext_noop("finished at"),
    gettext_noop("args kwargs"),
    gettext_noop("priority"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("queue name"),
    gettext_noop("backend name"),
    gettext_noop("run after"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    gettext_noop("traceback"),
    gettext_noop("Task name"),
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
    # django-otp's TOTP devices (plain English there; made lazy below)
    gettext_noop("TOTP device"),
    gettext_noop("TOTP devices"),
    gettext_noop("user"),
    gettext_noop("name"),
    gettext_noop("confirmed"),
    gettext_noop("created at"),
    gettext_noop("last used at"),
    gettext_noop("key"),
    gettext_noop("step"),
    gettext_noop("t0"),
    gettext_noop("digits"),
    gettext_noop("tolerance"),
    gettext_noop("drift"),
    gettext_noop("last t"),
    gettext_noop("throttling failure timestamp"),
    gettext_noop("throttling failure count"),
    gettext_noop("The user that this device belongs to."),
    gettext_noop("The human-readable name of this device."),
    gettext_noop("Is this device ready for use?"),
    gettext_noop("The date and time when this device was initially created in the system."),
    gettext_noop("The most recent date and time this device was used."),
    gettext_noop("A hex-encoded secret key of up to 40 bytes."),
    gettext_noop("The time step in seconds."),
    gettext_noop("The Unix time at which to begin counting steps."),
    gettext_noop("The number of digits to expect in a token."),
    gettext_noop("The number of time steps in the past or future to allow."),
    gettext_noop("The number of time steps the prover is known to deviate from our clock."),
    gettext_noop(
        "The t value of the latest verified token. The next token must be at a higher time step."
    ),
    gettext_noop(
        "A timestamp of the last failed verification attempt. Null if last attempt succeeded."
    ),
    gettext_noop("Number of successive failed attempts."),
    gettext_noop("Identity"),
    gettext_noop("Timestamps"),
    gettext_noop("Configuration"),
    gettext_noop("State"),
    gettext_noop("Throttling"),
    gettext_noop("Search by user's username or email address"),
)

#: the libraries whose admin pages name fields in plain English (app labels)
PLAIN_ENGLISH_APPS = ("otp_totp",)


def translate_library_admin() -> None:
    """Make the plain-English field labels, help texts, record names and form sections of
    :data:`PLAIN_ENGLISH_APPS` lazy translations (run once, when the apps and the admin
    are loaded). Migrations are not affected: the admin reads these at request time, and
    these apps' migrations are their own."""
    from django.contrib import admin

    for label in PLAIN_ENGLISH_APPS:
        if label not in apps.app_configs:
            continue
        for model in apps.get_app_config(label).get_models():
            meta = model._meta
            if isinstance(meta.verbose_name, str):  # its plural was made from it
                meta.verbose_name_plural = _(str(meta.verbose_name_plural))
                meta.verbose_name = _(meta.verbose_name)
            for field in meta.get_fields():
                for attr in ("verbose_name", "help_text"):
                    text = getattr(field, attr, None)
                    if text and isinstance(text, str) and not isinstance(text, Promise):
                        setattr(field, attr, _(text))
            registered = admin.site._registry.get(model)
            if registered is not None:
                registered.get_fieldsets = _translated_sections(registered.get_fieldsets)
                if isinstance(registered.search_help_text, str):
                    registered.search_help_text = _(registered.search_help_text)
    # a column that is a property takes its label from the getter's description
    if "django_tasks_database" in apps.app_configs:
        model = apps.get_model("django_tasks_database", "DBTaskResult")
        model.task_name.fget.short_description = _("Task name")


def _translated_sections(get_fieldsets):
    def get_translated(request, obj=None):
        return [
            (gettext(name) if name else name, opts) for name, opts in get_fieldsets(request, obj)
        ]

    return get_translated


class TasksConfig(TasksAppConfig):
    """django-tasks' database backend, named in the reader's language."""

    verbose_name = _("Background tasks")
