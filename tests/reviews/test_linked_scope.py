"""A linked record the viewer may not see is not named anywhere.

A thematic LCSPR covers two cases: one WMP is involved in, one only SWBNHS is. WMP's officer
sees the review (through their case) but only their case's reference and pseudonym: on the
review's page, in the review list and in its CSV export. The co-ordinator sees both. The
rule is one selector (``reviews.selectors.linked_cases``) that every surface reads."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import ReviewKind
from tests.reviews.factories import CAL, TODAY, decided, notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def thematic(coordinator, wmp, swbnhs):
    case_wmp = notification(by=coordinator, agencies=[wmp], pseudonyms=("Child Wren",))
    case_health = notification(by=coordinator, agencies=[swbnhs], pseudonyms=("Child Heron",))
    review = services.review_create(
        by=coordinator, kind=ReviewKind.LCSPR, title="Thematic review: neglect",
        decision_date=TODAY, cases=[case_wmp, case_health], today=TODAY, cal=CAL)
    return review, case_wmp, case_health


def surfaces(client, review):
    """What the person reads about the review: its page, the list, the CSV export."""
    page = client.get(review.get_absolute_url())
    listing = client.get(reverse("reviews:review_list"))
    export = client.get(reverse("reviews:review_export"))
    assert (page.status_code, listing.status_code, export.status_code) == (200, 200, 200)
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    return {"page": page.content.decode(), "list": listing.content.decode(),
            "csv": "\n".join(";".join(r) for r in rows)}


def test_an_agency_officer_sees_only_their_own_case(client_for, thematic, wmp_officer):
    review, case_wmp, case_health = thematic
    seen = surfaces(client_for(wmp_officer), review)
    for where, text in seen.items():
        assert case_wmp.reference in text, where
        assert case_health.reference not in text, where
        assert "Child Heron" not in text, where
    assert "Child Wren" in seen["page"]


def test_the_other_agency_sees_the_other_case(client_for, thematic, health_officer):
    review, case_wmp, case_health = thematic
    seen = surfaces(client_for(health_officer), review)
    for where, text in seen.items():
        assert case_health.reference in text and case_wmp.reference not in text, where
        assert "Child Wren" not in text, where


@pytest.mark.parametrize("persona", ["coordinator", "chair", "scrutineer"])
def test_partnership_wide_roles_see_both(client_for, request, thematic, persona):
    review, case_wmp, case_health = thematic
    seen = surfaces(client_for(request.getfixturevalue(persona)), review)
    for where, text in seen.items():
        assert case_wmp.reference in text and case_health.reference in text, where
    assert "Child Wren" in seen["page"] and "Child Heron" in seen["page"]


def test_decided_by_names_the_rapid_review_only_when_its_case_is_seen(
        client_for, coordinator, wmp, swbnhs, wmp_officer, health_officer):
    """An LCSPR decided by the Rapid Review of SWBNHS's case, later linked to WMP's case too:
    WMP's officer does not read which case's Rapid Review decided it."""
    case_health = notification(by=coordinator, agencies=[swbnhs], pseudonyms=("Child Heron",))
    rr = decided(case_health, by=coordinator)
    review = rr.practice_reviews.get()
    case_wmp = notification(by=coordinator, agencies=[wmp], pseudonyms=("Child Wren",))
    # Retitled as it becomes thematic: the title a Rapid Review gives its review names its
    # case ("LCSPR: SLPR-2022-001 (Child Heron)"), and a title is the review's own words.
    services.review_update(by=coordinator, review=review, today=TODAY,
                           title="Thematic review: neglect",
                           decision_date=review.decision_date,
                           cases=[case_health, case_wmp], reviewer="", method="", themes=[])
    wmp_page = client_for(wmp_officer).get(review.get_absolute_url()).content.decode()
    assert case_health.reference not in wmp_page and "Child Heron" not in wmp_page
    health_page = client_for(health_officer).get(review.get_absolute_url()).content.decode()
    assert f"the Rapid Review for {case_health.reference}" in health_page


def test_the_agency_filter_reads_only_cases_in_scope(client_for, thematic, wmp_officer,
                                                     swbnhs):
    """Filtering by SWBNHS does not reveal that the review's other case involves SWBNHS."""
    review, _case_wmp, _case_health = thematic
    listing = client_for(wmp_officer).get(reverse("reviews:review_list"),
                                          {"agency": swbnhs.pk}).content.decode()
    assert review.reference not in listing


def test_one_query_for_the_linked_cases_whatever_their_number(
        client_for, thematic, wmp_officer, django_assert_max_num_queries):
    from reviews import selectors
    from reviews.models import PracticeReview

    with django_assert_max_num_queries(4):  # reviews, stages, cases, themes
        reviews = list(selectors.review_list_for(wmp_officer))
    assert [[c.reference for c in r.linked_cases] for r in reviews] == [
        [thematic[1].reference]]
    assert PracticeReview.objects.get().cases.count() == 2
