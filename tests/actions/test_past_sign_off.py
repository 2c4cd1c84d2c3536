"""A sign-off made before today, recorded now: the co-ordinator (who records the past,
``Ability.RECORD_THE_PAST``) gives the day it was signed off, never in the future nor before
the action was completed; the action then says the sign-off was entered after the event, by
whom and when. The chair signs off today only; agency staff do not sign off at all."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from actions import services
from actions.models import Action, ActionStatus
from scsp.models import Reminder
from tests.actions.factories import ActionFactory, PlanFactory

pytestmark = pytest.mark.django_db
S = ActionStatus
LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 12, 5, 10, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def action(coordinator, wmp_officer):
    return ActionFactory(plan=PlanFactory(reference="AP-2023-004", owner=coordinator),
                         number=1, lead_agency=wmp_officer.agency, lead_officer=wmp_officer,
                         status=S.AWAITING_SIGN_OFF, target_date=dt.date(2023, 3, 31),
                         completed_on=dt.date(2023, 3, 1))


def url(action):
    return reverse("actions:action_sign_off", args=[action.pk])


def post(client, action, **data):
    return client.post(url(action), {"version": action.version, "note": "", **data})


def state(action):
    a = Action.objects.get(pk=action.pk)
    return a.status, a.signed_off_at, a.sign_off_entered_at, a.version


def test_the_coordinator_records_a_past_sign_off(client_for, coordinator, action):
    client = client_for(coordinator)
    page = client.get(url(action)).content.decode()
    assert "Date it was signed off (only if before today)" in page
    assert 'name="signed_off_on"' in page and 'name="signed_off_on" value=' not in page
    response = post(client, action, signed_off_on="2023-03-14")
    assert response.status_code == 302
    fresh = Action.objects.get(pk=action.pk)
    assert fresh.status == S.SIGNED_OFF and fresh.signed_off_by == coordinator
    assert fresh.signed_off_at == dt.datetime(2023, 3, 14, 12, tzinfo=LONDON)
    assert fresh.sign_off_entered_at == NOW
    assert fresh.updates.get(kind="decision", status_to=S.SIGNED_OFF).note == (
        "Signed off on 14 March 2023, on the evidence of completion (entered after the event).")
    # Its impact review counts from the day it was signed off, not from the day it was entered.
    assert fresh.impact_reviews.get().due_on == dt.date(2023, 9, 14)
    detail = " ".join(client.get(action.get_absolute_url()).content.decode().split())
    assert ("on 14 Mar 2023; entered after the event by Carol Coordinator on 5 Dec 2026"
            in detail)
    # Not news to the officer: no "signed off" notice for a past year brought in.
    assert not Reminder.objects.filter(key=f"action:{action.pk}:signed_off").exists()


@pytest.mark.parametrize(("day", "message"), [
    ("2026-12-06", "The date it was signed off cannot be in the future."),
    ("2023-02-28", "The action cannot have been signed off before it was completed, on "
                   "1 March 2023."),
])
def test_impossible_dates_are_refused_and_nothing_changes(client_for, coordinator, action,
                                                          day, message):
    before = state(action)
    response = post(client_for(coordinator), action, signed_off_on=day)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert state(action) == before


def test_empty_or_today_is_an_ordinary_sign_off(client_for, coordinator, action):
    assert post(client_for(coordinator), action, signed_off_on="").status_code == 302
    status, signed_at, entered_at, _version = state(action)
    assert (status, signed_at, entered_at) == (S.SIGNED_OFF, NOW, None)
    assert Reminder.objects.filter(key=f"action:{action.pk}:signed_off").exists()


def test_the_chair_signs_off_today_only(client_for, chair, action):
    client = client_for(chair)
    assert 'name="signed_off_on"' not in client.get(url(action)).content.decode()
    # A forged date is not a field of the chair's form: ignored, signed off today.
    assert post(client, action, signed_off_on="2023-03-14").status_code == 302
    status, signed_at, entered_at, _version = state(action)
    assert (status, signed_at, entered_at) == (S.SIGNED_OFF, NOW, None)


def test_the_service_refuses_a_past_date_from_anyone_else(chair, action):
    before = state(action)
    with pytest.raises(PermissionDenied):
        services.action_sign_off(by=chair, action=Action.objects.get(pk=action.pk),
                                 signed_off_on=dt.date(2023, 3, 14))
    assert state(action) == before


def test_agency_staff_cannot_sign_off_at_all(client_for, wmp_lead, action):
    before = state(action)
    response = post(client_for(wmp_lead), action, signed_off_on="2023-03-14")
    assert response.status_code == 403
    assert state(action) == before
