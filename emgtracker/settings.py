"""Settings for the EMG Workstream Tracker, read from the environment.

With no variables set this is the embedded default: an SQLite file beside the code, a
local-memory cache, Celery tasks run eagerly in-process, e-mail to the console, debug on.
Production sets ``DJANGO_DEBUG=false`` with ``SECRET_KEY`` and ``ALLOWED_HOSTS``, and
``DATABASE_URL`` / ``REDIS_URL`` for PostgreSQL and Redis. See docs/configuration.md.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

# Blocks that stand on their own; every name they define in capitals is a setting.
from emgtracker.conf.background import *  # noqa: F403
from emgtracker.conf.headers import *  # noqa: F403
from emgtracker.conf.languages import *  # noqa: F403
from emgtracker.conf.schema import spectacular_settings
from emgtracker.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-embedded-default-key-for-local-use-only")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
else:
    # Production must say who it is; a default here would be a silent security hole.
    for required in ("SECRET_KEY", "ALLOWED_HOSTS"):
        if not env.str(required, default=""):
            raise ImproperlyConfigured(
                f"Set {required} in the environment when DJANGO_DEBUG is off."
            )
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# How many proxies we run in front of the site, each appending to X-Forwarded-For. The client's
# address is the entry that many from the end; 0 ignores the header, which a client can forge.
# The throttles, the logs and the login lockout all read it (emgtracker/client.py).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

INSTALLED_APPS = [
    # Before the admin: its TranslationAdmin and the translated fields (docs/languages.md).
    "modeltranslation",
    "emgtracker.apps.EMGAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Full-text search and trigram lookups (search/); inert on SQLite.
    "django.contrib.postgres",
    "csp",
    "rest_framework",
    "django_filters",
    "rules",
    "knox",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "meetings",
    "workstreams",
    "delivery",
    "accounts",
    "dashboard",
    "search",
    "intake",
]

MIDDLEWARE = [
    # The answer to HEAD has GET's headers and no body, whatever the server (emgtracker/wire.py).
    "emgtracker.wire.HeadMiddleware",
    # /healthz and /readyz, answered before the Host check, the HTTPS redirect and the log.
    "emgtracker.health.HealthCheckMiddleware",
    # HTML, JSON and CSV gzipped (with Django's BREACH mitigation): outside every middleware
    # that writes a body, so the 503 and the refusals are compressed too.
    "emgtracker.wire.CompressionMiddleware",
    # The policies go on every page, the 503 and the refusals below included.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Then: every log line of the request carries its id, user and client address.
    "emgtracker.request_context.RequestContextMiddleware",
    # A stalled or failing database answers 503 with Retry-After, not a 500 after a timeout.
    "emgtracker.unavailable.DatabaseUnavailableMiddleware",
    # Hostile requests (a NUL in the path, an oversized API body) stop here with a 4xx.
    "emgtracker.limits.RequestLimitsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: from the address, the API's ?lang=, or Accept-Language.
    "emgtracker.languages.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # An ETag on every GET, and 304 when the client's copy is current.
    "django.middleware.http.ConditionalGetMiddleware",
    # Anonymous reads: the record version's ETag, 304 and the shared cache before any view runs.
    "emgtracker.caching.RecordCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A login that must have a second factor reaches nothing but its enrolment until it has one.
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

# Who may do what is decided by the rules in workstreams/permissions.py; the model backend
# remains for superusers and passwords. Role groups carry no table permissions of their own.
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out login before any password is checked (docs/workspace.md).
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Uploads of a meeting's list of participants (docs/workspace.md), refused before they are
# read when over one of these. A meeting has at most a few thousand participants.
IMPORT_MAX_FILE_BYTES = env.int("IMPORT_MAX_FILE_BYTES", default=4 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=10_000)
IMPORT_XLSX_MAX_UNPACKED_BYTES = env.int("IMPORT_XLSX_MAX_UNPACKED_BYTES", default=40 * 1024 * 1024)
IMPORT_XLSX_MAX_MEMBERS = env.int("IMPORT_XLSX_MAX_MEMBERS", default=100)

# Meeting reports uploaded for intake (docs/intake.md), refused before they are parsed when over
# one of these: a report of a hundred pages with its annexes is a few MB.
INTAKE_MAX_FILE_BYTES = env.int("INTAKE_MAX_FILE_BYTES", default=20 * 1000 * 1000)
INTAKE_DOCX_MAX_UNPACKED_BYTES = env.int(
    "INTAKE_DOCX_MAX_UNPACKED_BYTES", default=100 * 1000 * 1000
)
INTAKE_DOCX_MAX_MEMBERS = env.int("INTAKE_DOCX_MAX_MEMBERS", default=1000)
INTAKE_DOCX_MAX_RATIO = env.int("INTAKE_DOCX_MAX_RATIO", default=100)
# A report larger than this is read by a Celery worker, not in the upload's request.
INTAKE_READ_IN_REQUEST_BYTES = env.int("INTAKE_READ_IN_REQUEST_BYTES", default=200 * 1000)
IMPORT_XLSX_MAX_RATIO = env.int("IMPORT_XLSX_MAX_RATIO", default=100)

# Logins (docs/workspace.md#logins). The client's address comes from NUM_PROXIES trusted
# proxies, as for the API's throttling and the logs (emgtracker/client.py).
# django-axes: after AXES_FAILURE_LIMIT failures an account, and separately an address, is
# locked out for AXES_COOLOFF_MINUTES. `manage.py axes_reset` lifts every lockout.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "emgtracker.client.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.logins.lockout_response"
# A success does not wipe the count: it would wipe the address's count too, which an attacker
# holding one login could use to keep guessing others from the same address.
AXES_RESET_ON_SUCCESS = False
# A failed attempt during a lockout does not start the wait again: the message's time holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Our own login log (accounts/logins.py, logger emgtracker.auth) says who, from where and what;
# axes's lines would repeat it and announce itself at every start of every command.
AXES_VERBOSE = False
# The second factor (TOTP, with recovery codes): offered to every login with a role, and required
# of these roles ("superuser" names superusers). Required of the secretariat when debug is off.
OTP_REQUIRED_FOR_ROLES = env.list(
    "OTP_REQUIRED_FOR_ROLES", default=[] if DEBUG else ["secretariat", "superuser"]
)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="EMG Workstream Tracker")
# API tokens (django-rest-knox): stored as a hash, for TOKEN_TTL_DAYS unless asked for less.
KNOX_TOKEN_MODEL = "accounts.ApiToken"
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=90)),
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": 20,
}
# Knox's own migrations would make a table for its model, which ours replaces: none is made.
MIGRATION_MODULES = {"knox": None}

# History is read in the admin; a "revert" would bypass the editorial workflow and its checks.
SIMPLE_HISTORY_REVERT_DISABLED = True

ROOT_URLCONF = "emgtracker.urls"
WSGI_APPLICATION = "emgtracker.wsgi.application"

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
                "csp.context_processors.nonce",
                # The switcher's links and the hreflang alternates (emgtracker/language_links.py).
                "emgtracker.language_links.language_links",
            ],
        },
    },
]

# Database: SQLite file by default, PostgreSQL (psycopg 3) from DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# A database that stops answering must fail a request in seconds (a 503), not hold it until the
# worker is killed: a limit on connecting (libpq counts whole seconds, 2 at least) and on each
# statement, enforced by the server.
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=3)
DATABASE_STATEMENT_TIMEOUT_MS = env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=5000)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": DATABASE_CONNECT_TIMEOUT,
            "options": f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Take the write lock at BEGIN so concurrent writers wait instead of failing.
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Days before a meeting's submission deadline that focal points are asked for their update.
CALL_FOR_INPUT_DAYS_BEFORE = env.int("CALL_FOR_INPUT_DAYS_BEFORE", default=14)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="EMG Secretariat <emg@localhost>")
# With EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend:
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10

# Links in e-mails point here.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Webhooks (docs/webhooks.md). A failed delivery is retried after WEBHOOK_RETRY_BASE_SECONDS,
# then each wait doubles, up to WEBHOOK_RETRY_MAX_SECONDS; it fails for good after
# WEBHOOK_MAX_ATTEMPTS, and a subscription pauses after WEBHOOK_PAUSE_AFTER failures in a row.
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=30)
WEBHOOK_RETRY_MAX_SECONDS = env.float("WEBHOOK_RETRY_MAX_SECONDS", default=3600)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=6)
WEBHOOK_PAUSE_AFTER = env.int("WEBHOOK_PAUSE_AFTER", default=10)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5)
# Private, loopback and reserved addresses are refused, unless in development (DEBUG).
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=DEBUG)

# The API (docs/api.md): public reads, token or session writes, one error shape.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Anyone reads; a write needs a login, and the service it calls asks the rules.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "emgtracker.rest.StrictOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "emgtracker.rest.Pagination",
    # JSON bodies only: a form cannot say null, and reads an empty field as one.
    "DEFAULT_PARSER_CLASSES": ["emgtracker.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "emgtracker.rest.CSVRenderer",
    ],
    # Counted in Redis, and in the process while Redis is down: never switched off.
    "DEFAULT_THROTTLE_CLASSES": [
        "emgtracker.throttling.AnonRateThrottle",
        "emgtracker.throttling.UserRateThrottle",
    ],
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/minute"),
        "user": env.str("API_THROTTLE_USER", default="600/minute"),
    },
    "EXCEPTION_HANDLER": "emgtracker.rest.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "emgtracker.openapi.AutoSchema",
    "URL_FORMAT_OVERRIDE": "format",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = spectacular_settings(site_url=SITE_URL)

# One JSON object a line in production (time, level, logger, message, request id, user, client
# address, task id); plain text with debug on, for reading in a terminal. docs/configuration.md.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = logging_config(log_format=LOG_FORMAT, level=env.str("LOG_LEVEL", default="INFO"))

# Production hardening: `manage.py check --deploy` passes with no warning when debug is off.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    X_FRAME_OPTIONS = "DENY"
