"""An embargoed LCSPR waits for a publication date: its Panel-report clock is not overdue and
it leaves the co-ordinator's home page and digest; the page says what each clock measures."""

import datetime as dt

import pytest

from reports.dashboards import clocks_due
from reviews import services
from reviews.models import StageKey
from tests.reviews import factories as f

D = dt.date
pytestmark = pytest.mark.django_db
TODAY = D(2023, 3, 31)


@pytest.fixture
def ratified(coordinator, wmp):
    case = f.notification(by=coordinator, agencies=[wmp])
    review = f.decided(case, by=coordinator).practice_reviews.get()
    rows = []
    for s in review.stages.order_by("order"):
        done = {"": D(2022, 12, 1), StageKey.HELD: D(2022, 12, 1),
                StageKey.RATIFIED: D(2023, 2, 15)}.get(s.key)
        # A stale planned publication date, long past.
        planned = D(2022, 11, 10) if s.key == StageKey.PUBLISHED else s.planned_date
        rows.append({"id": s.pk, "name": s.name, "planned_date": planned,
                     "actual_date": done, "not_needed": False})
    services.review_set_stages(by=coordinator, review=review, today=TODAY, stages=rows)
    return review


def names_due(user):
    return [c.name for c in clocks_due(user, today=TODAY, until=TODAY, cal=f.CAL)
            if c.reference.startswith("LCSPR")]


def test_a_ratified_unpublished_review_is_listed_until_embargoed(coordinator, ratified):
    assert "Report to the National Panel and the Secretary of State" in names_due(coordinator)
    assert "LCSPR: published" in names_due(coordinator)
    services.review_record_outcome(
        by=coordinator, review=ratified, today=TODAY, outcome="embargoed",
        embargo_reason="Trial.", embargo_proceeding="criminal",
        embargo_expected_end=D(2023, 10, 31), embargo_next_review=D(2023, 6, 30))
    assert names_due(coordinator) == []


def test_the_page_tells_the_clocks_apart(client_for, coordinator, ratified):
    services.review_record_outcome(
        by=coordinator, review=ratified, today=TODAY, outcome="embargoed",
        embargo_reason="Trial.", embargo_proceeding="criminal",
        embargo_expected_end=D(2023, 10, 31), embargo_next_review=D(2023, 6, 30))
    page = client_for(coordinator).get(ratified.get_absolute_url()).content.decode()
    assert "Ratified within 6 months" in page
    assert "Completed and published within 6 months" not in page
    assert "Waiting for a publication date" in page
    assert "Overdue" not in page.split('id="clocks-h"')[1].split("</section>")[0]
