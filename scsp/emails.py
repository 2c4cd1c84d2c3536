"""Sending e-mail exactly once per (recipient, kind, period, key): claim, then send.

**The guarantee: at least once, duplicates only inside a narrow, recognisable window.**

1. *Claim.* Before sending, a run takes the claim row for the message. A new row is inserted
   (the database's unique constraint on recipient, kind, period and key lets exactly one
   concurrent run win); an existing row is taken over only by a conditional UPDATE that matches
   the status, claim time and attempt count the run read, so two runs cannot both take it.
   A row can be taken over only when it is *pending* (queued by a web request), *failed* (the
   last send raised), or *claimed* longer ago than the lease (the worker that claimed it died).
2. *Send* through Django's e-mail backend, outside any transaction.
3. *Record* the result on the row: ``sent`` with the time, or ``failed`` with the error.

So two overlapping runs, or a re-run on the same day, send nothing twice; a failed send is
retried by the next run; a worker killed between claim and record leaves a claim that the next
run after the lease (``REMINDER_CLAIM_LEASE_MINUTES``, longer than any task's time limit)
sends again. The only duplicate possible is a worker killed *after* the mail server accepted the
message and *before* the row was marked sent; the message then carries the same ``Message-ID``
both times, so mail clients and people can see it is the same message. For safeguarding actions
a missed reminder is worse than that rare duplicate (SECURITY.md, decision E3).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from scsp.models import DeferredTask, Reminder, User

log = logging.getLogger(__name__)


def lease() -> dt.timedelta:
    return dt.timedelta(minutes=getattr(settings, "REMINDER_CLAIM_LEASE_MINUTES", 10))


@dataclass
class Draft:
    """A message a run wants to send: who, what kind, for which day, and its content."""

    recipient: User
    kind: str
    period: dt.date
    subject: str
    text_body: str
    html_body: str = ""
    item_count: int = 0
    key: str = ""


def render_message(template_base: str, context: dict) -> tuple[str, str]:
    """Render ``emails/<template_base>.txt`` and ``.html``; returns (text, html)."""
    context = {"site_url": settings.SITE_URL, **context}
    text = render_to_string(f"emails/{template_base}.txt", context)
    html = render_to_string(f"emails/{template_base}.html", context)
    return text, html


def _claimable(now: dt.datetime) -> Q:
    return (
        Q(status__in=[Reminder.Status.PENDING, Reminder.Status.FAILED])
        | Q(status=Reminder.Status.CLAIMED, claimed_at__lt=now - lease())
    )


def take_over(reminder: Reminder, *, now: dt.datetime, draft: Draft | None = None) -> bool:
    """Claim an existing row if it is pending, failed or stale. Returns True if this run won."""
    if reminder.status == Reminder.Status.SENT:
        return False
    updates = {"status": Reminder.Status.CLAIMED, "claimed_at": now,
               "attempts": F("attempts") + 1}
    if draft is not None:  # a retried digest carries today's content, not the failed one's
        updates.update(subject=draft.subject, text_body=draft.text_body,
                       html_body=draft.html_body, item_count=draft.item_count)
    won = Reminder.objects.filter(
        _claimable(now), pk=reminder.pk, status=reminder.status,
        claimed_at=reminder.claimed_at, attempts=reminder.attempts,
    ).update(**updates)
    if won:
        reminder.refresh_from_db()
    return bool(won)


def claim(draft: Draft, *, now: dt.datetime, existing: Reminder | None = None) -> Reminder | None:
    """Take the claim for ``draft``. Returns the claimed row, or None when another run holds it
    or it was already sent. ``existing`` is the row if the caller already fetched it."""
    if existing is None:
        try:
            with transaction.atomic():
                return Reminder.objects.create(
                    recipient=draft.recipient, kind=draft.kind, period=draft.period,
                    key=draft.key, subject=draft.subject, text_body=draft.text_body,
                    html_body=draft.html_body, item_count=draft.item_count,
                    status=Reminder.Status.CLAIMED, claimed_at=now, attempts=1,
                )
        except IntegrityError:
            existing = Reminder.objects.filter(
                recipient=draft.recipient, kind=draft.kind, period=draft.period, key=draft.key
            ).first()
            if existing is None:
                return None
    return existing if take_over(existing, now=now, draft=draft) else None


def deliver(reminder: Reminder) -> bool:
    """Send a claimed row and record the result. Returns True when the backend accepted it."""
    message = EmailMultiAlternatives(
        subject=reminder.subject,
        body=reminder.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reminder.recipient.email],
        headers={"Message-ID": reminder.message_id, "Auto-Submitted": "auto-generated",
                 "X-Auto-Response-Suppress": "All"},
    )
    if reminder.html_body:
        message.attach_alternative(reminder.html_body, "text/html")
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - any backend failure leaves it retryable
        Reminder.objects.filter(pk=reminder.pk, status=Reminder.Status.CLAIMED).update(
            status=Reminder.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        log.warning("reminder %s to user %s failed: %s", reminder.pk, reminder.recipient_id,
                    type(exc).__name__)
        return False
    Reminder.objects.filter(pk=reminder.pk).update(
        status=Reminder.Status.SENT, sent_at=timezone.now(), error=""
    )
    return True


def queue_notice(*, recipient: User, key: str, template: str, subject: str, context: dict,
                 today: dt.date) -> Reminder:
    """Record an event notice (an outbox row) in the caller's transaction and ask a worker to
    send it once the transaction commits. If the broker is down the row stays pending and the
    next sweep (``send_pending``) sends it. Returns the row."""
    text, html = render_message(template, {"recipient": recipient, **context})
    reminder, _created = Reminder.objects.get_or_create(
        recipient=recipient, kind=Reminder.Kind.EVENT, period=today, key=key[:100],
        defaults={"subject": subject[:200], "text_body": text, "html_body": html,
                  "item_count": 1},
    )
    from scsp.tasks import send_reminder_task

    enqueue_on_commit(send_reminder_task, reminder.pk)
    return reminder


def send_one(reminder_id: int, *, now: dt.datetime | None = None) -> bool:
    """Claim and send one queued row (what the worker does for a notice). Returns True if
    this call sent it."""
    now = now or timezone.now()
    reminder = Reminder.objects.select_related("recipient").filter(pk=reminder_id).first()
    if reminder is None or not take_over(reminder, now=now):
        return False
    return deliver(reminder)


def send_pending(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Send queued notices and retry failed or stale ones, oldest first. Returns how many
    were sent. Digests are retried by the reminder sweep itself, with fresh content."""
    now = now or timezone.now()
    rows = list(
        Reminder.objects.filter(_claimable(now), kind=Reminder.Kind.EVENT)
        .select_related("recipient").order_by("created_at")[:limit]
    )
    return sum(1 for r in rows if take_over(r, now=now) and deliver(r))


#: After a failed publish, the monotonic time before which this process does not try the
#: broker again (each try could wait on a connect timeout; the outbox keeps the work).
_broker_down_until = 0.0


def enqueue_on_commit(task, *args, keep: bool = False) -> None:
    """Publish ``task`` after the current transaction commits. A broker failure is logged, not
    raised: the web request that caused it still succeeds and the next sweep catches up. After
    a failure the process does not try again for ``BROKER_RETRY_SECONDS``.

    Notices need nothing more (their outbox row is already pending). A task with no row of its
    own (an account e-mail) passes ``keep=True``: when it cannot be published it is kept as a
    :class:`~scsp.models.DeferredTask` that the sweep runs once (:func:`run_deferred`)."""

    def publish():
        global _broker_down_until
        if time.monotonic() < _broker_down_until:
            log.warning("could not enqueue %s%r: the broker failed moments ago; the next "
                        "sweep will catch up", task.name, args)
            _keep()
            return
        try:
            task.apply_async(args=args, retry=False)
        except Exception:  # noqa: BLE001 - Redis down must never become a server error
            _broker_down_until = time.monotonic() + getattr(settings, "BROKER_RETRY_SECONDS", 10)
            log.warning("could not enqueue %s%r; the next sweep will catch up", task.name, args,
                        exc_info=True)
            _keep()

    def _keep():
        if not keep:
            return
        try:
            DeferredTask.objects.create(task=task.name, arguments=list(args))
        except Exception:  # noqa: BLE001 - the database failed too: nothing can be kept
            log.error("could not keep %s for later; it is lost", task.name, exc_info=True)

    transaction.on_commit(publish)


def deferred_keep_for() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "DEFERRED_TASK_KEEP_HOURS", 24))


def run_deferred(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Run the kept tasks once each, oldest first (the outbox sweep, in a worker). Each row is
    claimed by a conditional UPDATE, so two sweeps never run the same one; it is deleted once
    run, marked failed (and retried by the next sweep) if the task raised, and a claim older
    than the lease is taken to be a dead worker's. Rows older than ``DEFERRED_TASK_KEEP_HOURS``
    are dropped unsent. Returns how many ran."""
    from scsp.celery import app

    now = now or timezone.now()
    stale = DeferredTask.objects.filter(created_at__lt=now - deferred_keep_for())
    for row in stale:
        log.warning("dropped %s kept since %s: too old to send", row.task, row.created_at)
    stale.delete()
    claimable = (Q(status__in=[DeferredTask.Status.PENDING, DeferredTask.Status.FAILED])
                 | Q(status=DeferredTask.Status.CLAIMED, claimed_at__lt=now - lease()))
    ran = 0
    for row in list(DeferredTask.objects.filter(claimable)[:limit]):
        won = DeferredTask.objects.filter(
            claimable, pk=row.pk, status=row.status, attempts=row.attempts,
        ).update(status=DeferredTask.Status.CLAIMED, claimed_at=now,
                 attempts=F("attempts") + 1)
        if not won:
            continue
        task = app.tasks.get(row.task)
        if task is None:  # only the app's own tasks, never a name from elsewhere
            log.error("kept task %s is not known; dropped", row.task)
            DeferredTask.objects.filter(pk=row.pk).delete()
            continue
        try:
            task.run(*row.arguments)
        except Exception as exc:  # noqa: BLE001 - retried by the next sweep
            DeferredTask.objects.filter(pk=row.pk).update(
                status=DeferredTask.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
            log.warning("kept task %s failed: %s", row.task, type(exc).__name__)
            continue
        DeferredTask.objects.filter(pk=row.pk).delete()
        ran += 1
    return ran
