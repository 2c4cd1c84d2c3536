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


@shared_task(name="actions.tasks.rescan_waiting_files_task")
def rescan_waiting_files_task() -> dict:
    """Scan again the uploaded files held as "waiting for scan"
    (``actions.services.files_rescan_waiting``)."""
    from actions.services import files_rescan_waiting

    result = files_rescan_waiting(now=timezone.now())
    return {"clean": result.clean, "infected": result.infected,
            "still_waiting": result.still_waiting,
            "scanner_unavailable": result.scanner_unavailable}
