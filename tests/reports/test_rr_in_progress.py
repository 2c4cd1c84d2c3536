"""A Rapid Review still within its 15 working days at the report's day is in progress: neither
met nor missed, and the headline says met / missed / in progress."""

import datetime as dt

import pytest
from django.utils import timezone

from reports import selectors
from reports.quarters import Quarter
from scsp.workdays import WorkingCalendar
from tests.reviews import factories as rf

D = dt.date
pytestmark = pytest.mark.django_db
Q3 = Quarter(2025, 3)  # October to December 2025


def test_a_rapid_review_inside_its_clock_is_in_progress(coordinator, chair, wmp):
    # Received 19 December: 15 working days run to mid-January; the panel met on 23 December.
    case = rf.notification(by=coordinator, agencies=[wmp], aware=D(2025, 12, 18),
                           received=D(2025, 12, 19), notified=D(2025, 12, 19),
                           incident=D(2025, 12, 17), today=D(2026, 1, 5))
    rf.decided(case, by=coordinator, meeting=D(2025, 12, 23), today=D(2026, 1, 5))
    report = selectors.quarterly_report(chair, Q3, today=D(2026, 1, 5), now=timezone.now(),
                                        cal=WorkingCalendar())
    h = report.headline
    assert (h.rapid_reviews, h.rapid_reviews_within, h.rapid_reviews_late,
            h.rapid_reviews_in_progress) == (1, 0, 0, 1)
    assert h.rapid_reviews_within_percent is None  # not 0%
    previous = next(c for c in report.changes if c.key == "rapid_reviews_within_percent")
    assert previous.change is None  # no "down 100 points"


def test_the_page_shows_met_missed_and_in_progress(client_for, coordinator, chair, wmp):
    case = rf.notification(by=coordinator, agencies=[wmp], aware=D(2025, 12, 18),
                           received=D(2025, 12, 19), notified=D(2025, 12, 19),
                           incident=D(2025, 12, 17), today=D(2026, 1, 5))
    rf.decided(case, by=coordinator, meeting=D(2025, 12, 23), today=D(2026, 1, 5))
    page = client_for(chair).get("/reports/quarterly/2025-26/q3/").content.decode()
    assert "0 met, 0 missed, 1 in progress" in page
    assert "% within 15 working days" not in page
