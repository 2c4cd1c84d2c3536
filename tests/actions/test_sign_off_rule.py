"""Sign-off is independent of delivery: nobody who led, updated or completed an action, at
any time, signs it off, returns it or closes it without completion, whatever their role.

The co-ordinator's own actions are signed off by the chair or another co-ordinator. The rule
lives in ``actions.rules`` (``involved_in`` reads the action's history in one query through
``actions.selectors.people_involved``); the services refuse too, not only the pages."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from actions import rules, selectors, services
from actions.models import Action, ActionStatus, ProgressUpdate
from scsp.models import Role
from tests.actions.factories import ActionFactory, PlanFactory
from tests.factories import UserFactory

S = ActionStatus
pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 16)


@pytest.fixture
def second_coordinator(business_unit):
    return UserFactory(email="coordinator2@scsp.test", full_name="Cora Second",
                       agency=business_unit, role=Role.COORDINATOR)


@pytest.fixture
def bu_officer(business_unit):
    return UserFactory(email="officer@scsp.test", full_name="Bea Unit", agency=business_unit,
                       role=Role.AGENCY_OFFICER)


@pytest.fixture
def plan(coordinator):
    return PlanFactory(reference="AP-2026-201", owner=coordinator)


def complete(by, action):
    services.action_record_progress(by=by, action=action, note="All teams briefed.",
                                    status=S.AWAITING_SIGN_OFF, today=TODAY,
                                    completion_evidence="Briefing log.")
    action.refresh_from_db()
    return action


def _refused_everywhere(client_for, who, action):
    """The service refuses, the sign-off and return pages answer 403, nothing changes."""
    before = (Action.objects.get(pk=action.pk).status, ProgressUpdate.objects.count())
    with pytest.raises(PermissionDenied):
        services.action_sign_off(by=who, action=Action.objects.get(pk=action.pk))
    with pytest.raises(PermissionDenied):
        services.action_return(by=who, action=Action.objects.get(pk=action.pk), reason="More.")
    client = client_for(who)
    for name, data in (("action_sign_off", {"version": action.version, "note": "ok"}),
                       ("action_return", {"version": action.version, "reason": "More."})):
        url = reverse(f"actions:{name}", args=[action.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    assert (Action.objects.get(pk=action.pk).status, ProgressUpdate.objects.count()) == before
    page = client.get(action.get_absolute_url()).content.decode()
    assert reverse("actions:action_sign_off", args=[action.pk]) not in page


FINDING = pytest.mark.xfail(strict=True,
                            reason="issue 13: sign-off reads only the current lead officer")


class TestTheFinding:
    """Reproduced first: each of these was allowed before the rule read the history."""

    @FINDING
    def test_a_coordinator_who_completed_an_action_cannot_sign_it_off(
            self, client_for, coordinator, plan, wmp_officer):
        action = ActionFactory(plan=plan, lead_agency=wmp_officer.agency,
                               lead_officer=wmp_officer, status=S.IN_PROGRESS)
        complete(coordinator, action)
        _refused_everywhere(client_for, coordinator, action)

    def test_a_coordinator_who_leads_an_action_cannot_complete_and_sign_it_off(
            self, client_for, coordinator, plan):
        action = ActionFactory(plan=plan, lead_agency=coordinator.agency,
                               lead_officer=coordinator, status=S.IN_PROGRESS)
        complete(coordinator, action)
        _refused_everywhere(client_for, coordinator, action)

    @FINDING
    def test_changing_the_lead_officer_first_does_not_help(
            self, client_for, coordinator, plan, bu_officer):
        action = ActionFactory(plan=plan, lead_agency=coordinator.agency,
                               lead_officer=coordinator, status=S.AWAITING_SIGN_OFF)
        services.action_update(by=coordinator, action=action, version=action.version,
                               description=action.description,
                               success_measure=action.success_measure,
                               lead_agency=bu_officer.agency, lead_officer=bu_officer)
        action.refresh_from_db()
        assert action.lead_officer == bu_officer
        _refused_everywhere(client_for, coordinator, action)

    @FINDING
    def test_a_progress_update_is_enough_to_be_involved(self, client_for, coordinator, plan,
                                                        wmp_officer):
        action = ActionFactory(plan=plan, lead_agency=wmp_officer.agency,
                               lead_officer=wmp_officer, status=S.IN_PROGRESS)
        services.action_record_progress(by=coordinator, action=action, note="Chased WMP.",
                                        today=TODAY)
        action.refresh_from_db()
        complete(wmp_officer, action)
        _refused_everywhere(client_for, coordinator, action)
