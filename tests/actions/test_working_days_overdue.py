"""Overdue actions say how far overdue they are in working days, as the statutory clocks count:
the action page, the lists, the plan page, the dashboards and the e-mails."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from actions.models import ActionStatus
from actions.selectors import working_days_overdue
from scsp.models import ClosureDay
from scsp.workdays import calendar
from tests.actions.factories import ActionFactory

pytestmark = pytest.mark.django_db
# Friday 4 December 2026. The target date Friday 20 November is 10 working days before it
# (Monday 23 November to Friday 4 December), but 14 calendar days.
TODAY = dt.datetime(2026, 12, 4, 10, tzinfo=ZoneInfo("Europe/London"))
TARGET = dt.date(2026, 11, 20)


@pytest.fixture
def late(shared_plan, wmp_officer):
    return ActionFactory(plan=shared_plan, number=3, lead_agency=wmp_officer.agency,
                         lead_officer=wmp_officer, status=ActionStatus.IN_PROGRESS,
                         title="Brief the front door", target_date=TARGET,
                         original_target_date=TARGET)


def test_the_count_uses_the_working_day_calendar(late):
    today = TODAY.date()
    assert working_days_overdue(late, today=today, cal=calendar()) == 10
    ClosureDay.objects.create(date=dt.date(2026, 12, 1), reason="Training day")
    assert working_days_overdue(late, today=today, cal=calendar()) == 9
    # The Saturday after a Friday target: past it, but no working day missed yet.
    assert working_days_overdue(late, today=dt.date(2026, 11, 21), cal=calendar()) == 0
    late.status = ActionStatus.AWAITING_SIGN_OFF
    assert working_days_overdue(late, today=today, cal=calendar()) == 0


def test_action_page_lists_and_plan_say_working_days(client_for, wmp_officer, late):
    client = client_for(wmp_officer)
    with time_machine.travel(TODAY, tick=False):
        pages = [client.get(reverse("actions:action_detail", args=[late.pk])),
                 client.get(reverse("actions:my_actions")),
                 client.get(reverse("actions:plan_detail", args=[late.plan.pk])),
                 client.get(reverse("scsp:home"))]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "10 working days overdue" in html, page.wsgi_request.path
        assert "14 days overdue" not in html


def test_the_digest_says_working_days(late, settings):
    from actions.reminders import _overdue_note

    assert _overdue_note(late, TODAY.date(), calendar()) == ("10 working days overdue", 10)
