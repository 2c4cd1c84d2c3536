"""Celery tasks of the actions app: thin, taking ISO dates and ids."""

import datetime as dt

from celery import shared_task
from django.utils import timezone


@shared_task(name="actions.tasks.send_reminders_task")
def send_reminders_task(date_iso: str | None = None) -> dict:
    """The reminder sweep (``actions.reminders.run_sweep``) for today or ``date_iso``."""
    from actions.reminders import run_sweep

    today = dt.date.fromisoformat(date_iso) if date_iso else timezone.localdate()
    result = run_sweep(today=today)
    return {"date": today.isoformat(), "working_day": result.working_day,
            "messages": len(result.drafts), "sent": result.sent, "skipped": result.skipped,
            "failed": result.failed}
