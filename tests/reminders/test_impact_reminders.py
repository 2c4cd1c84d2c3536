"""Impact reviews in the daily digest, with an explicit `today`: due within the setting,
overdue, escalated to the agency's lead after 10 working days and to the partnership (weekly)
after 20, as actions are."""

import datetime as dt

import pytest
from django.test import override_settings

from actions.models import ActionStatus, ImpactReview
from actions.reminders import build_digests
from scsp.workdays import WorkingCalendar
from tests.actions.factories import ActionFactory, PlanFactory

pytestmark = pytest.mark.django_db
D = dt.date
MONDAY = D(2026, 11, 16)   # the weekly summary day
TUESDAY = D(2026, 11, 17)
SATURDAY = D(2026, 11, 21)
CAL = WorkingCalendar()
_numbers = iter(range(1, 10_000))


@pytest.fixture
def plan(coordinator):
    return PlanFactory(reference="AP-2026-060", owner=coordinator, origin_reference="SLPR-2026-009")


def review(plan, officer, due, status=ImpactReview.Status.SCHEDULED, **kw):
    n = next(_numbers)
    action = ActionFactory(plan=plan, number=n, lead_agency=officer.agency, lead_officer=officer,
                           status=ActionStatus.SIGNED_OFF, title=f"Embed learning {n}")
    return ImpactReview.objects.create(action=action, due_on=due, status=status,
                                       scheduled_by=plan.owner, **kw)


def body(today, user):
    drafts = [d for d in build_digests(today=today, cal=CAL) if d.recipient == user]
    return "\n".join(d.text_body for d in drafts)


def test_officer_is_asked_before_the_date_and_after_it(plan, wmp_officer):
    soon = review(plan, wmp_officer, D(2026, 12, 4))        # 14 working days ahead
    late = review(plan, wmp_officer, D(2026, 11, 12))       # 2 working days overdue
    far = review(plan, wmp_officer, D(2027, 1, 29))         # beyond 20 working days
    review(plan, wmp_officer, D(2026, 11, 20), status=ImpactReview.Status.NOT_NEEDED,
           not_needed_reason="Administrative.")
    text = body(MONDAY, wmp_officer)
    assert "Your impact reviews due in the next 20 working days" in text
    assert f"{soon.action.reference}" in text and "impact evidence due in 14 working days" in text
    assert "Your overdue impact reviews" in text
    assert late.action.reference in text and "impact evidence 2 working days overdue" in text
    assert far.action.reference not in text
    assert text.count("AP-2026-060-") == 2  # the not-needed one is not asked for


@override_settings(IMPACT_REVIEW_DUE_WITHIN_WORKING_DAYS=5)
def test_the_window_is_a_setting(plan, wmp_officer):
    review(plan, wmp_officer, D(2026, 12, 4))
    assert "impact" not in body(MONDAY, wmp_officer)


def test_escalated_to_the_agency_lead_after_ten_working_days(plan, wmp_officer, wmp_lead,
                                                             health_lead):
    ten = review(plan, wmp_officer, D(2026, 11, 2))    # 10 working days overdue
    nine = review(plan, wmp_officer, D(2026, 11, 3))   # 9
    text = body(MONDAY, wmp_lead)
    assert "Overdue impact reviews in your agency" in text
    lines = [line for line in text.splitlines() if "AP-2026-060-" in line]
    escalated = [line for line in lines if "escalated" in line.lower()]
    assert any(ten.action.reference in line for line in escalated)
    assert not any(nine.action.reference in line for line in escalated)
    assert "impact" not in body(MONDAY, health_lead).lower()


def test_partnership_sees_twenty_working_days_overdue_on_the_weekly_day(plan, wmp_officer,
                                                                         coordinator, chair):
    serious = review(plan, wmp_officer, D(2026, 10, 16))   # 21 working days overdue
    review(plan, wmp_officer, D(2026, 11, 2))              # 10: the lead's business only
    for who in (coordinator, chair):
        text = body(MONDAY, who)
        assert "Impact reviews overdue by 20 working days or more" in text
        assert serious.action.reference in text
        assert text.count("AP-2026-060-") == 1
    assert "Impact reviews overdue" not in body(TUESDAY, coordinator)


def test_nothing_on_a_weekend(plan, wmp_officer):
    review(plan, wmp_officer, D(2026, 11, 12))
    assert body(SATURDAY, wmp_officer) == ""
