"""Bringing in an earlier year: the business unit records plans and actions as they were,
past target dates included, and each says it was entered after the event (who, when). Agency
staff still cannot set a past target date, and a typo'd past date is not taken silently."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from actions import services
from actions.models import Action, ActionPlan, OriginKind
from tests.actions.factories import PlanFactory

D = dt.date
TODAY = D(2026, 3, 2)
pytestmark = pytest.mark.django_db


def create(by, plan, officer, **kw):
    return services.action_create(
        by=by, plan=plan, description="Brief every response team.",
        success_measure="All 12 teams briefed.", lead_agency=officer.agency,
        lead_officer=officer, today=TODAY, **kw)


def test_a_past_target_date_needs_entered_after_the_event(coordinator, wmp_officer):
    plan = PlanFactory()
    with pytest.raises(ValidationError) as exc:
        create(coordinator, plan, wmp_officer, target_date=D(2023, 3, 31))
    assert "Entered after the event" in " ".join(exc.value.message_dict["target_date"])
    action = create(coordinator, plan, wmp_officer, target_date=D(2023, 3, 31),
                    entered_after_event=True)
    action.refresh_from_db()
    assert action.target_date == action.original_target_date == D(2023, 3, 31)
    assert action.entered_after_event_by == coordinator
    assert action.entered_after_event_at is not None
    # Its clock is its own date: overdue since 31 March 2023, not from the day it was typed.
    assert Action.objects.overdue(TODAY).filter(pk=action.pk).exists()


def test_an_ordinary_action_is_not_marked(coordinator, wmp_officer):
    action = create(coordinator, PlanFactory(), wmp_officer, target_date=D(2026, 6, 30))
    assert action.entered_after_event_at is None and not action.entered_after_event


def test_agency_staff_cannot_set_a_past_target_date(wmp_lead, wmp_officer):
    plan = PlanFactory()
    with pytest.raises(PermissionDenied):
        create(wmp_lead, plan, wmp_officer, target_date=D(2023, 3, 31),
               entered_after_event=True)
    errors = services.action_errors(
        plan=plan, description="x", success_measure="x", lead_agency=wmp_officer.agency,
        lead_officer=wmp_officer, target_date=D(2023, 3, 31), today=TODAY, by=wmp_lead,
        entered_after_event=True)
    assert errors["target_date"] == "The target date cannot be in the past."


def test_a_plans_reference_takes_the_year_it_was_agreed(coordinator):
    plan = services.plan_create(by=coordinator, title="Ofsted 2022 recommendations",
                                origin_kind=OriginKind.OFSTED, agreed_on=D(2022, 7, 14),
                                entered_after_event=True)
    assert plan.reference == "AP-2022-001"
    assert plan.entered_after_event_by == coordinator
    later = services.plan_create(by=coordinator, title="Another",
                                 origin_kind=OriginKind.OFSTED)
    assert not later.reference.startswith("AP-2022")
    with pytest.raises(ValidationError) as exc:
        services.plan_create(by=coordinator, title="Future", origin_kind=OriginKind.OFSTED,
                             agreed_on=D(2999, 1, 1))
    assert "agreed_on" in exc.value.message_dict


def test_the_pages_offer_the_box_to_the_coordinator_and_show_the_mark(client_for, coordinator,
                                                                     wmp_officer):
    client = client_for(coordinator)
    page = client.get(reverse("actions:plan_create")).content.decode()
    assert 'name="entered_after_event"' in page and 'name="agreed_on"' in page
    response = client.post(reverse("actions:plan_create"), {
        "title": "Scrutiny challenge 2022", "origin_kind": OriginKind.SCRUTINY,
        "owner": coordinator.pk, "agreed_on": "2022-05-04", "entered_after_event": "on"})
    assert response.status_code == 302
    plan = ActionPlan.objects.get(title="Scrutiny challenge 2022")
    assert plan.reference.startswith("AP-2022-")
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Entered after the event" in page and coordinator.full_name in page
