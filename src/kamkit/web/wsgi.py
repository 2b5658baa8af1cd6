"""WSGI entry point (gunicorn, started by `kamkit serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kamkit.web.settings")
application = get_wsgi_application()
