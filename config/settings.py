"""Gemcare settings, read from the environment.

SQLite by default (a newcomer needs no server); PostgreSQL when DATABASE_URL says so.
Secrets come from the environment; the development fallbacks are refused when DEBUG is off.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GEMCARE_VAR_DIR", BASE_DIR / "var"))


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def cache_settings(url: str) -> dict:
    """The default cache: in memory and per process when `url` is empty, else the Redis
    server every process shares (`redis://`, `rediss://` or `unix://`). It holds the
    partner API's rate-limit counts (gemcare.api.throttling)."""
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if not url.startswith(("redis://", "rediss://", "unix://")):
        # Never the value itself: it may hold the server's password.
        raise ImproperlyConfigured(
            "CACHE_URL must be a redis://, rediss:// or unix:// URL, or empty for a cache in "
            "memory per process"
        )
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "gemcare",
        # A cache that does not answer must not hold a request up: the rate limit then lets
        # the request through (gemcare.api.throttling).
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
    }


# Off unless the environment turns it on: `make run`, `make test`, `make scenarios`,
# `make bench` and CI do; pytest does through config/testing.py (docs/decisions).
DEBUG = env_flag("DEBUG", False)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not DEBUG:
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    if SECRET_KEY == _DEV_SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY is the development key: set a secret one.")
    # Django's own measure of a strong key (its check security.W009).
    if (
        len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH
        or len(set(SECRET_KEY)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or SECRET_KEY.startswith(SECRET_KEY_INSECURE_PREFIX)
    ):
        raise ImproperlyConfigured(
            f"SECRET_KEY is too weak: it needs at least {SECRET_KEY_MIN_LENGTH} characters, "
            f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} or more of them different (docs/operations.md)."
        )

# Keys for encrypted fields (Fernet, urlsafe base64 of 32 bytes), newest first, separated by
# commas. Every key decrypts; the first encrypts. See docs/operations.md for rotation. A
# malformed key fails `gemcare check --deploy` (gemcare.common.checks).
_DEV_FIELD_KEY = "ZGV2LW9ubHktZmllbGQta2V5LWRvLW5vdC11c2UtISE="
FIELD_ENCRYPTION_KEYS = [
    key.strip()
    for key in os.environ.get("FIELD_ENCRYPTION_KEYS", _DEV_FIELD_KEY if DEBUG else "").split(",")
    if key.strip()
]
if not DEBUG:
    if not FIELD_ENCRYPTION_KEYS:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set when DEBUG is off.")
    if _DEV_FIELD_KEY in FIELD_ENCRYPTION_KEYS:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds the development key: anyone can read what it encrypts. "
            "Generate a key of your own (docs/operations.md)."
        )

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    # Django's admin, behind the portals' sign-in and second factor (its default site).
    "gemcare.portals.accounts.admin_apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    # The API's docs page then serves Swagger UI from our own static files, not a CDN.
    "ninja",
    "gemcare.common",
    "gemcare.partners",
    "gemcare.catalog",
    "gemcare.contracts",
    "gemcare.claims",
    "gemcare.insurance",
    "gemcare.scenarios",
    "gemcare.portals",
    "gemcare.api",
    "gemcare.webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gemcare.api.middleware.ApiRequestMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session passed the second factor (portals.accounts).
    "django_otp.middleware.OTPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # An ApplicationError raised by a portal page becomes its page (portals.web.errors).
    "gemcare.portals.web.errors.PortalErrorMiddleware",
    # Last, as django-axes asks: it answers a sign-in locked out after too many failures.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'gemcare.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A reused connection is checked (SELECT 1) before a request's first query, so a
        # database restart costs a reconnection, not an error (docs/decisions/0018).
        conn_health_checks=env_flag("CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Bind parameters on the server and prepare statements the hot paths repeat (claims,
    # sales): psycopg then sends each statement's plan once instead of quoting every value.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let the web process and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Signing in to the portals and the admin (gemcare.portals.accounts,
# docs/decisions/0019-portal-stack.md). django-axes counts failed sign-ins per username and
# address together (a stranger cannot lock someone out from elsewhere); past the limit that
# pair waits the cool-off, which every further try starts again.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
AXES_FAILURE_LIMIT = int(os.environ.get("GEMCARE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("GEMCARE_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "gemcare.portals.accounts.views.login_locked_out"
# The provider's staff enrol an authenticator app (django-otp); the admin never shows a
# device's secret or its QR code.
OTP_TOTP_ISSUER = "Gemcare"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A holder's session on the customer site (opened by a one-time code) lasts this long.
GEMCARE_HOLDER_SESSION_MINUTES = int(os.environ.get("GEMCARE_HOLDER_SESSION_MINUTES", "60"))
# How a policyholder pays the provider (the customer site's "How to pay"): the platform takes
# no payment itself, the provider's staff record what they receive.
GEMCARE_PROVIDER_PAYMENT_INSTRUCTIONS = os.environ.get(
    "GEMCARE_PROVIDER_PAYMENT_INSTRUCTIONS",
    "Call our payment line, 1-800-555-0142 (weekdays, 8 a.m. to 6 p.m. Central), or mail a check "
    "payable to Gemcare to Gemcare Payments, P.O. Box 2207, Madison, WI 53701.",
)

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))

# Uploaded photos and documents (gemcare.common.uploads): local files by default; any
# S3-compatible store by naming its storage class (for example django-storages'
# "storages.backends.s3.S3Storage", configured by its own AWS_* variables). They are never
# served from a public URL: pages read them through views that check the caller.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {
        "BACKEND": os.environ.get(
            "GEMCARE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
        )
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
GEMCARE_UPLOAD_PHOTO_MAX_BYTES = int(os.environ.get("GEMCARE_UPLOAD_PHOTO_MAX_BYTES", "10000000"))
GEMCARE_UPLOAD_DOCUMENT_MAX_BYTES = int(
    os.environ.get("GEMCARE_UPLOAD_DOCUMENT_MAX_BYTES", "20000000")
)
GEMCARE_UPLOAD_PHOTO_MAX_PIXELS = int(os.environ.get("GEMCARE_UPLOAD_PHOTO_MAX_PIXELS", "40000000"))

# Emails (gemcare.common.email) go out from the task worker through the default mailer:
# EMAIL_BACKEND, by default the console with DEBUG on and SMTP with it off, configured by the
# EMAIL_HOST... variables (`check --deploy` refuses the console in production).
_EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": _EMAIL_BACKEND}}
if _EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_flag("EMAIL_USE_TLS", False),
        "use_ssl": env_flag("EMAIL_USE_SSL", False),
        "timeout": int(os.environ.get("EMAIL_TIMEOUT", "20")),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Gemcare <no-reply@gemcare.example>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Attachments travel in the email task's row; a larger file is made by the task instead.
EMAIL_ATTACHMENTS_MAX_BYTES = int(os.environ.get("EMAIL_ATTACHMENTS_MAX_BYTES", "2000000"))

# HTTPS only in production (docs/operations.md lists these variables). HSTS tells browsers
# to use nothing but HTTPS for the max age given; preloading is a lasting commitment, so it is
# the operator's explicit choice.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", False)
# Behind a reverse proxy that terminates TLS, Django learns that a request came over HTTPS
# only from the proxy's header; trusted only when told, since a client could send it too.
if env_flag("SECURE_PROXY_SSL_HEADER_TRUSTED", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

# The DEBUG error page and error e-mails hide sensitive values from a frame's variables.
DEFAULT_EXCEPTION_REPORTER_FILTER = "gemcare.common.reporting.SensitiveDataFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No sensitive value reaches a log: gemcare.common.reporting scrubs every record, and
    # Django's own handlers (its defaults, restated here) scrub too.
    "filters": {
        "sensitive": {"()": "gemcare.common.reporting.SensitiveDataLogFilter"},
        "require_debug_true": {"()": "django.utils.log.RequireDebugTrue"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["sensitive"]},
        "django_console": {
            "class": "logging.StreamHandler",
            "level": "INFO",
            "filters": ["require_debug_true", "sensitive"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "sensitive"],
        },
    },
    "loggers": {
        "django": {"handlers": ["django_console", "mail_admins"], "level": "INFO"},
        # One line per partner API request: method, path, status, time, key id, request id.
        "gemcare.api": {
            "handlers": ["console"],
            "level": os.environ.get("API_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The window input dates must lie in (gemcare.common.schemas): nothing before the earliest
# date, and where a future date is allowed at all, nothing further ahead than this.
GEMCARE_EARLIEST_DATE = dt.date.fromisoformat(os.environ.get("GEMCARE_EARLIEST_DATE", "1980-01-01"))
GEMCARE_MAX_DAYS_AHEAD = int(os.environ.get("GEMCARE_MAX_DAYS_AHEAD", "400"))

# The largest scenario file `gemcare scenarios run` reads; a larger one is refused unread.
GEMCARE_SCENARIO_MAX_BYTES = int(os.environ.get("GEMCARE_SCENARIO_MAX_BYTES", "1000000"))

# The partner API (docs/partner-api.md). The rate is per key, counted in the default cache:
# several processes share one limit only if CACHE_URL names a Redis server they all reach.
CACHES = {"default": cache_settings(os.environ.get("CACHE_URL", "").strip())}
GEMCARE_API_RATE = os.environ.get("GEMCARE_API_RATE", "1200/min")
GEMCARE_API_MAX_BODY_BYTES = int(os.environ.get("GEMCARE_API_MAX_BODY_BYTES", "1000000"))
GEMCARE_QUOTE_DAYS = int(os.environ.get("GEMCARE_QUOTE_DAYS", "30"))

# Idempotency keys of the partner API (gemcare.common.idempotency): how long an answer is
# kept for retries (never less than 24 hours), and after how long a request still "in flight"
# is taken to have died, so a retry may take its key over.
GEMCARE_IDEMPOTENCY_HOURS = int(os.environ.get("GEMCARE_IDEMPOTENCY_HOURS", "48"))
GEMCARE_IDEMPOTENCY_IN_FLIGHT_SECONDS = int(
    os.environ.get("GEMCARE_IDEMPOTENCY_IN_FLIGHT_SECONDS", "60")
)

# Webhook endpoints (gemcare.webhooks.addresses): plain http, and hosts
# that resolve to addresses off the public internet (loopback, private, link-local such as
# the cloud metadata address, multicast, reserved), are refused at registration and before
# every attempt unless allowed here. Both are allowed with DEBUG only, where receivers run on
# 127.0.0.1; a production worker must never reach the platform's own network.
GEMCARE_WEBHOOKS_ALLOW_HTTP = env_flag("GEMCARE_WEBHOOKS_ALLOW_HTTP", DEBUG)
GEMCARE_WEBHOOKS_ALLOW_PRIVATE = env_flag("GEMCARE_WEBHOOKS_ALLOW_PRIVATE", DEBUG)

# Where the public pages are served: printed on certificates (the verification link and QR).
GEMCARE_PUBLIC_URL = os.environ.get("GEMCARE_PUBLIC_URL", "http://127.0.0.1:8000")
