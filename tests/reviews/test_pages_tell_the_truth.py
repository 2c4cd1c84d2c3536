"""Timelines in date order with planned and actual told apart; the sign-off page before a
decision says there is nothing to sign off; the decision form never offers a date it would
refuse."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from reviews import services
from reviews.models import ReviewKind
from reviews.selectors import review_detail_queryset, review_timeline
from tests.reviews import factories as f

D = dt.date
pytestmark = pytest.mark.django_db


def test_a_timeline_is_in_date_order_with_planned_entries_marked(coordinator, swbnhs):
    case = f.referral(by=coordinator, agencies=[swbnhs], referring_agency=swbnhs)
    review = services.review_create(by=coordinator, kind=ReviewKind.SPOTLIGHT, title="S",
                                    decision_date=D(2022, 9, 6), cases=[case],
                                    today=D(2022, 11, 20), cal=f.CAL)
    stages = list(review.stages.order_by("order"))
    rows = [{"id": s.pk, "name": s.name, "planned_date": s.planned_date, "actual_date": None,
             "not_needed": False} for s in stages]
    rows[0]["actual_date"] = D(2022, 11, 15)  # done late, after later stages were planned
    rows[1]["planned_date"] = D(2022, 10, 18)
    services.review_set_stages(by=coordinator, review=review, today=D(2022, 11, 20),
                               stages=rows)
    events = review_timeline(review_detail_queryset(coordinator).get(pk=review.pk),
                             user=coordinator)
    dates = [e.date for e in events]
    assert dates == sorted(dates)
    planned_18_oct = next(e for e in events if e.date == D(2022, 10, 18))
    done_15_nov = next(e for e in events if e.date == D(2022, 11, 15))
    assert planned_18_oct.planned and not done_15_nov.planned
    assert events.index(planned_18_oct) < events.index(done_15_nov)


def test_the_page_tells_planned_from_done(client_for, coordinator, swbnhs):
    case = f.referral(by=coordinator, agencies=[swbnhs], referring_agency=swbnhs)
    review = services.review_create(by=coordinator, kind=ReviewKind.TABLETOP, title="T",
                                    decision_date=D(2022, 9, 6), cases=[case],
                                    today=D(2022, 11, 20), cal=f.CAL)
    page = client_for(coordinator).get(review.get_absolute_url()).content.decode()
    timeline = page.split('id="timeline-h"')[1].split("</section>")[0]
    assert "planned, not done" in timeline  # its planned stages are long past
    assert "(done)" in timeline  # the decision itself


def test_the_sign_off_page_before_a_decision(client_for, coordinator, chair, wmp):
    case = f.notification(by=coordinator, agencies=[wmp])
    url = reverse("reviews:rr_sign_off", args=[case.rapid_review.pk])
    for user in (coordinator, chair):
        page = client_for(user).get(url).content.decode()
        assert "Nothing to sign off yet" in page
        body = page.split("<h1")[1].split("Back to the Rapid Review")[0]
        assert "Decision: ." not in body and "csrfmiddlewaretoken" not in body


@pytest.mark.template_context
def test_the_decision_form_never_offers_a_date_it_refuses(client_for, coordinator, wmp):
    case = f.notification(by=coordinator, agencies=[wmp])
    rr = case.rapid_review
    url = reverse("reviews:rr_decide", args=[rr.pk])
    with time_machine.travel(dt.datetime(2022, 4, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        # A panel meeting still to come: the decision date is left for the person to give.
        services.rr_update(by=coordinator, rr=rr, today=D(2022, 4, 20),
                           meeting_date=D(2022, 4, 28), facts_and_chronology="x")
        form = client_for(coordinator).get(url).context["form"]
        assert form.initial.get("decided_on") is None
    with time_machine.travel(dt.datetime(2022, 4, 29, 12, 0, tzinfo=dt.UTC), tick=False):
        form = client_for(coordinator).get(url).context["form"]
        assert form.initial.get("decided_on") == D(2022, 4, 28)
