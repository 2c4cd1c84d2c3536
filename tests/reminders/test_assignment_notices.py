"""Telling people what is theirs: a notice when an action is given or passed to someone, and
when a new target date is decided (officer, agency lead and requester, with both dates); an
agency lead reassigns within their agency, the reason kept in the action's history."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import Action, ActionStatus
from tests.actions.factories import ActionFactory, PlanFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(coordinator, wmp_officer):
    plan = PlanFactory(reference="AP-2026-090", owner=coordinator)
    return ActionFactory(plan=plan, number=1, lead_agency=wmp_officer.agency,
                         lead_officer=wmp_officer, status=ActionStatus.IN_PROGRESS,
                         title="Brief response teams", description="Child 7's case.")


def test_a_new_action_tells_its_officer(coordinator, wmp_officer,
                                        django_capture_on_commit_callbacks):
    plan = PlanFactory(reference="AP-2026-091", owner=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        services.action_create(
            by=coordinator, plan=plan, title="Brief teams", description="Brief every team.",
            success_measure="All teams.", lead_agency=wmp_officer.agency,
            lead_officer=wmp_officer, target_date=timezone.localdate() + dt.timedelta(days=40),
            today=timezone.localdate())
    (message,) = mail.outbox
    assert message.to == [wmp_officer.email]
    assert message.subject == "SCSP Reviews: AP-2026-091-01 is now yours"
    assert "Target date:" in message.body


def test_an_action_entered_after_the_event_tells_nobody(coordinator, wmp_officer,
                                                        django_capture_on_commit_callbacks):
    plan = PlanFactory(reference="AP-2022-001", owner=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        services.action_create(
            by=coordinator, plan=plan, description="Brief every team.", success_measure="All.",
            lead_agency=wmp_officer.agency, lead_officer=wmp_officer,
            target_date=dt.date(2022, 12, 1), today=timezone.localdate(),
            entered_after_event=True)
    assert mail.outbox == []


def test_the_coordinator_reassigning_tells_the_new_officer(action, coordinator, wmp_officer,
                                                           django_capture_on_commit_callbacks):
    other = UserFactory(agency=wmp_officer.agency, role="agency_officer")
    with django_capture_on_commit_callbacks(execute=True):
        services.action_update(
            by=coordinator, action=action, version=action.version,
            description=action.description, success_measure=action.success_measure,
            lead_agency=action.lead_agency, lead_officer=other)
    assert [m.to for m in mail.outbox] == [[other.email]]
    assert "is now yours" in mail.outbox[0].subject


def test_an_agency_lead_reassigns_within_their_agency(action, wmp_lead, wmp_officer,
                                                      health_officer, health_lead,
                                                      django_capture_on_commit_callbacks):
    other = UserFactory(agency=wmp_officer.agency, role="agency_officer")
    with pytest.raises(ValidationError) as exc:
        services.action_reassign(by=wmp_lead, action=action, lead_officer=health_officer,
                                 reason="Leave.", version=action.version)
    assert "does not work for" in exc.value.message_dict["lead_officer"][0]
    with pytest.raises(ValidationError) as exc:
        services.action_reassign(by=wmp_lead, action=action, lead_officer=other, reason=" ",
                                 version=action.version)
    assert "reason" in exc.value.message_dict
    for refused in (wmp_officer, health_lead):
        with pytest.raises(PermissionDenied):
            services.action_reassign(by=refused, action=action, lead_officer=other,
                                     reason="Leave.", version=action.version)
    with django_capture_on_commit_callbacks(execute=True):
        services.action_reassign(by=wmp_lead, action=action, lead_officer=other,
                                 reason="Officer on long-term leave.", version=action.version)
    action = Action.objects.get(pk=action.pk)
    assert action.lead_officer == other
    last = action.history.first()
    assert last.history_change_reason == "Officer on long-term leave."
    assert last.history_user == wmp_lead and last.lead_officer_id == other.pk
    (message,) = mail.outbox
    assert message.to == [other.email]
    assert "Officer on long-term leave." in message.body
    assert "Child 7" not in message.body


def test_the_lead_reassigns_through_the_page(action, client_for, wmp_lead, wmp_officer):
    other = UserFactory(agency=wmp_officer.agency, role="agency_officer")
    client = client_for(wmp_lead)
    detail = client.get(action.get_absolute_url()).content.decode()
    assert reverse("actions:action_reassign", args=[action.pk]) in detail
    url = reverse("actions:action_reassign", args=[action.pk])
    page = client.get(url).content.decode()
    assert f'value="{other.pk}"' in page and f'value="{wmp_officer.pk}"' not in page
    response = client.post(url, {"lead_officer": other.pk, "reason": "Moved teams.",
                                 "version": action.version})
    assert response.status_code == 302
    assert Action.objects.get(pk=action.pk).lead_officer == other
    assert client_for(wmp_officer).get(url).status_code == 403


def test_a_decided_date_change_tells_officer_lead_and_requester(
        action, coordinator, wmp_officer, wmp_lead, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    old = action.target_date
    new = old + dt.timedelta(days=30)
    services.action_request_date_change(by=wmp_lead, action=action, new_date=new,
                                        reason="Training postponed.", today=today)
    mail.outbox.clear()
    change = action.date_changes.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.action_decide_date_change(by=coordinator, change=change, agree=True,
                                           today=today)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([wmp_officer.email, wmp_lead.email])
    body = mail.outbox[0].body
    assert old.strftime("%-d %B %Y") in body and new.strftime("%-d %B %Y") in body
    assert "New target date" in body
