"""Services: every write, its rules, and that a refusal changes nothing."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actions import services
from actions.models import (
    Action,
    ActionPlan,
    ActionStatus,
    OriginKind,
    ProgressUpdate,
    Recommendation,
    TargetDateChange,
)
from tests.actions.factories import ActionFactory, PlanFactory, TargetDateChangeFactory
from tests.factories import ThemeFactory, UserFactory

S = ActionStatus
pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 16)
LONDON = ZoneInfo("Europe/London")


def later(n):
    return TODAY + dt.timedelta(days=n)


def counts():
    return (ActionPlan.objects.count(), Action.objects.count(), ProgressUpdate.objects.count(),
            TargetDateChange.objects.count())


# --- plans -----------------------------------------------------------------------------------


class TestPlanCreate:
    def test_generates_sequential_references_per_year(self, coordinator):
        now = dt.datetime(2026, 5, 1, 9, tzinfo=LONDON)
        first = services.plan_create(by=coordinator, title="Ofsted ILACS", now=now,
                                     origin_kind=OriginKind.OFSTED)
        second = services.plan_create(by=coordinator, title="Scrutiny", now=now,
                                      origin_kind=OriginKind.SCRUTINY)
        assert (first.reference, second.reference) == ("AP-2026-001", "AP-2026-002")
        assert first.owner == coordinator  # owner defaults to `by`
        nxt = services.plan_create(by=coordinator, title="Pledges", origin_kind="young_people",
                                   now=dt.datetime(2027, 1, 2, 9, tzinfo=LONDON))
        assert nxt.reference == "AP-2027-001"

    def test_keeps_given_reference_and_owner(self, coordinator, chair):
        plan = services.plan_create(by=coordinator, title="T", origin_kind=OriginKind.LCSPR,
                                    origin_reference="SLPR-2026-004", owner=chair,
                                    reference="LCSPR-PLAN-1")
        assert (plan.reference, plan.owner, plan.origin_reference) == (
            "LCSPR-PLAN-1", chair, "SLPR-2026-004")

    def test_numbering_skips_custom_references(self, coordinator):
        now = dt.datetime(2026, 5, 1, 9, tzinfo=LONDON)
        PlanFactory(reference="AP-2026-009")
        PlanFactory(reference="AP-2026-OFSTED")
        assert services.plan_create(by=coordinator, title="T", origin_kind="other",
                                    now=now).reference == "AP-2026-010"

    @pytest.mark.parametrize("who", ["chair", "scrutineer", "wmp_lead", "wmp_officer"])
    def test_only_the_coordinator(self, request, who):
        with pytest.raises(PermissionDenied):
            services.plan_create(by=request.getfixturevalue(who), title="T",
                                 origin_kind="other")
        assert ActionPlan.objects.count() == 0

    def test_bad_input(self, coordinator):
        PlanFactory(reference="AP-X")
        with pytest.raises(ValidationError) as exc:
            services.plan_create(by=coordinator, title="  ", origin_kind="nonsense",
                                 reference="ap-x")
        assert set(exc.value.message_dict) == {"title", "origin_kind", "reference"}
        assert ActionPlan.objects.count() == 1


def test_recommendations_are_numbered_within_their_plan(coordinator):
    plan, other = PlanFactory(), PlanFactory()
    neglect = ThemeFactory(name="Neglect")
    one = services.recommendation_add(by=coordinator, plan=plan, text="Share information.",
                                      themes=[neglect])
    two = services.recommendation_add(by=coordinator, plan=plan, text="Involve fathers.")
    first_other = services.recommendation_add(by=coordinator, plan=other, text="X")
    assert (one.number, two.number, first_other.number) == (1, 2, 1)
    assert list(one.themes.all()) == [neglect]


def test_recommendation_refuses_retired_theme_and_other_roles(coordinator, chair):
    plan = PlanFactory()
    retired = ThemeFactory(name="Old", active=False)
    with pytest.raises(ValidationError) as exc:
        services.recommendation_add(by=coordinator, plan=plan, text="X", themes=[retired])
    assert "themes" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.recommendation_add(by=chair, plan=plan, text="X")
    assert Recommendation.objects.count() == 0


# --- creating actions ------------------------------------------------------------------------


class TestActionCreate:
    def create(self, coordinator, plan, **overrides):
        officer = overrides.pop("officer", None)
        kwargs = {
            "by": coordinator, "plan": plan, "description": "Brief every response team.",
            "success_measure": "All 12 teams briefed by the target date.",
            "lead_agency": officer.agency if officer else None, "lead_officer": officer,
            "target_date": later(30), "today": TODAY,
        }
        kwargs.update(overrides)
        return services.action_create(**kwargs)

    def test_numbers_and_references(self, coordinator, wmp_officer):
        plan = PlanFactory(reference="AP-2026-007")
        rec = services.recommendation_add(by=coordinator, plan=plan, text="R")
        theme = ThemeFactory(name="Exploitation")
        first = self.create(coordinator, plan, officer=wmp_officer, recommendation=rec,
                            themes=[theme])
        second = self.create(coordinator, plan, officer=wmp_officer)
        assert (first.reference, second.reference) == ("AP-2026-007-01", "AP-2026-007-02")
        assert first.original_target_date == first.target_date == later(30)
        assert first.status == S.NOT_STARTED and first.version == 1
        assert first.created_by == coordinator
        assert list(first.themes.all()) == [theme]
        assert {h.history_user for h in first.history.all()} == {coordinator}

    def test_today_is_an_acceptable_target(self, coordinator, wmp_officer):
        assert self.create(coordinator, PlanFactory(), officer=wmp_officer,
                           target_date=TODAY).target_date == TODAY

    @pytest.mark.parametrize(("change", "field"), [
        ({"target_date": later(-1)}, "target_date"),
        ({"success_measure": "   "}, "success_measure"),
        ({"description": ""}, "description"),
        ({"target_date": None}, "target_date"),
    ])
    def test_bad_input_names_the_field_and_changes_nothing(self, coordinator, wmp_officer,
                                                           change, field):
        plan = PlanFactory()
        before = counts()
        with pytest.raises(ValidationError) as exc:
            self.create(coordinator, plan, officer=wmp_officer, **change)
        assert list(exc.value.message_dict) == [field]
        assert counts() == before

    def test_officer_from_another_agency(self, coordinator, wmp_officer, health_officer):
        with pytest.raises(ValidationError) as exc:
            self.create(coordinator, PlanFactory(), officer=health_officer,
                        lead_agency=wmp_officer.agency)
        message = exc.value.message_dict["lead_officer"][0]
        assert "Hana Health works for SWBNHS, not WMP" in message
        assert Action.objects.count() == 0

    def test_inactive_officer_and_recommendation_of_another_plan(self, coordinator, wmp):
        gone = UserFactory(agency=wmp, is_active=False)
        other_rec = services.recommendation_add(by=coordinator, plan=PlanFactory(), text="R")
        with pytest.raises(ValidationError) as exc:
            self.create(coordinator, PlanFactory(), officer=gone, recommendation=other_rec)
        assert set(exc.value.message_dict) == {"lead_officer", "recommendation"}

    def test_closed_plan(self, coordinator, wmp_officer):
        plan = PlanFactory(status=ActionPlan.Status.CLOSED)
        with pytest.raises(ValidationError):
            self.create(coordinator, plan, officer=wmp_officer)

    @pytest.mark.parametrize("who", ["chair", "scrutineer", "wmp_lead", "wmp_officer"])
    def test_only_the_coordinator(self, request, who, wmp_officer):
        with pytest.raises(PermissionDenied):
            self.create(request.getfixturevalue(who), PlanFactory(), officer=wmp_officer)
        assert Action.objects.count() == 0


def test_action_update_changes_details_not_dates(coordinator, wmp_action, wmp_lead):
    services.action_update(
        by=coordinator, action=wmp_action, version=wmp_action.version,
        description="New words", success_measure="New measure",
        lead_agency=wmp_lead.agency, lead_officer=wmp_lead,
    )
    wmp_action.refresh_from_db()
    assert (wmp_action.description, wmp_action.lead_officer, wmp_action.version) == (
        "New words", wmp_lead, 2)
    with pytest.raises(PermissionDenied):
        services.action_update(by=wmp_lead, action=wmp_action, description="x",
                               success_measure="y", lead_agency=wmp_lead.agency,
                               lead_officer=wmp_lead)


# --- progress --------------------------------------------------------------------------------


class TestProgress:
    def test_appends_an_update_and_keeps_the_action_in_step(self, wmp_officer, wmp_action):
        now = dt.datetime(2026, 11, 16, 10, tzinfo=LONDON)
        update = services.action_record_progress(
            by=wmp_officer, action=wmp_action, note="Six of twelve teams briefed.",
            at_risk=True, today=TODAY, now=now)
        wmp_action.refresh_from_db()
        assert (update.author, update.kind, update.status_to) == (wmp_officer, "progress", "")
        assert wmp_action.last_update_at == now and wmp_action.at_risk
        assert wmp_action.version == 2
        assert wmp_action.history.first().history_user == wmp_officer

    def test_owner_status_moves(self, wmp_officer, wmp_action):
        services.action_record_progress(by=wmp_officer, action=wmp_action, note="Done",
                                        status=S.AWAITING_SIGN_OFF, today=TODAY,
                                        completion_evidence="Briefing log.")
        wmp_action.refresh_from_db()
        assert wmp_action.status == S.AWAITING_SIGN_OFF
        assert wmp_action.completed_on == TODAY
        update = wmp_action.updates.get()
        assert (update.status_from, update.status_to) == (S.IN_PROGRESS, S.AWAITING_SIGN_OFF)

    def test_marking_complete_needs_evidence(self, wmp_officer, wmp_action):
        with pytest.raises(ValidationError) as exc:
            services.action_record_progress(by=wmp_officer, action=wmp_action, note="Done",
                                            status=S.AWAITING_SIGN_OFF, today=TODAY)
        assert "completion_evidence" in exc.value.message_dict
        wmp_action.refresh_from_db()
        assert wmp_action.status == S.IN_PROGRESS and not wmp_action.updates.exists()

    def test_completing_clears_owner_flags(self, wmp_officer, wmp_action):
        Action.objects.filter(pk=wmp_action.pk).update(blocked=True, at_risk=True)
        wmp_action.refresh_from_db()
        services.action_record_progress(by=wmp_officer, action=wmp_action, note="Done",
                                        status=S.AWAITING_SIGN_OFF, today=TODAY,
                                        completion_evidence="Log")
        wmp_action.refresh_from_db()
        assert not wmp_action.blocked and not wmp_action.at_risk

    @pytest.mark.parametrize("status", [S.SIGNED_OFF, S.RETURNED, S.CLOSED_NOT_COMPLETED,
                                        S.NOT_STARTED, "nonsense"])
    def test_owner_cannot_make_the_coordinators_moves(self, wmp_officer, wmp_action, status):
        with pytest.raises(ValidationError) as exc:
            services.action_record_progress(by=wmp_officer, action=wmp_action, note="x",
                                            status=status, today=TODAY)
        assert "status" in exc.value.message_dict
        wmp_action.refresh_from_db()
        assert wmp_action.status == S.IN_PROGRESS

    def test_empty_note(self, wmp_officer, wmp_action):
        with pytest.raises(ValidationError) as exc:
            services.action_record_progress(by=wmp_officer, action=wmp_action, note=" ",
                                            today=TODAY)
        assert "note" in exc.value.message_dict

    def test_lead_of_the_agency_may_update_too(self, wmp_lead, wmp_action):
        services.action_record_progress(by=wmp_lead, action=wmp_action, note="x", today=TODAY)
        assert wmp_action.updates.get().author == wmp_lead

    @pytest.mark.parametrize("who", ["chair", "scrutineer", "health_officer", "health_lead"])
    def test_others_may_not(self, request, who, wmp_action):
        with pytest.raises(PermissionDenied):
            services.action_record_progress(by=request.getfixturevalue(who), action=wmp_action,
                                            note="x", today=TODAY)
        assert not wmp_action.updates.exists()

    def test_finished_actions_take_no_more_progress(self, wmp_officer, shared_plan):
        action = ActionFactory(plan=shared_plan, lead_agency=wmp_officer.agency,
                               lead_officer=wmp_officer, status=S.SIGNED_OFF)
        with pytest.raises(ValidationError, match="evidence of impact"):
            services.action_record_progress(by=wmp_officer, action=action, note="x",
                                            today=TODAY)


# --- sign-off, return, close, impact ---------------------------------------------------------


@pytest.fixture
def completed(shared_plan, wmp_officer):
    return ActionFactory(plan=shared_plan, number=9, lead_agency=wmp_officer.agency,
                         lead_officer=wmp_officer, status=S.AWAITING_SIGN_OFF)


class TestDecisions:
    def test_sign_off(self, coordinator, completed):
        services.action_sign_off(by=coordinator, action=completed, note="Good evidence.")
        completed.refresh_from_db()
        assert completed.status == S.SIGNED_OFF and completed.signed_off_by == coordinator
        entry = completed.updates.get(status_to=S.SIGNED_OFF)
        assert (entry.kind, entry.status_to, entry.note) == ("decision", S.SIGNED_OFF,
                                                             "Good evidence.")
        # ... and the impact review it schedules is the other entry (tests/actions/test_impact.py)
        assert completed.updates.exclude(pk=entry.pk).get().note.startswith(
            "Impact review scheduled for")

    def test_nobody_signs_off_their_own_action(self, coordinator, shared_plan):
        own = ActionFactory(plan=shared_plan, lead_agency=coordinator.agency,
                            lead_officer=coordinator, status=S.AWAITING_SIGN_OFF)
        with pytest.raises(PermissionDenied):
            services.action_sign_off(by=coordinator, action=own)
        with pytest.raises(PermissionDenied):
            services.action_return(by=coordinator, action=own, reason="x")
        own.refresh_from_db()
        assert own.status == S.AWAITING_SIGN_OFF

    @pytest.mark.parametrize("who", ["scrutineer", "wmp_lead", "wmp_officer"])
    def test_only_the_coordinator_or_the_chair_signs_off(self, request, who, completed):
        with pytest.raises(PermissionDenied):
            services.action_sign_off(by=request.getfixturevalue(who), action=completed)
        with pytest.raises(PermissionDenied):
            services.action_return(by=request.getfixturevalue(who), action=completed,
                                   reason="x")

    def test_the_chair_signs_off(self, chair, completed):
        services.action_sign_off(by=chair, action=completed)
        completed.refresh_from_db()
        assert completed.status == S.SIGNED_OFF and completed.signed_off_by == chair

    @pytest.mark.parametrize("who", ["chair", "scrutineer", "wmp_lead", "wmp_officer"])
    def test_only_the_coordinator_closes(self, request, who, wmp_action):
        with pytest.raises(PermissionDenied):
            services.action_close(by=request.getfixturevalue(who), action=wmp_action,
                                  reason="Superseded.")

    def test_only_completed_actions(self, coordinator, wmp_action):
        with pytest.raises(ValidationError):
            services.action_sign_off(by=coordinator, action=wmp_action)
        with pytest.raises(ValidationError):
            services.action_return(by=coordinator, action=wmp_action, reason="x")

    def test_return_needs_a_reason_and_reopens(self, coordinator, completed, wmp_officer):
        with pytest.raises(ValidationError) as exc:
            services.action_return(by=coordinator, action=completed, reason="")
        assert "note" in exc.value.message_dict
        services.action_return(by=coordinator, action=completed, reason="Attach the audit.")
        completed.refresh_from_db()
        assert completed.status == S.RETURNED and completed.completed_on is None
        assert completed.completion_evidence  # kept for the owner to add to
        # The owner can complete it again with more evidence, and it can then be signed off.
        services.action_record_progress(by=wmp_officer, action=completed, note="Audit added",
                                        status=S.AWAITING_SIGN_OFF, today=TODAY,
                                        completion_evidence="Log and audit.")
        completed.refresh_from_db()
        services.action_sign_off(by=coordinator, action=completed)
        completed.refresh_from_db()
        assert completed.status == S.SIGNED_OFF
        assert [u.status_to for u in completed.updates.exclude(status_to="")
                .order_by("created_at", "id")] == [
            S.RETURNED, S.AWAITING_SIGN_OFF, S.SIGNED_OFF]

    def test_close_without_completion(self, coordinator, wmp_action):
        with pytest.raises(ValidationError):
            services.action_close(by=coordinator, action=wmp_action, reason=" ")
        services.action_close(by=coordinator, action=wmp_action, reason="Superseded.")
        wmp_action.refresh_from_db()
        assert wmp_action.status == S.CLOSED_NOT_COMPLETED
        assert wmp_action.closed_reason == "Superseded."
        with pytest.raises(ValidationError):
            services.action_close(by=coordinator, action=wmp_action, reason="Again")

    def test_impact_after_sign_off(self, coordinator, completed, wmp_officer):
        with pytest.raises(ValidationError):
            services.action_record_impact(by=wmp_officer, action=ActionFactory(
                lead_agency=wmp_officer.agency, lead_officer=wmp_officer),
                impact_evidence="x")
        services.action_sign_off(by=coordinator, action=completed)
        completed.refresh_from_db()
        services.action_record_impact(by=wmp_officer, action=completed,
                                      impact_evidence="Referrals rose 20%.")
        completed.refresh_from_db()
        assert completed.impact_evidence == "Referrals rose 20%."
        assert completed.impact_recorded_at is not None
        assert completed.status == S.SIGNED_OFF
        assert completed.completion_evidence == "Briefing log attached."  # kept separately
        assert completed.updates.filter(kind="impact").count() == 1

    def test_impact_needs_text_and_the_right_agency(self, completed, health_officer,
                                                    wmp_officer):
        with pytest.raises(ValidationError) as exc:
            services.action_record_impact(by=wmp_officer, action=completed,
                                          impact_evidence="")
        assert "impact_evidence" in exc.value.message_dict
        with pytest.raises(PermissionDenied):
            services.action_record_impact(by=health_officer, action=completed,
                                          impact_evidence="x")


# --- target dates ----------------------------------------------------------------------------


class TestTargetDates:
    def test_request_then_agree_keeps_every_change_and_the_original(self, coordinator,
                                                                    wmp_officer, wmp_action):
        original = wmp_action.target_date
        ask = services.action_request_date_change(
            by=wmp_officer, action=wmp_action, new_date=original + dt.timedelta(days=30),
            reason="Trainer off sick.", today=TODAY)
        assert ask.decision == "pending" and ask.old_date == original
        services.action_decide_date_change(by=coordinator, change=ask, agree=True, today=TODAY)
        wmp_action.refresh_from_db()
        assert wmp_action.target_date == original + dt.timedelta(days=30)
        assert wmp_action.original_target_date == original
        assert wmp_action.slippage_days() == 30
        ask.refresh_from_db()
        assert (ask.decision, ask.decided_by) == ("agreed", coordinator)
        second = services.action_request_date_change(
            by=wmp_officer, action=wmp_action, new_date=original + dt.timedelta(days=45),
            reason="Again.", today=TODAY)
        services.action_decide_date_change(by=coordinator, change=second, agree=False,
                                           note="Hold to the date.", today=TODAY)
        wmp_action.refresh_from_db()
        assert wmp_action.slippage_days() == 30
        assert wmp_action.date_changes.count() == 2

    def test_request_rules(self, wmp_officer, wmp_action):
        with pytest.raises(ValidationError) as exc:
            services.action_request_date_change(by=wmp_officer, action=wmp_action,
                                                new_date=later(-1), reason="", today=TODAY)
        assert set(exc.value.message_dict) == {"new_date", "reason"}
        with pytest.raises(ValidationError) as exc:
            services.action_request_date_change(by=wmp_officer, action=wmp_action,
                                                new_date=wmp_action.target_date, reason="x",
                                                today=TODAY)
        assert "new_date" in exc.value.message_dict
        services.action_request_date_change(by=wmp_officer, action=wmp_action,
                                            new_date=later(90), reason="x", today=TODAY)
        with pytest.raises(ValidationError, match="already waiting"):
            services.action_request_date_change(by=wmp_officer, action=wmp_action,
                                                new_date=later(95), reason="y", today=TODAY)
        assert wmp_action.date_changes.count() == 1

    def test_other_agencies_cannot_ask(self, health_officer, chair, wmp_action):
        for who in (health_officer, chair):
            with pytest.raises(PermissionDenied):
                services.action_request_date_change(by=who, action=wmp_action,
                                                    new_date=later(90), reason="x",
                                                    today=TODAY)

    def test_decision_rules(self, coordinator, wmp_lead, wmp_action):
        ask = TargetDateChangeFactory(action=wmp_action, new_date=later(40))
        with pytest.raises(PermissionDenied):
            services.action_decide_date_change(by=wmp_lead, change=ask, agree=True,
                                               today=TODAY)
        with pytest.raises(ValidationError) as exc:
            services.action_decide_date_change(by=coordinator, change=ask, agree=False,
                                               today=TODAY)
        assert "decision_note" in exc.value.message_dict
        with pytest.raises(ValidationError, match="has passed"):
            services.action_decide_date_change(by=coordinator, change=ask, agree=True,
                                               today=later(41))
        services.action_decide_date_change(by=coordinator, change=ask, agree=True, today=TODAY)
        stale = TargetDateChange.objects.get(pk=ask.pk)
        stale.decision = "pending"  # a second co-ordinator's out-of-date copy
        with pytest.raises(ValidationError, match="already been decided"):
            services.action_decide_date_change(by=coordinator, change=stale, agree=False,
                                               note="No", today=TODAY)
        assert TargetDateChange.objects.get(pk=ask.pk).decision == "agreed"

    def test_nobody_decides_their_own_request(self, coordinator, wmp_action):
        ask = TargetDateChangeFactory(action=wmp_action, requested_by=coordinator)
        with pytest.raises(ValidationError, match="another co-ordinator"):
            services.action_decide_date_change(by=coordinator, change=ask, agree=True,
                                               today=TODAY)


def test_calendar_token_regenerate(wmp_officer):
    old = wmp_officer.calendar_token
    new = services.calendar_token_regenerate(user=wmp_officer)
    wmp_officer.refresh_from_db()
    assert new == wmp_officer.calendar_token != old


# --- the change signal -----------------------------------------------------------------------


class TestSignal:
    @pytest.fixture
    def heard(self):
        from actions.signals import action_changed

        events = []

        def listen(sender, action, event, by, signal, **extra):
            events.append((event, action.reference, by.full_name, sorted(extra)))

        action_changed.connect(listen)
        yield events
        action_changed.disconnect(listen)

    def test_every_step_is_announced(self, heard, coordinator, wmp_officer, wmp_action):
        services.action_record_progress(by=wmp_officer, action=wmp_action, note="a",
                                        today=TODAY)
        services.action_record_progress(by=wmp_officer, action=wmp_action, note="b",
                                        status=S.AWAITING_SIGN_OFF, completion_evidence="c",
                                        today=TODAY)
        services.action_return(by=coordinator, action=wmp_action, reason="more")
        ask = services.action_request_date_change(by=wmp_officer, action=wmp_action,
                                                  new_date=later(90), reason="r", today=TODAY)
        services.action_decide_date_change(by=coordinator, change=ask, agree=False, note="n",
                                           today=TODAY)
        assert [h[0] for h in heard] == ["progress", "completed", "returned", "date_requested",
                                         "date_refused"]
        assert heard[2] == ("returned", wmp_action.reference, "Carol Coordinator", ["update"])
        assert heard[3][3] == ["change"]

    def test_a_failing_listener_undoes_the_change(self, coordinator, wmp_action):
        """SECURITY.md check 36: nothing of a multi-step save survives a failure in it."""
        from django.db import transaction

        from actions.signals import action_changed

        def boom(**kwargs):
            raise RuntimeError("outbox unavailable")

        action_changed.connect(boom)
        try:
            with pytest.raises(RuntimeError), transaction.atomic():
                services.action_close(by=coordinator, action=wmp_action, reason="Superseded")
        finally:
            action_changed.disconnect(boom)
        fresh = Action.objects.get(pk=wmp_action.pk)
        assert (fresh.status, fresh.version) == (S.IN_PROGRESS, 1)
        assert not ProgressUpdate.objects.exists()
