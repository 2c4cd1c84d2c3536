"""The production path end to end: a real redis-server, a real Celery worker and beat, and a
real SMTP server on loopback. The digest arrives once, whatever beat does; with Redis stopped
the app keeps serving and the reminders go out when it returns."""

from __future__ import annotations

import datetime as dt
import email
import logging
import os
import socket
import subprocess
import sys
import time
from email import policy
from pathlib import Path

import pytest
from django.db import connection

from actions.models import ActionStatus
from scsp import emails
from scsp.models import Reminder
from tests.actions.factories import ActionFactory, PlanFactory
from tests.services import free_port, need

ROOT = Path(__file__).resolve().parents[2]
TUESDAY = dt.date(2026, 11, 17)

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


class Inbox:
    """An aiosmtpd server on loopback that keeps every message it accepts."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list[email.message.EmailMessage] = []
        inbox = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                inbox.messages.append(email.message_from_bytes(envelope.content,
                                                               policy=policy.default))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def to(self, address):
        return [m for m in self.messages if address in m["To"]]


def database_url() -> str:
    need("PostgreSQL", connection.vendor == "postgresql",
         "the worker process must share the test database; set DATABASE_URL to PostgreSQL")
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def process_env(redis_url: str, smtp_port: int, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="scsp.settings", DATABASE_URL=database_url(),
        REDIS_URL=redis_url, CELERY_TASK_ALWAYS_EAGER="0",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_port), EMAIL_USE_TLS="0",
        SITE_URL="https://reviews.scsp.example", **extra)
    return env


def start(args, env, log: Path):
    handle = log.open("w")
    proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "scsp", *args], cwd=ROOT,
                            env=env, stdout=handle, stderr=subprocess.STDOUT)
    return proc, handle


def stop(proc, handle):
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    handle.close()


def wait_for(predicate, seconds: float, what: str):
    """Poll ``predicate`` until it holds; fail after ``seconds`` (a generous deadline: it only
    bounds a hang, the test never waits for it when things work)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}")


def finished(log: Path, task: str) -> int:
    """How many runs of ``task`` the worker has logged as finished (its own log line)."""
    text = log.read_text() if log.exists() else ""
    return sum(1 for line in text.splitlines() if f"{task}[" in line and " succeeded in " in line)


SWEEP = "actions.tasks.send_reminders_task"
PENDING = "scsp.tasks.send_pending_task"


def test_worker_and_beat_deliver_each_digest_once(redis_url, tmp_path, coordinator, wmp_officer):
    plan = PlanFactory(reference="AP-2026-070", owner=coordinator, origin_reference="SLPR-2026-009")
    action = ActionFactory(plan=plan, number=1, lead_agency=wmp_officer.agency,
                           lead_officer=wmp_officer, target_date=dt.date(2026, 11, 10),
                           status=ActionStatus.IN_PROGRESS, title="Audit strategy meetings",
                           description="Child 9 was missed at three strategy meetings.")
    with Inbox() as inbox:
        env = process_env(redis_url, inbox.port, REMINDER_SCHEDULE_SECONDS="2",
                          REMINDER_BEAT_DATE=TUESDAY.isoformat())
        worker = start(["worker", "-P", "solo", "-l", "info", "--without-gossip",
                        "--without-mingle", "-n", f"reminders-{os.getpid()}@%h"],
                       env, tmp_path / "worker.log")
        beat = start(["beat", "-l", "info", "-s", str(tmp_path / "beat-schedule")],
                     env, tmp_path / "beat.log")
        worker_log = tmp_path / "worker.log"
        try:
            wait_for(lambda: inbox.to(wmp_officer.email), 90, "the digest")
            # Nothing more may arrive: wait until the worker has finished three more sweeps
            # (a sweep sends its digests itself, so once it is logged as finished anything it
            # would have sent is in the inbox); the one running when the digest came may be
            # among them, so at least two ran entirely afterwards.
            after = finished(worker_log, SWEEP)
            wait_for(lambda: finished(worker_log, SWEEP) >= after + 3, 90,
                     "three more sweeps after the digest")
        finally:
            stop(*beat)
            stop(*worker)
    beat_log = (tmp_path / "beat.log").read_text()
    assert beat_log.count(SWEEP) >= 3, beat_log
    assert finished(worker_log, SWEEP) >= 3
    (message,) = inbox.to(wmp_officer.email)
    (claim,) = Reminder.objects.filter(recipient=wmp_officer, kind=Reminder.Kind.DAILY_DIGEST)
    assert claim.status == Reminder.Status.SENT and claim.period == TUESDAY
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert action.reference in body and "Audit strategy meetings" in body
        assert "Child 9" not in body
        assert f"https://reviews.scsp.example/actions/{action.pk}/" in body
    assert message["Message-ID"].startswith("<reminder-")
    assert "your attention" in message["Subject"]


def test_redis_down_keeps_the_app_serving_and_reminders_follow(
    redis_url, tmp_path, client, settings, coordinator, wmp_officer, caplog
):
    """Stop Redis: a request that enqueues still succeeds (logged), /healthz says 503; start a
    Redis again: the sweep and a worker send the queued notice and the digest once."""
    from tests.services import RedisServer

    down = RedisServer().start()  # a Redis the app is using...
    settings.REDIS_URL = down.url
    assert client.get("/healthz").status_code == 200
    down.stop()  # ...is stopped while the app serves requests
    # Hold its port (bound, not listening: a connect is refused) so no other test's server can
    # start on it while this test expects nothing there.
    held = socket.socket()
    held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    held.bind(("127.0.0.1", down.port))
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from scsp.celery import app

    def point_broker_at(url):
        # Drop connections Celery pooled for the earlier broker, as a restarted web process would.
        app.conf.broker_url = url
        app._pool = None
        app.amqp._producer_pool = None

    point_broker_at(down.url)
    app.conf.task_always_eager = False
    try:
        plan = PlanFactory(reference="AP-2026-071", owner=coordinator)
        action = ActionFactory(plan=plan, number=1, lead_agency=wmp_officer.agency,
                               lead_officer=wmp_officer, target_date=dt.date(2026, 11, 10),
                               status=ActionStatus.AWAITING_SIGN_OFF, title="Update the policy")
        client.force_login(coordinator)
        with caplog.at_level(logging.WARNING, logger=emails.log.name):
            response = client.post(f"/actions/{action.pk}/return/", {
                "version": action.version, "reason": "Please attach the signed policy."})
        assert response.status_code == 302, response.content.decode()[:3000]
        assert response["Location"] == action.get_absolute_url(), response["Location"]
        action.refresh_from_db()
        assert action.status == ActionStatus.RETURNED
        state = (f"broker={app.conf.broker_url} eager={app.conf.task_always_eager} "
                 f"logged={[r.getMessage() for r in caplog.records]}")
        assert any("could not enqueue" in r.getMessage() for r in caplog.records
                   if r.name == emails.log.name), state
        notice = Reminder.objects.get(kind=Reminder.Kind.EVENT, recipient=wmp_officer)
        assert notice.status == Reminder.Status.PENDING
        assert client.get("/healthz").status_code == 503
    finally:
        app.conf.task_always_eager = True
        point_broker_at("memory://")
        held.close()
    with Inbox() as inbox:
        env = process_env(redis_url, inbox.port, REMINDER_SCHEDULE_SECONDS="2",
                          REMINDER_BEAT_DATE=TUESDAY.isoformat())
        worker = start(["worker", "-P", "solo", "-l", "info", "--without-gossip",
                        "--without-mingle", "-n", f"catchup-{os.getpid()}@%h", "-B",
                        "-s", str(tmp_path / "beat-schedule")], env, tmp_path / "worker.log")
        worker_log = tmp_path / "worker.log"

        def notice_sent():
            notice.refresh_from_db()
            return notice.status == Reminder.Status.SENT

        try:
            wait_for(lambda: len(inbox.to(wmp_officer.email)) >= 1, 90, "the queued notice")
            wait_for(notice_sent, 90, "the notice recorded as sent")
            wait_for(lambda: Reminder.objects.filter(
                recipient=wmp_officer, kind=Reminder.Kind.DAILY_DIGEST,
                status=Reminder.Status.SENT).exists(), 90, "the digest recorded as sent")
            # Nothing more may arrive: three more sweeps and pending-notice runs finish first.
            after = (finished(worker_log, SWEEP), finished(worker_log, PENDING))
            wait_for(lambda: finished(worker_log, SWEEP) >= after[0] + 3
                     and finished(worker_log, PENDING) >= after[1] + 3, 90,
                     "three more sweeps and pending-notice runs")
        finally:
            stop(*worker)
    subjects = sorted(m["Subject"] for m in inbox.to(wmp_officer.email))
    assert len(subjects) == len(set(subjects)), subjects
    assert any("returned" in s.lower() for s in subjects), subjects
    assert len(subjects) == Reminder.objects.filter(recipient=wmp_officer,
                                                    status=Reminder.Status.SENT).count()
    notice.refresh_from_db()
    assert notice.status == Reminder.Status.SENT
