"""One environment-driven settings module (healthchecks.io style).

``SCSP_ENV`` chooses the shape; **without it the settings are production's**, so a server
that was not told otherwise is never in debug mode with a key written in the code:

* **Production** (``SCSP_ENV=production``, or ``SCSP_ENV`` unset): PostgreSQL from
  ``DATABASE_URL``, Redis from ``REDIS_URL`` for Celery and the cache, SMTP e-mail, secure
  cookies, HSTS. Missing secrets make the import fail loudly, saying what to set.
* **Development / demo** (``SCSP_ENV=development``, chosen by ``make run`` and ``make bench``):
  SQLite, Celery in eager mode (no Redis needed), e-mail printed to the console, ``DEBUG`` on.
* **Tests** (``SCSP_ENV=test``, chosen by ``scsp.settings_test``, the suite's settings module):
  as development with ``DEBUG`` off.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from scsp import service_settings

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


def _local_secret_key(path: Path) -> str:
    """Development and tests only: a random key made on first use and kept in a git-ignored
    file beside the code, so no key is written in the code and every process of one checkout
    (runserver's reloader, a test's Celery worker) shares it."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(50)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.")
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        try:
            os.link(tmp, path)  # atomic: exactly one process's key wins
        finally:
            os.unlink(tmp)
    except FileExistsError:
        return path.read_text().strip()
    except OSError:  # a read-only checkout: a key for this process only
        return key
    return key


# --- Environment: production unless told otherwise (SCSP_ENV) ---------------------------------
SCSP_ENV = env("SCSP_ENV", "production")
if SCSP_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(
        f"SCSP_ENV={SCSP_ENV!r} is not known: set SCSP_ENV to production, development or test."
    )
PRODUCTION = SCSP_ENV == "production"
TESTING = SCSP_ENV == "test"

DEBUG = env_bool("DJANGO_DEBUG", default=SCSP_ENV == "development")

#: What a refusal to start tells the person, after what is missing.
_NOT_PRODUCTION_HINT = (
    " (SCSP_ENV is {env}. For a local demo or development set SCSP_ENV=development, as "
    "`make run` does; the tests use SCSP_ENV=test.)"
).format(env="unset, so production settings apply" if "SCSP_ENV" not in os.environ
         else "production")

if PRODUCTION:
    SECRET_KEY = env("DJANGO_SECRET_KEY")
    if not SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters "
            "in production." + _NOT_PRODUCTION_HINT
        )
    if not env("DJANGO_ALLOWED_HOSTS"):
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS must be set in production." + _NOT_PRODUCTION_HINT)
    if not env("DATABASE_URL"):
        raise ImproperlyConfigured(
            "DATABASE_URL must point at PostgreSQL in production." + _NOT_PRODUCTION_HINT)
else:
    SECRET_KEY = env("DJANGO_SECRET_KEY") or _local_secret_key(BASE_DIR / ".dev-secret-key")

# The key that seals the access log and the change history (HMAC-SHA256 chain,
# scsp/audit/chain.py). From the environment only, never the database, so someone who can
# write the tables cannot re-seal what they changed. Development and tests: a random key made
# on first use, kept in a git-ignored file like the secret key.
if PRODUCTION:
    AUDIT_CHAIN_KEY = env("AUDIT_CHAIN_KEY")
    if not AUDIT_CHAIN_KEY or len(AUDIT_CHAIN_KEY) < 32:
        raise ImproperlyConfigured(
            "AUDIT_CHAIN_KEY must be set to a random value of at least 32 characters in "
            "production (it seals the audit trail; keep it outside the database)."
            + _NOT_PRODUCTION_HINT)
else:
    AUDIT_CHAIN_KEY = env("AUDIT_CHAIN_KEY") or _local_secret_key(
        BASE_DIR / ".dev-audit-chain-key")

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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "scsp",
    "actions",
    "reviews",
    "audits",
    "reports",
]

MIDDLEWARE = [
    # First: drops X-Forwarded-* headers unless the request came through a trusted proxy.
    "scsp.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "scsp.middleware.SecurityHeadersMiddleware",
    "scsp.views.health.HealthCheckMiddleware",  # answers /healthz before sessions are read
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "scsp.middleware.SessionTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # After sign-in: every page but the second-factor steps needs the second factor.
    "scsp.mfa.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a refused sign-in into the sign-in page's one generic message.
    "axes.middleware.AxesMiddleware",
]

# --- Request IDs and hostile input: outermost, so every response (a 400 included) carries the
# ID and nothing with a NUL byte reaches sessions or the database. ---
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # request metrics (/metrics)
    "scsp.middleware.RequestIdMiddleware",
    # Every 403 and 404 answered is an access event (scsp/audit/refusals.py), folded per minute.
    "scsp.audit.refusals.RefusalLogMiddleware",
    "scsp.middleware.RefuseNulBytesMiddleware",
    *MIDDLEWARE,
    # Innermost: a GET's reads are appended to the access log once its response is ready.
    "scsp.audit.access.DeferredAccessLogMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
#: Who may read /metrics (scsp/metrics.py): addresses or networks, comma-separated.
METRICS_ALLOWED_ADDRESSES = [a.strip() for a in (env("METRICS_ALLOWED_ADDRESSES")
                                                 or "127.0.0.1,::1").split(",") if a.strip()]

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
                "scsp.context_processors.session_timing",
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
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # a dead server answers in seconds
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 2)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["TEST"] = {"NAME": env("SQLITE_TEST_NAME") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "scsp.User"

# --- Authentication -------------------------------------------------------------------------
# The lockout check first (django-axes), then e-mail and password.
AUTHENTICATION_BACKENDS = ["scsp.auth.LockoutBackend", "scsp.auth.EmailBackend"]
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

# The client's address (sign-in lockout, rate limits, access log) is REMOTE_ADDR unless the
# request came through a trusted reverse proxy: TRUSTED_PROXY_COUNT proxies that each append
# to X-Forwarded-For (the app must be reachable only through them), or TRUSTED_PROXY_ADDRESSES
# (addresses or networks of the proxies). Set one of them, not both. See scsp/proxy.py.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
TRUSTED_PROXY_ADDRESSES = [a.strip() for a in (env("TRUSTED_PROXY_ADDRESSES") or "").split(",")
                           if a.strip()]
if TRUSTED_PROXY_COUNT < 0 or (TRUSTED_PROXY_COUNT and TRUSTED_PROXY_ADDRESSES):
    raise ImproperlyConfigured(
        "Set TRUSTED_PROXY_COUNT (a number of proxies) or TRUSTED_PROXY_ADDRESSES, not both.")

# Sign-in lockout (django-axes, database handler; scsp/auth.py). Failures count per account
# and address, and per address; a lockout lasts a fixed LOGIN_COOLOFF_MINUTES from the last
# failure that counted (refused attempts while locked out are not counted and do not extend it).
LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS = env_int("LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS", 10)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 20)
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15)
AXES_HANDLER = "scsp.auth.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS
AXES_COOLOFF_TIME = dt.timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "scsp.proxy.client_ip"
AXES_USERNAME_CALLABLE = "scsp.auth.attempted_username"
AXES_LOCKOUT_CALLABLE = "scsp.auth.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "password", "ip_address"]
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = True

# The second factor (django-otp: TOTP, one-use recovery codes; django-otp-webauthn: passkeys).
# Required for everyone unless MFA_REQUIRED is off; the partnership settings page may exempt
# agency officers only, with a recorded reason (scsp/mfa.py).
MFA_REQUIRED = env_bool("MFA_REQUIRED", True)
MFA_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = "SCSP Reviews"
OTP_TOTP_THROTTLE_FACTOR = 1  # wait 1, 2, 4, 8 ... seconds after each wrong code in a row
OTP_STATIC_THROTTLE_FACTOR = 1
# Passkeys are bound to the site's domain; browsers accept http only on localhost, so in
# development use http://localhost:8000.
_webauthn_origin = f"{urlsplit(SITE_URL).scheme}://{urlsplit(SITE_URL).netloc}"
if _webauthn_origin.startswith("http://127.0.0.1"):
    _webauthn_origin = _webauthn_origin.replace("http://127.0.0.1", "http://localhost")
OTP_WEBAUTHN_RP_ID = urlsplit(_webauthn_origin).hostname
OTP_WEBAUTHN_RP_NAME = "SCSP Reviews"
OTP_WEBAUTHN_ALLOWED_ORIGINS = [_webauthn_origin]
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME = "scsp.security"

# Password reset requests: at most this many an hour per account and per address (counted in
# the cache; a cache failure lets the request through and is logged).
PASSWORD_RESET_PER_ACCOUNT = env_int("PASSWORD_RESET_PER_ACCOUNT", 3)
PASSWORD_RESET_PER_ADDRESS = env_int("PASSWORD_RESET_PER_ADDRESS", 20)
PASSWORD_RESET_WINDOW_MINUTES = 60
#: Hours an invitation's set-password link works (once).
INVITATION_TIMEOUT_HOURS = env_int("INVITATION_TIMEOUT_HOURS", 72)

# Sessions: 30 minutes idle, 12 hours absolute (SECURITY.md E1), checked server-side.
SESSION_IDLE_TIMEOUT_SECONDS = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60)
SESSION_ABSOLUTE_TIMEOUT_SECONDS = env_int("SESSION_ABSOLUTE_TIMEOUT_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT_SECONDS
#: Seconds before the end of a session that the page warns and offers "Stay signed in".
SESSION_WARNING_SECONDS = env_int("SESSION_WARNING_SECONDS", 120)
#: Minutes a form's attached files (after an error) and a form sent after the session ended
#: are kept for the person to use (scsp/kept_work.py); the nightly purge removes the rest.
KEPT_WORK_MINUTES = env_int("KEPT_WORK_MINUTES", 120)
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
# Evidence, briefings, report exports and held uploads: a local directory or a private
# S3-compatible bucket (STORAGE_BACKEND; scsp/service_settings.py, scsp/storage.py).
STORAGE_BACKEND = env("STORAGE_BACKEND", "filesystem")
STORAGES = {
    "default": service_settings.default_storage(env, BASE_DIR),
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
#: The largest request the proxy lets through (nginx ``client_max_body_size``, deploy/nginx):
#: five full-size evidence files and the form.
UPLOAD_MAX_REQUEST_BYTES = env_int("UPLOAD_MAX_REQUEST_BYTES", 5 * EVIDENCE_MAX_BYTES + 1024 * 1024)

# --- Virus scanning of uploads (actions/uploads.py, actions/clamav.py) -----------------------
# Production: ClamAV's daemon over its UNIX socket (Debian's clamav-daemon; freshclam keeps its
# signatures current). A file it cannot check in time is held as "waiting for scan" and
# rescanned by beat. Development and tests: a stand-in that knows the EICAR test file only,
# unless EVIDENCE_SCANNER says otherwise.
CLAMAV_SOCKET = env("CLAMAV_SOCKET", "/var/run/clamav/clamd.ctl" if PRODUCTION else None)
CLAMAV_TIMEOUT_SECONDS = env_int("CLAMAV_TIMEOUT_SECONDS", 30)
EVIDENCE_SCANNER = env(
    "EVIDENCE_SCANNER",
    "actions.clamav.scan" if PRODUCTION else "actions.uploads.eicar_scanner",
)
RESCAN_WAITING_FILES_SECONDS = env_int("RESCAN_WAITING_FILES_SECONDS", 300)

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
# Redis is optional at run time: the cache answers "not cached" while it is down (scsp/cache.py,
# retrying after CACHE_RETRY_SECONDS) and a task that cannot be queued waits in the outbox.
REDIS_URL = env("REDIS_URL")
REDIS_TIMEOUT_SECONDS = float(env("REDIS_TIMEOUT_SECONDS", "0.5"))
CACHE_RETRY_SECONDS = env_int("CACHE_RETRY_SECONDS", 10)
BROKER_RETRY_SECONDS = env_int("BROKER_RETRY_SECONDS", 10)
#: Hours a password-reset or invitation e-mail asked for while the broker was down is kept for
#: the outbox sweep to send (scsp.emails.run_deferred); older ones are dropped unsent.
DEFERRED_TASK_KEEP_HOURS = env_int("DEFERRED_TASK_KEEP_HOURS", 24)
CACHES = service_settings.caches(REDIS_URL, REDIS_TIMEOUT_SECONDS)
#: Only one beat schedules (RedBeat's lock in Redis; see service_settings.celery): a standby
#: beat takes over this many seconds after the holder died, at once when it stops cleanly.
BEAT_LOCK_TIMEOUT_SECONDS = env_int("BEAT_LOCK_TIMEOUT_SECONDS", 150)
# Every CELERY_* setting: the broker, no result backend, short timeouts, RedBeat.
globals().update(service_settings.celery(
    redis_url=REDIS_URL, timeout=REDIS_TIMEOUT_SECONDS, time_zone=TIME_ZONE,
    always_eager=env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL),
    beat_lock_seconds=BEAT_LOCK_TIMEOUT_SECONDS))
# A claim older than this is taken to belong to a dead worker and is sent again. It must be
# longer than the longest task's hard time limit.
REMINDER_CLAIM_LEASE_MINUTES = env_int("REMINDER_CLAIM_LEASE_MINUTES", 10)
# Reminder thresholds (working days unless stated).
REMINDER_DUE_WITHIN_WORKING_DAYS = env_int("REMINDER_DUE_WITHIN_WORKING_DAYS", 10)
# Impact reviews (actions/impact_reminders.py): the lead officer is asked for the evidence
# this many working days before the review is due.
IMPACT_REVIEW_DUE_WITHIN_WORKING_DAYS = env_int("IMPACT_REVIEW_DUE_WITHIN_WORKING_DAYS", 20)
ESCALATE_TO_LEAD_AFTER_WORKING_DAYS = env_int("ESCALATE_TO_LEAD_AFTER_WORKING_DAYS", 10)
ESCALATE_TO_PARTNERSHIP_AFTER_WORKING_DAYS = env_int("ESCALATE_TO_PARTNERSHIP_AFTER_WORKING_DAYS", 20)
WEEKLY_SUMMARY_WEEKDAY = env_int("WEEKLY_SUMMARY_WEEKDAY", 0)  # Monday (or the next working day)
CLOCK_REMINDER_WORKING_DAYS = env_int("CLOCK_REMINDER_WORKING_DAYS", 3)
LCSPR_REMINDER_CALENDAR_DAYS = env_int("LCSPR_REMINDER_CALENDAR_DAYS", 30)

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
    "rescan-waiting-files": {
        "task": "actions.tasks.rescan_waiting_files_task",
        "schedule": float(RESCAN_WAITING_FILES_SECONDS),
    },
    # One retention job for everything kept for a limited time (scsp/audit/retention.py).
    "retention": {
        "task": "scsp.tasks.retention_task",
        "schedule": crontab(hour=2, minute=15),
    },
    # Refusals folded per minute are sealed into the access log's chain (they are sealed on
    # the next refusal and when the log is read too; this catches a quiet night).
    "seal-refusals": {
        "task": "scsp.tasks.seal_refusals_task",
        "schedule": 300.0,
    },
}
#: Fernet key that encrypts backups (``manage.py backup``; scsp/backup.py). Keep it apart from them.
BACKUP_ENCRYPTION_KEY = env("BACKUP_ENCRYPTION_KEY", "")

# --- Retention (scsp/audit/retention.py; README "Retention") ----------------------------------
#: Days access events are kept: 6 years. The database refuses to delete any less than a year
#: old (the PostgreSQL trigger), so shorter settings are refused here.
ACCESS_EVENTS_KEEP_DAYS = env_int("ACCESS_EVENTS_KEEP_DAYS", 6 * 365 + 2)
#: Days the sign-in records (django-axes attempts and log) are kept.
SIGN_IN_RECORDS_KEEP_DAYS = env_int("SIGN_IN_RECORDS_KEEP_DAYS", 90)
#: Days a generated quarterly report file (PDF / XLSX) is kept.
REPORT_EXPORT_KEEP_DAYS = env_int("REPORT_EXPORT_KEEP_DAYS", 7)
#: Days a spreadsheet uploaded for import is kept (imported or not): its rows are in the
#: records by then, and columns the import does not read are not kept for ever.
IMPORT_UPLOADS_KEEP_DAYS = env_int("IMPORT_UPLOADS_KEEP_DAYS", 30)
#: Form drafts kept after a session ended and uploads held across a form's errors are kept
#: for ``KEPT_WORK_MINUTES`` (above; scsp/kept_work.py), purged by the same job.
if ACCESS_EVENTS_KEEP_DAYS < 365:
    raise ImproperlyConfigured("ACCESS_EVENTS_KEEP_DAYS must be at least 365: the database "
                               "refuses to delete access events less than a year old.")

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Honoured only from a trusted proxy: scsp.proxy.TrustedProxyMiddleware drops the header
    # from any other request (TRUSTED_PROXY_COUNT / TRUSTED_PROXY_ADDRESSES).
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
    # Every line says which request it belongs to and from which address (scsp.request_log):
    # the "Reference" on an error page finds them.
    "filters": {"request_context": {"()": "scsp.request_log.RequestContextFilter"}},
    "formatters": {"plain": {
        "format": "%(asctime)s %(levelname)s %(name)s [req=%(request_id)s ip=%(client_ip)s] "
                  "%(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain",
                             "filters": ["request_context"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "INFO"},
        "scsp.security": {"level": "INFO"},
        # django-axes logs every attempt at INFO; scsp.security logs what matters.
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO (a line per page of a report).
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Demo data is refused against production unless forced.
DEMO_DATA_ALLOWED = not PRODUCTION
