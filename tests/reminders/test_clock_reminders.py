"""Statutory clocks remind the co-ordinator: notification, Rapid Review, LCSPR, Panel report."""

import datetime as dt

import pytest

from actions.reminders import build_digests
from reviews.reminders import clock_sections
from scsp.workdays import WorkingCalendar
from tests.reviews.factories import decided, notification

pytestmark = pytest.mark.django_db
CAL = WorkingCalendar()
D = dt.date


def coordinator_digest(today, coordinator):
    return [d for d in build_digests(today=today, cal=CAL)
            if d.recipient == coordinator and d.kind == "daily_digest"]


def test_rapid_review_due_within_three_working_days_is_in_the_digest(coordinator, wmp):
    received = D(2026, 11, 2)  # Rapid Review due 15 working days later: 23 Nov 2026
    case = notification(by=coordinator, agencies=[wmp], aware=D(2026, 10, 30),
                        received=received, notified=D(2026, 11, 3), incident=D(2026, 10, 29),
                        today=D(2026, 11, 3))
    assert CAL.add_working_days(received, 15) == D(2026, 11, 23)
    assert coordinator_digest(D(2026, 11, 16), coordinator) == []  # 5 working days left
    (digest,) = coordinator_digest(D(2026, 11, 18), coordinator)  # 3 left
    assert "Statutory clocks" in digest.text_body
    assert case.reference in digest.text_body and "due in 3 working days" in digest.text_body
    (late,) = coordinator_digest(D(2026, 11, 25), coordinator)
    assert "2 working days overdue" in late.text_body


def test_unsent_notification_overdue_is_listed(coordinator, wmp):
    case = notification(by=coordinator, agencies=[wmp], aware=D(2026, 11, 2),
                        received=D(2026, 11, 2), notified=None, incident=D(2026, 11, 1),
                        today=D(2026, 11, 3))
    sections, _users = clock_sections(D(2026, 11, 11), CAL)  # due 9 Nov
    (section,) = sections[coordinator.pk]
    notes = {(i.reference, i.title, i.note) for i in section.items}
    assert (case.reference, "Notification to the National Panel", "2 working days overdue") in notes


def test_met_clocks_and_other_roles_get_nothing(coordinator, chair, wmp, wmp_officer):
    case = notification(by=coordinator, agencies=[wmp])  # Child 1's real 2022 dates
    rr = decided(case, by=coordinator)
    rr.sent_to_panel_on = D(2022, 5, 3)
    rr.save()
    sections, _users = clock_sections(D(2022, 5, 4), CAL)
    assert all(case.reference not in [i.reference for s in v for i in s.items]
               for v in sections.values())
    assert chair.pk not in sections and wmp_officer.pk not in sections


def test_provider_queries_do_not_grow_with_cases(coordinator, wmp, django_assert_max_num_queries):
    for i in range(6):
        notification(by=coordinator, agencies=[wmp], pseudonyms=(f"Child {i}",),
                     aware=D(2026, 11, 2), received=D(2026, 11, 2), notified=D(2026, 11, 3),
                     incident=D(2026, 11, 1), today=D(2026, 11, 3))
    with django_assert_max_num_queries(4):
        sections, _users = clock_sections(D(2026, 11, 20), CAL)
    assert len(sections[coordinator.pk][0].items) == 6
