"""The reminder sweep with an explicit `today`: who gets what, when, and exactly once."""

import datetime as dt
import threading
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from actions.models import ActionStatus
from actions.reminders import build_digests, is_weekly_summary_day, run_sweep
from scsp.models import Reminder, Role
from scsp.workdays import WorkingCalendar
from tests.actions.factories import ActionFactory, PlanFactory
from tests.factories import UserFactory
from tests.services import need

pytestmark = pytest.mark.django_db
D = dt.date
MONDAY = D(2026, 11, 16)
TUESDAY = D(2026, 11, 17)
CAL = WorkingCalendar()


@pytest.fixture
def plan(coordinator):
    return PlanFactory(reference="AP-2026-050", title="Rapid Review", owner=coordinator,
                       origin_reference="SLPR-2026-004")


_numbers = iter(range(1, 100_000))


def act(plan, officer, target, status=ActionStatus.IN_PROGRESS, **kw):
    number = next(_numbers)
    return ActionFactory(plan=plan, number=number, lead_agency=officer.agency, lead_officer=officer,
                         target_date=target, status=status,
                         title=kw.pop("title", f"Brief teams {number}"),
                         description=kw.pop("description", "Child 4 was seen at A&E three times."),
                         **kw)


def drafts_for(today, email):
    return [d for d in build_digests(today=today, cal=CAL) if d.recipient.email == email]


@pytest.mark.parametrize("day", [D(2026, 11, 21), D(2026, 11, 22), D(2026, 12, 25),
                                 D(2026, 12, 28), D(2027, 3, 26)])
def test_nothing_on_weekends_or_bank_holidays(plan, wmp_officer, day):
    act(plan, wmp_officer, day - dt.timedelta(days=30))
    assert build_digests(today=day, cal=CAL) == []
    result = run_sweep(today=day, cal=CAL)
    assert not result.working_day and result.sent == 0
    assert mail.outbox == []


def test_officer_gets_one_digest_with_due_and_overdue(plan, wmp_officer, settings):
    settings.REMINDER_DUE_WITHIN_WORKING_DAYS = 10
    overdue = act(plan, wmp_officer, D(2026, 11, 10))
    due = act(plan, wmp_officer, CAL.add_working_days(TUESDAY, 10))
    act(plan, wmp_officer, CAL.add_working_days(TUESDAY, 11))  # beyond the window
    act(plan, wmp_officer, D(2026, 11, 1), status=ActionStatus.AWAITING_SIGN_OFF)
    act(plan, wmp_officer, D(2026, 11, 1), status=ActionStatus.SIGNED_OFF)
    drafts = drafts_for(TUESDAY, wmp_officer.email)
    assert len(drafts) == 1
    digest = drafts[0]
    assert digest.kind == Reminder.Kind.DAILY_DIGEST and digest.item_count == 2
    assert overdue.reference in digest.text_body and due.reference in digest.text_body
    assert "Your overdue actions" in digest.text_body
    assert "5 working days overdue" in digest.text_body


def test_emails_carry_references_and_titles_never_case_detail(plan, wmp_officer, settings):
    settings.SITE_URL = "https://reviews.scsp.example"
    action = act(plan, wmp_officer, D(2026, 11, 10), title="Refresh the fathers briefing")
    run_sweep(today=TUESDAY, cal=CAL)
    (message,) = mail.outbox
    for body in (message.body, message.alternatives[0][0]):
        assert action.reference in body
        assert "Refresh the fathers briefing" in body
        assert "SLPR-2026-004" in body
        assert "A&amp;E" not in body and "A&E" not in body and "Child 4" not in body
        assert f"https://reviews.scsp.example/actions/{action.pk}/" in body
    assert message.alternatives[0][1] == "text/html"


def test_lead_gets_the_agency_overdue_list_and_escalation(plan, wmp_officer, wmp_lead, settings):
    settings.ESCALATE_TO_LEAD_AFTER_WORKING_DAYS = 10
    nine = act(plan, wmp_officer, CAL.add_working_days(TUESDAY, -9))
    ten = act(plan, wmp_officer, CAL.add_working_days(TUESDAY, -10))
    (digest,) = drafts_for(TUESDAY, wmp_lead.email)
    text = digest.text_body
    assert "Overdue actions in your agency" in text
    assert f"{ten.reference} [ESCALATED]" in text
    assert f"{nine.reference} [ESCALATED]" not in text and nine.reference in text


def test_other_agencies_leads_get_nothing(plan, wmp_officer, health_lead):
    act(plan, wmp_officer, D(2026, 11, 1))
    assert drafts_for(TUESDAY, health_lead.email) == []


def test_weekly_summary_goes_to_coordinator_and_chair_on_the_first_working_day(
    plan, wmp_officer, coordinator, chair, settings
):
    settings.ESCALATE_TO_PARTNERSHIP_AFTER_WORKING_DAYS = 20
    old = act(plan, wmp_officer, CAL.add_working_days(MONDAY, -20))
    recent = act(plan, wmp_officer, CAL.add_working_days(MONDAY, -19))
    weekly = [d for d in build_digests(today=MONDAY, cal=CAL)
              if d.kind == Reminder.Kind.WEEKLY_SUMMARY]
    assert {d.recipient.email for d in weekly} == {coordinator.email, chair.email}
    assert old.reference in weekly[0].text_body and recent.reference not in weekly[0].text_body
    assert weekly[0].period == MONDAY
    assert not [d for d in build_digests(today=TUESDAY, cal=CAL)
                if d.kind == Reminder.Kind.WEEKLY_SUMMARY]


def test_each_weekly_copy_greets_its_own_reader(plan, wmp_officer, coordinator, chair,
                                                settings):
    """The weekly list is rendered once and each copy gets its reader's name: in the HTML
    escaped as the template escapes it; the date as the ``date`` filter wrote it."""
    settings.ESCALATE_TO_PARTNERSHIP_AFTER_WORKING_DAYS = 20
    chair.full_name = "<Charlotte&O'Brien> Chair"  # the short name is the first word
    chair.save()
    late = CAL.add_working_days(MONDAY, -25)
    old = act(plan, wmp_officer, late)
    weekly = {d.recipient.email: d for d in build_digests(today=MONDAY, cal=CAL)
              if d.kind == Reminder.Kind.WEEKLY_SUMMARY}
    for person in (coordinator, chair):
        draft = weekly[person.email]
        name = person.get_short_name()
        assert draft.text_body.startswith(f"Dear {name},")
        assert f"<p>Dear {escape(name)},</p>" in draft.html_body
        assert "recipient-" not in draft.text_body + draft.html_body
        for body in (draft.text_body, draft.html_body):
            assert old.reference in body and f"{late.day} {late:%b %Y}" in body
    assert "<Charlotte&" not in weekly[chair.email].html_body
    assert "&lt;Charlotte&amp;O&#x27;Brien&gt;" in weekly[chair.email].html_body


def test_subjects_say_how_many_in_plain_english(plan, wmp_officer, coordinator, settings):
    settings.ESCALATE_TO_PARTNERSHIP_AFTER_WORKING_DAYS = 20

    def subjects():
        drafts = build_digests(today=MONDAY, cal=CAL)
        (daily,) = [d.subject for d in drafts if d.recipient == wmp_officer]
        weekly = {d.subject for d in drafts if d.kind == Reminder.Kind.WEEKLY_SUMMARY}
        return daily, weekly

    act(plan, wmp_officer, CAL.add_working_days(MONDAY, -20))
    assert subjects() == ("SCSP Reviews: 1 item needs your attention (Mon 16 Nov)", {
        "SCSP Reviews: weekly escalation, 1 action seriously overdue (week of 16 Nov)"})
    act(plan, wmp_officer, CAL.add_working_days(MONDAY, -25))
    assert subjects() == ("SCSP Reviews: 2 items need your attention (Mon 16 Nov)", {
        "SCSP Reviews: weekly escalation, 2 actions seriously overdue (week of 16 Nov)"})


def test_weekly_summary_moves_to_tuesday_after_a_bank_holiday_monday():
    assert not is_weekly_summary_day(D(2026, 8, 31), CAL)  # summer bank holiday
    assert is_weekly_summary_day(D(2026, 9, 1), CAL)
    assert is_weekly_summary_day(MONDAY, CAL)
    assert not is_weekly_summary_day(TUESDAY, CAL)


def test_a_rerun_the_same_day_sends_nothing_twice(plan, wmp_officer, wmp_lead):
    act(plan, wmp_officer, D(2026, 11, 10))
    first = run_sweep(today=TUESDAY, cal=CAL)
    assert first.sent == 2 and len(mail.outbox) == 2
    second = run_sweep(today=TUESDAY, cal=CAL)
    assert second.sent == 0 and second.skipped == 2
    assert len(mail.outbox) == 2
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 2


def test_a_failed_send_is_retried_by_the_next_run(plan, wmp_officer):
    act(plan, wmp_officer, D(2026, 11, 10))
    with mock.patch("django.core.mail.EmailMultiAlternatives.send",
                    side_effect=ConnectionRefusedError("smtp down")):
        result = run_sweep(today=TUESDAY, cal=CAL)
    assert result.failed == 1 and mail.outbox == []
    assert Reminder.objects.get().status == Reminder.Status.FAILED
    retry = run_sweep(today=TUESDAY, cal=CAL)
    assert retry.sent == 1 and len(mail.outbox) == 1
    assert Reminder.objects.get().attempts == 2


def test_a_worker_killed_mid_send_is_caught_up_after_the_lease(plan, wmp_officer, settings):
    import django.utils.timezone as tz

    act(plan, wmp_officer, D(2026, 11, 10))
    now = tz.now()
    # The first worker claimed the digest and died before sending it.
    (draft,) = build_digests(today=TUESDAY, cal=CAL)
    from scsp import emails

    emails.claim(draft, now=now)
    assert run_sweep(today=TUESDAY, now=now + dt.timedelta(minutes=1), cal=CAL).sent == 0
    later = now + dt.timedelta(minutes=settings.REMINDER_CLAIM_LEASE_MINUTES + 1)
    assert run_sweep(today=TUESDAY, now=later, cal=CAL).sent == 1
    assert len(mail.outbox) == 1


def _make_partnership(plan, n_agencies):
    from tests.factories import AgencyFactory

    for i in range(n_agencies):
        agency = AgencyFactory(short_name=f"Q{i}", name=f"Agency Q{i}")
        UserFactory(agency=agency, role=Role.AGENCY_LEAD)
        for j in range(3):
            officer = UserFactory(agency=agency, role=Role.AGENCY_OFFICER)
            act(plan, officer, D(2026, 11, 2) + dt.timedelta(days=j))
            act(plan, officer, D(2026, 11, 20) + dt.timedelta(days=j))


def test_building_the_digests_costs_the_same_queries_at_two_sizes(plan, coordinator, chair):
    _make_partnership(plan, 2)
    with CaptureQueriesContext(connection) as small:
        small_drafts = build_digests(today=MONDAY, cal=CAL)
    _make_partnership(plan, 8)
    with CaptureQueriesContext(connection) as large:
        large_drafts = build_digests(today=MONDAY, cal=CAL)
    assert len(large_drafts) > len(small_drafts) * 3
    assert len(small) == len(large), (len(small), len(large))
    assert len(large) <= 10


def test_sending_costs_a_fixed_number_of_queries_per_message(plan, coordinator, chair):
    _make_partnership(plan, 2)
    with CaptureQueriesContext(connection) as small:
        small_result = run_sweep(today=MONDAY, cal=CAL)
    Reminder.objects.all().delete()
    _make_partnership(plan, 6)
    with CaptureQueriesContext(connection) as large:
        large_result = run_sweep(today=MONDAY, cal=CAL)
    per_message_small = (len(small) - 15) / small_result.sent
    assert len(large) <= 15 + large_result.sent * 4, (len(large), large_result.sent)
    assert per_message_small <= 4


def test_dry_run_prints_and_changes_nothing(plan, wmp_officer):
    act(plan, wmp_officer, D(2026, 11, 10))
    out = StringIO()
    call_command("send_reminders", "--date", "2026-11-17", "--dry-run", stdout=out)
    assert "Would send 1 message(s)" in out.getvalue()
    assert wmp_officer.email in out.getvalue()
    assert Reminder.objects.count() == 0 and mail.outbox == []


def test_command_sends_and_a_second_run_sends_nothing(plan, wmp_officer):
    act(plan, wmp_officer, D(2026, 11, 10))
    out = StringIO()
    call_command("send_reminders", "--date", "2026-11-17", stdout=out)
    call_command("send_reminders", "--date", "2026-11-17", stdout=out)
    assert len(mail.outbox) == 1
    assert "Sent 1" in out.getvalue() and "Sent 0" in out.getvalue()


def test_command_says_when_it_is_not_a_working_day(plan):
    out = StringIO()
    call_command("send_reminders", "--date", "2026-12-25", stdout=out)
    assert "not a working day" in out.getvalue()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_overlapping_sweeps_send_each_digest_once(coordinator, wmp_officer, wmp_lead):
    need("PostgreSQL", connection.vendor == "postgresql",
         "concurrent sweeps need real row locking; set DATABASE_URL to PostgreSQL")
    plan = PlanFactory(reference="AP-2026-051", owner=coordinator)
    for i in range(3):
        act(plan, wmp_officer, D(2026, 11, 2) + dt.timedelta(days=i))
    barrier = threading.Barrier(2)
    results = []

    def sweep():
        from django.db import connections

        try:
            barrier.wait()
            results.append(run_sweep(today=TUESDAY, cal=CAL))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.sent for r in results) == 2  # the officer's and the lead's digests
    assert len(mail.outbox) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([wmp_officer.email, wmp_lead.email])
