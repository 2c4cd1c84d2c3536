"""``/metrics``: request latency and counts, the outbox and the Celery queue, only for the
allow-listed addresses (judged after the trusted proxy, so nginx's own address does not count)."""

from __future__ import annotations

import datetime as dt

import pytest

from scsp.models import Reminder

pytestmark = pytest.mark.django_db


def test_metrics_for_an_allowed_address(client, wmp_officer):
    Reminder.objects.create(recipient=wmp_officer, kind=Reminder.Kind.EVENT,
                            period=dt.date(2026, 11, 27), key="a", subject="s", text_body="t")
    client.get("/healthz")
    response = client.get("/metrics")  # the test client is 127.0.0.1, allowed by default
    text = response.content.decode()
    assert response.status_code == 200
    assert 'scsp_outbox_notices{status="pending"} 1.0' in text
    assert "scsp_failed_notices 0.0" in text
    assert "scsp_deferred_account_emails 0.0" in text
    assert "scsp_celery_queue_length 0.0" in text  # no Redis configured: nothing queued
    assert "django_http_requests_latency_seconds_by_view_method" in text
    assert "django_http_responses_total_by_status_total" in text


def test_metrics_refused_elsewhere_and_through_the_proxy(client, settings):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404
    settings.METRICS_ALLOWED_ADDRESSES = ["10.0.0.0/24"]
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.7").status_code == 200
    assert client.get("/metrics").status_code == 404
    # Through one trusted proxy on the allowed network, the person's address is what counts.
    settings.TRUSTED_PROXY_COUNT = 1
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.7",
                      HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 404


@pytest.mark.redis
def test_the_celery_queue_length_is_read_from_redis(client, settings, redis_url):
    import redis

    settings.REDIS_URL = redis_url
    queue = redis.Redis.from_url(redis_url)
    queue.delete("celery")
    queue.rpush("celery", "a", "b")
    try:
        assert "scsp_celery_queue_length 2.0" in client.get("/metrics").content.decode()
    finally:
        queue.delete("celery")
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    assert "scsp_celery_queue_length -1.0" in client.get("/metrics").content.decode()


def test_failed_tasks_are_counted_by_task(client, monkeypatch):
    from scsp.celery import app
    from scsp.tasks import ping

    def boom(*args, **kwargs):
        raise RuntimeError("the task failed")

    # As a worker runs a task: a failure is recorded (task_failure sent), not raised. (Eager
    # tasks that propagate their errors, as the tests' and development's do, send no signal.)
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)
    before = client.get("/metrics").content.decode()
    assert 'scsp_celery_task_failures_total{task="scsp.tasks.ping"} 0.0' in before
    assert ping.apply(("x",)).get() == "x"  # a task that works counts nothing
    monkeypatch.setattr(ping, "run", boom)
    for _ in range(2):
        assert ping.apply().failed()
    text = client.get("/metrics").content.decode()
    assert 'scsp_celery_task_failures_total{task="scsp.tasks.ping"} 2.0' in text
    assert 'scsp_celery_task_failures_total{task="scsp.tasks.send_pending_task"} 0.0' in text
    assert "# TYPE scsp_celery_task_failures_total counter" in text


@pytest.mark.redis
def test_task_failures_are_counted_in_redis_for_every_node_and_an_outage_hides_them(
        client, settings, redis_url):
    from django.core.cache import caches

    from scsp.metrics import FAILURES_KEY, task_failed
    from scsp.tasks import ping

    settings.CACHES = {"default": {"BACKEND": "scsp.cache.OptionalRedisCache",
                                   "LOCATION": redis_url}}
    caches["default"].delete(FAILURES_KEY.format(ping.name))
    task_failed(sender=ping)  # as a worker on another machine would
    task_failed(sender=ping)
    text = client.get("/metrics").content.decode()
    assert 'scsp_celery_task_failures_total{task="scsp.tasks.ping"} 2.0' in text
    caches["default"].delete(FAILURES_KEY.format(ping.name))

    settings.CACHES = {"default": {"BACKEND": "scsp.cache.OptionalRedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    task_failed(sender=ping)  # Redis down: lost (and logged), never an error
    response = client.get("/metrics")
    assert response.status_code == 200
    assert "scsp_celery_task_failures_total" not in response.content.decode()


def test_report_exports_by_status_and_the_failed_ones(client, chair):
    from reports.models import ReportExport
    from tests.reports.factories import QUARTER

    def export(status):
        return ReportExport.objects.create(requested_by=chair, year=QUARTER.year,
                                           quarter=QUARTER.number, format="pdf", status=status)

    text = client.get("/metrics").content.decode()
    assert "scsp_failed_report_exports 0.0" in text
    export("failed"), export("failed"), export("running"), export("queued")
    text = client.get("/metrics").content.decode()
    assert "scsp_failed_report_exports 2.0" in text
    for status, count in (("queued", 1), ("running", 1), ("done", 0), ("failed", 2)):
        assert f'scsp_report_exports{{status="{status}"}} {count}.0' in text
