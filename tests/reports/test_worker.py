"""The production path for a report download: the web request queues the export on a real
Redis and returns at once; a real Celery worker makes the PDF, recording its progress; the
waiting page's status answers "done" and the file downloads. Needs PostgreSQL (the worker must
share the test database) and redis-server: skipped locally, required in CI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection
from django.urls import reverse

from reports.models import ReportExport
from tests.reports.factories import QUARTER
from tests.services import need

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def database_url() -> str:
    need("PostgreSQL", connection.vendor == "postgresql",
         "the worker process must share the test database; set DATABASE_URL to PostgreSQL")
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def test_a_real_worker_makes_the_pdf_while_the_page_waits(redis_url, tmp_path, settings, client,
                                                          chair, action_world):
    from scsp.celery import app

    media = settings.STORAGES["default"]["OPTIONS"]["location"]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DJANGO_SETTINGS_MODULE="scsp.settings", DATABASE_URL=database_url(),
               REDIS_URL=redis_url, CELERY_TASK_ALWAYS_EAGER="0", PRIVATE_MEDIA_ROOT=media)
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "scsp", "worker", "-P", "solo", "-l", "info",
         "--without-gossip", "--without-mingle", "-n", f"reports-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    app.conf.broker_url, app.conf.task_always_eager = redis_url, False
    app._pool = None
    app.amqp._producer_pool = None
    try:
        client.force_login(chair)
        # The request only queues the work: making the file here would fail the test (the
        # worker is another process, so the stand-in does not reach it).
        made_here = mock.Mock(side_effect=AssertionError("the web request made the file"))
        with mock.patch("reports.services.export_generate", made_here):
            response = client.post(reverse("reports:export_create",
                                           kwargs={**QUARTER.url_kwargs(), "format": "pdf"}))
        assert response.status_code == 302 and not made_here.called
        export = ReportExport.objects.get()
        assert response["Location"] == export.get_absolute_url()
        status_url = reverse("reports:export_status", args=[export.pk])
        seen = set()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status = json.loads(client.get(status_url).content)
            seen.add(status["status"])
            if status["finished"]:
                break
            time.sleep(0.2)
        assert status["status"] == "done", (tmp_path / "worker.log").read_text()[-3000:]
        assert seen & {"queued", "running"}  # the page saw it waiting or being made
        download = client.get(status["download_url"])
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF")
        # The worker made it: its own log line, not the web process.
        assert "reports.tasks.export_generate_task" in (tmp_path / "worker.log").read_text()
    finally:
        app.conf.broker_url, app.conf.task_always_eager = "memory://", True
        app._pool = None
        app.amqp._producer_pool = None
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
