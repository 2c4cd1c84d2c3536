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
    """Send notices a web request queued while the broker was down, and retry failures; run
    the account e-mails kept while it was down (``scsp.emails.run_deferred``)."""
    from scsp.emails import run_deferred, send_pending

    return send_pending() + run_deferred()


@shared_task(name="scsp.tasks.send_password_reset_task")
def send_password_reset_task(email: str) -> int:
    """E-mail a password-reset link to the active account with this address, if there is one.
    The token is made here, never stored; the web request only queued the address. Returns
    how many messages went (0 or 1)."""
    from scsp.accounts import send_password_reset

    return send_password_reset(email)


@shared_task(name="scsp.tasks.send_invitation_task")
def send_invitation_task(user_id: int) -> bool:
    """E-mail an invited person their set-password link (made here, never stored)."""
    from scsp.accounts import send_invitation_email

    return send_invitation_email(user_id)


@shared_task(name="scsp.tasks.retention_task")
def retention_task() -> dict:
    """Nightly: remove what is past its retention period (access events, sign-in records,
    report files, ...), keeping what concerns a case on legal hold (scsp.audit.retention)."""
    from scsp.audit.retention import run

    return run()


@shared_task(name="scsp.tasks.seal_refusals_task")
def seal_refusals_task() -> int:
    """Every few minutes: seal refusals folded per minute into the access log's chain."""
    from scsp.audit.refusals import seal_refusals

    return seal_refusals()
