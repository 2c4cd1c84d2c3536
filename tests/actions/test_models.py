"""Querysets (scope, open, overdue), optimistic locking in ``Action.save`` and the database
constraints that are the last line of defence."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from actions import rules
from actions.models import (
    Action,
    ActionPlan,
    ActionStatus,
    Evidence,
    ProgressUpdate,
    TargetDateChange,
    VersionConflict,
    edit_lookup,
)
from tests.actions.factories import (
    ActionFactory,
    EvidenceFactory,
    PlanFactory,
    ProgressUpdateFactory,
    TargetDateChangeFactory,
)
from tests.factories import UserFactory

S = ActionStatus
pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 16)

# persona -> (plans visible, actions visible, actions editable), by fixture name
SCOPE = {
    "coordinator": ({"shared_plan", "health_plan", "sct_plan"}, 4, 4),
    "chair": ({"shared_plan", "health_plan", "sct_plan"}, 4, 0),
    "scrutineer": ({"shared_plan", "health_plan", "sct_plan"}, 4, 0),
    "wmp_lead": ({"shared_plan"}, 2, 1),
    "wmp_officer": ({"shared_plan"}, 2, 1),
    "health_officer": ({"shared_plan", "health_plan"}, 3, 2),
    "health_lead": ({"shared_plan", "health_plan"}, 3, 2),
    "sct_officer": ({"sct_plan"}, 1, 1),
}


@pytest.mark.parametrize("persona", list(SCOPE))
def test_scope_by_persona(request, world, persona):
    user = request.getfixturevalue(persona)
    plans, n_visible, n_editable = SCOPE[persona]
    assert set(ActionPlan.objects.visible_to(user)) == {world[p] for p in plans}
    visible = Action.objects.visible_to(user)
    editable = Action.objects.editable_by(user)
    assert visible.count() == n_visible
    assert editable.count() == n_editable
    assert set(editable) <= set(visible)
    # The one-object rule agrees with the queryset for every action.
    for action in Action.objects.all():
        assert rules.may_update(user, action) == editable.filter(pk=action.pk).exists()
    # "My agency's actions" skips the visibility subquery for partners: same set.
    led = set(Action.objects.led_by_agency_of(user))
    assert led == set(visible.filter(lead_agency_id=user.agency_id))
    # Records hanging off an action follow it.
    assert set(ProgressUpdate.objects.visible_to(user).values_list("action", flat=True)) <= {
        a.pk for a in visible}


def test_partner_sees_other_agencies_actions_in_shared_plans_read_only(
        world, health_officer, wmp_action):
    assert Action.objects.visible_to(health_officer).filter(pk=wmp_action.pk).exists()
    assert not Action.objects.editable_by(health_officer).filter(pk=wmp_action.pk).exists()


def test_plan_owner_sees_their_plan(wmp_lead):
    plan = PlanFactory(owner=wmp_lead)
    assert ActionPlan.objects.visible_to(wmp_lead).filter(pk=plan.pk).exists()
    assert not ActionPlan.objects.editable_by(wmp_lead).exists()


def test_nobody_else_sees_anything(world):
    from django.contrib.auth.models import AnonymousUser

    gone = UserFactory(agency=world["wmp_action"].lead_agency, is_active=False)
    for user in (AnonymousUser(), gone):
        assert not ActionPlan.objects.visible_to(user).exists()
        assert not Action.objects.visible_to(user).exists()
        assert not Action.objects.editable_by(user).exists()
        assert not Evidence.objects.visible_to(user).exists()


def test_may_update_agrees_with_editable_by_for_people_without_scope(world):
    from django.contrib.auth.models import AnonymousUser

    gone = UserFactory(agency=world["wmp_action"].lead_agency, is_active=False)
    for user in (AnonymousUser(), gone):
        assert edit_lookup(user) is None
        for action in Action.objects.all():
            assert not rules.may_update(user, action)


@pytest.mark.parametrize("persona, lookup", [
    ("coordinator", {}), ("chair", None), ("scrutineer", None),
    ("wmp_lead", "agency"), ("wmp_officer", "agency"), ("health_officer", "agency"),
])
def test_one_lookup_defines_the_editable_actions(request, world, persona, lookup):
    user = request.getfixturevalue(persona)
    if lookup == "agency":
        lookup = {"lead_agency_id": user.agency_id}
    assert edit_lookup(user) == lookup


def test_only_the_coordinator_edits_plans(world, coordinator, chair, wmp_lead):
    assert ActionPlan.objects.editable_by(coordinator).count() == 3
    assert not ActionPlan.objects.editable_by(chair).exists()
    assert not ActionPlan.objects.editable_by(wmp_lead).exists()


def test_open_and_overdue():
    overdue = ActionFactory(status=S.IN_PROGRESS, target_date=TODAY - dt.timedelta(days=1))
    ActionFactory(status=S.IN_PROGRESS, target_date=TODAY)
    returned_late = ActionFactory(status=S.RETURNED, target_date=TODAY - dt.timedelta(days=3))
    ActionFactory(status=S.AWAITING_SIGN_OFF, target_date=TODAY - dt.timedelta(days=3))
    ActionFactory(status=S.SIGNED_OFF, target_date=TODAY - dt.timedelta(days=3))
    ActionFactory(status=S.CLOSED_NOT_COMPLETED, target_date=TODAY - dt.timedelta(days=3))
    assert Action.objects.open().count() == 3
    assert set(Action.objects.overdue(TODAY)) == {overdue, returned_late}
    for action in Action.objects.all():
        assert action.is_overdue(TODAY) == (action in {overdue, returned_late})
    assert set(ActionPlan.objects.overdue(TODAY)) == {overdue.plan, returned_late.plan}
    closed = PlanFactory(status=ActionPlan.Status.CLOSED)
    assert closed not in ActionPlan.objects.open()


# --- optimistic locking ----------------------------------------------------------------------


class TestVersioning:
    def test_every_save_moves_the_version_on(self, wmp_action):
        assert wmp_action.version == 1
        wmp_action.description = "x"
        wmp_action.save()
        assert wmp_action.version == 2
        wmp_action.at_risk = True
        wmp_action.save(update_fields=["at_risk"])
        wmp_action.refresh_from_db()
        assert (wmp_action.version, wmp_action.at_risk, wmp_action.description) == (3, True, "x")

    def test_a_stale_copy_cannot_overwrite(self, wmp_action):
        mine = Action.objects.get(pk=wmp_action.pk)
        theirs = Action.objects.get(pk=wmp_action.pk)
        theirs.description = "Their edit"
        theirs.save()
        mine.description = "My edit"
        with pytest.raises(VersionConflict):
            mine.save()
        assert mine.version == 1  # unchanged, so a retry is still seen as stale
        fresh = Action.objects.get(pk=wmp_action.pk)
        assert (fresh.description, fresh.version) == ("Their edit", 2)

    def test_a_stale_update_fields_save_is_refused_too(self, wmp_action):
        stale = Action.objects.get(pk=wmp_action.pk)
        wmp_action.save()
        stale.at_risk = True
        with pytest.raises(VersionConflict):
            stale.save(update_fields=["at_risk"])
        assert not Action.objects.get(pk=wmp_action.pk).at_risk

    def test_history_records_each_version(self, wmp_action):
        wmp_action.status = S.NOT_STARTED
        wmp_action.save()
        assert sorted(wmp_action.history.values_list("version", flat=True)) == [1, 2]


# --- constraints (SECURITY.md check 43) ------------------------------------------------------


def _breaks(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


class TestConstraints:
    def test_action_rows(self, wmp_action):
        qs = Action.objects.filter(pk=wmp_action.pk)
        _breaks(lambda: qs.update(status="finished"))
        _breaks(lambda: qs.update(success_measure=""))
        _breaks(lambda: qs.update(description=""))
        _breaks(lambda: qs.update(status=S.CLOSED_NOT_COMPLETED))  # no reason
        _breaks(lambda: qs.update(status=S.SIGNED_OFF, completion_evidence="x",
                                  completed_on=TODAY))  # no signer
        _breaks(lambda: qs.update(status=S.AWAITING_SIGN_OFF))  # no evidence
        _breaks(lambda: qs.update(version=0))
        _breaks(lambda: qs.update(lead_agency=None))

    def test_duplicate_numbers_and_references(self, wmp_action):
        _breaks(lambda: ActionFactory(plan=wmp_action.plan, number=wmp_action.number,
                                      reference="OTHER"))
        _breaks(lambda: ActionFactory(reference=wmp_action.reference))

    def test_updates_evidence_and_date_changes(self, wmp_action, coordinator):
        _breaks(lambda: ProgressUpdateFactory(action=wmp_action, note=""))
        _breaks(lambda: ProgressUpdateFactory(action=wmp_action, status_to="finished"))
        _breaks(lambda: EvidenceFactory(action=wmp_action, size=0))
        TargetDateChangeFactory(action=wmp_action)
        _breaks(lambda: TargetDateChangeFactory(action=wmp_action))  # second pending
        _breaks(lambda: TargetDateChangeFactory(
            action=ActionFactory(), decision=TargetDateChange.Decision.AGREED))  # no decider
        _breaks(lambda: TargetDateChangeFactory(
            action=ActionFactory(), decision=TargetDateChange.Decision.PENDING,
            decided_by=coordinator, decided_at=timezone.now()))
        other = ActionFactory()
        _breaks(lambda: TargetDateChangeFactory(action=other, new_date=other.target_date))
        _breaks(lambda: TargetDateChangeFactory(action=ActionFactory(), reason=""))

    def test_updates_and_evidence_are_append_only(self, wmp_action):
        update = ProgressUpdateFactory(action=wmp_action)
        evidence = EvidenceFactory(action=wmp_action, update=update)
        for record in (update, evidence):
            with pytest.raises(TypeError, match="append-only"):
                record.save()
            with pytest.raises(TypeError, match="append-only"):
                record.delete()
        assert ProgressUpdate.objects.count() == Evidence.objects.count() == 1

    def test_history_and_evidence_are_protected(self, wmp_action):
        ProgressUpdateFactory(action=wmp_action)
        from django.db.models import ProtectedError

        with pytest.raises(ProtectedError):
            wmp_action.delete()
        with pytest.raises(ProtectedError):
            wmp_action.lead_officer.delete()
