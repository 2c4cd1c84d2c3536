"""The review services: references, date rules, decisions that start reviews, sign-offs, the
Panel, stages (no skipping), outcomes and embargoes. Each rule is checked on the service, so it
holds whatever the form or page in front of it (SECURITY.md check 29)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from actions.models import Action, ActionPlan, OriginKind
from reviews import services
from reviews.models import (
    Case,
    CaseStatus,
    LocalRoute,
    PracticeReview,
    PublicationOutcome,
    RapidReviewDecision,
    ReferralDecision,
    ReviewKind,
    ReviewStatus,
    Route,
    StageKey,
)
from tests.reviews import factories as f

D = dt.date
pytestmark = pytest.mark.django_db


def errors_of(exc_info) -> dict:
    return {k: " ".join(str(m) for m in v) for k, v in exc_info.value.message_dict.items()}


# --- Cases: references and dates ---------------------------------------------------------------


def test_references_run_per_year_of_receipt(coordinator, wmp):
    first = f.notification(by=coordinator, agencies=[wmp])
    second = f.referral(by=coordinator, agencies=[wmp], referring_agency=wmp)
    next_year = f.referral(by=coordinator, agencies=[wmp], referring_agency=wmp,
                           received=D(2023, 1, 9), incident=D(2023, 1, 2), today=D(2023, 2, 1))
    assert (first.reference, second.reference, next_year.reference) == (
        "SLPR-2022-001", "SLPR-2022-002", "SLPR-2023-001")


def test_a_reference_can_be_kept_from_earlier_records_but_not_reused(coordinator, wmp):
    case = f.notification(by=coordinator, agencies=[wmp], reference="SLPR-2022-004")
    assert case.reference == "SLPR-2022-004"
    assert f.notification(by=coordinator, agencies=[wmp]).reference == "SLPR-2022-005"
    with pytest.raises(ValidationError) as exc:
        f.notification(by=coordinator, agencies=[wmp], reference="SLPR-2022-004")
    assert "already in use" in errors_of(exc)["reference"]
    with pytest.raises(ValidationError) as exc:
        f.notification(by=coordinator, agencies=[wmp], reference="SLPR-2021-009")
    assert "year" in errors_of(exc)["reference"]


def test_a_notification_starts_its_rapid_review_and_action_plan(coordinator, wmp, swbnhs):
    case = f.notification(by=coordinator, agencies=[wmp, swbnhs], pseudonyms=("Child 4",))
    assert case.status == CaseStatus.RAPID_REVIEW
    rr = case.rapid_review
    assert rr.action_plan.origin_kind == OriginKind.RAPID_REVIEW
    assert rr.action_plan.origin_reference == case.reference
    assert rr.action_plan.reference == f"AP-{case.reference}"
    assert list(case.children.values_list("pseudonym", "position")) == [("Child 4", 1)]
    assert set(case.agencies_involved.all()) == {wmp, swbnhs}


@pytest.mark.parametrize(
    ("dates", "field", "words"),
    [
        ({"aware": D(2022, 4, 9)}, "became_aware_on", "cannot have become aware"),
        ({"notified": D(2022, 4, 10), "aware": D(2022, 4, 11)}, "notification_submitted_on",
         "cannot be before the local authority became aware"),
        ({"incident": D(2022, 7, 1)}, "incident_date", "cannot be in the future"),
        ({"received": D(2022, 4, 9)}, "referral_received_on", "before the incident"),
        ({"aware": None}, "became_aware_on", "Give the date the local authority became aware"),
        ({"notified": D(2022, 4, 21)}, "late_notification_reason",
         "after its deadline of 20 April 2022"),
    ],
    ids=["aware-before-incident", "notified-before-aware", "future", "received-before-incident",
         "aware-missing", "late-without-reason"],
)
def test_date_rules_have_clear_messages(coordinator, wmp, dates, field, words):
    kwargs = {"incident": D(2022, 4, 10), "aware": D(2022, 4, 11), "notified": D(2022, 4, 13),
              "received": D(2022, 4, 12), "today": D(2022, 6, 30)}
    if "incident" in dates and dates["incident"] > D(2022, 6, 30):
        kwargs.update(aware=D(2022, 7, 1), notified=D(2022, 7, 1), received=D(2022, 7, 1))
    kwargs.update(dates)
    with pytest.raises(ValidationError) as exc:
        f.notification(by=coordinator, agencies=[wmp], **kwargs)
    assert words in errors_of(exc)[field]
    assert not Case.objects.exists()


def test_a_late_notification_with_its_reason_is_accepted(coordinator, wmp):
    case = f.notification(by=coordinator, agencies=[wmp], notified=D(2022, 4, 21),
                          late_reason="Waiting for medical confirmation.")
    assert case.late_notification_reason == "Waiting for medical confirmation."


def test_five_working_days_over_easter_is_on_time(coordinator, wmp):
    """Aware Monday 11 April 2022: Good Friday and Easter Monday do not count, so Wednesday
    20 April is the fifth working day and needs no reason."""
    case = f.notification(by=coordinator, agencies=[wmp], notified=D(2022, 4, 20))
    assert case.notification_submitted_on == D(2022, 4, 20)


def test_at_most_four_children_and_each_needs_a_pseudonym(coordinator, wmp):
    with pytest.raises(ValidationError) as exc:
        f.notification(by=coordinator, agencies=[wmp], pseudonyms=[f"Child {n}" for n in "ABCDE"])
    assert "at most 4 children" in errors_of(exc)["children"]
    with pytest.raises(ValidationError) as exc:
        f.notification(by=coordinator, agencies=[wmp], pseudonyms=[])
    assert "at least one child" in errors_of(exc)["children"]
    with pytest.raises(ValidationError) as exc:
        f.notification(by=coordinator, agencies=[wmp], pseudonyms=["Child 1", "child 1"])
    assert "Two children" in errors_of(exc)["children"]


def test_children_are_replaced_in_order(coordinator, wmp):
    case = f.notification(by=coordinator, agencies=[wmp], pseudonyms=("Baby M", "Child N"))
    m, n = case.children.order_by("position")
    services.case_set_children(by=coordinator, case=case, children=[
        {"id": n.pk, "pseudonym": "Child N", "sex": "female"},
        {"pseudonym": "Child O"}, {"pseudonym": "Child P"}, {"pseudonym": "Child Q"},
    ])
    assert list(case.children.order_by("position").values_list("pseudonym", "position")) == [
        ("Child N", 1), ("Child O", 2), ("Child P", 3), ("Child Q", 4)]
    with pytest.raises(ValidationError):
        services.case_set_children(by=coordinator, case=case, children=[
            {"pseudonym": f"Child {n}"} for n in range(5)])


def test_only_the_business_unit_logs_notifications(wmp_lead, chair, wmp):
    for person in (wmp_lead, chair):
        with pytest.raises(PermissionDenied):
            f.notification(by=person, agencies=[wmp])


def test_an_agency_lead_refers_for_their_own_agency_today(wmp_lead, wmp_officer, swbnhs, wmp):
    case = f.referral(by=wmp_lead, agencies=[swbnhs], referring_agency=swbnhs,
                      received=D(2020, 1, 1), today=D(2022, 6, 30))
    assert case.referring_agency == wmp  # not the agency they named
    assert case.referral_received_on == D(2022, 6, 30)  # received when sent
    assert set(case.agencies_involved.all()) == {swbnhs, wmp}
    assert case.status == CaseStatus.AWAITING_DECISION
    assert not hasattr(case, "rapid_review") or case.rapid_review is None
    with pytest.raises(PermissionDenied):
        f.referral(by=wmp_officer, agencies=[wmp])


def test_a_referral_can_become_a_notification_and_gets_its_rapid_review(coordinator, wmp):
    case = f.referral(by=coordinator, agencies=[wmp], referring_agency=wmp)
    services.case_update(
        by=coordinator, case=case, today=D(2022, 6, 30), route=Route.NOTIFICATION,
        referral_received_on=case.referral_received_on, incident_date=case.incident_date,
        became_aware_on=D(2022, 6, 1), notification_submitted_on=D(2022, 6, 2),
        incident_type=case.incident_type, case_outline=case.case_outline,
        agencies_involved=[wmp], referring_agency=wmp)
    case.refresh_from_db()
    assert case.route == Route.NOTIFICATION and case.rapid_review.action_plan is not None
    assert case.status == CaseStatus.RAPID_REVIEW


# --- Rapid Reviews -------------------------------------------------------------------------------


def test_the_decision_needs_the_meeting_and_comes_after_it(coordinator, wmp):
    case = f.notification(by=coordinator, agencies=[wmp])
    rr = case.rapid_review
    with pytest.raises(ValidationError) as exc:
        services.rr_decide(by=coordinator, rr=rr, today=D(2022, 6, 30), decision="lcspr",
                           rationale="Met.", decided_on=D(2022, 4, 28))
    assert "meeting date first" in errors_of(exc)["decided_on"]
    services.rr_update(by=coordinator, rr=rr, today=D(2022, 6, 30), meeting_date=D(2022, 4, 28))
    with pytest.raises(ValidationError) as exc:
        services.rr_decide(by=coordinator, rr=rr, today=D(2022, 6, 30), decision="lcspr",
                           rationale="", decided_on=D(2022, 4, 27))
    errors = errors_of(exc)
    assert "before the Rapid Review panel met" in errors["decided_on"]
    assert "rationale" in errors["decision_rationale"]
    with pytest.raises(ValidationError) as exc:
        services.rr_decide(by=coordinator, rr=rr, today=D(2022, 6, 30),
                           decision=RapidReviewDecision.LOCAL_ROUTE, rationale="x",
                           decided_on=D(2022, 4, 28))
    assert "local learning route" in errors_of(exc)["local_route"]


def test_the_meeting_cannot_be_before_the_referral(coordinator, wmp):
    rr = f.notification(by=coordinator, agencies=[wmp]).rapid_review
    with pytest.raises(ValidationError) as exc:
        services.rr_update(by=coordinator, rr=rr, today=D(2022, 6, 30),
                           meeting_date=D(2022, 4, 11))
    assert "before the referral was received" in errors_of(exc)["meeting_date"]


@pytest.mark.parametrize(
    ("decision", "route", "kind", "status"),
    [
        (RapidReviewDecision.LCSPR, "", ReviewKind.LCSPR, CaseStatus.IN_REVIEW),
        (RapidReviewDecision.LOCAL_ROUTE, LocalRoute.TABLETOP, ReviewKind.TABLETOP,
         CaseStatus.IN_REVIEW),
        (RapidReviewDecision.LOCAL_ROUTE, LocalRoute.SPOTLIGHT, ReviewKind.SPOTLIGHT,
         CaseStatus.IN_REVIEW),
        (RapidReviewDecision.LOCAL_ROUTE, LocalRoute.LEARNING_BRIEFING,
         ReviewKind.LEARNING_BRIEFING, CaseStatus.IN_REVIEW),
        (RapidReviewDecision.NATIONAL, "", None, CaseStatus.NATIONAL_REVIEW),
        (RapidReviewDecision.NO_FURTHER, "", None, CaseStatus.CLOSED),
    ],
)
def test_decisions_start_the_linked_review(coordinator, wmp, decision, route, kind, status):
    case = f.notification(by=coordinator, agencies=[wmp], pseudonyms=("Child 1",))
    rr = f.decided(case, by=coordinator, decision=decision, local_route=route)
    reviews = list(rr.practice_reviews.all())
    if kind is None:
        assert reviews == []
    else:
        (review,) = reviews
        assert review.kind == kind and list(review.cases.all()) == [case]
        assert review.decision_date == D(2022, 4, 28)
        assert review.title.endswith(f"{case.reference} (Child 1)")
        assert review.action_plan.origin_reference == review.reference
        assert review.stages.exists()
    case.refresh_from_db()
    assert case.status == status


def test_a_decision_that_started_a_review_cannot_silently_change(coordinator, wmp):
    case = f.notification(by=coordinator, agencies=[wmp])
    rr = f.decided(case, by=coordinator)
    # Re-saving the same decision (a better rationale) is fine and starts nothing new.
    services.rr_decide(by=coordinator, rr=rr, today=D(2022, 6, 30), decision="lcspr",
                       rationale="Clearer rationale.", decided_on=D(2022, 4, 28))
    assert PracticeReview.objects.count() == 1
    with pytest.raises(ValidationError) as exc:
        services.rr_decide(by=coordinator, rr=rr, today=D(2022, 6, 30), decision="no_further",
                           rationale="Changed.", decided_on=D(2022, 4, 28))
    assert "LCSPR-2022-01 has already been started" in errors_of(exc)["decision"]


def test_sign_offs_by_partners_and_the_chair(coordinator, chair, scrutineer, wmp, sct):
    case = f.notification(by=coordinator, agencies=[wmp])
    rr = case.rapid_review
    with pytest.raises(ValidationError):
        services.rr_record_sign_off(by=coordinator, rr=rr, today=D(2022, 6, 30), agency=wmp,
                                    name="Gareth Price", role="Det Supt",
                                    signed_on=D(2022, 5, 3))
    rr = f.decided(case, by=coordinator)
    one = services.rr_record_sign_off(by=coordinator, rr=rr, today=D(2022, 6, 30), agency=wmp,
                                      name="Gareth Price", role="Det Supt",
                                      signed_on=D(2022, 5, 3))
    assert one.recorded_by == coordinator and one.signed_by is None
    with pytest.raises(ValidationError) as exc:
        services.rr_record_sign_off(by=coordinator, rr=rr, today=D(2022, 6, 30), agency=wmp,
                                    name="Someone", role="Else", signed_on=D(2022, 5, 4))
    assert "already signed off" in errors_of(exc)["agency"]
    with pytest.raises(ValidationError) as exc:
        services.rr_record_sign_off(by=coordinator, rr=rr, today=D(2022, 6, 30), agency=sct,
                                    name="S K", role="CEO", signed_on=D(2022, 4, 27))
    assert "before the decision" in errors_of(exc)["signed_on"]
    # The chair signs in person: their name, their agency, today; whatever else is passed.
    mine = services.rr_record_sign_off(by=chair, rr=rr, today=D(2022, 5, 5), agency=sct,
                                       name="Not me", signed_on=D(2022, 4, 1))
    assert (mine.agency, mine.signed_by_name, mine.signed_on, mine.signed_by) == (
        chair.agency, chair.full_name, D(2022, 5, 5), chair)
    with pytest.raises(PermissionDenied):
        services.rr_record_sign_off(by=scrutineer, rr=rr, today=D(2022, 5, 5))


def test_sending_to_the_panel_stops_the_clock_and_needs_the_decision(coordinator, wmp):
    case = f.notification(by=coordinator, agencies=[wmp])
    rr = case.rapid_review
    with pytest.raises(ValidationError) as exc:
        services.rr_record_panel(by=coordinator, rr=rr, today=D(2022, 6, 30),
                                 sent_to_panel_on=D(2022, 5, 5))
    assert "decision before sending" in errors_of(exc)["sent_to_panel_on"]
    rr = f.decided(case, by=coordinator)
    with pytest.raises(ValidationError) as exc:
        services.rr_record_panel(by=coordinator, rr=rr, today=D(2022, 6, 30),
                                 sent_to_panel_on=D(2022, 5, 5), panel_response="agrees",
                                 panel_response_on=D(2022, 5, 4))
    assert "cannot respond" in errors_of(exc)["panel_response_on"]
    services.rr_record_panel(by=coordinator, rr=rr, today=D(2022, 6, 30),
                             sent_to_panel_on=D(2022, 5, 5), panel_response="agrees",
                             panel_response_on=D(2022, 6, 9), panel_comments="Agreed.")
    rr.refresh_from_db()
    from reviews import clocks

    clock = clocks.rapid_review_clock(case, rr, f.CAL)
    assert clock.status(D(2023, 1, 1)) == clocks.ClockStatus.MET
    assert clock.current_day(D(2023, 1, 1)) == 14


def test_rapid_review_actions_go_into_its_plan(coordinator, wmp, wmp_officer, swbnhs,
                                               health_officer):
    rr = f.notification(by=coordinator, agencies=[wmp, swbnhs]).rapid_review
    first = services.rr_add_action(
        by=coordinator, rr=rr, today=D(2022, 4, 28), description="Brief officers.",
        success_measure="All briefed.", lead_agency=wmp, lead_officer=wmp_officer,
        target_date=D(2022, 6, 30))
    second = services.rr_add_action(
        by=coordinator, rr=rr, today=D(2022, 4, 28), description="Audit records.",
        success_measure="20 records audited.", lead_agency=swbnhs, lead_officer=health_officer,
        target_date=D(2022, 7, 29))
    assert [a.reference for a in Action.objects.filter(plan=rr.action_plan)] == [
        f"{rr.action_plan.reference}-01", f"{rr.action_plan.reference}-02"]
    assert (first.lead_agency, second.lead_agency) == (wmp, swbnhs)
    with pytest.raises(ValidationError) as exc:
        services.rr_add_action(
            by=coordinator, rr=rr, today=D(2022, 4, 28), description="x", success_measure="y",
            lead_agency=wmp, lead_officer=health_officer, target_date=D(2022, 6, 30))
    assert "lead_officer" in exc.value.message_dict


# --- Referral decisions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "kind", "status"),
    [(ReferralDecision.NO_FURTHER_ACTION, None, CaseStatus.CLOSED),
     (ReferralDecision.LEARNING_BRIEFING, ReviewKind.LEARNING_BRIEFING, CaseStatus.IN_REVIEW),
     (ReferralDecision.SPOTLIGHT, ReviewKind.SPOTLIGHT, CaseStatus.IN_REVIEW)],
)
def test_referral_decisions(coordinator, swbnhs, decision, kind, status):
    case = f.referral(by=coordinator, agencies=[swbnhs], referring_agency=swbnhs)
    record = services.referral_decide(by=coordinator, case=case, today=D(2022, 6, 30),
                                      decision=decision, rationale="Because.",
                                      decided_on=D(2022, 6, 20))
    assert [r.kind for r in record.practice_reviews.all()] == ([kind] if kind else [])
    case.refresh_from_db()
    assert case.status == status


def test_a_notification_has_no_referral_decision(coordinator, wmp):
    case = f.notification(by=coordinator, agencies=[wmp])
    with pytest.raises(ValidationError):
        services.referral_decide(by=coordinator, case=case, today=D(2022, 6, 30),
                                 decision="nfa", rationale="x", decided_on=D(2022, 5, 1))


# --- Practice reviews ------------------------------------------------------------------------------


@pytest.fixture
def lcspr(coordinator, wmp):
    case = f.notification(by=coordinator, agencies=[wmp])
    return f.decided(case, by=coordinator).practice_reviews.get()


def stage_rows(review, **changes):
    rows = []
    for stage in review.stages.order_by("order"):
        row = {"id": stage.pk, "name": stage.name, "planned_date": stage.planned_date,
               "actual_date": stage.actual_date, "not_needed": stage.not_needed, "note": ""}
        row.update(changes.get(stage.key or stage.name, {}))
        rows.append(row)
    return rows


def test_default_lcspr_stages_fit_the_six_months(lcspr):
    stages = list(lcspr.stages.order_by("order"))
    assert [s.key for s in stages if s.key] == [StageKey.RATIFIED, StageKey.SENT_TO_PANEL,
                                               StageKey.PUBLISHED]
    published = lcspr.stages.get(key=StageKey.PUBLISHED)
    sent = lcspr.stages.get(key=StageKey.SENT_TO_PANEL)
    assert published.planned_date == D(2022, 10, 28)  # 6 months after 28 April 2022
    assert sent.planned_date == D(2022, 10, 19)  # 7 working days before
    assert "Family told and offered an advocate" in [s.name for s in stages]


def test_a_stage_cannot_be_done_while_an_earlier_one_is_pending(coordinator, lcspr):
    rows = stage_rows(lcspr, ratified={"actual_date": D(2022, 10, 1)})
    with pytest.raises(ValidationError) as exc:
        services.review_set_stages(by=coordinator, review=lcspr, today=D(2022, 12, 1),
                                   stages=rows)
    assert "cannot be done before “Decision agreed by the National Panel”" in " ".join(
        exc.value.messages)
    # Marking the earlier stages not needed (or done) lets it through.
    rows = stage_rows(lcspr, ratified={"actual_date": D(2022, 10, 1)})
    for row in rows[:8]:
        row["actual_date"] = D(2022, 9, 1)
    rows[6]["actual_date"], rows[6]["not_needed"] = None, True  # family contribution
    services.review_set_stages(by=coordinator, review=lcspr, today=D(2022, 12, 1), stages=rows)
    lcspr.refresh_from_db()
    assert lcspr.status == ReviewStatus.AWAITING_PUBLICATION


def test_milestones_cannot_be_removed_or_skipped(coordinator, lcspr):
    rows = stage_rows(lcspr, published={"delete": True})
    with pytest.raises(ValidationError) as exc:
        services.review_set_stages(by=coordinator, review=lcspr, today=D(2022, 12, 1),
                                   stages=rows)
    assert "cannot be removed" in " ".join(exc.value.messages)
    rows = stage_rows(lcspr, sent_to_panel={"not_needed": True})
    with pytest.raises(ValidationError) as exc:
        services.review_set_stages(by=coordinator, review=lcspr, today=D(2022, 12, 1),
                                   stages=rows)
    assert "cannot be marked not needed" in " ".join(exc.value.messages)


def test_stages_can_be_renamed_added_and_removed(coordinator, lcspr):
    rows = stage_rows(lcspr)
    rows[1]["name"] = "Family told; advocate from Barnardo's offered"
    rows[2]["delete"] = True
    rows.append({"name": "Second learning event", "planned_date": D(2022, 8, 1)})
    services.review_set_stages(by=coordinator, review=lcspr, today=D(2022, 12, 1), stages=rows)
    names = list(lcspr.stages.order_by("order").values_list("name", flat=True))
    assert names[1] == "Family told; advocate from Barnardo's offered"
    assert "Terms of reference agreed" not in names
    assert names[-1] == "Second learning event"


def test_no_stage_date_in_the_future(coordinator, lcspr):
    rows = stage_rows(lcspr)
    rows[0]["actual_date"] = D(2022, 12, 2)
    with pytest.raises(ValidationError) as exc:
        services.review_set_stages(by=coordinator, review=lcspr, today=D(2022, 12, 1),
                                   stages=rows)
    assert "cannot be in the future" in " ".join(exc.value.messages)


RATIFIED = D(2023, 2, 16)


def ratify(coordinator, review, day=RATIFIED):
    rows = stage_rows(review, ratified={"actual_date": day})
    for row in rows[:8]:
        row["actual_date"] = D(2022, 12, 1)
    services.review_set_stages(by=coordinator, review=review, today=D(2023, 3, 1), stages=rows)


def test_the_publication_outcome_needs_ratification(coordinator, lcspr):
    with pytest.raises(ValidationError) as exc:
        services.review_record_outcome(by=coordinator, review=lcspr, today=D(2023, 3, 1),
                                       outcome=PublicationOutcome.PUBLISHED,
                                       published_on=D(2023, 3, 1), published_url="https://x.uk")
    assert "ratified" in errors_of(exc)["outcome"]


def test_an_embargo_records_reason_proceeding_end_and_next_review(coordinator, lcspr):
    ratify(coordinator, lcspr)
    with pytest.raises(ValidationError) as exc:
        services.review_record_outcome(by=coordinator, review=lcspr, today=D(2023, 3, 1),
                                       outcome=PublicationOutcome.EMBARGOED)
    assert set(exc.value.message_dict) >= {"embargo_reason", "embargo_proceeding",
                                           "embargo_expected_end", "embargo_next_review"}
    services.review_record_outcome(
        by=coordinator, review=lcspr, today=D(2023, 3, 1), outcome="embargoed",
        embargo_reason="Criminal trial.", embargo_proceeding="criminal",
        embargo_expected_end=D(2023, 10, 31), embargo_next_review=D(2023, 6, 30))
    lcspr.refresh_from_db()
    assert lcspr.status == ReviewStatus.AWAITING_PUBLICATION
    case = lcspr.cases.get()
    assert case.status == CaseStatus.IN_REVIEW
    from reviews import clocks

    # Child 1: ratified in February 2023, so the 6-month target was met late.
    lcspr = PracticeReview.objects.prefetch_related("stages").get(pk=lcspr.pk)
    assert clocks.lcspr_clock(lcspr, f.CAL).status(D(2023, 3, 31)) == clocks.ClockStatus.MET_LATE


def test_publishing_completes_the_review_and_closes_the_case(coordinator, lcspr):
    ratify(coordinator, lcspr, D(2022, 10, 3))
    with pytest.raises(ValidationError) as exc:
        services.review_record_outcome(by=coordinator, review=lcspr, today=D(2022, 12, 1),
                                       outcome="published", published_on=D(2022, 10, 20),
                                       published_url="javascript:alert(1)")
    assert "https://" in errors_of(exc)["published_url"]
    services.review_record_outcome(by=coordinator, review=lcspr, today=D(2022, 12, 1),
                                   outcome="published", published_on=D(2022, 10, 20),
                                   published_url="https://scsp.example/lcspr")
    lcspr.refresh_from_db()
    assert lcspr.status == ReviewStatus.COMPLETED
    assert lcspr.stages.get(key=StageKey.PUBLISHED).actual_date == D(2022, 10, 20)
    assert lcspr.cases.get().status == CaseStatus.CLOSED


def test_not_published_needs_reason_and_what_was_published_instead(coordinator, lcspr):
    ratify(coordinator, lcspr, D(2022, 10, 3))
    with pytest.raises(ValidationError) as exc:
        services.review_record_outcome(by=coordinator, review=lcspr, today=D(2022, 12, 1),
                                       outcome="not_published", not_published_reason="Risk.")
    assert "published_instead" in exc.value.message_dict


def test_completing_a_local_review(coordinator, swbnhs):
    case = f.referral(by=coordinator, agencies=[swbnhs], referring_agency=swbnhs)
    services.referral_decide(by=coordinator, case=case, today=D(2022, 9, 30),
                             decision="learning_briefing", rationale="x",
                             decided_on=D(2022, 6, 20))
    review = case.practice_reviews.get()
    with pytest.raises(ValidationError) as exc:
        services.review_record_outcome(by=coordinator, review=review, today=D(2022, 9, 30),
                                       completed_on=D(2022, 9, 14))
    assert "cannot be done before" in " ".join(exc.value.messages)
    rows = stage_rows(review)
    rows[0]["actual_date"], rows[1]["actual_date"] = D(2022, 7, 13), D(2022, 8, 10)
    services.review_set_stages(by=coordinator, review=review, today=D(2022, 9, 30), stages=rows)
    services.review_record_outcome(by=coordinator, review=review, today=D(2022, 9, 30),
                                   completed_on=D(2022, 9, 14), summary="Young carers.")
    review.refresh_from_db()
    assert review.status == ReviewStatus.COMPLETED
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_a_thematic_lcspr_links_several_cases(coordinator, wmp, swbnhs):
    one = f.notification(by=coordinator, agencies=[wmp])
    two = f.referral(by=coordinator, agencies=[swbnhs], referring_agency=swbnhs)
    review = services.review_create(by=coordinator, kind=ReviewKind.LCSPR,
                                    title="Thematic: neglect", decision_date=D(2022, 6, 30),
                                    cases=[one, two], today=D(2022, 7, 1))
    assert review.is_thematic and review.reference == "LCSPR-2022-01"
    two.refresh_from_db()
    assert two.status == CaseStatus.IN_REVIEW
    plan = ActionPlan.objects.get(pk=review.action_plan_id)
    assert plan.origin_kind == OriginKind.LCSPR
    rec = services.review_add_recommendation(by=coordinator, review=review,
                                             text="Use the graded care profile.")
    assert rec.plan == plan


def test_progress_checks(coordinator, lcspr):
    with pytest.raises(ValidationError) as exc:
        services.review_add_progress_check(by=coordinator, review=lcspr, today=D(2022, 9, 1),
                                           checked_on=D(2022, 4, 1), note="")
    assert set(exc.value.message_dict) == {"checked_on", "note"}
    check = services.review_add_progress_check(
        by=coordinator, review=lcspr, today=D(2022, 9, 1), checked_on=D(2022, 9, 1),
        note="Reports late.", on_track=False, drafts_requested=True)
    assert check.drafts_requested and not check.on_track


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_briefing_files_are_checked_by_content(coordinator, lcspr):
    with pytest.raises(ValidationError) as exc:
        services.review_upload_briefing(
            by=coordinator, review=lcspr,
            upload=SimpleUploadedFile("briefing.pdf", b"<html><script>alert(1)</script>"))
    assert "not really a PDF" in errors_of(exc)["file"]
    record = services.review_upload_briefing(
        by=coordinator, review=lcspr, upload=SimpleUploadedFile("../../etc/brief\u202eing.pdf", PDF))
    assert record.original_name == "briefing.pdf"
    assert record.file.name.startswith("briefings/") and "etc" not in record.file.name
    assert record.size == len(PDF) and len(record.sha256) == 64


def test_services_refuse_everyone_but_the_coordinator(chair, scrutineer, wmp_lead, coordinator,
                                                      wmp, lcspr):
    rr = lcspr.rapid_review
    for person in (chair, scrutineer, wmp_lead):
        with pytest.raises(PermissionDenied):
            services.rr_update(by=person, rr=rr, today=D(2022, 6, 1))
        with pytest.raises(PermissionDenied):
            services.review_add_progress_check(by=person, review=lcspr, today=D(2022, 6, 1),
                                               checked_on=D(2022, 6, 1), note="x")
        with pytest.raises(PermissionDenied):
            services.review_record_outcome(by=person, review=lcspr, today=D(2022, 6, 1))


def test_the_briefing_upload_keeps_its_file_across_an_error(client_for, coordinator, lcspr):
    """A forged token is refused on the field; the file chosen with it is held, shown as
    attached and saved by the next POST (scsp/kept_work.py)."""
    import re

    from django.urls import reverse

    from scsp.models import HeldFile

    url = reverse("reviews:review_briefing_upload", args=[lcspr.pk])
    client = client_for(coordinator)
    response = client.post(url, {"file": SimpleUploadedFile("Briefing.pdf", PDF),
                                 "_held_file": "forged"})
    html = response.content.decode()
    assert response.status_code == 200 and "no longer kept" in html
    assert "Attached:" in html and "Briefing.pdf" in html
    [token] = re.findall(r'name="_held_file" value="([^"]+)"', html)
    response = client.post(url, {"_held_file": token})
    assert response.status_code == 302
    assert lcspr.briefings.get().original_name == "Briefing.pdf"
    assert not HeldFile.objects.exists()
