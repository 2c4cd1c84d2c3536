"""Every review clock, table-driven: the annual report's cases, Christmas and Easter.

Convention (reviews/clocks.py): the anchor is day 0, the first working day after it is day 1,
the deadline is the date of the last allowed day, overdue from the day after."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured

from reviews import clocks
from reviews.clocks import ClockStatus
from reviews.models import Case, PublicationOutcome, RapidReview, Route
from scsp import workdays
from scsp.workdays import WorkingCalendar

D = dt.date
CAL = WorkingCalendar()


def notification(*, incident=None, aware=None, notified=None, received=None):
    return Case(route=Route.NOTIFICATION, incident_date=incident, became_aware_on=aware,
                notification_submitted_on=notified, referral_received_on=received)


@pytest.mark.parametrize(
    ("aware", "due", "why"),
    [
        (D(2022, 4, 11), D(2022, 4, 20), "Child 1, Easter 2022: Good Friday and Easter Monday skipped"),
        (D(2022, 12, 5), D(2022, 12, 12), "Child 3: an ordinary week"),
        (D(2022, 7, 11), D(2022, 7, 18), "Child 2: summer 2022"),
        (D(2026, 12, 18), D(2026, 12, 29), "Christmas 2026: 25 and 28 December skipped"),
        (D(2027, 3, 25), D(2027, 4, 5), "Easter 2027: 26 and 29 March skipped"),
        (D(2026, 11, 28), D(2026, 12, 4), "became aware on a Saturday"),
    ],
)
def test_notification_due_is_five_working_days_after_becoming_aware(aware, due, why):
    assert clocks.notification_due(aware, CAL) == due, why


@pytest.mark.parametrize(
    ("anchor", "due", "why"),
    [
        (D(2022, 4, 12), D(2022, 5, 6), "Child 1: Easter and the early May bank holiday 2022"),
        (D(2022, 12, 6), D(2022, 12, 29), "Child 3: Christmas 2022, 27 Dec substitute day"),
        (D(2022, 7, 12), D(2022, 8, 2), "Child 2: no bank holidays"),
        (D(2026, 12, 18), D(2027, 1, 13), "DOMAIN.md: over Christmas and New Year 2026"),
        (D(2027, 3, 19), D(2027, 4, 13), "Easter 2027"),
        (D(2022, 4, 16), D(2022, 5, 10), "received on a Saturday before Easter Monday"),
    ],
)
def test_rapid_review_due_is_fifteen_working_days_after_the_anchor(anchor, due, why):
    assert clocks.rapid_review_due(anchor, CAL) == due, why


@pytest.mark.parametrize(
    ("received", "meeting", "day", "why"),
    [
        (D(2022, 4, 12), D(2022, 4, 28), 10, "Child 1: 'the RR panel met on day 10'"),
        (D(2022, 12, 6), D(2022, 12, 19), 9, "Child 3: 'the RR Panel met on day 9'"),
        (D(2022, 4, 12), D(2022, 4, 12), 0, "the day of receipt is day 0"),
        (D(2022, 4, 12), D(2022, 4, 13), 1, "the next working day is day 1"),
        (D(2022, 4, 14), D(2022, 4, 18), 0, "Good Friday to Easter Monday add nothing"),
        (D(2026, 12, 18), D(2027, 1, 13), 15, "the deadline is day 15"),
        (D(2026, 12, 18), D(2026, 12, 1), 0, "never below day 0"),
    ],
)
def test_day_numbers(received, meeting, day, why):
    case = notification(aware=received, received=received)
    assert clocks.rapid_review_day(case, meeting, CAL) == day, why


@pytest.mark.parametrize(
    ("today", "sent", "status", "day"),
    [
        (D(2026, 12, 18), None, ClockStatus.ON_TIME, 0),
        (D(2026, 12, 21), None, ClockStatus.ON_TIME, 1),
        (D(2027, 1, 7), None, ClockStatus.ON_TIME, 11),
        (D(2027, 1, 8), None, ClockStatus.DUE_SOON, 12),  # 3 working days left
        (D(2027, 1, 13), None, ClockStatus.DUE_SOON, 15),  # the deadline itself
        (D(2027, 1, 14), None, ClockStatus.OVERDUE, 16),
        (D(2027, 2, 1), D(2027, 1, 13), ClockStatus.MET, 15),
        (D(2027, 2, 1), D(2026, 12, 30), ClockStatus.MET, 6),
        (D(2027, 2, 1), D(2027, 1, 14), ClockStatus.MET_LATE, 16),
    ],
)
def test_rapid_review_clock_status_over_christmas_2026(today, sent, status, day):
    case = notification(aware=D(2026, 12, 17), received=D(2026, 12, 18))
    clock = clocks.rapid_review_clock(case, RapidReview(sent_to_panel_on=sent), CAL)
    assert clock.due == D(2027, 1, 13)
    assert clock.status(today) == status
    assert clock.current_day(today) == day
    assert clock.limit == 15


def test_a_clock_without_its_anchor_has_not_started(settings):
    settings.REVIEWS_RR_ANCHOR = "notification_submitted"
    case = notification(aware=D(2026, 12, 17), received=D(2026, 12, 18))
    clock = clocks.rapid_review_clock(case, None, CAL)
    assert clock.status(D(2027, 1, 20)) == ClockStatus.NOT_STARTED
    assert clock.due is None and clock.current_day(D(2027, 1, 20)) is None


@pytest.mark.parametrize(
    ("setting", "due"),
    [
        (None, D(2022, 5, 6)),                              # default: referral received 12 Apr
        ("referral_received", D(2022, 5, 6)),
        ("notification_submitted", D(2022, 5, 9)),          # 13 Apr
        ("became_aware", D(2022, 5, 5)),                    # 11 Apr
    ],
)
def test_the_anchor_is_a_setting(settings, setting, due):
    if setting is None:
        del settings.REVIEWS_RR_ANCHOR
    else:
        settings.REVIEWS_RR_ANCHOR = setting
    case = notification(incident=D(2022, 4, 10), aware=D(2022, 4, 11), notified=D(2022, 4, 13),
                        received=D(2022, 4, 12))
    assert clocks.rapid_review_clock(case, None, CAL).due == due


def test_an_unknown_anchor_fails_loudly(settings):
    settings.REVIEWS_RR_ANCHOR = "incident"
    with pytest.raises(ImproperlyConfigured):
        clocks.rapid_review_clock(notification(aware=D(2022, 4, 11)), None, CAL)


@pytest.mark.parametrize(
    ("aware", "notified", "today", "status"),
    [
        (D(2022, 4, 11), D(2022, 4, 13), D(2022, 6, 1), ClockStatus.MET),       # Child 1
        (D(2022, 4, 11), D(2022, 4, 20), D(2022, 6, 1), ClockStatus.MET),       # on the deadline
        (D(2022, 4, 11), D(2022, 4, 21), D(2022, 6, 1), ClockStatus.MET_LATE),
        (D(2022, 4, 11), None, D(2022, 4, 12), ClockStatus.ON_TIME),            # 4 days left
        (D(2022, 4, 11), None, D(2022, 4, 19), ClockStatus.DUE_SOON),
        (D(2022, 4, 11), None, D(2022, 4, 21), ClockStatus.OVERDUE),
    ],
)
def test_notification_clock(aware, notified, today, status):
    case = notification(aware=aware, notified=notified, received=aware)
    clock = clocks.notification_clock(case, CAL)
    assert clock.due == D(2022, 4, 20)
    assert clock.status(today) == status
    assert clocks.notification_is_late(aware, notified, CAL) is (status == ClockStatus.MET_LATE)


def test_a_partner_referral_has_no_notification_clock():
    case = Case(route=Route.REFERRAL, referral_received_on=D(2022, 6, 1))
    assert clocks.notification_clock(case, CAL) is None


@pytest.mark.parametrize(
    ("decision", "due"),
    [
        (D(2022, 5, 5), D(2022, 11, 5)),    # Child 1
        (D(2022, 12, 19), D(2023, 6, 19)),  # Child 3
        (D(2022, 8, 31), D(2023, 2, 28)),   # end of month kept
        (D(2023, 8, 31), D(2024, 2, 29)),   # leap year
        (D(2026, 12, 31), D(2027, 6, 30)),
    ],
)
def test_lcspr_is_due_six_calendar_months_after_the_decision(decision, due):
    assert clocks.lcspr_due(decision) == due


@pytest.mark.parametrize(
    ("planned", "due", "why"),
    [
        (D(2023, 1, 10), D(2022, 12, 29), "over Christmas 2022 and the 2 Jan 2023 substitute day"),
        (D(2027, 4, 6), D(2027, 3, 24), "over Easter 2027"),
        (D(2026, 11, 30), D(2026, 11, 19), "an ordinary fortnight"),
    ],
)
def test_report_to_panel_due_seven_working_days_before_publication(planned, due, why):
    assert clocks.panel_report_due(planned, CAL) == due, why


def lcspr(**kw):
    values = {"is_lcspr": True, "decision_date": D(2022, 5, 5), "published_on": None,
              "ratified_on": None, "outcome": "", "planned_publication_date": None,
              "sent_to_panel_on": None}
    values.update(kw)
    return SimpleNamespace(**values)


@pytest.mark.parametrize(
    ("review", "today", "status"),
    [
        (lcspr(), D(2022, 9, 1), ClockStatus.ON_TIME),
        (lcspr(), D(2022, 10, 20), ClockStatus.DUE_SOON),
        (lcspr(), D(2022, 11, 7), ClockStatus.OVERDUE),
        (lcspr(published_on=D(2022, 11, 4), ratified_on=D(2022, 9, 1),
               outcome=PublicationOutcome.PUBLISHED), D(2023, 1, 1), ClockStatus.MET),
        # Child 1: ratified February 2023 and embargoed: the clock stops at ratification.
        (lcspr(ratified_on=D(2023, 2, 16), outcome=PublicationOutcome.EMBARGOED),
         D(2023, 3, 31), ClockStatus.MET_LATE),
        (lcspr(ratified_on=D(2022, 10, 3), outcome=PublicationOutcome.NOT_PUBLISHED),
         D(2023, 3, 31), ClockStatus.MET),
        # Ratified within the 6 months, not yet published: ratification met.
        (lcspr(ratified_on=D(2022, 10, 3)), D(2022, 11, 7), ClockStatus.MET),
    ],
)
def test_lcspr_clock(review, today, status):
    """The 6-month clock measures ratification, and says so."""
    clock = clocks.lcspr_clock(review, CAL)
    assert clock.status(today) == status
    assert "ratified" in clock.name


@pytest.mark.parametrize(
    ("review", "today", "status"),
    [
        (lcspr(), D(2022, 11, 7), ClockStatus.OVERDUE),
        (lcspr(ratified_on=D(2022, 10, 3)), D(2022, 11, 7), ClockStatus.OVERDUE),
        (lcspr(ratified_on=D(2022, 9, 1), published_on=D(2022, 11, 4),
               outcome=PublicationOutcome.PUBLISHED), D(2023, 1, 1), ClockStatus.MET),
        (lcspr(ratified_on=D(2022, 9, 1), published_on=D(2022, 12, 4),
               outcome=PublicationOutcome.PUBLISHED), D(2023, 1, 1), ClockStatus.MET_LATE),
        # Child 1: ratified February 2023 and embargoed: not "met late", not overdue.
        (lcspr(ratified_on=D(2023, 2, 16), outcome=PublicationOutcome.EMBARGOED),
         D(2023, 3, 31), ClockStatus.WAITING),
        (lcspr(ratified_on=D(2022, 10, 3), outcome=PublicationOutcome.NOT_PUBLISHED),
         D(2023, 3, 31), ClockStatus.NOT_NEEDED),
    ],
)
def test_lcspr_publication_clock(review, today, status):
    clock = clocks.lcspr_publication_clock(review, CAL)
    assert clock.status(today) == status
    assert clock.running == (status in (ClockStatus.OVERDUE, ClockStatus.ON_TIME,
                                        ClockStatus.DUE_SOON))


def test_an_embargoed_reports_panel_clock_waits_for_a_publication_date():
    """A stale planned publication date does not make an embargoed report overdue."""
    review = lcspr(ratified_on=D(2023, 2, 16), outcome=PublicationOutcome.EMBARGOED,
                   planned_publication_date=D(2022, 11, 5))
    clock = clocks.panel_report_clock(review, CAL)
    assert clock.status(D(2023, 3, 31)) == ClockStatus.WAITING
    assert clock.describe(D(2023, 3, 31))["status_label"] == "Waiting for a publication date"
    assert not clock.running
    # Without the embargo the same dates are overdue.
    review.outcome = ""
    assert clocks.panel_report_clock(review, CAL).status(D(2023, 3, 31)) == ClockStatus.OVERDUE


def test_panel_report_clock_needs_a_planned_publication_date():
    review = lcspr()
    assert clocks.panel_report_clock(review, CAL).status(D(2022, 6, 1)) == ClockStatus.NOT_STARTED
    review = lcspr(planned_publication_date=D(2023, 1, 10), sent_to_panel_on=D(2022, 12, 30))
    clock = clocks.panel_report_clock(review, CAL)
    assert clock.due == D(2022, 12, 29)
    assert clock.status(D(2023, 1, 10)) == ClockStatus.MET_LATE


def test_closure_days_move_the_clocks():
    cal = WorkingCalendar(frozenset({D(2026, 12, 21)}))
    assert clocks.rapid_review_due(D(2026, 12, 18), cal) == D(2027, 1, 14)


@pytest.mark.parametrize(
    ("day", "year", "label"),
    [(D(2022, 4, 1), 2022, "2022-23"), (D(2023, 3, 31), 2022, "2022-23"),
     (D(2023, 4, 1), 2023, "2023-24"), (D(1999, 12, 31), 1999, "1999-00")],
)
def test_financial_years(day, year, label):
    assert workdays.financial_year(day) == year
    assert workdays.financial_year_label(year) == label
    start, end = workdays.financial_year_bounds(year)
    assert start <= day <= end


def test_the_system_check_names_a_bad_anchor(settings):
    from reviews.checks import rapid_review_anchor

    assert rapid_review_anchor() == []
    settings.REVIEWS_RR_ANCHOR = "incident"
    (error,) = rapid_review_anchor()
    assert error.id == "reviews.E001" and "referral_received" in error.hint
