"""References take their year from the date the record is about, also when that date is
corrected later; records brought in after the event say so (who, when)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from actions.models import ActionPlan
from reviews import services
from reviews.models import ReviewKind
from reviews.selectors import case_links
from tests.reviews import factories as f

D = dt.date
pytestmark = pytest.mark.django_db
TODAY = D(2026, 12, 4)


def update_received(case, by, received, incident=None):
    services.case_update(
        by=by, case=case, today=TODAY, cal=f.CAL, referral_received_on=received,
        incident_type=case.incident_type, case_outline=case.case_outline,
        agencies_involved=list(case.agencies_involved.all()),
        referring_agency=case.referring_agency, referral_reason=case.referral_reason,
        incident_date=incident or case.incident_date)
    case.refresh_from_db()
    return case


def test_a_referral_corrected_to_a_past_year_is_renumbered_in_that_year(coordinator, wmp):
    earlier = f.referral(by=coordinator, agencies=[wmp], referring_agency=wmp,
                         received=D(2024, 5, 1), incident=D(2024, 4, 1), today=TODAY)
    case = f.referral(by=coordinator, agencies=[wmp], referring_agency=wmp,
                      received=D(2026, 12, 4), incident=D(2026, 11, 30), today=TODAY)
    assert (earlier.reference, case.reference) == ("SLPR-2024-001", "SLPR-2026-001")
    case = update_received(case, coordinator, D(2024, 11, 20), D(2024, 11, 1))
    assert (case.reference, case.reference_year) == ("SLPR-2024-002", 2024)
    # An audit's sample that kept the old reference still links to the case.
    assert case_links(coordinator, ["SLPR-2026-001"]) == {
        "SLPR-2026-001": case.get_absolute_url()}
    # A correction within the year keeps the number.
    case = update_received(case, coordinator, D(2024, 12, 1))
    assert case.reference == "SLPR-2024-002"


def test_a_notifications_plan_and_actions_follow_its_new_reference(coordinator, wmp):
    case = f.notification(by=coordinator, agencies=[wmp], aware=D(2026, 11, 30),
                          received=D(2026, 12, 1), notified=D(2026, 12, 2),
                          incident=D(2026, 11, 29), today=TODAY)
    assert case.reference == "SLPR-2026-001"
    services.case_update(
        by=coordinator, case=case, today=TODAY, cal=f.CAL,
        referral_received_on=D(2025, 12, 1), became_aware_on=D(2025, 11, 30),
        notification_submitted_on=D(2025, 12, 2), incident_date=D(2025, 11, 29),
        incident_type=case.incident_type, case_outline=case.case_outline,
        agencies_involved=[wmp])
    case.refresh_from_db()
    assert case.reference == "SLPR-2025-001"
    plan = ActionPlan.objects.get(pk=case.rapid_review.action_plan_id)
    assert (plan.reference, plan.origin_reference) == ("AP-SLPR-2025-001", "SLPR-2025-001")


def test_a_review_takes_the_year_of_its_decision(coordinator, wmp):
    case = f.referral(by=coordinator, agencies=[wmp], referring_agency=wmp)
    review = services.review_create(by=coordinator, kind=ReviewKind.SPOTLIGHT, title="S",
                                    decision_date=D(2023, 1, 5), cases=[case], today=TODAY,
                                    cal=f.CAL)
    assert review.reference == "SR-2023-01"
    assert review.action_plan.reference == "AP-SR-2023-01"
    services.review_update(by=coordinator, review=review, today=TODAY, title="S",
                           decision_date=D(2022, 12, 20), cases=[case])
    review.refresh_from_db()
    assert review.reference == "SR-2022-01"
    assert ActionPlan.objects.get(pk=review.action_plan_id).reference == "AP-SR-2022-01"


def test_records_entered_after_the_event_say_who_and_when(coordinator, wmp_lead, wmp):
    case = f.referral(by=coordinator, agencies=[wmp], referring_agency=wmp,
                      received=D(2022, 6, 1), today=TODAY, entered_after_event=True)
    assert case.entered_after_event_by == coordinator and case.entered_after_event_at
    assert case.reference.startswith("SLPR-2022-")
    review = services.review_create(by=coordinator, kind=ReviewKind.TABLETOP, title="T",
                                    decision_date=D(2022, 7, 1), cases=[case], today=TODAY,
                                    cal=f.CAL, entered_after_event=True)
    assert review.entered_after_event_by == coordinator
    with pytest.raises(PermissionDenied):
        f.referral(by=wmp_lead, agencies=[wmp], today=TODAY, entered_after_event=True)


def test_the_case_form_offers_the_box_to_the_business_unit_only(client_for, coordinator,
                                                                wmp_lead):
    from django.urls import reverse

    assert 'name="entered_after_event"' in client_for(coordinator).get(
        reverse("reviews:case_notify")).content.decode()
    assert 'name="entered_after_event"' not in client_for(wmp_lead).get(
        reverse("reviews:case_refer")).content.decode()
