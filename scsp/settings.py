"""One environment-driven settings module (healthchecks.io style).

Two shapes of deployment read the same file:

* **Development / demo** (the default, what ``make run`` uses): SQLite, Celery in eager mode
  (no Redis needed), e-mail printed to the console, ``DEBUG`` on.
* **Production** (``SCSP_ENV=production``): PostgreSQL from ``DATABASE_URL``, Redis from
  ``REDIS_URL`` for Celery and the cache, SMTP e-mail, secure cookies, HSTS. Missing secrets make
  the import fail loudly instead of falling back to something unsafe.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    return default if value is None else int(value)


SCSP_ENV = env("SCSP_ENV", "development")
if SCSP_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured("SCSP_ENV must be development, production or test")
PRODUCTION = SCSP_ENV == "production"
TESTING = SCSP_ENV == "test"

DEBUG = env_bool("DJANGO_DEBUG", default=SCSP_ENV == "development")

if PRODUCTION:
    SECRET_KEY = env("DJANGO_SECRET_KEY")
    if not SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters "
            "in production."
        )
    if not env("DJANGO_ALLOWED_HOSTS"):
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set in production.")
    if not env("DATABASE_URL"):
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production.")
else:
    SECRET_KEY = env(
        "DJANGO_SECRET_KEY",
        "dev-only-insecure-key-3c0f1f7d8a7e4b0d9c2e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c",
    )

ALLOWED_HOSTS = [h.strip() for h in (env("DJANGO_ALLOWED_HOSTS") or "").split(",") if h.strip()]
if not ALLOWED_HOSTS and not PRODUCTION:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

# The public address of the site. Links in e-mails (password reset, reminders) are built from it,
# never from the request's Host header.
SITE_URL = (env("SITE_URL") or ("https://" + ALLOWED_HOSTS[0] if PRODUCTION else "http://127.0.0.1:8000")).rstrip("/")
CSRF_TRUSTED_ORIGINS = [f"{urlsplit(SITE_URL).scheme}://{urlsplit(SITE_URL).netloc}"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "scsp",
    "actions",
    "reviews",
    "audits",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "scsp.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "scsp.middleware.SessionTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "scsp.urls"
WSGI_APPLICATION = "scsp.wsgi.application"

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
                "scsp.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL (postgres://user:pass@host:port/name) selects PostgreSQL; otherwise SQLite.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["TEST"] = {"NAME": env("SQLITE_TEST_NAME") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "scsp.User"

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = ["scsp.auth.ThrottledEmailBackend"]
LOGIN_URL = "scsp:login"
LOGIN_REDIRECT_URL = "scsp:home"
LOGOUT_REDIRECT_URL = "scsp:login"
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour, not Django's three days
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "scsp.auth.ContextWordsValidator"},
]
# Failed sign-in throttling: per account and per client address, in a sliding window.
LOGIN_THROTTLE_WINDOW_MINUTES = env_int("LOGIN_THROTTLE_WINDOW_MINUTES", 15)
LOGIN_THROTTLE_PER_ACCOUNT = env_int("LOGIN_THROTTLE_PER_ACCOUNT", 10)
LOGIN_THROTTLE_PER_IP = env_int("LOGIN_THROTTLE_PER_IP", 30)

# Sessions: 30 minutes idle, 12 hours absolute (SECURITY.md E1), checked server-side.
SESSION_IDLE_TIMEOUT_SECONDS = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60)
SESSION_ABSOLUTE_TIMEOUT_SECONDS = env_int("SESSION_ABSOLUTE_TIMEOUT_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Internationalisation and time ------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]

# The England and Wales bank-holiday calendar the working-day clocks use.
WORKDAYS_HOLIDAY_COUNTRY = "GB"
WORKDAYS_HOLIDAY_SUBDIV = "ENG"

# --- Static files and uploads ---------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media"))},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Development and tests serve static files straight from the finders (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Evidence files are never served from a public URL: MEDIA_URL is deliberately unset and every
# download goes through a permission-checked view.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587 if PRODUCTION else 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", PRODUCTION)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "SCSP Reviews <no-reply@scsp-reviews.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
#: Where the accessibility statement tells people to report a problem (the business unit).
ACCESSIBILITY_CONTACT_EMAIL = env("ACCESSIBILITY_CONTACT_EMAIL", "")

# --- Redis, cache and Celery ------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = False
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TASK_PUBLISH_RETRY = False  # a web request never waits on a dead broker
# A claim older than this is taken to belong to a dead worker and is sent again. It must be
# longer than the longest task's hard time limit.
REMINDER_CLAIM_LEASE_MINUTES = env_int("REMINDER_CLAIM_LEASE_MINUTES", 10)
# Reminder thresholds (working days unless stated).
REMINDER_DUE_WITHIN_WORKING_DAYS = env_int("REMINDER_DUE_WITHIN_WORKING_DAYS", 10)
ESCALATE_TO_LEAD_AFTER_WORKING_DAYS = env_int("ESCALATE_TO_LEAD_AFTER_WORKING_DAYS", 10)
ESCALATE_TO_PARTNERSHIP_AFTER_WORKING_DAYS = env_int("ESCALATE_TO_PARTNERSHIP_AFTER_WORKING_DAYS", 20)
WEEKLY_SUMMARY_WEEKDAY = env_int("WEEKLY_SUMMARY_WEEKDAY", 0)  # Monday (or the next working day)
CLOCK_REMINDER_WORKING_DAYS = env_int("CLOCK_REMINDER_WORKING_DAYS", 3)
LCSPR_REMINDER_CALENDAR_DAYS = env_int("LCSPR_REMINDER_CALENDAR_DAYS", 30)

# Exactly one beat process runs this schedule (``make beat``); see README "Production".
# The sweep runs hourly in office hours: the first run of a working day sends the digests,
# later runs only retry failed or interrupted sends. Weekends and bank holidays send nothing.
REMINDER_HOUR = env_int("REMINDER_HOUR", 7)
REMINDER_MINUTE = env_int("REMINDER_MINUTE", 0)
_every = env_int("REMINDER_SCHEDULE_SECONDS", 0)  # tests only: run the sweep every N seconds
CELERY_BEAT_SCHEDULE = {
    "reminder-sweep": {
        "task": "actions.tasks.send_reminders_task",
        "schedule": _every or crontab(hour=f"{REMINDER_HOUR}-18", minute=REMINDER_MINUTE),
        "kwargs": {"date_iso": env("REMINDER_BEAT_DATE")} if env("REMINDER_BEAT_DATE") else {},
    },
    "send-pending-notices": {
        "task": "scsp.tasks.send_pending_task",
        "schedule": _every or 300.0,
    },
    "purge-report-exports": {
        "task": "reports.tasks.exports_purge_task",
        "schedule": crontab(hour=2, minute=15),
    },
}
#: Days a generated quarterly report file (PDF / XLSX) is kept before the nightly purge.
REPORT_EXPORT_KEEP_DAYS = env_int("REPORT_EXPORT_KEEP_DAYS", 7)

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Forms ----------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- History --------------------------------------------------------------------------------
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "INFO"},
        "scsp.security": {"level": "INFO"},
        # WeasyPrint logs every layout step at INFO (a line per page of a report).
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Demo data is refused against production unless forced.
DEMO_DATA_ALLOWED = not PRODUCTION
