"""Celery tasks of the core. Tasks are thin: they take ids and call one service."""

from celery import shared_task


@shared_task(name="scsp.tasks.ping")
def ping(value: str = "pong") -> str:
    """A trivial task the integration tests use to prove a worker is consuming."""
    return value


@shared_task(name="scsp.tasks.send_reminder_task", acks_late=True)
def send_reminder_task(reminder_id: int) -> bool:
    """Send one queued notice (idempotent: the claim makes a redelivery a no-op)."""
    from scsp.emails import send_one

    return send_one(reminder_id)


@shared_task(name="scsp.tasks.send_pending_task")
def send_pending_task() -> int:
    """Send notices a web request queued while the broker was down, and retry failures."""
    from scsp.emails import send_pending

    return send_pending()
