"""The Celery app. Redis is the broker in production; without REDIS_URL tasks run eagerly.

The beat schedule lives in settings (CELERY_BEAT_SCHEDULE); run exactly one beat (``make beat``).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scsp.settings")

app = Celery("scsp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
