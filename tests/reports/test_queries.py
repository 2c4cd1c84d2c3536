"""Query counts: every report page and dashboard runs a fixed number of queries, whatever the
number of actions, plans, agencies, cases, reviews and audits (1 of each, then 25)."""

import contextlib
import datetime as dt
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from actions import services as action_services
from actions.models import ActionStatus
from audits.models import AuditKind, AuditStatus
from reports.quarters import FinancialYear, Quarter
from scsp.models import Role
from scsp.workdays import WorkingCalendar
from tests.actions.factories import ActionFactory, PlanFactory
from tests.audits.factories import AuditFactory, RotaSlotFactory
from tests.factories import AgencyFactory, ThemeFactory, UserFactory
from tests.querycount import assert_flat, csv_rows, queries_for
from tests.reports.factories import fresh, travel
from tests.reviews.factories import decided, notification, referral

pytestmark = pytest.mark.django_db
_counter = itertools.count(1)


def grow(n, *, coordinator, day, lead=None, officer=None, impact=False):
    """``n`` more of everything a report counts, dated ``day`` (made then, when ``day`` is in
    the past): an agency with an officer, a plan with an action that is updated, slipped and
    (every other one) completed, a notification whose panel met and decided on an LCSPR, a
    referral, a closed MACFA and a late rota slot, each with a learning theme. With
    ``impact``, every fourth action is also signed off and its impact review rated."""
    past = day < timezone.localdate()
    with travel(day) if past else contextlib.nullcontext():
        for _ in range(n):
            i = next(_counter)
            agency = lead.agency if lead else AgencyFactory()
            person = officer or UserFactory(agency=agency, role=Role.AGENCY_OFFICER)
            theme = ThemeFactory(name=f"Theme {i % 3}")
            plan = PlanFactory(owner=coordinator)
            action = ActionFactory(plan=plan, lead_agency=agency, lead_officer=person,
                                   target_date=day + dt.timedelta(days=10 * (i % 5) - 20),
                                   status=ActionStatus.IN_PROGRESS, themes=[theme])
            action_services.action_record_progress(by=person, action=fresh(action),
                                                   note="Update.", today=day)
            if i % 2:
                action_services.action_record_progress(
                    by=person, action=fresh(action), note="Done.", today=day,
                    status=ActionStatus.AWAITING_SIGN_OFF, completion_evidence="Evidence.")
                if impact and i % 4 == 1:  # signed off, its impact review rated
                    action_services.action_sign_off(by=coordinator, action=fresh(action))
                    action_services.impact_rate(
                        by=coordinator, review=fresh(action).impact_reviews.get(),
                        rating="partly", rationale="Re-audit.", meeting_date=day, today=day)
            else:
                change = action_services.action_request_date_change(
                    by=person, action=fresh(action), new_date=day + dt.timedelta(days=60),
                    reason="Slipped.", today=day)
                action_services.action_decide_date_change(by=coordinator, change=change,
                                                          agree=True, today=day)
            case = notification(by=coordinator, agencies=[agency], aware=day, received=day,
                                notified=day, incident=day, today=day, themes=[theme])
            rr = decided(case, by=coordinator, meeting=day, today=day)
            rr.practice_reviews.get().themes.add(theme)
            referral(by=coordinator, agencies=[agency], referring_agency=agency, received=day,
                     incident=day, today=day)
            audit = AuditFactory(kind=AuditKind.MACFA, status=AuditStatus.CLOSED, lead=coordinator,
                                 actual_start=day, actual_end=day)
            audit.themes.add(theme)
            RotaSlotFactory(agency=agency, lead=coordinator,
                            month_due=(day - dt.timedelta(days=40)).replace(day=1))


def quarter_url(quarter):
    return reverse("reports:quarterly", kwargs=quarter.url_kwargs())


def report_actions(response) -> int:
    """The actions the quarterly report counts (one made by each ``grow``)."""
    return response.context["report"].headline.actions.actions


def panel_of(response, name: str) -> dict:
    return dict(response.context["panels"])[f"reports/dashboards/{name}.html"]


def actions_in_panel(response) -> int:
    """Open and awaiting actions on an agency lead's or officer's dashboard."""
    panel = panel_of(response, "actions")
    return panel["open"] + panel["awaiting"]


@pytest.mark.template_context
def test_the_running_quarters_report(client_for, chair, coordinator):
    """Measured: 42 queries for the whole page, the same for 1 row of everything as for 25:
    the quarter's reviews and audits, its actions (the live table: by plan, by agency, the
    slipped ones), the previous quarter's headline (its actions read from history and the
    dated records, after checking the cache), the themes, the commentary, your downloads and
    the Impact section (6: the review counts, ratings by agency and by theme, and the three
    of the themes recurring after sign-off)."""
    client = client_for(chair)
    today = timezone.localdate()
    first, second = assert_flat(
        client, quarter_url(Quarter.containing(today)),
        lambda n: grow(n, coordinator=coordinator, day=today, impact=True), most=42,
        expect_rows=report_actions)
    assert second.context["report"].headline.notifications == 25


@pytest.mark.template_context
def test_a_finished_quarters_report_read_from_history(client_for, chair, coordinator):
    """Measured: 47 queries (two as-at sources, the history and the dated records, for the
    actions of this quarter and the previous one, each after checking the cache; 6 for the
    Impact section)."""
    client = client_for(chair)
    quarter = Quarter(2025, 3)
    first, second = assert_flat(
        client, quarter_url(quarter),
        lambda n: grow(n, coordinator=coordinator, day=dt.date(2025, 11, 12), impact=True),
        most=47,
        expect_rows=report_actions)
    assert second.context["report"].headline.rapid_reviews == 25


def test_a_table_as_csv(client_for, coordinator):
    client = client_for(coordinator)
    quarter = Quarter(2025, 3)
    url = reverse("reports:quarterly_csv", kwargs={**quarter.url_kwargs(), "table": "actions"})
    assert_flat(client, url, lambda n: grow(n, coordinator=coordinator, impact=True,
                                             day=dt.date(2025, 11, 12)), most=51,
                expect_rows=csv_rows)  # one is the second factor's device (django-otp); 3 the
    # access event sealed on the chain (lock the heads, insert, move the head); 6 the Impact
    # section (the tables are built from the whole report)


@pytest.mark.template_context
def test_a_finished_quarter_seen_again_comes_from_the_cache(client_for, chair, coordinator):
    """Nothing written since the last view: its action counts (and the previous quarter's)
    are not worked out again; four small queries check that nothing changed."""
    client = client_for(chair)
    grow(3, coordinator=coordinator, day=dt.date(2025, 11, 12))
    url = quarter_url(Quarter(2025, 3))
    client.get(url)
    first, response = queries_for(client, url)
    grow(1, coordinator=coordinator, day=dt.date(2025, 11, 12))
    third, response = queries_for(client, url)
    assert response.context["report"].headline.actions.actions == 4  # the new one is seen
    fourth, _response = queries_for(client, url)
    assert first == fourth < third


@pytest.mark.template_context
def test_the_annual_figures(client_for, scrutineer, coordinator):
    """Measured: 16 queries (2 the share of actions signed off rated evident)."""
    client = client_for(scrutineer)
    url = reverse("reports:annual", kwargs={"year": 2025})
    first, second = assert_flat(
        client, url, lambda n: grow(n, coordinator=coordinator, day=dt.date(2025, 11, 12),
                                    impact=True),
        most=16, expect_rows=lambda r: r.context["figures"].as_dict()["notifications"])
    assert second.context["figures"].as_dict()["referrals"] == 25
    assert FinancialYear(2025).label == "2025-26"


# --- Dashboards (the home page) ---------------------------------------------------------------------


@pytest.mark.template_context
def test_the_coordinators_dashboard(client_for, coordinator, wmp_officer):
    """Measured: 15 queries for the whole home page (the panel's own: calendar 1, clocks 4,
    decisions 4, overdue by agency 1)."""
    client = client_for(coordinator)
    today = timezone.localdate()

    def more(n):
        grow(n, coordinator=coordinator, day=today)
        aware = WorkingCalendar().add_working_days(today, -6)
        for _ in range(n):  # running clocks: notifications not made in time
            notification(by=coordinator, agencies=[wmp_officer.agency], aware=aware,
                         received=aware, notified=None, incident=aware, today=today)

    first, second = assert_flat(  # the running clocks: the late notifications
        client, reverse("scsp:home"), more, most=15,
        expect_rows=lambda r: panel_of(r, "coordinator")["clocks_count"])
    panel = panel_of(second, "coordinator")
    assert panel["awaiting_count"] == 13 and len(panel["awaiting"]) == 6
    assert len(panel["clocks"]) == 12


@pytest.mark.template_context
def test_the_chairs_and_scrutineers_dashboard(client_for, chair, coordinator):
    """Measured: 14 queries (this quarter's headline: its reviews, audits and actions)."""
    client = client_for(chair)
    today = timezone.localdate()
    first, second = assert_flat(
        client, reverse("scsp:home"), lambda n: grow(n, coordinator=coordinator, day=today),
        most=14, expect_rows=lambda r: panel_of(r, "board")["headline"].notifications)
    assert panel_of(second, "board")["headline"].rapid_reviews == 25


@pytest.mark.template_context
def test_the_agency_leads_dashboard(client_for, wmp_lead, wmp_officer, coordinator):
    """Measured: 10 queries for the whole home page (one is the closure days, for "N working
    days overdue"; one the agency summaries they are to write, issue 18)."""
    client = client_for(wmp_lead)
    today = timezone.localdate()
    first, second = assert_flat(client, reverse("scsp:home"),
                                lambda n: grow(n, coordinator=coordinator, day=today,
                                               lead=wmp_lead, officer=wmp_officer), most=10,
                                expect_rows=actions_in_panel)
    assert panel_of(second, "actions")["whose"] == "agency"


@pytest.mark.template_context
def test_the_officers_dashboard(client_for, wmp_lead, wmp_officer, coordinator):
    """At most 10 queries (one is the closure days; one the agency summaries delegated to
    them, issue 18)."""
    client = client_for(wmp_officer)
    today = timezone.localdate()
    first, second = assert_flat(client, reverse("scsp:home"),
                                lambda n: grow(n, coordinator=coordinator, day=today,
                                               lead=wmp_lead, officer=wmp_officer), most=10,
                                expect_rows=actions_in_panel)
    assert panel_of(second, "actions")["whose"] == "mine"
