"""Two gunicorn nodes on loopback behind nginx (Debian's package, deploy/nginx/scsp.conf with a
self-signed certificate), sharing PostgreSQL, Redis and an S3-compatible object store (moto's
server, ``STORAGE_BACKEND=s3``): a session goes on on
either node, a file uploaded through one downloads through the other, and the client address
the app records is the one nginx saw, never one the client wrote in ``X-Forwarded-For``; and
with a beat started on each node, exactly one schedules (RedBeat's lock in Redis), the other
waits and takes over when the first stops."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import ssl
from pathlib import Path

import pytest

from tests.actions import files
from tests.ops.servers import (
    CSRF,
    FixedPortRedis,
    PostgresServer,
    Process,
    app_env,
    celery,
    fetch,
    gunicorn,
    manage,
    session_for,
    wait_until,
)
from tests.ops.test_deploy import SITE, nginx_conf
from tests.services import free_port, need

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.s3]


def query(env, code):
    script = code + "\nimport json as _j; print(_j.dumps(result, default=str))"
    return json.loads(manage(env, "shell", "-c", script).strip().splitlines()[-1])


def from_address(source: str, port: int, path: str, session: str, headers=None):
    """A GET over TLS to nginx from ``source`` (another loopback address)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=30,
                                       source_address=(source, 0))
    conn.request("GET", path, headers={"Host": "127.0.0.1",
                                       "Cookie": f"sessionid={session}; csrftoken={CSRF}",
                                       **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def test_two_nodes_behind_nginx(tmp_path, moto_s3, migrate):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    need("nginx", Path(nginx).exists(), "apt-get install nginx")
    pg = PostgresServer().start()
    redis = FixedPortRedis().start()
    procs = []
    try:
        pg.createdb()
        bucket = moto_s3.new_bucket()
        env = app_env(pg.url(), redis.url, tmp_path / "media", TRUSTED_PROXY_COUNT="1",
                      DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost", **moto_s3.environment(bucket))
        migrate(env)
        manage(env, "seed_demo")
        node_a, base_a = gunicorn(env, tmp_path / "a.log", workers=1)
        procs.append(node_a)
        node_b, base_b = gunicorn(env, tmp_path / "b.log", workers=1)
        procs.append(node_b)
        port = free_port()
        site = SITE.replace("server 127.0.0.1:8000 max_fails=2 fail_timeout=10s;",
                            f"server {base_a[7:]}; server {base_b[7:]};")
        site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{port} ssl http2;")
        site = site.replace("listen [::]:443 ssl http2;", "")
        site = re.sub(r"listen 80;\s*listen \[::\]:80;", f"listen 127.0.0.1:{free_port()};", site)
        conf = nginx_conf(tmp_path, site)
        text = conf.read_text().replace("pid ", "user root;\ndaemon off;\npid ", 1)
        conf.write_text(text)
        proxy = Process([nginx, "-c", str(conf), "-p", str(tmp_path)], env, tmp_path / "nginx.out")
        procs.append(proxy)
        base = f"https://127.0.0.1:{port}"
        wait_until(lambda: fetch(base + "/healthz").status == 200, 30, "nginx")

        # One session, both nodes: directly, then through nginx (round robin).
        session = session_for(env, "officer.wmp@scsp.example")
        for node in (base_a, base_b):
            page = fetch(node + "/", session=session)
            assert page.status == 200 and "Sign out" in page.body
        answers = [fetch(base + "/actions/mine/", session=session) for _ in range(6)]
        assert [a.status for a in answers] == [200] * 6
        assert answers[0].headers.get_all("Strict-Transport-Security") == [
            "max-age=31536000; includeSubDomains; preload"]  # nginx's, once
        assert "/actions/mine/" in node_a.text() and "/actions/mine/" in node_b.text()

        # A file uploaded through node A downloads through node B.
        action = query(env, (
            "from actions.models import Action\n"
            "result = Action.objects.filter(lead_officer__email='officer.wmp@scsp.example',"
            " status__in=['in_progress', 'not_started']).order_by('pk').first().pk"))
        form = fetch(f"{base_a}/actions/{action}/progress/", session=session)
        version = re.search(r'name="version" value="(\d+)"', form.body).group(1)
        pdf = files.pdf()
        saved = fetch(f"{base_a}/actions/{action}/progress/", session=session,
                      data={"note": "Audit attached.", "status": "", "version": version},
                      files={"files": ("audit.pdf", pdf, "application/pdf")})
        assert saved.status == 302, saved.body[:2000]
        evidence = query(env, (
            "from actions.models import Evidence\n"
            f"result = Evidence.objects.filter(action_id={action}).latest('pk').pk"))
        download = fetch(f"{base_b}/actions/evidence/{evidence}/", session=session)
        assert download.status == 200
        name = query(env, ("from actions.models import Evidence\n"
                           f"result = Evidence.objects.get(pk={evidence}).file.name"))
        stored = moto_s3.client().get_object(Bucket=bucket, Key=name)["Body"].read()
        assert stored == pdf and not (tmp_path / "media").exists()  # in the bucket, nowhere else

        # Through nginx from 127.0.0.2 with a forged header: the app records 127.0.0.2.
        status, body = from_address("127.0.0.2", port, f"/actions/evidence/{evidence}/", session,
                                    {"X-Forwarded-For": "203.0.113.9"})
        assert status == 200 and body == pdf
        recorded = query(env, (
            "from scsp.models import AccessEvent\n"
            f"result = [e.ip_address for e in AccessEvent.objects.filter(object_id='{evidence}',"
            " kind='file').order_by('pk')]"))
        assert recorded[-1] == "127.0.0.2" and "203.0.113.9" not in recorded

        exactly_one_beat(env, redis.url, tmp_path, procs)
    finally:
        for proc in reversed(procs):
            proc.stop()
        redis.destroy()
        pg.destroy()


SENT = "Scheduler: Sending due task"


def queued(redis_url: str) -> int:
    """Messages waiting in Celery's queues in Redis (no worker runs here to take them)."""
    import redis as redis_client

    client = redis_client.Redis.from_url(redis_url)
    return sum(client.llen(key) for key in client.scan_iter("celery*")
               if client.type(key) == b"list")


def exactly_one_beat(env, redis_url, tmp_path, procs):
    """A beat on each node (the outbox sweep due every second): only the lock holder sends,
    and every message in the queue was sent by it; stopped, the standby takes over."""
    beat_env = {**env, "REMINDER_SCHEDULE_SECONDS": "1", "BEAT_LOCK_TIMEOUT_SECONDS": "5"}
    before = queued(redis_url)  # what the pages above queued (no worker runs here)
    beat_a = celery(beat_env, tmp_path / "beat-a.log", "beat", "-l", "info")
    procs.append(beat_a)
    wait_until(lambda: "Acquired lock" in beat_a.text() and SENT in beat_a.text(), 60,
               "node A's beat to take the lock and schedule")
    beat_b = celery(beat_env, tmp_path / "beat-b.log", "beat", "-l", "info")
    procs.append(beat_b)
    wait_until(lambda: "beat: Starting" in beat_b.text(), 60, "node B's beat to start")
    sent_a = beat_a.text().count(SENT)
    wait_until(lambda: beat_a.text().count(SENT) >= sent_a + 4, 30, "node A to go on scheduling")
    assert SENT not in beat_b.text() and "Acquired lock" not in beat_b.text()
    # Every queued message is one A logged (it logs just before sending: one may be in flight).
    logged = beat_a.text().count(SENT)
    assert logged - 1 <= queued(redis_url) - before <= beat_a.text().count(SENT)

    beat_a.stop()  # stopped: it releases the lock, and the standby takes over
    assert "Releasing lock" in beat_a.text()
    wait_until(lambda: "Acquired lock" in beat_b.text() and beat_b.text().count(SENT) >= 2, 30,
               "node B's beat to take over")
    beat_b.stop()
    assert queued(redis_url) - before == beat_a.text().count(SENT) + beat_b.text().count(SENT)
