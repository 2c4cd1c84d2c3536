"""Impact reviews: scheduled on sign-off, the co-ordinator's date and "not needed", evidence
from the lead agency only, and each rating's consequence. A refusal changes nothing."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from actions import services
from actions.models import (
    Action,
    ActionPlan,
    ActionStatus,
    Evidence,
    ImpactEvidence,
    ImpactRating,
    ImpactReview,
    ProgressUpdate,
    Rating,
)
from tests.actions.factories import ActionFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
SIGNED = dt.datetime(2026, 5, 20, 11, 0, tzinfo=LONDON)
DUE = dt.date(2026, 11, 20)


@pytest.fixture
def signed(coordinator, shared_plan, wmp_officer):
    action = ActionFactory(plan=shared_plan, number=7, lead_agency=wmp_officer.agency,
                           lead_officer=wmp_officer, status=ActionStatus.AWAITING_SIGN_OFF)
    services.action_sign_off(by=coordinator, action=action, now=SIGNED)
    return Action.objects.get(pk=action.pk)


@pytest.fixture
def review(signed):
    return signed.impact_reviews.get()


def snapshot():
    return (ImpactReview.objects.count(), ImpactEvidence.objects.count(),
            ImpactRating.objects.count(), Action.objects.count(), ProgressUpdate.objects.count(),
            list(ImpactReview.objects.values_list("status", "due_on")),
            list(ActionPlan.objects.values_list("status", flat=True)))


class TestScheduling:
    def test_sign_off_schedules_the_plans_default_months(self, signed, review):
        assert (review.number, review.due_on, review.status) == (1, DUE, "scheduled")
        assert signed.updates.filter(note__startswith="Impact review scheduled for 20 November"
                                     ).exists()

    def test_plan_sets_the_months(self, coordinator, shared_plan, wmp_officer):
        shared_plan.impact_review_months = 3
        shared_plan.save()
        action = ActionFactory(plan=shared_plan, number=8, lead_agency=wmp_officer.agency,
                               lead_officer=wmp_officer, status=ActionStatus.AWAITING_SIGN_OFF)
        services.action_sign_off(by=coordinator, action=action, now=SIGNED)
        assert action.impact_reviews.get().due_on == dt.date(2026, 8, 20)

    def test_coordinator_moves_the_date(self, coordinator, review):
        services.impact_review_set(by=coordinator, review=review, today=dt.date(2026, 6, 1),
                                   due_on=dt.date(2026, 9, 1))
        review.refresh_from_db()
        assert review.due_on == dt.date(2026, 9, 1)
        assert review.history.count() == 2

    def test_not_needed_needs_a_reason(self, coordinator, review):
        before = snapshot()
        with pytest.raises(ValidationError) as exc:
            services.impact_review_set(by=coordinator, review=review, today=dt.date(2026, 6, 1),
                                       not_needed=True, reason=" ")
        assert "reason" in exc.value.message_dict
        assert snapshot() == before
        services.impact_review_set(by=coordinator, review=review, today=dt.date(2026, 6, 1),
                                   not_needed=True, reason="A purely administrative action.")
        review.refresh_from_db()
        assert (review.status, review.not_needed_reason) == (
            "not_needed", "A purely administrative action.")

    @pytest.mark.parametrize("who", ["chair", "scrutineer", "wmp_lead", "wmp_officer"])
    def test_only_the_coordinator_sets_dates(self, request, who, review):
        before = snapshot()
        with pytest.raises(PermissionDenied):
            services.impact_review_set(by=request.getfixturevalue(who), review=review,
                                       today=dt.date(2026, 6, 1), due_on=dt.date(2026, 9, 1))
        assert snapshot() == before

    def test_date_in_the_past_refused(self, coordinator, review):
        with pytest.raises(ValidationError) as exc:
            services.impact_review_set(by=coordinator, review=review, today=dt.date(2026, 6, 1),
                                       due_on=dt.date(2026, 5, 1))
        assert "today or in the future" in exc.value.message_dict["due_on"][0]


class TestEvidence:
    def test_lead_agency_adds_a_data_trend_with_a_file(self, wmp_officer, review):
        upload = SimpleUploadedFile("trend.csv", b"month,rate\n2026-04,61\n2026-10,88\n",
                                    content_type="text/csv")
        ev = services.impact_evidence_add(
            by=wmp_officer, review=review, kind="data_trend",
            summary="Strategy discussions within a day rose.", measure="% within 1 day",
            before="61%", after="88%", period="April to October 2026", files=[upload])
        assert (ev.before, ev.after, ev.update.kind) == ("61%", "88%", "impact")
        assert Evidence.objects.get(update=ev.update).original_name == "trend.csv"
        assert "% within 1 day: before 61%, after 88% (April to October 2026)" in ev.update.note

    def test_data_trend_needs_figures_and_measure(self, wmp_officer, review):
        before = snapshot()
        with pytest.raises(ValidationError) as exc:
            services.impact_evidence_add(by=wmp_officer, review=review, kind="data_trend",
                                         summary="Better.", after="88%")
        assert set(exc.value.message_dict) == {"measure", "before"}
        assert snapshot() == before

    @pytest.mark.parametrize("who", ["health_officer", "health_lead", "chair", "scrutineer"])
    def test_other_agencies_and_readers_refused(self, request, who, review):
        before = snapshot()
        with pytest.raises(PermissionDenied):
            services.impact_evidence_add(by=request.getfixturevalue(who), review=review,
                                         kind="survey", summary="Staff say it helped.")
        assert snapshot() == before

    def test_agency_lead_of_the_lead_agency_may(self, wmp_lead, review):
        services.impact_evidence_add(by=wmp_lead, review=review, kind="voice",
                                     summary="Families say they were listened to.")
        assert review.evidence.count() == 1


def rate(by, review, rating, **kw):
    return services.impact_rate(by=by, review=review, rating=rating,
                                rationale=kw.pop("rationale", "The re-audit shows it."),
                                meeting_date=kw.pop("meeting_date", dt.date(2026, 11, 25)),
                                today=kw.pop("today", dt.date(2026, 11, 26)), **kw)


class TestRating:
    @pytest.mark.parametrize("rating", [Rating.EVIDENT, Rating.PARTLY])
    def test_evident_ends_the_question(self, chair, review, rating):
        record = rate(chair, review, rating)
        review.refresh_from_db()
        assert (review.status, record.consequence, record.rated_by) == ("rated", "", chair)
        assert ImpactReview.objects.filter(action=review.action).count() == 1
        assert review.action.updates.filter(note__contains=Rating(rating).label).exists()

    def test_not_yet_schedules_another_review(self, coordinator, review):
        record = rate(coordinator, review, Rating.NOT_YET, next_due_on=dt.date(2027, 5, 26))
        nxt = record.next_review
        assert (nxt.number, nxt.due_on, nxt.status) == (2, dt.date(2027, 5, 26), "scheduled")
        assert record.consequence == "next_review"

    def test_not_yet_needs_the_next_date(self, coordinator, review):
        before = snapshot()
        with pytest.raises(ValidationError) as exc:
            rate(coordinator, review, Rating.NOT_YET)
        assert "next_due_on" in exc.value.message_dict
        assert snapshot() == before

    def test_not_evident_opens_a_linked_follow_up(self, chair, review):
        record = rate(chair, review, Rating.NOT_EVIDENT, consequence="follow_up",
                      reason="Re-audit found no change in supervision.",
                      follow_up_description="Introduce monthly supervision audits.",
                      follow_up_success_measure="80% of supervisions recorded monthly.",
                      follow_up_target_date=dt.date(2027, 3, 31))
        follow = record.follow_up_action
        action = review.action
        assert follow.plan_id == action.plan_id and follow.reference.endswith("-08")
        assert (follow.lead_agency_id, follow.lead_officer_id, follow.status) == (
            action.lead_agency_id, action.lead_officer_id, "not_started")
        assert follow.follows_impact_rating == record
        assert action.updates.filter(note__contains=f"Follow-up action {follow.reference}"
                                     ).exists()

    def test_not_evident_reopens_a_closed_plan(self, coordinator, review):
        plan = review.action.plan
        plan.status = ActionPlan.Status.CLOSED
        plan.save()
        record = rate(coordinator, review, Rating.NOT_EVIDENT, consequence="reopen_plan",
                      reason="The theme recurred in RR-2026-009.")
        plan.refresh_from_db()
        assert (plan.status, record.consequence) == ("active", "reopen_plan")

    def test_not_evident_cannot_reopen_an_open_plan(self, coordinator, review):
        before = snapshot()
        with pytest.raises(ValidationError) as exc:
            rate(coordinator, review, Rating.NOT_EVIDENT, consequence="reopen_plan",
                 reason="Recurred.")
        assert "still open" in exc.value.message_dict["consequence"][0]
        assert snapshot() == before

    def test_not_evident_needs_a_reason_and_a_consequence(self, coordinator, review):
        with pytest.raises(ValidationError) as exc:
            rate(coordinator, review, Rating.NOT_EVIDENT)
        assert {"consequence", "reason"} <= set(exc.value.message_dict)

    @pytest.mark.parametrize("who", ["scrutineer", "wmp_lead", "wmp_officer"])
    def test_only_coordinator_and_chair_rate(self, request, who, review):
        before = snapshot()
        with pytest.raises(PermissionDenied):
            rate(request.getfixturevalue(who), review, Rating.EVIDENT)
        assert snapshot() == before

    def test_rated_once(self, chair, coordinator, review):
        rate(chair, review, Rating.EVIDENT)
        with pytest.raises(ValidationError):
            rate(coordinator, review, Rating.PARTLY)
        with pytest.raises(ValidationError):
            services.impact_evidence_add(by=coordinator, review=review, kind="other",
                                         summary="Late.")

    def test_meeting_in_the_future_refused(self, chair, review):
        with pytest.raises(ValidationError) as exc:
            rate(chair, review, Rating.EVIDENT, meeting_date=dt.date(2026, 12, 1))
        assert "meeting_date" in exc.value.message_dict


class TestScope:
    def test_partners_see_reviews_with_the_action(self, review, health_action, wmp_officer,
                                                  health_officer,
                                                  sct_officer, scrutineer):
        assert ImpactReview.objects.visible_to(wmp_officer).count() == 1
        assert ImpactReview.objects.visible_to(health_officer).count() == 1  # shared plan
        assert ImpactReview.objects.visible_to(sct_officer).count() == 0
        assert ImpactReview.objects.visible_to(scrutineer).count() == 1
        assert ImpactReview.objects.evidence_addable_by(health_officer).count() == 0
        assert ImpactReview.objects.evidence_addable_by(scrutineer).count() == 0
        assert ImpactReview.objects.editable_by(wmp_officer).count() == 1


class TestPlanMonths:
    def test_set_on_the_plan_and_checked(self, coordinator, shared_plan):
        with pytest.raises(ValidationError) as exc:
            services.plan_update(by=coordinator, plan=shared_plan, title=shared_plan.title,
                                 origin_kind=shared_plan.origin_kind, origin_reference="",
                                 owner=coordinator, status="active", impact_review_months=0)
        assert "1 to 36" in exc.value.message_dict["impact_review_months"][0]
        assert ActionPlan.objects.get(pk=shared_plan.pk).impact_review_months == 6
        services.plan_update(by=coordinator, plan=shared_plan, title=shared_plan.title,
                             origin_kind=shared_plan.origin_kind, origin_reference="",
                             owner=coordinator, status="active", impact_review_months=4)
        assert ActionPlan.objects.get(pk=shared_plan.pk).impact_review_months == 4
        plan = services.plan_create(by=coordinator, title="Ofsted", origin_kind="ofsted",
                                    impact_review_months=3)
        assert plan.impact_review_months == 3
