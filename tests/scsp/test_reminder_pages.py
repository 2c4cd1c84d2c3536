"""Each person sees the reminders sent to them; the co-ordinator sees the log and failures."""

import datetime as dt

import pytest
from django.urls import reverse

from scsp.models import Reminder
from tests.querycount import assert_flat, page_rows

pytestmark = pytest.mark.django_db


def make(recipient, day, status=Reminder.Status.SENT, error=""):
    from django.utils import timezone

    return Reminder.objects.create(
        recipient=recipient, kind=Reminder.Kind.DAILY_DIGEST, period=day,
        subject=f"Your actions on {day:%d %b}", text_body="AP-2026-001-01: due 30 Nov",
        status=status, error=error,
        sent_at=timezone.now() if status == Reminder.Status.SENT else None)


def test_officer_sees_only_their_own(client, wmp_officer, health_officer):
    make(wmp_officer, dt.date(2026, 11, 26))
    make(health_officer, dt.date(2026, 11, 25))
    client.force_login(wmp_officer)
    body = client.get(reverse("scsp:reminder_list"), {"scope": "all"}).content.decode()
    assert "Your actions on 26 Nov" in body and "25 Nov" not in body
    assert "Reminder log" not in body


def test_coordinator_sees_the_whole_log_with_failures(client, coordinator, wmp_officer,
                                                      health_officer):
    make(wmp_officer, dt.date(2026, 11, 26))
    make(health_officer, dt.date(2026, 11, 25), status=Reminder.Status.FAILED,
         error="SMTPServerDisconnected: gone")
    client.force_login(coordinator)
    body = client.get(reverse("scsp:reminder_list")).content.decode()
    assert "Reminder log" in body and "26 Nov" in body and "25 Nov" in body
    assert "1 failure" in body
    failed = client.get(reverse("scsp:reminder_list"), {"scope": "all", "status": "failed"})
    text = failed.content.decode()
    assert "25 Nov" in text and "26 Nov" not in text and "SMTPServerDisconnected" in text


def test_reminder_text_is_readable_in_the_browser(client, wmp_officer):
    reminder = make(wmp_officer, dt.date(2026, 11, 26))
    client.force_login(wmp_officer)
    body = client.get(reverse("scsp:reminder_detail", args=[reminder.pk])).content.decode()
    assert "AP-2026-001-01: due 30 Nov" in body


@pytest.mark.template_context
def test_log_queries_do_not_grow(client, coordinator, wmp_officer):
    days = iter(dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(100))

    def make_rows(n):
        for _ in range(n):
            make(wmp_officer, next(days))

    client.force_login(coordinator)
    assert_flat(client, reverse("scsp:reminder_list"), make_rows, most=12, expect_rows=page_rows)
