"""Impact in the reports: the quarterly "Impact" section as at a past quarter's end (a rating
made later does not show), the annual share, and the recurrence warning on a theme's page (a
theme tagged on a Rapid Review dated after an addressing action's sign-off)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from actions import services as action_services
from actions.models import ActionStatus, ImpactReview, Rating
from reports import exports
from reports.asat import AsAt
from reports.quarters import FinancialYear, Quarter
from reports.selectors import impact_figures, impact_share, recurrences
from tests.actions.factories import ActionFactory, PlanFactory
from tests.factories import ThemeFactory
from tests.reports.factories import fresh, travel
from tests.reviews.factories import decided, notification

pytestmark = pytest.mark.django_db
D = dt.date
SIGNED = D(2025, 5, 12)          # Q1 2025-26; the reviews fall due on 12 November (Q3)
Q3 = Quarter(2025, 3)            # October to December 2025
NOW = dt.datetime(2026, 6, 1, 12, tzinfo=ZoneInfo("Europe/London"))
TODAY = NOW.date()


def signed_off(plan, officer, coordinator, theme, number):
    action = ActionFactory(plan=plan, number=number, lead_agency=officer.agency,
                           lead_officer=officer, status=ActionStatus.AWAITING_SIGN_OFF,
                           themes=[theme])
    with travel(SIGNED):
        action_services.action_sign_off(by=coordinator, action=fresh(action))
    return fresh(action)


def rate(by, action, rating, day, **kw):
    review = ImpactReview.objects.get(action=action, status="scheduled")
    with travel(day):
        return action_services.impact_rate(by=by, review=review, rating=rating,
                                           rationale="Seen in the re-audit.", meeting_date=day,
                                           today=day, **kw)


@pytest.fixture
def world(coordinator, chair, wmp_officer, health_officer):
    early_help = ThemeFactory(name="Early Help")
    plan = PlanFactory(reference="AP-2025-010", owner=coordinator)
    a = signed_off(plan, wmp_officer, coordinator, early_help, 1)
    b = signed_off(plan, health_officer, coordinator, early_help, 2)
    rate(chair, a, Rating.PARTLY, D(2025, 12, 10))
    rate(coordinator, b, Rating.NOT_YET, D(2026, 1, 15), next_due_on=D(2026, 7, 15))
    # Tagged on a Rapid Review before the sign-offs (not a recurrence) and on one after.
    for received, meeting in ((D(2025, 3, 20), D(2025, 4, 1)), (D(2025, 8, 20), D(2025, 9, 1))):
        case = notification(by=coordinator, agencies=[wmp_officer.agency], aware=received,
                            received=received, notified=received, incident=received,
                            today=received, themes=[early_help])
        decided(case, by=coordinator, meeting=meeting, today=meeting)
    return {"theme": early_help, "a": a, "b": b}


def test_quarter_as_at_its_end(world, chair):
    figures = impact_figures(chair, Q3, AsAt.for_period(Q3, today=TODAY, now=NOW))
    assert (figures.due, figures.overdue, figures.rated) == (2, 1, 1)
    # B's "not yet evident", recorded on 15 January, is after the quarter: not shown.
    assert [(r.name, r.cells) for r in figures.by_agency] == [
        (world["a"].lead_agency.short_name, [0, 1, 0, 0])]
    assert [(r.name, r.cells) for r in figures.by_theme] == [("Early Help", [0, 1, 0, 0])]
    (recurred,) = figures.recurred
    (event,) = recurred.events  # the Rapid Review of 1 April came before the sign-offs
    assert (recurred.theme, event.kind, event.day) == ("Early Help", "Rapid Review",
                                                        D(2025, 9, 1))
    assert [a.reference for a in recurred.actions] == ["AP-2025-010-02", "AP-2025-010-01"]
    assert (recurred.events_more, recurred.actions_more) == (0, 0)


def test_the_next_quarter_sees_the_later_rating(world, chair):
    q4 = Q3.next()
    figures = impact_figures(chair, q4, AsAt.for_period(q4, today=TODAY, now=NOW))
    assert figures.rated == 1 and figures.overdue == 0
    assert [r.cells for r in figures.by_agency] == [[0, 0, 1, 0]]


def test_quarter_before_the_reviews_were_rated_or_due(world, chair):
    q2 = Quarter(2025, 2)
    figures = impact_figures(chair, q2, AsAt.for_period(q2, today=TODAY, now=NOW))
    assert (figures.due, figures.overdue, figures.rated, figures.by_agency) == (0, 0, 0, [])


def test_no_recurrence_when_the_review_came_before_the_sign_off(world, chair):
    since, day = D(2025, 1, 1), D(2025, 8, 31)
    at = dt.datetime(2025, 8, 31, 23, 59, tzinfo=ZoneInfo("Europe/London"))
    assert recurrences(chair, since=since, day=day, at=at) == []


def test_annual_share(world, chair):
    year = FinancialYear(2025)
    asat = AsAt.for_period(year, today=TODAY, now=NOW)
    assert impact_share(chair, year, asat) == (1, 2)  # A partly evident; B not yet


@pytest.mark.template_context
def test_theme_page_warns_and_lists_both(world, client_for, scrutineer):
    listing = client_for(scrutineer).get(reverse("reports:theme_list")).content.decode()
    assert reverse("reports:theme_detail", args=[world["theme"].pk]) in listing
    response = client_for(scrutineer).get(
        reverse("reports:theme_detail", args=[world["theme"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Recurred after actions were signed off" in html
    (recurred,) = response.context["recurred"]
    assert [e.day for e in recurred.events] == [D(2025, 9, 1)]
    assert {a.reference for a in recurred.actions} == {"AP-2025-010-01", "AP-2025-010-02"}
    ratings = {a.reference: a.latest_rating.rating for a in response.context["actions"]}
    assert ratings == {"AP-2025-010-01": "partly", "AP-2025-010-02": "not_yet"}
    assert "Impact partly evident" in html


def test_quarterly_page_shows_the_section(world, client_for, chair):
    response = client_for(chair).get(reverse("reports:quarterly", kwargs=Q3.url_kwargs()))
    html = response.content.decode()
    assert 'id="impact-heading"' in html
    assert "Themes that recurred after actions were signed off" in html
    assert "AP-2025-010-01 (signed off 12 May 2025)" in html
    assert "AP-2025-010-02 (signed off 12 May 2025)" in html


def test_the_workbook_sheets(world, chair):
    import io

    figures = impact_figures(chair, Q3, AsAt.for_period(Q3, today=TODAY, now=NOW))
    book = load_workbook(io.BytesIO(exports.xlsx_bytes(
        exports.impact_tables(figures), title="Quarterly", provisional=False)))
    assert list(book["Impact reviews"].iter_rows(values_only=True)) == [
        ("Impact reviews", "Number"), ("Due in the quarter", 2),
        ("Overdue at the report date", 1), ("Rated in the quarter", 1),
        ("Marked no impact review needed (due in the quarter)", 0)]
    agency = world["a"].lead_agency.short_name
    assert list(book["Impact ratings by agency"].iter_rows(values_only=True)) == [
        ("Agency", "Impact evident", "Impact partly evident", "Impact not yet evident",
         "Impact not evident"), (agency, 0, 1, 0, 0)]
    rows = list(book["Themes recurring after sign-off"].iter_rows(values_only=True))
    assert rows[1][:2] == ("Early Help", 1)
    assert rows[1][2].startswith("Rapid Review SLPR-")
    assert rows[1][3:5] == (dt.datetime(2025, 9, 1), 2)  # noqa: DTZ001
    assert rows[1][5] == "AP-2025-010-02 (12 May 2025); AP-2025-010-01 (12 May 2025)"


@pytest.mark.template_context
def test_theme_page_queries_stay_flat(client_for, chair, coordinator, wmp_officer):
    from tests.querycount import assert_flat

    theme = ThemeFactory(name="Neglect")
    plan = PlanFactory(reference="AP-2025-020", owner=coordinator)
    made = iter(range(1, 100))

    def grow(n):
        for _ in range(n):
            i = next(made)
            action = signed_off(plan, wmp_officer, coordinator, theme, i)
            if i % 2:
                rate(chair, action, Rating.EVIDENT, D(2025, 12, 1))
            day = D(2025, 6, 1) + dt.timedelta(days=i)
            case = notification(by=coordinator, agencies=[wmp_officer.agency], aware=day,
                                received=day, notified=day, incident=day, today=day,
                                themes=[theme])
            decided(case, by=coordinator, meeting=day, today=day)

    first, second = assert_flat(
        client_for(chair), reverse("reports:theme_detail", args=[theme.pk]), grow, most=16,
        expect_rows=lambda r: len(r.context["actions"]))
    (recurred,) = second.context["recurred"]  # one theme: the newest 5 of each, counted
    assert (recurred.events_total, len(recurred.events), recurred.events_more) == (25, 5, 20)
    assert recurred.actions_total == 25 and len(recurred.actions) == 5
    assert len(second.context["rapid_reviews"]) == 25
