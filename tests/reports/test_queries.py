"""Query counts: every report page and dashboard runs a fixed number of queries, whatever the
number of actions, plans, agencies, cases, reviews and audits (1 of each, then 25).

The rows are made once for each kind of data the pages read (:data:`GROUPS`), not once for each
page: the pages that read the same data are counted together, each as its own reader, at 1 row
and again at 25 (:func:`measured`). Each group's rows are rolled back before the next group's
are made, and every counted request starts with empty caches, as a page seen on its own would."""

import contextlib
import datetime as dt
import itertools
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.template import Template
from django.test.utils import instrumented_test_render
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
from tests.querycount import csv_rows, queries_for
from tests.reports.factories import fresh, travel
from tests.reviews.factories import decided, notification, referral

pytestmark = pytest.mark.django_db
_counter = itertools.count(1)
#: A day in a finished quarter (October to December 2025) and financial year (2025-26).
FINISHED = dt.date(2025, 11, 12)


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


def board_notifications(response) -> int:
    return panel_of(response, "board")["headline"].notifications


def annual_notifications(response) -> int:
    return response.context["figures"].as_dict()["notifications"]


def clocks_count(response) -> int:
    return panel_of(response, "coordinator")["clocks_count"]


# --- Counting ------------------------------------------------------------------------------------


@dataclass
class Count:
    """One page as one reader: its queries and the rows it showed with 1 row of everything
    made and again with 25, and ``facts`` read from the page at 25."""

    url: str
    queries: tuple[int, int] = (0, 0)
    rows: tuple[int, int] = (0, 0)
    facts: dict = field(default_factory=dict)

    def check(self, most: int) -> None:
        assert self.rows == (1, 25), f"{self.url}: {self.rows} rows shown after making 1, 25"
        small, large = self.queries
        assert small == large, f"{self.url}: {small} queries for 1 row but {large} for 25"
        assert large <= most, f"{self.url}: {large} queries, expected at most {most}"
        print(f"QUERIES {self.url}: {small} (1 row) == {large} (25 rows)")


#: Each group: how its rows are made (``grow``'s arguments; "late" adds notifications not made
#: in time), and the pages that read them, as (reader, url, rows shown, facts at 25 rows).
GROUPS = {
    "finished": ({"day": FINISHED, "impact": True}, {
        "finished_quarter": ("chair", quarter_url(Quarter(2025, 3)), report_actions,
                             lambda r: {"rapid_reviews": r.context["report"].headline
                                        .rapid_reviews}),
        "csv": ("coordinator",
                reverse("reports:quarterly_csv",
                        kwargs={**Quarter(2025, 3).url_kwargs(), "table": "actions"}),
                csv_rows, None),
        "annual": ("scrutineer", reverse("reports:annual", kwargs={"year": 2025}),
                   annual_notifications,
                   lambda r: {"referrals": r.context["figures"].as_dict()["referrals"]}),
    }),
    "running": ({"day": None, "impact": True}, {
        "running_quarter": ("chair", None, report_actions,
                            lambda r: {"notifications": r.context["report"].headline
                                       .notifications}),
        "board": ("chair", reverse("scsp:home"), board_notifications,
                  lambda r: {"rapid_reviews": panel_of(r, "board")["headline"].rapid_reviews}),
    }),
    "agency": ({"day": None, "lead": "wmp_lead", "officer": "wmp_officer"}, {
        "lead_home": ("wmp_lead", reverse("scsp:home"), actions_in_panel,
                      lambda r: {"whose": panel_of(r, "actions")["whose"]}),
        "officer_home": ("wmp_officer", reverse("scsp:home"), actions_in_panel,
                         lambda r: {"whose": panel_of(r, "actions")["whose"]}),
    }),
    "late": ({"day": None, "late": True}, {
        "coordinator_home": ("coordinator", reverse("scsp:home"), clocks_count,
                             lambda r: {"awaiting_count": panel_of(r, "coordinator")
                                        ["awaiting_count"],
                                        "awaiting": len(panel_of(r, "coordinator")["awaiting"]),
                                        "clocks": len(panel_of(r, "coordinator")["clocks"])}),
    }),
}


def _counted(client, url, rows_of, n: int, count: Count) -> object:
    cache.clear()  # as a page seen on its own: the pages before it warmed nothing
    queries, response = queries_for(client, url)
    rows = rows_of(response)  # now: a CSV is streamed, so read before more rows are made
    if n == 1:
        count.queries, count.rows = (queries, 0), (rows, 0)
    else:
        count.queries, count.rows = (count.queries[0], queries), (count.rows[0], rows)
    return response


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, Count]:
    """Every page of :data:`GROUPS` counted as its reader at 1 and 25 rows, one group at a
    time (each in a savepoint rolled back after it), inside a transaction rolled back at the
    end of the module (:func:`tests.demo_data.demo_loaded`). The pages are rendered with
    Django's instrumented templates, so their context can be read."""
    from django.db import transaction

    from tests.conftest import make_personas
    from tests.demo_data import demo_loaded
    from tests.mfa import Client

    results: dict[str, Count] = {}

    def build_and_count():
        personas = make_personas()
        coordinator = personas["coordinator"]
        today = timezone.localdate()
        global _counter
        for options, pages in GROUPS.values():
            _counter = itertools.count(1)  # the same mix of rows in every group
            options = dict(options)
            late = options.pop("late", False)
            options["day"] = options["day"] or today
            for key in ("lead", "officer"):
                if key in options:
                    options[key] = personas[options[key]]

            def more(n, options=options, late=late):
                grow(n, coordinator=coordinator, **options)
                if late:  # running clocks: notifications not made in time
                    aware = WorkingCalendar().add_working_days(today, -6)
                    for _ in range(n):
                        notification(by=coordinator, agencies=[personas["wmp_officer"].agency],
                                     aware=aware, received=aware, notified=None,
                                     incident=aware, today=today)

            with transaction.atomic():
                for person in personas.values():  # as rolled back: a first sign-in again
                    if person is not None:
                        person.refresh_from_db()
                clients = {}
                for name, (reader, url, _rows, _facts) in pages.items():
                    client = clients.get(reader)
                    if client is None:
                        client = clients[reader] = Client()
                        client.force_login(personas[reader])
                    url = url or quarter_url(Quarter.containing(today))
                    results[name] = Count(url)
                    client.get(url)  # the first request after signing in writes the session
                more(1)
                for name, (reader, _url, rows_of, _facts) in pages.items():
                    _counted(clients[reader], results[name].url, rows_of, 1, results[name])
                more(24)
                for name, (reader, _url, rows_of, facts) in pages.items():
                    response = _counted(clients[reader], results[name].url, rows_of, 25,
                                        results[name])
                    results[name].facts = facts(response) if facts else {}
                transaction.set_rollback(True)

    plain = Template._render
    Template._render = instrumented_test_render
    try:
        with demo_loaded(django_db_blocker, tmp_path_factory.mktemp("media"),
                         seed=build_and_count):
            yield results
    finally:
        Template._render = plain


def test_the_running_quarters_report(measured):
    """Measured: 42 queries for the whole page, the same for 1 row of everything as for 25:
    the quarter's reviews and audits, its actions (the live table: by plan, by agency, the
    slipped ones), the previous quarter's headline (its actions read from history and the
    dated records, after checking the cache), the themes, the commentary, your downloads and
    the Impact section (6: the review counts, ratings by agency and by theme, and the three
    of the themes recurring after sign-off)."""
    measured["running_quarter"].check(most=42)
    assert measured["running_quarter"].facts["notifications"] == 25


def test_a_finished_quarters_report_read_from_history(measured):
    """Measured: 47 queries (two as-at sources, the history and the dated records, for the
    actions of this quarter and the previous one, each after checking the cache; 6 for the
    Impact section)."""
    measured["finished_quarter"].check(most=47)
    assert measured["finished_quarter"].facts["rapid_reviews"] == 25


def test_a_table_as_csv(measured):
    # 51: one is the second factor's device (django-otp); 3 the access event sealed on the
    # chain (lock the heads, insert, move the head); 6 the Impact section (the tables are built
    # from the whole report)
    measured["csv"].check(most=51)


@pytest.mark.template_context
def test_a_finished_quarter_seen_again_comes_from_the_cache(client_for, chair, coordinator):
    """Nothing written since the last view: its action counts (and the previous quarter's)
    are not worked out again; four small queries check that nothing changed."""
    client = client_for(chair)
    grow(3, coordinator=coordinator, day=FINISHED)
    url = quarter_url(Quarter(2025, 3))
    client.get(url)
    first, response = queries_for(client, url)
    grow(1, coordinator=coordinator, day=FINISHED)
    third, response = queries_for(client, url)
    assert response.context["report"].headline.actions.actions == 4  # the new one is seen
    fourth, _response = queries_for(client, url)
    assert first == fourth < third


def test_the_annual_figures(measured):
    """Measured: 16 queries (2 the share of actions signed off rated evident)."""
    measured["annual"].check(most=16)
    assert measured["annual"].facts["referrals"] == 25
    assert FinancialYear(2025).label == "2025-26"


# --- Dashboards (the home page) ---------------------------------------------------------------------


def test_the_coordinators_dashboard(measured):
    """Measured: 15 queries for the whole home page (the panel's own: calendar 1, clocks 4,
    decisions 4, overdue by agency 1). The rows counted are the running clocks: the late
    notifications."""
    measured["coordinator_home"].check(most=15)
    facts = measured["coordinator_home"].facts
    assert facts["awaiting_count"] == 13 and facts["awaiting"] == 6
    assert facts["clocks"] == 12


def test_the_chairs_and_scrutineers_dashboard(measured):
    """Measured: 14 queries (this quarter's headline: its reviews, audits and actions)."""
    measured["board"].check(most=14)
    assert measured["board"].facts["rapid_reviews"] == 25


def test_the_agency_leads_dashboard(measured):
    """Measured: 10 queries for the whole home page (one is the closure days, for "N working
    days overdue"; one the agency summaries they are to write, issue 18)."""
    measured["lead_home"].check(most=10)
    assert measured["lead_home"].facts["whose"] == "agency"


def test_the_officers_dashboard(measured):
    """At most 10 queries (one is the closure days; one the agency summaries delegated to
    them, issue 18)."""
    measured["officer_home"].check(most=10)
    assert measured["officer_home"].facts["whose"] == "mine"
