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


class TestTheFinding:
    """Reproduced first (three of these were allowed while the rule read only the current
    lead officer)."""

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

    def test_a_progress_update_is_enough_to_be_involved(self, client_for, coordinator, plan,
                                                        wmp_officer):
        action = ActionFactory(plan=plan, lead_agency=wmp_officer.agency,
                               lead_officer=wmp_officer, status=S.IN_PROGRESS)
        services.action_record_progress(by=coordinator, action=action, note="Chased WMP.",
                                        today=TODAY)
        action.refresh_from_db()
        complete(wmp_officer, action)
        _refused_everywhere(client_for, coordinator, action)


class TestWhoSignsOff:
    def test_the_chair_signs_off_the_coordinators_own_action(self, client_for, coordinator,
                                                            chair, plan):
        action = ActionFactory(plan=plan, lead_agency=coordinator.agency,
                               lead_officer=coordinator, status=S.IN_PROGRESS)
        complete(coordinator, action)
        client = client_for(chair)
        html = client.get(action.get_absolute_url()).content.decode()
        assert reverse("actions:action_sign_off", args=[action.pk]) in html
        assert reverse("actions:action_return", args=[action.pk]) in html
        assert reverse("actions:action_close", args=[action.pk]) not in html
        response = client.post(reverse("actions:action_sign_off", args=[action.pk]),
                               {"version": action.version, "note": "Evidence is clear."})
        assert response.status_code == 302
        action.refresh_from_db()
        assert action.status == S.SIGNED_OFF and action.signed_off_by == chair
        # The chair's decision does not make them part of the delivery.
        assert chair.pk not in selectors.people_involved([action])[action.pk]

    def test_another_coordinator_signs_off_or_returns(self, client_for, coordinator,
                                                      second_coordinator, plan):
        action = ActionFactory(plan=plan, lead_agency=coordinator.agency,
                               lead_officer=coordinator, status=S.IN_PROGRESS)
        complete(coordinator, action)
        decisions = client_for(coordinator).get(reverse("actions:decisions")).content.decode()
        assert "the chair or another co-ordinator decides" in decisions
        other = client_for(second_coordinator)
        decisions = other.get(reverse("actions:decisions")).content.decode()
        assert reverse("actions:action_sign_off", args=[action.pk]) in decisions
        response = other.post(reverse("actions:action_return", args=[action.pk]),
                              {"version": action.version, "reason": "Attach the register."})
        assert response.status_code == 302
        action.refresh_from_db()
        assert action.status == S.RETURNED

    def test_the_chair_does_not_close_and_the_scrutineer_does_nothing(
            self, client_for, chair, scrutineer, plan, wmp_officer):
        action = ActionFactory(plan=plan, lead_agency=wmp_officer.agency,
                               lead_officer=wmp_officer, status=S.AWAITING_SIGN_OFF)
        assert rules.can_sign_off(chair, action) and not rules.can_close(chair, action)
        assert not rules.can_sign_off(scrutineer, action)
        url = reverse("actions:action_close", args=[action.pk])
        assert client_for(chair).post(url, {"version": action.version,
                                            "reason": "Superseded."}).status_code == 403
        assert client_for(scrutineer).post(
            reverse("actions:action_sign_off", args=[action.pk]),
            {"version": action.version}).status_code == 403
        assert Action.objects.get(pk=action.pk).status == S.AWAITING_SIGN_OFF


class TestClosing:
    def test_nobody_involved_closes_it(self, client_for, coordinator, second_coordinator,
                                       plan, wmp_officer):
        action = ActionFactory(plan=plan, lead_agency=wmp_officer.agency,
                               lead_officer=wmp_officer, status=S.IN_PROGRESS)
        services.action_record_progress(by=coordinator, action=action, note="Chased WMP.",
                                        today=TODAY)
        action.refresh_from_db()
        with pytest.raises(PermissionDenied):
            services.action_close(by=coordinator, action=action, reason="Superseded.")
        client = client_for(coordinator)
        url = reverse("actions:action_close", args=[action.pk])
        assert url not in client.get(action.get_absolute_url()).content.decode()
        assert client.post(url, {"version": action.version,
                                 "reason": "Superseded."}).status_code == 403
        assert Action.objects.get(pk=action.pk).status == S.IN_PROGRESS
        services.action_close(by=second_coordinator, action=action, reason="Superseded.")
        assert Action.objects.get(pk=action.pk).status == S.CLOSED_NOT_COMPLETED


class TestPeopleInvolved:
    def test_every_way_of_taking_part_and_one_query(self, coordinator, chair, plan,
                                                    wmp_officer, wmp_lead, bu_officer,
                                                    second_coordinator,
                                                    django_assert_num_queries):
        action = ActionFactory(plan=plan, lead_agency=coordinator.agency,
                               lead_officer=coordinator, status=S.IN_PROGRESS)
        # Led by the co-ordinator, then by a business-unit officer, then by WMP's officer.
        for officer in (bu_officer, wmp_officer):
            services.action_update(by=coordinator, action=action, version=action.version,
                                   description=action.description,
                                   success_measure=action.success_measure,
                                   lead_agency=officer.agency, lead_officer=officer)
            action.refresh_from_db()
        services.action_record_progress(by=wmp_lead, action=action, note="Half done.",
                                        today=TODAY)
        action.refresh_from_db()
        # Completed outside the services (the admin, say): whoever saved it counts.
        action.status, action.completed_on = S.AWAITING_SIGN_OFF, TODAY
        action.completion_evidence = "Register."
        action._history_user = second_coordinator
        action.save()
        services.action_return(by=chair, action=action, reason="More, please.")
        action.refresh_from_db()
        other = ActionFactory(plan=plan, lead_agency=wmp_officer.agency,
                              lead_officer=wmp_officer)
        with django_assert_num_queries(1):
            found = selectors.people_involved([action, other])
        assert found[action.pk] == {coordinator.pk, bu_officer.pk, wmp_officer.pk,
                                    wmp_lead.pk, second_coordinator.pk}
        assert found[other.pk] == {wmp_officer.pk}
        assert chair.pk not in found[action.pk]  # a decision is not delivery
        assert selectors.actions_involving(wmp_lead, [action, other]) == {action.pk}
        assert ProgressUpdate.objects.filter(action=action, author=chair).exists()
