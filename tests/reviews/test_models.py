"""The database is the last line of defence (SECURITY.md check 43), and case records carry no
direct identifiers (check 37)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from reviews.models import Case, Child, PracticeReview, RapidReview, ReviewStage
from tests.reviews import factories as f

D = dt.date
pytestmark = pytest.mark.django_db


def refused(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_date_order_is_a_database_rule(coordinator, wmp):
    case = f.notification(by=coordinator, agencies=[wmp])
    qs = Case.objects.filter(pk=case.pk)
    refused(lambda: qs.update(became_aware_on=D(2022, 4, 9)))
    refused(lambda: qs.update(notification_submitted_on=D(2022, 4, 10)))
    refused(lambda: qs.update(referral_received_on=D(2022, 4, 1)))
    refused(lambda: qs.update(became_aware_on=None))  # a notification needs it
    refused(lambda: qs.update(route="other"))


def test_no_fifth_child_and_no_empty_pseudonym(coordinator, wmp):
    case = f.notification(by=coordinator, agencies=[wmp], pseudonyms=["A", "B", "C", "D"])
    refused(lambda: Child.objects.create(case=case, position=5, pseudonym="E"))
    refused(lambda: Child.objects.create(case=case, position=4, pseudonym="E"))
    refused(lambda: Child.objects.filter(case=case, position=1).update(pseudonym=""))


def test_decision_rules_in_the_database(coordinator, wmp):
    rr = f.notification(by=coordinator, agencies=[wmp]).rapid_review
    qs = RapidReview.objects.filter(pk=rr.pk)
    refused(lambda: qs.update(decision="lcspr"))  # no date or rationale
    refused(lambda: qs.update(decision="lcspr", decided_on=D(2022, 4, 28),
                              decision_rationale="x", local_route="tabletop"))
    refused(lambda: qs.update(panel_response_on=D(2022, 5, 1)))  # never sent


def test_embargo_and_milestones_in_the_database(coordinator, wmp):
    review = f.decided(f.notification(by=coordinator, agencies=[wmp]),
                       by=coordinator).practice_reviews.get()
    qs = PracticeReview.objects.filter(pk=review.pk)
    refused(lambda: qs.update(outcome="embargoed"))
    refused(lambda: qs.update(outcome="not_published", not_published_reason="x"))
    refused(lambda: ReviewStage.objects.create(review=review, order=99, name="x",
                                               key="published"))
    stage = review.stages.first()
    refused(lambda: ReviewStage.objects.filter(pk=stage.pk).update(
        not_needed=True, actual_date=D(2022, 5, 1)))


IDENTIFYING = ("name", "first_name", "surname", "date_of_birth", "dob", "nhs_number", "address",
               "postcode", "school")
# Professionals' names on the Rapid Review (never a child's), a review stage's name and the
# file name of a learning briefing (a published-style document, not a case record).
APPROVED = {("Attendee", "name"), ("SignOff", "signed_by_name"), ("ReviewStage", "name"),
            ("BriefingFile", "original_name")}


def test_case_models_have_no_direct_identifier_fields():
    from django.apps import apps

    for model in apps.get_app_config("reviews").get_models():
        if model.__name__.startswith("Historical"):
            continue
        for field in model._meta.get_fields():
            name = field.name.lower()
            if any(word == name or name.endswith("_" + word) for word in IDENTIFYING):
                assert (model.__name__, field.name) in APPROVED, (model.__name__, field.name)


