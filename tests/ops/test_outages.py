"""Faults under a running app (gunicorn + PostgreSQL + Redis + Celery, the demo partnership):
Redis stopped, then PostgreSQL stopped, each brought back without restarting anything.

* Redis down: every page and form answers within 2 s with no 5xx; the changes are saved and
  their notices wait in the outbox; once Redis is back a worker and beat send each notice once.
* PostgreSQL down: a styled 503 with ``Retry-After`` and the request's ID, saying nothing was
  saved; the same session works again once PostgreSQL is back.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from tests.ops.servers import (
    FixedPortRedis,
    PostgresServer,
    app_env,
    celery,
    fetch,
    gunicorn,
    manage,
    session_for,
    wait_until,
)

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

#: Links the crawl does not follow: downloads and feeds (files, not pages), signing out.
SKIP = re.compile(r"logout|sign-out|\.ics|/export|download|/pdf|xlsx|csv|print=|/admin/|/static/"
                  r"|/evidence/|/files/|/briefing")
LIMIT_SECONDS = 2.0
LONDON = ZoneInfo("Europe/London")


def query(env, code: str):
    """Run ``code`` (which sets ``result``) in the app's database; returns ``result``."""
    script = code + "\nimport json as _j; print(_j.dumps(result, default=str))"
    return json.loads(manage(env, "shell", "-c", script).strip().splitlines()[-1])


@pytest.fixture(scope="module")
def stack(tmp_path_factory, migrate):
    tmp = tmp_path_factory.mktemp("outages")
    pg = PostgresServer().start()
    redis = FixedPortRedis().start()
    pg.createdb()
    env = app_env(pg.url(), redis.url, tmp / "media")
    web = None
    try:
        migrate(env)
        manage(env, "seed_demo")
        web, base = gunicorn(env, tmp / "gunicorn.log")
        yield {"pg": pg, "redis": redis, "env": env, "base": base, "tmp": tmp, "web": web}
    finally:
        if web:
            web.stop()
        redis.destroy()
        pg.destroy()


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/") and not SKIP.search(href):
            self.links.append(href.split("#")[0])


def crawl(base: str, session: str, start: str = "/", limit: int = 60):
    """Every page reachable from ``start`` (up to ``limit``), each fetched once."""
    seen, queue, answers = set(), [start], []
    while queue and len(answers) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        answer = fetch(base + path, session=session)
        answers.append(answer)
        if answer.status == 200 and "text/html" in (answer.headers.get("Content-Type") or ""):
            parser = Links()
            parser.feed(answer.body)
            queue.extend(link for link in parser.links if link not in seen)
    return answers


def hidden(body: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', body)
    assert match, f"no {name} on the page"
    return match.group(1)


def test_redis_down_every_page_and_form_answers_quickly_and_notices_go_once_it_is_back(stack):
    env, base, redis = stack["env"], stack["base"], stack["redis"]
    coordinator = session_for(env, "coordinator@scsp.example")
    officer = session_for(env, "officer.wmp@scsp.example")
    action = query(env, (
        "from actions.models import Action\n"
        "a = Action.objects.filter(lead_officer__email='officer.wmp@scsp.example',"
        " status__in=['in_progress', 'not_started']).order_by('pk').first()\n"
        "result = a.pk"))
    assert fetch(base + "/healthz").status == 200

    redis.stop()
    health = fetch(base + "/healthz")
    assert health.status == 503 and "redis: down" in health.body and "database: ok" in health.body

    # Every page the co-ordinator can reach (lists, plans, actions, reviews, audits, reports,
    # including a finished quarter's report, whose figures are cached when Redis is up).
    pages = crawl(base, coordinator, limit=80)
    today = dt.datetime.now(tz=LONDON).date()
    year = today.year - (1 if today.month >= 4 else 2)  # the last finished financial year
    finished = fetch(f"{base}/reports/quarterly/{year}-{(year + 1) % 100:02d}/q4/",
                     session=coordinator)
    assert finished.status == 200
    pages.append(finished)
    assert len(pages) >= 30
    slow_or_failed = [(p.url, p.status, round(p.seconds, 2)) for p in pages
                      if p.status >= 500 or p.seconds >= LIMIT_SECONDS]
    assert slow_or_failed == []

    # Forms: a progress update, then marking complete (notices to every co-ordinator).
    page = fetch(f"{base}/actions/{action}/progress/", session=officer)
    assert page.status == 200
    saved = fetch(f"{base}/actions/{action}/progress/", session=officer, data={
        "note": "Briefed the team while the queue was down.", "status": "",
        "version": hidden(page.body, "version")})
    assert saved.status == 302 and saved.seconds < LIMIT_SECONDS
    page = fetch(f"{base}/actions/{action}/complete/", session=officer)
    done = fetch(f"{base}/actions/{action}/complete/", session=officer, data={
        "completion_evidence": "The audit found every strategy meeting minuted.",
        "completed_on": dt.datetime.now(tz=LONDON).date().isoformat(), "note": "",
        "version": hidden(page.body, "version")})
    assert done.status == 302 and done.seconds < LIMIT_SECONDS
    reset = fetch(f"{base}/accounts/password/reset/", data={"email": "chair@scsp.example"})
    assert reset.status == 302 and reset.seconds < LIMIT_SECONDS  # the usual answer
    assert reset.headers["Location"] == "/accounts/password/reset/sent/"
    kept = query(env, "from scsp.models import DeferredTask\n"
                      "result = list(DeferredTask.objects.values_list('task', 'arguments'))")
    assert kept == [["scsp.tasks.send_password_reset_task", ["chair@scsp.example"]]]

    outbox = query(env, (
        "from scsp.models import Reminder\n"
        f"rows = Reminder.objects.filter(kind='event', key__startswith='action:{action}:')\n"
        "result = [[r.pk, r.status, r.message_id] for r in rows]"))
    assert outbox and {status for _pk, status, _mid in outbox} == {"pending"}
    status = query(env, f"from actions.models import Action\nresult = Action.objects.get(pk={action}).status")
    assert status == "awaiting_sign_off"

    # Redis back: a worker and beat (the pending-notice sweep every 2 s) send each notice once.
    from tests.reminders.test_integration import Inbox

    redis.start()
    with Inbox() as inbox:
        worker_env = {**env, "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                      "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(inbox.port),
                      "EMAIL_USE_TLS": "0", "REMINDER_SCHEDULE_SECONDS": "2"}
        tmp = stack["tmp"]
        worker = celery(worker_env, tmp / "worker.log", "worker", "-P", "solo", "-l", "info",
                        "--without-gossip", "--without-mingle", "-n", "outages@%h")
        beat = celery(worker_env, tmp / "beat.log", "beat", "-l", "info", "-s",
                      str(tmp / "beat-schedule"))
        try:
            ids = {mid for _pk, _status, mid in outbox}

            def delivered():
                return {m["Message-ID"] for m in inbox.messages} >= ids
            wait_until(delivered, 90, "the queued notices")
            wait_until(lambda: resets(inbox), 60, "the password reset asked for meanwhile")
            sweeps = worker.text().count("send_pending_task[")
            wait_until(lambda: worker.text().count("send_pending_task[") >= sweeps + 6, 60,
                       "three more pending-notice sweeps")
        finally:
            beat.stop()
            worker.stop()
    counts = Counter(m["Message-ID"] for m in inbox.messages if m["Message-ID"] in ids)
    assert counts == dict.fromkeys(ids, 1), worker.text()[-3000:]
    assert len(resets(inbox)) == 1  # once, and the kept request is gone
    assert query(env, "from scsp.models import DeferredTask\n"
                      "result = DeferredTask.objects.count()") == 0
    assert fetch(base + "/healthz").status == 200
    assert fetch(base + "/", session=coordinator).status == 200
    access = [line for line in stack["web"].text().splitlines() if '" 5' in line and "HTTP/1" in line]
    assert [line for line in access if "/healthz" not in line] == []  # no 5xx but /healthz's


def resets(inbox) -> list:
    return [m for m in inbox.messages if "chair@scsp.example" in m["To"]
            and "/accounts/password/reset/" in m.get_body(("plain",)).get_content()]


def test_postgres_down_is_an_honest_503_and_the_app_recovers_without_a_restart(stack):
    env, base, pg = stack["env"], stack["base"], stack["pg"]
    officer = session_for(env, "officer.wmp@scsp.example")
    action = query(env, (
        "from actions.models import Action\n"
        "a = Action.objects.filter(lead_officer__email='officer.wmp@scsp.example',"
        " status__in=['in_progress', 'not_started', 'awaiting_sign_off']).order_by('-pk').first()\n"
        "result = a.pk"))
    page = fetch(f"{base}/actions/{action}/progress/", session=officer)
    assert page.status == 200
    version = hidden(page.body, "version")

    pg.stop()
    try:
        answers = [fetch(base + path, session=officer)
                   for path in ("/", "/actions/mine/", f"/actions/{action}/", "/accounts/sign-in/")]
        answers.append(fetch(f"{base}/actions/{action}/progress/", session=officer, data={
            "note": "Sent while the database was down.", "status": "", "version": version}))
        for answer in answers:
            assert answer.status == 503, (answer.url, answer.status, answer.body[:500])
            assert answer.headers["Retry-After"] == "30"
            assert "The service is unavailable" in answer.body
            assert "nothing you submitted was saved" in answer.body
            assert answer.headers["X-Request-ID"] in answer.body
            assert "Traceback" not in answer.body and "OperationalError" not in answer.body
            assert answer.seconds < 5
        health = fetch(base + "/healthz")
        assert health.status == 503 and "database: down" in health.body
    finally:
        pg.start()

    # Nothing restarted: the same gunicorn and session carry on, and the update saves now.
    wait_until(lambda: fetch(base + "/healthz").status == 200, 30, "the app to see the database")
    assert fetch(base + "/", session=officer).status == 200
    saved = fetch(f"{base}/actions/{action}/progress/", session=officer, data={
        "note": "Sent after the database came back.", "status": "", "version": version})
    assert saved.status == 302
    notes = query(env, (
        "from actions.models import ProgressUpdate\n"
        f"result = list(ProgressUpdate.objects.filter(action_id={action}).values_list('note', flat=True))"))
    assert "Sent after the database came back." in notes
    assert "Sent while the database was down." not in notes
