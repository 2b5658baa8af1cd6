"""German for what the libraries kamkit uses show in the admin but do not translate
themselves (issue 20).

* Django 5.2's German catalog lacks the texts it added for password-based login (the
  user admin), and django-tasks' database backend has no catalog at all. The texts are
  listed here so ``makemessages`` keeps them in kamkit's catalog, which Django reads
  after the libraries' own (``LOCALE_PATHS``): a later Django that translates them wins
  nothing and loses nothing.
* The task runner's app names itself "Tasks Database Backend" in plain English;
  :class:`TasksConfig` is the same app under a translated name (``INSTALLED_APPS``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
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
)


class TasksConfig(TasksAppConfig):
    """django-tasks' database backend, named in the reader's language."""

    verbose_name = _("Background tasks")
