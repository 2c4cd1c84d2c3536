"""The Celery app. Redis is the broker in production; without REDIS_URL tasks run eagerly.

The beat schedule lives in settings (CELERY_BEAT_SCHEDULE); run exactly one beat (``make beat``).
"""

import os

from celery import Celery
from celery.signals import task_failure

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scsp.settings")

app = Celery("scsp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _redbeat_settings(sender, **kwargs):
    """RedBeat asks whether its settings were given by their plain names (not Celery's
    ``CELERY_`` namespace) before trusting them: give the ones settings.py set that way too."""
    for key in ("redbeat_redis_url", "redbeat_redis_options", "redbeat_key_prefix",
                "redbeat_lock_timeout"):
        value = sender.conf.get(key)
        if value is not None:
            sender.conf[key] = value


@task_failure.connect(dispatch_uid="scsp.metrics.task_failed")
def _count_failure(sender=None, **kwargs):
    """Every failed task counts in /metrics (scsp/metrics.py)."""
    from scsp.metrics import task_failed

    task_failed(sender=sender, **kwargs)
