"""The filter sets, tested directly (NetBox style), on a queryset already scoped to the user."""

import datetime as dt

import pytest

from reviews import services
from reviews.clocks import ClockStatus
from reviews.filters import CaseFilter, ReviewFilter, financial_year_choices
from reviews.models import Case, PracticeReview
from tests.factories import ThemeFactory
from tests.reviews import factories as f

D = dt.date
TODAY = D(2023, 3, 31)
pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(coordinator, wmp, swbnhs):
    neglect = ThemeFactory(name="Neglect")
    # Received 12 April 2022 (2022-23), sent to the Panel on day 14: met.
    met = f.notification(by=coordinator, agencies=[wmp], themes=[neglect])
    services.rr_record_panel(by=coordinator, rr=f.decided(met, by=coordinator),
                             today=TODAY, sent_to_panel_on=D(2022, 5, 5))
    # Received 6 March 2023, nothing sent: day 18 on 31 March 2023, overdue.
    overdue = f.notification(by=coordinator, agencies=[swbnhs], aware=D(2023, 3, 6),
                             received=D(2023, 3, 6), notified=D(2023, 3, 7),
                             incident=D(2023, 3, 5), today=TODAY)
    # Received 28 March 2023: on time. 2022-23 too.
    on_time = f.notification(by=coordinator, agencies=[swbnhs], aware=D(2023, 3, 28),
                             received=D(2023, 3, 28), notified=None, incident=D(2023, 3, 27),
                             today=TODAY)
    # Received in 2021-22.
    old = f.referral(by=coordinator, agencies=[wmp], referring_agency=wmp,
                     received=D(2022, 3, 1), incident=D(2022, 2, 1), today=TODAY)
    return {"met": met, "overdue": overdue, "on_time": on_time, "old": old, "neglect": neglect}


def refs(filterset):
    return sorted(c.reference for c in filterset.qs)


def case_filter(data, user):
    from scsp.workdays import WorkingCalendar

    return CaseFilter(data, queryset=Case.objects.visible_to(user), today=TODAY,
                      cal=WorkingCalendar())


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, ["met", "old", "on_time", "overdue"]),
        ({"route": "referral"}, ["old"]),
        ({"year": "2022"}, ["met", "on_time", "overdue"]),
        ({"year": "2021"}, ["old"]),
        ({"clock": ClockStatus.MET}, ["met"]),
        ({"clock": ClockStatus.OVERDUE}, ["overdue"]),
        ({"clock": ClockStatus.ON_TIME}, ["on_time"]),
        ({"clock": ClockStatus.DUE_SOON}, []),
        ({"status": "awaiting_decision"}, ["old"]),
        ({"q": "Child R"}, ["old"]),
    ],
)
def test_case_filters(cases, coordinator, data, expected):
    assert refs(case_filter(data, coordinator)) == sorted(cases[k].reference for k in expected)


def test_agency_and_theme_filters(cases, coordinator, wmp):
    assert refs(case_filter({"agency": wmp.pk}, coordinator)) == sorted(
        [cases["met"].reference, cases["old"].reference])
    assert refs(case_filter({"theme": cases["neglect"].pk}, coordinator)) == [
        cases["met"].reference]


def test_filters_apply_within_scope(cases, wmp_officer, swbnhs):
    # Filtering on another agency finds nothing the officer cannot already see.
    assert refs(case_filter({"agency": swbnhs.pk}, wmp_officer)) == []
    assert refs(case_filter({}, wmp_officer)) == sorted(
        [cases["met"].reference, cases["old"].reference])


def test_review_filters(cases, coordinator, wmp, wmp_officer):
    from scsp.workdays import WorkingCalendar

    def run(data, user):
        class Request:
            pass

        request = Request()
        request.user = user
        return sorted(r.reference for r in ReviewFilter(
            data, queryset=PracticeReview.objects.visible_to(user), request=request,
            today=TODAY, cal=WorkingCalendar()).qs)

    assert run({"kind": "lcspr"}, coordinator) == ["LCSPR-2022-01"]
    assert run({"clock": ClockStatus.OVERDUE}, coordinator) == ["LCSPR-2022-01"]
    assert run({"year": "2022", "agency": wmp.pk}, coordinator) == ["LCSPR-2022-01"]
    assert run({"year": "2021"}, coordinator) == []
    assert run({"status": "completed"}, wmp_officer) == []
    assert "outcome" not in ReviewFilter(
        {}, queryset=PracticeReview.objects.none(), request=type("R", (), {"user": wmp_officer}),
        today=TODAY, cal=WorkingCalendar()).filters


def test_financial_year_choices_run_to_this_year():
    choices = financial_year_choices(D(2026, 4, 1))
    assert choices[0] == ("2026", "2026-27") and ("2022", "2022-23") in choices
    assert financial_year_choices(D(2026, 3, 31))[0] == ("2025", "2025-26")
