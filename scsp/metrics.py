"""``/metrics`` for the operator's Prometheus, answered only to ``METRICS_ALLOWED_ADDRESSES``
(default: the node itself, ``127.0.0.1`` and ``::1``); anyone else gets a 404. The address is
the trusted-proxy one (:func:`scsp.proxy.client_ip`), so a request that came in through nginx is
judged by the person's address, not nginx's (and the nginx site refuses ``/metrics`` too).

* Requests: latency and counts by view and status (django-prometheus's middleware). With more
  than one gunicorn worker set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory writable by
  the app (cleared at start) so the workers' counts are added up.
* Work waiting, read when scraped: notices in the outbox by status (pending, failed, ...),
  failed notices, and the Celery queue's length in Redis.
* Failed Celery tasks by task (``scsp_celery_task_failures_total``): Celery's ``task_failure``
  signal, in whichever worker ran the task, adds one to a counter in the shared cache (Redis in
  production), so every web node reports the same figure. A counter lost with Redis starts
  again from 0, which Prometheus reads as a counter reset.
* What other apps register at start-up (:func:`register`), e.g. failed report exports from
  ``reports``' ``ready()``: scsp depends on no higher app.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

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


@dataclass(frozen=True)
class Gauge:
    name: str
    documentation: str
    #: Returns a number, or ``{label value: number}`` when ``label`` is set.
    read: Callable[[], float | dict[str, float]]
    label: str | None = None


_gauges: dict[str, Gauge] = {}


def register(name: str, documentation: str, read, label: str | None = None) -> None:
    """A gauge read at each scrape (called from an app's ``ready()``). Registering a name
    again replaces it."""
    _gauges[name] = Gauge(name, documentation, read, label)


#: The cache key of a task's failure count.
FAILURES_KEY = "scsp:metrics:task-failures:{}"


def task_failed(sender=None, **kwargs) -> None:
    """Celery's ``task_failure`` signal: one more failure of ``sender``'s task. Never raises:
    a metric must not turn one failure into two."""
    name = getattr(sender, "name", None) or "unknown"
    key = FAILURES_KEY.format(name)
    try:
        try:
            cache.incr(key)
        except ValueError:  # the first failure of this task (or the count was lost)
            if not cache.add(key, 1, timeout=None):
                cache.incr(key)
    except Exception:  # noqa: BLE001 - the cache (Redis) is down: the count is lost, logged
        log.warning("could not count a failure of task %s", name)


def task_failures() -> dict[str, int]:
    """Failures counted so far, by task name (every task the Celery app knows)."""
    from scsp.celery import app

    names = sorted(n for n in app.tasks if not n.startswith("celery."))
    try:
        counts = cache.get_many([FAILURES_KEY.format(n) for n in names])
    except Exception:  # noqa: BLE001 - the cache is down: no figure rather than a wrong one
        return {}
    if not getattr(cache, "available", True):  # scsp.cache read a dead Redis as misses
        return {}
    return {n: int(counts.get(FAILURES_KEY.format(n)) or 0) for n in names}


class WorkCollector:
    """Gauges read from the database and Redis at each scrape."""

    def collect(self):
        yield from self.registered()
        failures = task_failures()
        if failures:
            counter = CounterMetricFamily("scsp_celery_task_failures",
                                          "Celery tasks that raised, by task", labels=["task"])
            for name, count in failures.items():
                counter.add_metric([name], count)
            yield counter
        yield from self.outbox()

    def registered(self):
        for gauge in _gauges.values():
            family = GaugeMetricFamily(gauge.name, gauge.documentation,
                                       labels=[gauge.label] if gauge.label else None)
            try:
                value = gauge.read()
            except Exception:  # noqa: BLE001 - one broken reading must not hide the rest
                log.exception("metric %s could not be read", gauge.name)
                continue
            if gauge.label:
                for label, number in value.items():
                    family.add_metric([label], number)
            else:
                family.add_metric([], value)
            yield family

    def outbox(self):
        from scsp.models import Reminder

        outbox = GaugeMetricFamily("scsp_outbox_notices", "Notices in the outbox by status",
                                   labels=["status"])
        for status in Reminder.Status:
            outbox.add_metric([status.value], Reminder.objects.filter(status=status).count())
        yield outbox
        from scsp.models import DeferredTask

        kept = GaugeMetricFamily("scsp_deferred_account_emails",
                                 "Password-reset and invitation e-mails kept while the queue "
                                 "was down, not yet sent")
        kept.add_metric([], DeferredTask.objects.count())
        yield kept
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
