"""The production path: PostgreSQL, Redis, a real Celery worker, and /healthz."""

import os
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection

from tests.services import REQUIRE_SERVICES, need

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
@pytest.mark.django_db
def test_suite_database_is_postgresql_in_ci():
    need("PostgreSQL", connection.vendor == "postgresql",
         f"the suite is running on {connection.vendor}; set DATABASE_URL to run it on PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert cursor.fetchone()[0]


def test_ci_requires_services_flag_is_explicit(monkeypatch):
    """CI sets REQUIRE_SERVICES=1 for the whole suite, and with it a missing service fails its
    test instead of skipping it; without it the skip says loudly what is missing."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "\nexport REQUIRE_SERVICES=1\n" in script
    assert script.index("export REQUIRE_SERVICES=1") < script.index("make test")
    assert (os.environ.get("REQUIRE_SERVICES") == "1") is REQUIRE_SERVICES
    assert REQUIRE_SERVICES or os.environ.get("CI") != "true", "CI must set REQUIRE_SERVICES=1"

    import tests.services

    need("Redis", True, "start redis-server")  # available: nothing happens
    monkeypatch.setattr(tests.services, "REQUIRE_SERVICES", False)
    with pytest.raises(pytest.skip.Exception,
                       match=r"^\*\*\* Redis NOT AVAILABLE: start redis-server \*\*\*$"):
        need("Redis", False, "start redis-server")
    monkeypatch.setattr(tests.services, "REQUIRE_SERVICES", True)
    with pytest.raises(pytest.fail.Exception, match=r"REQUIRE_SERVICES=1, so this is a failure"):
        need("Redis", False, "start redis-server")


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\ndatabase: ok\nstorage: ok\n"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_503_when_database_is_down(client):
    broken = mock.MagicMock()
    broken.__enter__.side_effect = Exception("connection refused")
    with mock.patch("scsp.views.health.connection") as conn:
        conn.cursor.return_value = broken
        response = client.get("/healthz")
    assert response.status_code == 503
    assert b"database" in response.content
    assert b"Traceback" not in response.content


@pytest.mark.redis
@pytest.mark.django_db
def test_healthz_checks_redis_when_configured(client, settings, redis_url):
    settings.REDIS_URL = redis_url
    assert client.get("/healthz").status_code == 200
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"unavailable: redis\ndatabase: ok\nredis: down\nstorage: ok\n"


@pytest.mark.redis
def test_a_real_celery_worker_consumes_from_redis(redis_url, tmp_path):
    """Start `celery worker` as a separate process against a real Redis and run a task."""
    from celery import Celery

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(REDIS_URL=redis_url, CELERY_TASK_ALWAYS_EAGER="0",
               DJANGO_SETTINGS_MODULE="scsp.settings")
    log_file = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "scsp", "worker", "-P", "solo", "-l", "info",
         "--without-gossip", "--without-mingle", "-n", f"test-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
    )
    try:
        # Not the current app: shared tasks would follow it to this broker in every later test
        # of this process (they were published to Redis and never ran, not run eagerly).
        client = Celery(broker=redis_url, set_as_current=False)
        with client:
            client.send_task("scsp.tasks.ping", args=["hello from the test"])
        # Tasks keep no results (no result backend): the worker's own log line says it ran.
        deadline = time.monotonic() + 60
        while "succeeded" not in (tmp_path / "worker.log").read_text():
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        log_file.close()
    log = (tmp_path / "worker.log").read_text()
    assert "scsp.tasks.ping" in log and "'hello from the test'" in log


def test_each_xdist_worker_gets_a_redis_database_of_its_own():
    """Two pytest-xdist workers share CI's Redis: each takes its own database, so a Celery
    worker one test starts never takes the tasks of a test on the other."""
    from tests.conftest import worker_redis_url

    url = "redis://127.0.0.1:6390/0"
    assert worker_redis_url(url, worker="") == url  # one process: the URL as given
    assert worker_redis_url(url, worker="gw0") == "redis://127.0.0.1:6390/1"
    assert worker_redis_url(url, worker="gw1") == "redis://127.0.0.1:6390/2"
