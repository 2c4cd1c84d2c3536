"""Held, completed and published are separate dates on every kind of practice review:
recording one (on the stages page or through the outcome form) never changes another."""

import datetime as dt

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import PracticeReview, ReviewKind, StageKey
from tests.reviews import factories as f

D = dt.date
pytestmark = pytest.mark.django_db

DECIDED, TODAY = D(2022, 9, 1), D(2023, 6, 30)


def make_review(coordinator, agency, kind):
    case = f.referral(by=coordinator, agencies=[agency], referring_agency=agency)
    return services.review_create(by=coordinator, kind=kind, title=f"{kind} review",
                                  decision_date=DECIDED, cases=[case], today=TODAY, cal=f.CAL)


def hold(coordinator, review, held_on):
    """Every stage up to and including the "held" one done; the rest left."""
    rows, reached = [], False
    for stage in review.stages.order_by("order"):
        done = None if reached else (held_on if stage.key == StageKey.HELD else DECIDED)
        reached = reached or stage.key == StageKey.HELD
        rows.append({"id": stage.pk, "name": stage.name, "planned_date": stage.planned_date,
                     "actual_date": done, "not_needed": False, "note": ""})
    services.review_set_stages(by=coordinator, review=review, today=TODAY, stages=rows)


def finish_stages(coordinator, review, *, until_key, day):
    """Every stage before ``until_key`` done on ``day`` (those already done kept)."""
    rows = []
    for stage in review.stages.order_by("order"):
        if stage.key == until_key:
            rows.append({"id": stage.pk, "name": stage.name, "planned_date": stage.planned_date,
                         "actual_date": None, "not_needed": False, "note": ""})
            break
        rows.append({"id": stage.pk, "name": stage.name, "planned_date": stage.planned_date,
                     "actual_date": stage.actual_date or day, "not_needed": False, "note": ""})
    services.review_set_stages(by=coordinator, review=review, today=TODAY, stages=rows)


def fresh(review):
    return PracticeReview.objects.prefetch_related("stages").get(pk=review.pk)


@pytest.mark.parametrize("kind", [ReviewKind.TABLETOP, ReviewKind.SPOTLIGHT,
                                  ReviewKind.LEARNING_BRIEFING])
def test_recording_completion_keeps_the_held_date(client_for, coordinator, swbnhs, kind):
    review = make_review(coordinator, swbnhs, kind)
    assert review.stages.filter(key=StageKey.HELD).count() == 1
    assert review.stages.filter(key=StageKey.COMPLETED).count() == 1
    hold(coordinator, review, D(2023, 1, 18))
    finish_stages(coordinator, review, until_key=StageKey.COMPLETED, day=D(2023, 1, 25))
    # Through the page, as the co-ordinator does it.
    client = client_for(coordinator)
    response = client.post(reverse("reviews:review_outcome", args=[review.pk]),
                           {"completed_on": "2023-02-08", "summary": "Learning."})
    assert response.status_code == 302, response.content.decode()[:2000]
    review = fresh(review)
    assert (review.held_on, review.completed_on, review.published_on) == (
        D(2023, 1, 18), D(2023, 2, 8), None)
    page = client.get(review.get_absolute_url()).content.decode()
    assert "18 Jan 2023" in page and "8 Feb 2023" in page


@pytest.mark.parametrize("kind", [ReviewKind.TABLETOP, ReviewKind.SPOTLIGHT,
                                  ReviewKind.LEARNING_BRIEFING])
def test_completion_cannot_come_before_it_was_held(coordinator, swbnhs, kind):
    from django.core.exceptions import ValidationError

    review = make_review(coordinator, swbnhs, kind)
    hold(coordinator, review, D(2023, 1, 18))
    finish_stages(coordinator, review, until_key=StageKey.COMPLETED, day=D(2023, 1, 18))
    with pytest.raises(ValidationError) as exc:
        services.review_record_outcome(by=coordinator, review=review, today=TODAY,
                                       completed_on=D(2023, 1, 17))
    assert "before it was held" in " ".join(exc.value.messages)
    assert fresh(review).held_on == D(2023, 1, 18)


def test_an_lcspr_keeps_held_ratified_and_published_apart(client_for, coordinator, wmp):
    review = make_review(coordinator, wmp, ReviewKind.LCSPR)
    hold(coordinator, review, D(2022, 11, 2))
    finish_stages(coordinator, review, until_key=StageKey.SENT_TO_PANEL, day=D(2023, 2, 16))
    client = client_for(coordinator)
    response = client.post(reverse("reviews:review_outcome", args=[review.pk]), {
        "outcome": "published", "published_on": "2023-03-20",
        "published_url": "https://scsp.example/lcspr"})
    assert response.status_code == 302, response.content.decode()[:2000]
    review = fresh(review)
    assert (review.held_on, review.ratified_on, review.published_on) == (
        D(2022, 11, 2), D(2023, 2, 16), D(2023, 3, 20))


def test_a_tabletop_review_made_before_the_held_stage_keeps_its_dates(coordinator, swbnhs):
    """The data migration's rule: the old "completed" stage named "Tabletop Review held"
    becomes the held stage, and completion moves to the next stage with the same date."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("reviews.migrations.0004_practice_review_held_stage")
    review = make_review(coordinator, swbnhs, ReviewKind.TABLETOP)
    # As it was stored before: the held stage was the completed one, dated when it was held.
    review.stages.filter(key=StageKey.COMPLETED).update(key="")
    review.stages.filter(key=StageKey.HELD).update(key=StageKey.COMPLETED,
                                                   actual_date=D(2023, 1, 18))
    migration.mark_held_stages(apps, None)
    review = fresh(review)
    assert review.stage(StageKey.HELD).name == "Tabletop Review held"
    assert review.stage(StageKey.COMPLETED).name == "Learning summary and actions agreed"
    assert (review.held_on, review.completed_on) == (D(2023, 1, 18), D(2023, 1, 18))
