"""``/metrics`` for the operator's Prometheus, answered only to ``METRICS_ALLOWED_ADDRESSES``
(default: the node itself, ``127.0.0.1`` and ``::1``); anyone else gets a 404. The address is
the trusted-proxy one (:func:`scsp.proxy.client_ip`), so a request that came in through nginx is
judged by the person's address, not nginx's (and the nginx site refuses ``/metrics`` too).

* Requests: latency and counts by view and status (django-prometheus's middleware). With more
  than one gunicorn worker set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory writable by
  the app (cleared at start) so the workers' counts are added up.
* Work waiting, read when scraped: notices in the outbox by status (pending, failed, ...),
  failed notices, and the Celery queue's length in Redis.
"""

from __future__ import annotations

import ipaddress
import logging
import os

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from scsp.proxy import client_ip

log = logging.getLogger(__name__)


def allowed(request) -> bool:
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False)
               for net in settings.METRICS_ALLOWED_ADDRESSES)


class WorkCollector:
    """Gauges read from the database and Redis at each scrape."""

    def collect(self):
        from scsp.models import Reminder

        outbox = GaugeMetricFamily("scsp_outbox_notices", "Notices in the outbox by status",
                                   labels=["status"])
        for status in Reminder.Status:
            outbox.add_metric([status.value], Reminder.objects.filter(status=status).count())
        yield outbox
        failed = GaugeMetricFamily("scsp_failed_notices",
                                   "Notices whose last send failed (retried by the sweep)")
        failed.add_metric([], Reminder.objects.filter(status=Reminder.Status.FAILED).count())
        yield failed
        queue = GaugeMetricFamily("scsp_celery_queue_length",
                                  "Tasks waiting in the Celery queue (-1: Redis unreachable)")
        queue.add_metric([], celery_queue_length())
        yield queue


def celery_queue_length() -> int:
    if not settings.REDIS_URL:
        return 0
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5,
                                      socket_timeout=0.5)
        return int(client.llen("celery"))
    except Exception:  # noqa: BLE001 - an outage is a value, not an error
        return -1


def exposition() -> bytes:
    """The requests' metrics (every worker's, with PROMETHEUS_MULTIPROC_DIR) and the work."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        requests = CollectorRegistry()
        multiprocess.MultiProcessCollector(requests)
    else:
        requests = REGISTRY
    work = CollectorRegistry()
    work.register(WorkCollector())
    return generate_latest(requests) + generate_latest(work)


@login_not_required
@require_safe
@never_cache
def metrics(request):
    if not allowed(request):
        raise Http404
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
