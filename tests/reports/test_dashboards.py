"""Each role's panel on the home page, and the reports in the navigation."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionStatus
from scsp.workdays import WorkingCalendar
from tests.actions.factories import ActionFactory, PlanFactory, TargetDateChangeFactory
from tests.reviews.factories import notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(coordinator, wmp_officer, health_officer, wmp_lead):
    today = timezone.localdate()
    plan = PlanFactory(reference="AP-D-1", owner=coordinator)

    def action(officer, days, **kw):
        return ActionFactory(plan=plan, lead_agency=officer.agency, lead_officer=officer,
                             target_date=today + dt.timedelta(days=days), **kw)

    return {
        "wmp_overdue": action(wmp_officer, -120),
        "wmp_soon": action(wmp_officer, 10),
        "wmp_later": action(wmp_officer, 90),
        "lead_own": action(wmp_lead, -3),
        "health_overdue": action(health_officer, -5),
        "awaiting": action(health_officer, 20, status=ActionStatus.AWAITING_SIGN_OFF),
        "change": TargetDateChangeFactory(action=action(wmp_officer, 30)),
    }


def home(client):
    response = client.get(reverse("scsp:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_coordinator_sees_clocks_decisions_and_overdue_by_agency(work, client_for,
                                                                     coordinator, wmp):
    today = timezone.localdate()
    aware = WorkingCalendar().add_working_days(today, -6)
    case = notification(by=coordinator, agencies=[wmp], aware=aware, received=aware,
                        notified=None, incident=aware, today=today)
    html = home(client_for(coordinator))
    assert "Your week" in html
    assert case.reference in html and "Notification to the National Panel" in html and "Overdue" in html
    assert "1 action awaiting sign-off" in html and work["awaiting"].reference in html
    assert "1 request for a new target date" in html
    assert '<abbr title="West Midlands Police">WMP</abbr></th><td class="num">2</td>' \
           '<td class="num">1</td>' in html  # 2 overdue, 1 by more than 3 months


def test_an_agency_lead_sees_their_agencys_open_overdue_and_upcoming(work, client_for,
                                                                     wmp_lead):
    html = home(client_for(wmp_lead))
    assert "WMP's actions" in html
    assert work["wmp_overdue"].reference in html and work["lead_own"].reference in html
    assert work["wmp_soon"].reference in html
    assert work["wmp_later"].reference not in html  # due after the next 4 weeks
    assert work["health_overdue"].reference not in html


def test_an_officer_sees_their_own_actions(work, client_for, wmp_officer):
    html = home(client_for(wmp_officer))
    assert "Your actions" in html
    assert work["wmp_overdue"].reference in html and work["wmp_soon"].reference in html
    assert work["lead_own"].reference not in html  # their lead's, not theirs


def test_the_chair_and_scrutineer_see_the_headline_and_the_reports(work, client_for, chair,
                                                                   scrutineer):
    for user in (chair, scrutineer):
        html = home(client_for(user))
        assert "so far" in html and "actions open" in html
        assert "/reports/quarterly/" in html and "/reports/annual/" in html
        assert "Quarterly progress report" in html  # the navigation's Reports menu


def test_agency_staff_have_no_reports_menu(client_for, wmp_lead):
    html = home(client_for(wmp_lead))
    assert "Quarterly progress report" not in html and "/reports/" not in html
