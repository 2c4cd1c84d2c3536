"""Password-reset and invitation e-mails asked for while the task queue (Redis) cannot be
reached: the person sees the usual answer, the request is kept as a ``DeferredTask`` (never
the link's token), and the outbox sweep sends it once when the queue is back.

The broker here is really unreachable: Celery publishes to a Redis URL where nothing listens
(as with Redis stopped; tests/reminders/test_integration.py does it with a real redis-server
stopped under the app and a real worker and beat sending afterwards)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from scsp import emails
from scsp.models import DeferredTask, Role
from scsp.services import invite_person
from scsp.tasks import send_pending_task
from tests.services import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_unreachable():
    """A context manager: inside it, Celery really publishes (not eagerly) to a Redis nobody
    answers on."""
    import contextlib

    from scsp.celery import app

    def point_broker_at(url):  # drop pooled connections, as a restarted process would
        app.conf.broker_url = url
        app._pool = None
        app.amqp._producer_pool = None

    @contextlib.contextmanager
    def down():
        before = app.conf.broker_url
        emails._broker_down_until = 0.0
        point_broker_at(f"redis://127.0.0.1:{free_port()}/0")
        app.conf.task_always_eager = False
        try:
            yield
        finally:
            app.conf.task_always_eager = True
            point_broker_at(before)

    return down


def ask_for_reset(client, email):
    return client.post(reverse("scsp:password_reset"), {"email": email}, REMOTE_ADDR="10.0.0.9")


def test_a_reset_asked_for_while_the_queue_is_down_is_kept_and_sent_once(
        client, wmp_officer, broker_unreachable, django_capture_on_commit_callbacks, settings,
        caplog):
    settings.SITE_URL = "https://reviews.scsp.example"
    with django_capture_on_commit_callbacks(execute=True):
        usual = ask_for_reset(client, "nobody@scsp.test")  # the queue is up (eager here)
    assert DeferredTask.objects.count() == 0

    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        started = timezone.now()
        response = ask_for_reset(client, wmp_officer.email)
        seconds = (timezone.now() - started).total_seconds()
    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        unknown = ask_for_reset(client, "nobody@scsp.test")
    # The person sees what they always see, at once; nothing was sent yet.
    for answer in (response, unknown):
        assert (answer.status_code, answer["Location"]) == (usual.status_code, usual["Location"])
    assert seconds < 2 and mail.outbox == []
    assert "could not enqueue scsp.tasks.send_password_reset_task" in caplog.text
    kept = list(DeferredTask.objects.values_list("task", "arguments", "status"))
    assert kept == [("scsp.tasks.send_password_reset_task", [wmp_officer.email], "pending"),
                    ("scsp.tasks.send_password_reset_task", ["nobody@scsp.test"], "pending")]

    # The queue is back: the sweep (beat's send_pending_task, in a worker) sends it once.
    assert send_pending_task() == 2  # both run; only the known address gets a message
    assert [m.to for m in mail.outbox] == [[wmp_officer.email]]
    link = re.search(r"https://reviews\.scsp\.example(/accounts/password/reset/\S+)",
                     mail.outbox[0].body).group(1)
    assert client.get(link, follow=True).status_code == 200
    assert not DeferredTask.objects.exists()
    assert send_pending_task() == 0 and len(mail.outbox) == 1


def test_an_invitation_while_the_queue_is_down_is_kept_and_sent_once(
        broker_unreachable, coordinator, wmp, django_capture_on_commit_callbacks):
    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        person = invite_person(by=coordinator, full_name="Nina New", email="nina@wmp.test",
                               agency=wmp, role=Role.AGENCY_OFFICER)
    row = DeferredTask.objects.get()
    assert (row.task, row.arguments) == ("scsp.tasks.send_invitation_task", [person.pk])
    assert mail.outbox == []
    assert send_pending_task() == 1
    [message] = mail.outbox
    assert message.to == ["nina@wmp.test"] and "/accounts/" in message.body
    assert not DeferredTask.objects.exists() and send_pending_task() == 0


def test_the_sweep_retries_a_failure_takes_over_a_dead_claim_and_drops_what_is_too_old(
        wmp_officer, coordinator, wmp, settings, django_capture_on_commit_callbacks):
    from scsp.tasks import send_invitation_task, send_password_reset_task

    with django_capture_on_commit_callbacks(execute=False):  # the invitation is not sent
        person = invite_person(by=coordinator, full_name="Nina New", email="nina@wmp.test",
                               agency=wmp, role=Role.AGENCY_OFFICER)
    now = timezone.now()
    row = DeferredTask.objects.create(task=send_invitation_task.name, arguments=[person.pk])
    settings.EMAIL_BACKEND = "tests.scsp.test_deferred_emails.FailingBackend"
    assert emails.run_deferred(now=now) == 0
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 1) and "SMTP is down" in row.error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # A claim by a worker that is still running is left alone; a stale one is taken over.
    DeferredTask.objects.filter(pk=row.pk).update(status="claimed", claimed_at=now)
    assert emails.run_deferred(now=now + dt.timedelta(minutes=1)) == 0
    assert emails.run_deferred(now=now + emails.lease() + dt.timedelta(minutes=1)) == 1
    assert len(mail.outbox) == 1 and not DeferredTask.objects.exists()

    old = DeferredTask.objects.create(task=send_password_reset_task.name,
                                      arguments=[wmp_officer.email],
                                      created_at=now - dt.timedelta(hours=25))
    strange = DeferredTask.objects.create(task="os.system", arguments=["true"])
    assert emails.run_deferred(now=now) == 0
    assert not DeferredTask.objects.filter(pk__in=[old.pk, strange.pk]).exists()
    assert len(mail.outbox) == 1


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP is down")
