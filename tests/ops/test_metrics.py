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
