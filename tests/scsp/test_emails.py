"""Claim, then send: exactly once per (recipient, kind, period, key), retried on failure."""

import datetime as dt
import threading
from unittest import mock

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from scsp import emails
from scsp.models import Reminder
from tests.services import need

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)


def draft(user, **kw):
    return emails.Draft(recipient=user, kind=Reminder.Kind.DAILY_DIGEST, period=TODAY,
                        subject="Your actions", text_body="AP-2026-001-01 due", **kw)


def test_a_claim_is_taken_once(wmp_officer):
    now = timezone.now()
    first = emails.claim(draft(wmp_officer), now=now)
    assert first is not None and first.status == Reminder.Status.CLAIMED
    assert emails.claim(draft(wmp_officer), now=now) is None
    assert Reminder.objects.count() == 1


def test_sent_is_never_sent_again(wmp_officer):
    now = timezone.now()
    emails.deliver(emails.claim(draft(wmp_officer), now=now))
    assert len(mail.outbox) == 1
    assert emails.claim(draft(wmp_officer), now=now + dt.timedelta(days=1)) is None
    assert Reminder.objects.get().status == Reminder.Status.SENT


def test_message_has_a_stable_message_id(wmp_officer):
    reminder = emails.claim(draft(wmp_officer), now=timezone.now())
    emails.deliver(reminder)
    assert mail.outbox[0].extra_headers["Message-ID"] == reminder.message_id
    assert mail.outbox[0].to == [wmp_officer.email]


def test_a_failed_send_is_recorded_and_retried(wmp_officer):
    now = timezone.now()
    reminder = emails.claim(draft(wmp_officer), now=now)
    with mock.patch("django.core.mail.EmailMultiAlternatives.send",
                    side_effect=ConnectionRefusedError("smtp down")):
        assert emails.deliver(reminder) is False
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.FAILED
    assert "smtp down" in reminder.error
    assert mail.outbox == []
    again = emails.claim(draft(wmp_officer), now=now + dt.timedelta(minutes=1))
    assert again is not None and again.attempts == 2
    assert emails.deliver(again)
    again.refresh_from_db()
    assert again.status == Reminder.Status.SENT and again.error == ""
    assert len(mail.outbox) == 1


def test_a_stale_claim_is_taken_over_but_a_fresh_one_is_not(wmp_officer, settings):
    now = timezone.now()
    emails.claim(draft(wmp_officer), now=now)  # a worker claims, then dies before sending
    assert emails.claim(draft(wmp_officer), now=now + dt.timedelta(minutes=1)) is None
    later = now + dt.timedelta(minutes=settings.REMINDER_CLAIM_LEASE_MINUTES + 1)
    taken = emails.claim(draft(wmp_officer), now=later)
    assert taken is not None
    emails.deliver(taken)
    assert len(mail.outbox) == 1


def test_the_database_refuses_a_second_row(wmp_officer):
    from django.db import IntegrityError

    emails.claim(draft(wmp_officer), now=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.bulk_create([Reminder(
            recipient=wmp_officer, kind=Reminder.Kind.DAILY_DIGEST, period=TODAY,
            subject="x", text_body="x")])


def test_notice_is_published_only_after_commit(wmp_officer, django_capture_on_commit_callbacks):
    with mock.patch("scsp.tasks.send_reminder_task.apply_async") as publish:
        with django_capture_on_commit_callbacks(execute=True):
            emails.queue_notice(recipient=wmp_officer, key="action:1:returned",
                                template="notice", subject="Returned", today=TODAY,
                                context={"heading": "Returned", "lines": ["AP-1-01"],
                                         "link_path": "/"})
        assert publish.call_count == 1
    with mock.patch("scsp.tasks.send_reminder_task.apply_async") as publish:
        with django_capture_on_commit_callbacks(execute=True), \
                pytest.raises(RuntimeError), transaction.atomic():
            emails.queue_notice(recipient=wmp_officer, key="action:2:returned",
                                template="notice", subject="Returned", today=TODAY,
                                context={"heading": "Returned", "lines": [], "link_path": "/"})
            raise RuntimeError("the rest of the save failed")
        assert publish.call_count == 0
    assert not Reminder.objects.filter(key="action:2:returned").exists()


def test_broker_down_is_logged_not_raised_and_the_sweep_catches_up(
    wmp_officer, django_capture_on_commit_callbacks, caplog
):
    with mock.patch("scsp.tasks.send_reminder_task.apply_async",
                    side_effect=ConnectionRefusedError("redis down")), \
            django_capture_on_commit_callbacks(execute=True):
        reminder = emails.queue_notice(
            recipient=wmp_officer, key="action:3:returned", template="notice",
            subject="Returned", today=TODAY,
            context={"heading": "Returned", "lines": ["AP-1-03"], "link_path": "/"})
    assert "could not enqueue" in caplog.text
    assert Reminder.objects.get(pk=reminder.pk).status == Reminder.Status.PENDING
    assert mail.outbox == []
    assert emails.send_pending() == 1
    assert emails.send_pending() == 0
    assert len(mail.outbox) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_once(wmp_officer):
    need("PostgreSQL", connection.vendor == "postgresql",
         "concurrent claims need real row locking; set DATABASE_URL to PostgreSQL")
    barrier = threading.Barrier(4)
    won = []

    def run():
        from django.db import connections

        try:
            barrier.wait()
            reminder = emails.claim(draft(wmp_officer), now=timezone.now())
            if reminder is not None:
                won.append(reminder.pk)
                emails.deliver(reminder)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 1
    assert len(mail.outbox) == 1
    assert Reminder.objects.count() == 1
