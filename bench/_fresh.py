"""A new, empty kamkit database for a benchmark that builds its own data: a temporary
data folder (SQLite, removed at exit), or the database of ``DATABASE_URL``, which must be
empty. Migrated, with Django set up and every host allowed for the test client."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile


def fresh_database(prefix: str, **environment: str) -> None:
    if not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix=prefix)
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        os.environ["KAMKIT_DATA_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kamkit.web.settings")
    os.environ.update(environment)
    import django

    django.setup()
    from django.conf import settings

    from kamkit.web.accounts.models import Account
    from kamkit.web.schema import migrate_database

    settings.ALLOWED_HOSTS = ["*"]
    migrate_database()
    if Account.objects.exists():
        raise SystemExit("the database is not empty: use a new one")
