"""Django settings for kamkit, read from the environment.

- ``KAMKIT_DATA_DIR`` (default ``./kamkit-data``): holds the SQLite database and a
  generated secret key.
- ``DATABASE_URL``: use this database instead (e.g. ``postgresql://user@host/db``).
- ``KAMKIT_DEBUG=1``: debug mode (off by default).
- ``KAMKIT_SECRET_KEY``: the secret key (else generated once into the data folder).
- ``KAMKIT_ALLOWED_HOSTS``: comma-separated (default ``127.0.0.1,localhost``).
- ``KAMKIT_HTTPS=1``: secure cookies, HSTS and redirects, for serving behind TLS.
- ``KAMKIT_TRUSTED_PROXIES``: the proxies whose ``X-Forwarded-For``/``-Proto`` are
  believed (default ``127.0.0.1,::1``).
- ``KAMKIT_IDLE_MINUTES`` (120), ``KAMKIT_CUSTOMER_IDLE_MINUTES`` (30): a session ends
  after this long without a request.
- ``KAMKIT_LOGIN_FAILURE_LIMIT`` (5, per user name and address),
  ``KAMKIT_LOGIN_ADDRESS_FAILURE_LIMIT`` (20, per address), ``KAMKIT_LOGIN_LOCKOUT_MINUTES``
  (15); ``KAMKIT_PASSWORD_RESET_HOURS`` (2): how long a reset link works.
- ``KAMKIT_ASSESSMENT_CONFIG``: a YAML or JSON file overriding the assessment's
  thresholds and weights (docs/scores.md); the SPEC defaults otherwise.
- ``KAMKIT_EMAIL_HOST`` (and ``_PORT``, ``_USER``, ``_PASSWORD``, ``_TLS``, ``_FROM``):
  send invitations by SMTP; without a host, emails are printed to the console.
- ``KAMKIT_BASE_URL``: the address people open kamkit at (``https://kamkit.example.com``):
  the links in emails sent without a request (notifications, reminders) start with it;
  ``kamkit serve`` sets it to the address it serves when it is not set.
- ``KAMKIT_ALERT_DROP_POINTS`` (10): an account whose index fell by this many points in
  a month is flagged to its KA manager and the KAM directors.
- ``KAMKIT_PAGE_CACHE`` (1), ``KAMKIT_PAGE_CACHE_SECONDS`` (300),
  ``KAMKIT_PAGE_CACHE_PAGES`` (1000): whole pages kept per process until anything is
  written (``kamkit.web.pagecache``); 0 turns it off.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from kamkit.core import portfolio as _portfolio

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("KAMKIT_DATA_DIR", "kamkit-data")).resolve()


def _private(folder: Path) -> None:
    """The data folder holds the database (password hashes, token digests) and the
    secret key: only its owner may read it. The folder becomes 0700 and the files in it
    0600, and what kamkit writes from now on is created so (umask 077)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name != "posix":
        return
    os.umask(0o077)
    if folder.stat().st_uid != os.getuid():
        return  # someone else's folder (a shared mount): left as its owner set it
    folder.chmod(0o700)
    for path in folder.iterdir():
        if path.is_file() and not path.is_symlink() and path.stat().st_uid == os.getuid():
            path.chmod(0o600)


_private(DATA_DIR)


def _secret_key() -> str:
    if key := os.environ.get("KAMKIT_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("KAMKIT_DEBUG") == "1"
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("KAMKIT_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "django_otp",  # optional TOTP two-factor for the firm's people (issue 17)
    "django_otp.plugins.otp_totp",
    "ninja",  # serves its bundled Swagger UI; without it the docs page would use a CDN
    "django_filters",
    "simple_history",
    "kamkit.web.users",
    "kamkit.web.accounts",
    "kamkit.web.relationships",
    "kamkit.web.assessment",
    "kamkit.web.portal",
    "axes",
    "kamkit.web.diagnosis",
    "kamkit.web.imports",
    "kamkit.web.research",
    "kamkit.web.search",
    "kamkit.web.today",
    "django_tasks",
    "kamkit.web.vendor_texts.TasksConfig",  # django_tasks_db, its name translated
]

# Background work (imports now; reminders and mail later) runs in django-tasks with its
# database backend: no extra server. ``kamkit serve`` starts a worker beside the web
# processes; ``kamkit worker`` runs one alone. Tests run tasks at once (immediate).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("KAMKIT_TASK_BACKEND", "django_tasks_db.backend.DatabaseBackend")
    }
}

MIDDLEWARE = [
    "kamkit.web.middleware.TrustedProxy",  # first: what a client may claim about itself
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kamkit.web.middleware.PrivateResponses",
    "csp.middleware.CSPMiddleware",
    "kamkit.web.middleware.AtomicWrites",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kamkit.web.middleware.Language",  # after the user is known: their own choice counts
    "django_otp.middleware.OTPMiddleware",
    # deny by default: every view needs a login unless marked @login_not_required
    "kamkit.web.middleware.LoginRequired",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kamkit.web.middleware.IdleTimeout",  # after messages: it says why you were logged out
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kamkit.web.pagecache.PageCache",  # after the user, language, messages, idle timeout
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it answers locked-out logins
]

# Login attempts are limited (django-axes): after 5 failures for one user name from one
# address, that pair is locked for 15 minutes (429, a page saying so); every login,
# logout and failure is logged (the admin lists them).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("KAMKIT_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("KAMKIT_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# and after 20 failures from one address over any user names (password spraying: a few
# guesses at each of many users), that address for the same time (kamkit default: a
# firm behind one address has room for its people's mistakes; users.lockout)
KAMKIT_LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("KAMKIT_LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
# a password reset link works once, for 2 hours (kamkit default; OWASP's Forgot Password
# Cheat Sheet asks for a short expiry; Django's own default is 3 days)
PASSWORD_RESET_TIMEOUT = 3600 * int(os.environ.get("KAMKIT_PASSWORD_RESET_HOURS", "2"))

# an account whose index fell by this many points in a month is flagged to its KA manager
# and the KAM directors (kamkit.core.portfolio.ALERT_DROP_POINTS, a kamkit assumption)
try:
    KAMKIT_ALERT_DROP_POINTS = float(
        os.environ.get("KAMKIT_ALERT_DROP_POINTS", str(_portfolio.ALERT_DROP_POINTS))
    )
    if not 0 < KAMKIT_ALERT_DROP_POINTS <= 100:
        raise ValueError
except ValueError:
    raise ImproperlyConfigured(
        "KAMKIT_ALERT_DROP_POINTS must be a number of index points above 0 and at most 100, like 10"
    ) from None
AXES_LOCKOUT_CALLABLE = "kamkit.web.users.lockout.locked_out"
AXES_VERBOSE = False

ROOT_URLCONF = "kamkit.web.urls"
WSGI_APPLICATION = "kamkit.web.wsgi.application"
AUTH_USER_MODEL = "users.User"
LOGIN_URL = "/auth/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/auth/login/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kamkit.web.users.context.navigation",
            ],
        },
    }
]

# Form widgets are drawn with Jinja2 where Django ships templates for it, the admin's
# with Django's: the account page's forms drew about 90 options through the Django
# template engine, a quarter of the page's time (issue 17).
FORM_RENDERER = "kamkit.web.renderers.FastWidgets"

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "kamkit.sqlite3",
            "OPTIONS": {
                # WAL lets readers work while one writer writes; IMMEDIATE takes the write
                # lock at BEGIN so concurrent writers wait (busy timeout) instead of failing
                # a 64 MB page cache (SQLite's default is 2 MB): an import of a million
                # contacts inserts into indexes far larger than 2 MB (kamkit default)
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
                ),
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
            },
            # tests use a file too, not SQLite's in-memory database: with a file each
            # thread of a live test server gets its own connection, as in production
            "TEST": {"NAME": DATA_DIR / "test.sqlite3"},
        }
    }
# The test databases are made from the models, not by replaying every migration (about
# 8 s per test worker, a twentieth of the suite). The migrations themselves are run for
# real by the tests that start kamkit in its own process (tests/cli: serve, backup and
# restore, on SQLite and PostgreSQL), and CI checks that none is missing.
DATABASES["default"].setdefault("TEST", {})["MIGRATE"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# requests that may write run in one transaction each (kamkit.web.middleware.AtomicWrites);
# reads run without one, so a long writer (an import, a restore) never blocks them

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
KAMKIT_ASSESSMENT_CONFIG = os.environ.get("KAMKIT_ASSESSMENT_CONFIG", "")

TIME_ZONE = os.environ.get("KAMKIT_TIME_ZONE", "UTC")
USE_I18N = True
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
"""The interface's languages (issue 20): each user chooses; customers and visitors who
have not chosen get their browser's, the supplier's team English (kamkit assumption:
the firm's working language until someone says otherwise)."""
LOCALE_PATHS = [Path(__file__).resolve().parents[1] / "locale"]
FORMAT_MODULE_PATH = ["kamkit.web.formats"]
KAMKIT_CURRENCY = os.environ.get("KAMKIT_CURRENCY", "EUR").strip().upper() or "EUR"
"""The one currency of a firm's amounts (SPEC §2.4: amounts in one currency), shown with
its ISO 4217 code beside every amount; EUR unless set (kamkit assumption: its first
users are European firms)."""
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True  # serve straight from the package: no collectstatic needed
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
KAMKIT_HTTPS = os.environ.get("KAMKIT_HTTPS") == "1"
if KAMKIT_HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # believed only from a trusted proxy: kamkit.web.middleware.TrustedProxy drops it
    # from anyone else
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# the proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (addresses or
# networks, comma-separated; default this machine: a proxy beside kamkit)
KAMKIT_TRUSTED_PROXIES = [
    p.strip()
    for p in os.environ.get("KAMKIT_TRUSTED_PROXIES", "127.0.0.1,::1").split(",")
    if p.strip()
]

# A session ends after 2 hours without a request for the firm's people, 30 minutes for
# customers' (kamkit defaults: OWASP's Session Management Cheat Sheet names 15–30
# minutes of idle time for low-risk applications; a KA manager's day runs between
# meetings), and after 14 days in any case (Django's default).
KAMKIT_IDLE_MINUTES = int(os.environ.get("KAMKIT_IDLE_MINUTES", "120"))
KAMKIT_CUSTOMER_IDLE_MINUTES = int(os.environ.get("KAMKIT_CUSTOMER_IDLE_MINUTES", "30"))

# Whole pages kept until anything is written (issue 17, item 8; kamkit.web.pagecache):
# in memory per process, at most 1,000 pages (compressed: about 10 MB at the account
# page's size)
# for at most 5 minutes (kamkit defaults: a bound on memory and on any staleness).
KAMKIT_PAGE_CACHE = os.environ.get("KAMKIT_PAGE_CACHE", "1") != "0"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kamkit-pages",
        "TIMEOUT": int(os.environ.get("KAMKIT_PAGE_CACHE_SECONDS", "300")),
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("KAMKIT_PAGE_CACHE_PAGES", "1000"))},
    },
}

# two-factor (django-otp): the issuer shown in authenticator apps; a code is asked for at
# most 5 minutes after the password (kamkit default)
OTP_TOTP_ISSUER = "kamkit"
KAMKIT_TWO_FACTOR_MINUTES = 5

# Content-Security-Policy (django-csp): scripts and styles from kamkit only, no inline
# scripts, no eval; inline style attributes only (a bar's width); nothing framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# invitations and notifications: printed to the console unless SMTP is configured
EMAIL_BACKEND = os.environ.get(
    "KAMKIT_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("KAMKIT_EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("KAMKIT_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("KAMKIT_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("KAMKIT_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KAMKIT_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("KAMKIT_EMAIL_TLS", "1") == "1"
KAMKIT_NOTIFY_BY_EMAIL = os.environ.get("KAMKIT_NOTIFY_BY_EMAIL") == "1"
KAMKIT_BASE_URL = os.environ.get("KAMKIT_BASE_URL", "").strip().rstrip("/")
if KAMKIT_BASE_URL and (
    not KAMKIT_BASE_URL.startswith(("http://", "https://"))
    or not KAMKIT_BASE_URL.split("://", 1)[1]
):
    raise ImproperlyConfigured(
        f"KAMKIT_BASE_URL must be the address people open kamkit at, starting with "
        f"https:// or http://, like https://kamkit.example.com (it is {KAMKIT_BASE_URL!r})"
    )
DEFAULT_FROM_EMAIL = os.environ.get("KAMKIT_EMAIL_FROM", "kamkit <kamkit@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KAMKIT_LOG_LEVEL", "WARNING")},
}
