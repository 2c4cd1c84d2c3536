"""Production settings, security headers, session limits and the access/change logs."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from scsp.models import AccessEvent
from tests.factories import ThemeFactory
from tests.querycount import assert_flat, page_rows

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SCSP_ENV": "production",
    "DJANGO_SECRET_KEY": "x" * 20 + "-production-test-key-" + "y" * 30,
    "DJANGO_ALLOWED_HOSTS": "reviews.scsp.example",
    "DATABASE_URL": "postgres://scsp:secret@db.internal:5432/scsp",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "SITE_URL": "https://reviews.scsp.example",
    "AUDIT_CHAIN_KEY": "k" * 20 + "-production-chain-key-" + "z" * 20,
}


def run_manage(*args, env_overrides, unset=()):
    # manage.py's own settings module (the suite's, scsp.settings_test, would force test).
    env = {k: v for k, v in os.environ.items()
           if k not in unset and k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")
           and not k.startswith(("DATABASE_URL", "REDIS_URL"))}
    env.update(env_overrides)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_production_settings_pass_the_deploy_check_with_no_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING",
                        env_overrides=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_manage("check", env_overrides=env, unset=(missing,))
    assert result.returncode != 0
    assert missing in result.stderr


def test_seed_demo_refuses_production_unless_forced():
    result = run_manage("seed_demo", env_overrides=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "Refusing to load demo data" in result.stderr


@pytest.mark.django_db
def test_headers_on_html_pages(client, coordinator):
    for url in ["/accounts/sign-in/", "/healthz"]:
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
            assert directive in csp
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
    client.force_login(coordinator)
    response = client.get("/")
    assert "no-store" in response["Cache-Control"]
    assert "Access-Control-Allow-Origin" not in client.get("/", HTTP_ORIGIN="https://evil.example")


def test_production_cookies_and_hsts():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_NAME,"
        " s.CSRF_COOKIE_NAME, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " s.SESSION_COOKIE_HTTPONLY, s.DEBUG, s.CELERY_TASK_ALWAYS_EAGER)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="scsp.settings")
    result = subprocess.run([sys.executable, "-c", "import django; django.setup();" + code],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == [
        "True", "True", "__Host-sessionid", "__Host-csrftoken", "31536000", "True", "True",
        "False", "False"], result.stderr


def test_development_defaults_need_nothing_but_python(settings):
    # What `make run` gets with SCSP_ENV=development and nothing else: SQLite, eager Celery,
    # console e-mail, DEBUG on, a key that is not written in the code.
    code = ("from django.conf import settings as s;"
            "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND,"
            " s.DEBUG, len(s.SECRET_KEY) >= 50)")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DATABASE_URL", "REDIS_URL", "SCSP_ENV", "EMAIL_BACKEND",
                                "DJANGO_SECRET_KEY", "DJANGO_DEBUG"))}
    env.update(DJANGO_SETTINGS_MODULE="scsp.settings", SCSP_ENV="development")
    result = subprocess.run([sys.executable, "-c", "import django; django.setup();" + code],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == [
        "django.db.backends.sqlite3", "True", "django.core.mail.backends.console.EmailBackend",
        "True", "True"], result.stderr
    settings_source = (ROOT / "scsp" / "settings.py").read_text()
    assert "dev-only-insecure-key" not in settings_source


def test_without_scsp_env_manage_py_refuses_and_says_what_to_set():
    # No SCSP_ENV and no secrets: production settings, which refuse to start, in one line.
    env_names = ("SCSP_ENV", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DJANGO_DEBUG",
                 "DJANGO_SETTINGS_MODULE")
    result = run_manage("check", env_overrides={}, unset=env_names)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("SCSP Reviews cannot start: DJANGO_SECRET_KEY must be set")
    assert "SCSP_ENV=development" in result.stderr
    assert "SCSP_ENV is unset, so production settings apply" in result.stderr


def test_without_scsp_env_the_settings_are_production_s():
    # Given the production secrets but no SCSP_ENV: DEBUG off, secure cookies, HSTS.
    code = "from django.conf import settings as s; print(s.SCSP_ENV, s.DEBUG, s.SESSION_COOKIE_SECURE)"
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "SCSP_ENV", "DJANGO_DEBUG")}
    env.update({k: v for k, v in PRODUCTION_ENV.items() if k != "SCSP_ENV"},
               DJANGO_SETTINGS_MODULE="scsp.settings")
    result = subprocess.run([sys.executable, "-c", "import django; django.setup();" + code],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["production", "False", "True"], result.stderr


def test_the_suite_runs_with_the_test_settings(settings):
    # scsp.settings_test chose SCSP_ENV=test before pytest-django imported the settings, and
    # left it in the environment for the processes tests start.
    assert settings.SCSP_ENV == "test" and settings.TESTING
    assert os.environ["SCSP_ENV"] == "test"
    assert os.environ["DJANGO_SETTINGS_MODULE"] == "scsp.settings_test"


@pytest.mark.django_db
def test_session_key_changes_at_sign_in(client, wmp_officer):
    from tests.factories import PASSWORD

    client.get("/accounts/sign-in/")
    client.cookies["sessionid"] = "stale-session-key-chosen-by-attacker"
    client.post("/accounts/sign-in/", {"username": wmp_officer.email, "password": PASSWORD})
    assert client.session.session_key != "stale-session-key-chosen-by-attacker"


@pytest.mark.django_db
def test_idle_session_ends_on_the_server(client, wmp_officer, settings):
    client.force_login(wmp_officer)
    assert client.get("/").status_code == 200
    session = client.session
    session["_scsp_last_seen"] = time.time() - settings.SESSION_IDLE_TIMEOUT_SECONDS - 60
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
    assert client.get("/").status_code == 302  # and it stays signed out


@pytest.mark.django_db
def test_absolute_session_limit(client, wmp_officer, settings):
    client.force_login(wmp_officer)
    client.get("/")
    session = client.session
    session["_scsp_started"] = time.time() - settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS - 60
    session.save()
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_deactivation_ends_access_at_once(client, wmp_officer):
    client.force_login(wmp_officer)
    assert client.get("/").status_code == 200
    wmp_officer.is_active = False
    wmp_officer.save()
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_only_the_coordinator_edits_themes(client, coordinator, wmp_lead, scrutineer):
    theme = ThemeFactory(name="Neglect")
    for user in (wmp_lead, scrutineer):
        client.force_login(user)
        assert client.post(reverse("scsp:theme_create"), {"name": "New"}).status_code == 403
        assert client.post(reverse("scsp:theme_update", args=[theme.pk]),
                           {"name": "Changed"}).status_code == 403
    theme.refresh_from_db()
    assert theme.name == "Neglect"
    client.force_login(coordinator)
    response = client.post(reverse("scsp:theme_create"), {"name": "  neglect ", "active": "on"})
    assert response.status_code == 200
    assert "There is already a theme called “Neglect”" in response.content.decode()
    response = client.post(reverse("scsp:theme_update", args=[theme.pk]),
                           {"name": "Neglect and complex needs", "active": "on"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_change_history_shows_who_and_before_after(client, coordinator, scrutineer):
    client.force_login(coordinator)
    theme = ThemeFactory(name="Early help")
    client.post(reverse("scsp:theme_update", args=[theme.pk]),
                {"name": "Early help offer", "active": "on"})
    client.force_login(scrutineer)
    response = client.get(reverse("scsp:change_history"), {"record_type": "scsp.Theme"})
    body = response.content.decode()
    assert "Carol Coordinator" in body
    assert "Early help → Early help offer" in body


@pytest.mark.django_db
def test_access_log_lists_events_and_filters(client, coordinator, wmp_officer):
    from scsp.audit import record_access

    for i in range(25):
        record_access(user=wmp_officer, kind=AccessEvent.Kind.VIEW,
                      object_type="reviews.Case", object_id=str(i), label=f"SLPR-2026-{i:03d}")
    record_access(user=coordinator, kind=AccessEvent.Kind.FILE,
                  object_type="reviews.RapidReview", object_id="1", label="SLPR-2026-099")
    client.force_login(coordinator)
    response = client.get(reverse("scsp:access_log"))
    assert "SLPR-2026-024" in response.content.decode()
    response = client.get(reverse("scsp:access_log"), {"kind": "file"})
    body = response.content.decode()
    assert "SLPR-2026-099" in body and "SLPR-2026-024" not in body
    response = client.get(reverse("scsp:access_log"), {"since": "2026-12-01", "until": "2026-01-01"})
    assert "must be on or before" in response.content.decode()


@pytest.mark.template_context
@pytest.mark.django_db
def test_access_log_queries_do_not_grow(client, scrutineer, wmp_officer):
    from scsp.audit import record_access

    def make_rows(n):
        for i in range(n):
            record_access(user=wmp_officer, kind=AccessEvent.Kind.VIEW,
                          object_type="reviews.Case", object_id=str(i), label="SLPR-2026-001")

    client.force_login(scrutineer)
    assert_flat(client, reverse("scsp:access_log"), make_rows, most=12, expect_rows=page_rows,
                data={"kind": "view"})
