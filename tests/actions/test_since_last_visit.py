""""Since your last visit" on every home page: what others changed on the person's actions
and requests since their previous sign-in (kept on ``user_logged_in`` before Django
overwrites ``last_login``), from the change history's index, within what they may see; an
empty state with the date; a bounded number of queries."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from actions import services
from actions.models import Action, ActionStatus
from actions.since_last_visit import since_last_visit
from tests.actions.factories import ActionFactory, PlanFactory
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
HOME = reverse("scsp:home")


def at(day, hour=9):
    return time_machine.travel(dt.datetime(2026, 12, day, hour, tzinfo=LONDON), tick=False)


def fresh(action):
    return Action.objects.get(pk=action.pk)


def rename(by, action, title):
    action = fresh(action)
    return services.action_update(by=by, action=action, title=title,
                                  description=action.description,
                                  success_measure=action.success_measure,
                                  lead_agency=action.lead_agency,
                                  lead_officer=action.lead_officer)


@pytest.fixture
def world(coordinator, wmp_officer, health_officer):
    with at(1):
        plan = PlanFactory(reference="AP-2026-501", owner=coordinator)
        ours = ActionFactory(plan=plan, number=1, lead_agency=wmp_officer.agency,
                             lead_officer=wmp_officer, title="Brief the hub",
                             target_date=dt.date(2027, 3, 1))
        theirs = ActionFactory(plan=plan, number=2, lead_agency=health_officer.agency,
                               lead_officer=health_officer, title="Audit midwifery",
                               target_date=dt.date(2027, 3, 1))
    return {"ours": ours, "theirs": theirs}


def home(client, day=4):
    """The home page a few minutes after signing in on ``day`` (the session is fresh)."""
    with at(day, 10):
        response = client.get(HOME)
    assert response.status_code == 200, response.status_code
    return " ".join(response.content.decode().split())


def sign_in(client_for, user, day, hour=9):
    with at(day, hour):
        client = client_for(user)
    user.refresh_from_db()
    return client


def test_the_previous_sign_in_is_kept(client_for, wmp_officer):
    sign_in(client_for, wmp_officer, 2)
    assert wmp_officer.previous_login is None  # the first sign-in
    first = wmp_officer.last_login
    sign_in(client_for, wmp_officer, 4)
    assert wmp_officer.previous_login == first
    assert wmp_officer.last_login > first


def test_changes_by_others_on_my_actions_are_listed(client_for, world, coordinator,
                                                    wmp_officer, health_officer):
    ours, theirs = world["ours"], world["theirs"]
    sign_in(client_for, wmp_officer, 2)
    with at(2, 10):  # the officer's own change: not news to them
        services.action_record_progress(by=wmp_officer, action=fresh(ours), note="Started.",
                                        today=dt.date(2026, 12, 2))
    with at(3):
        rename(coordinator, ours, "Brief every hub")
        rename(coordinator, theirs, "Not WMP's")
    with at(3, 11):
        change = services.action_request_date_change(
            by=wmp_officer, action=fresh(ours), new_date=dt.date(2027, 4, 1),
            reason="Venue.", today=dt.date(2026, 12, 3))
    with at(3, 12):
        services.action_decide_date_change(by=coordinator, change=change, agree=False,
                                           note="Keep the date.", today=dt.date(2026, 12, 3))
    client = sign_in(client_for, wmp_officer, 4)
    page = home(client)
    assert "since you last signed in on 2 December 2026 at 09:00" in page
    assert "Short title from “Brief the hub” to “Brief every hub”" in page
    assert "by Carol Coordinator, 3 Dec 2026 09:00" in page
    assert ("moving the target date from 1 Mar 2027 to 1 Apr 2027 was <strong>refused</strong> "
            "by Carol Coordinator on 3 Dec 2026") in page
    assert "Keep the date." in page
    assert "Not WMP" not in page and theirs.reference not in page  # not theirs to follow
    assert "Started." not in page and "Last progress update" not in page  # their own change


def test_an_agency_lead_follows_the_agencys_actions(world, coordinator, wmp_lead):
    with at(3):
        rename(coordinator, world["ours"], "New title")
    wmp_lead.previous_login = dt.datetime(2026, 12, 2, tzinfo=LONDON)
    found = since_last_visit(wmp_lead)
    assert [c.reference for c in found.changes] == [world["ours"].reference]


def test_nothing_changed_says_so_with_the_date(client_for, world, wmp_officer):
    sign_in(client_for, wmp_officer, 2)
    client = sign_in(client_for, wmp_officer, 4)
    page = home(client)
    assert "Nothing has changed since you last signed in on 2 December 2026 at 09:00." in page


def test_the_first_sign_in_says_what_will_be_listed(client_for, wmp_officer):
    client = sign_in(client_for, wmp_officer, 2)
    assert "This is your first sign-in." in home(client, 2)


@pytest.mark.parametrize("who", ["coordinator", "chair", "scrutineer", "wmp_lead",
                                 "health_officer", "sct_officer"])
def test_every_dashboard_has_the_panel(request, client_for, who):
    user = request.getfixturevalue(who)
    sign_in(client_for, user, 2)
    client = sign_in(client_for, user, 4)
    page = home(client)
    assert 'id="since-heading"' in page and "Nothing has changed since you last signed in" in page


@pytest.mark.template_context
def test_the_panel_keeps_its_query_count(client_for, coordinator, wmp_officer):
    """1 changed action, then 25, more than the panel shows: the home page takes the same
    number of queries; the latest 15 are listed."""
    sign_in(client_for, wmp_officer, 1)
    client = sign_in(client_for, wmp_officer, 2)
    plan = PlanFactory(reference="AP-2026-502", owner=coordinator)
    numbers = iter(range(1, 100))

    minutes = iter(range(1, 100))

    def more(n):
        for _ in range(n):
            with at(1, 8):  # made before the previous sign-in: not news
                action = ActionFactory(plan=plan, number=next(numbers),
                                       lead_agency=wmp_officer.agency,
                                       lead_officer=wmp_officer)
            # Renamed since, a minute apart (the index diffs each version against the last).
            with time_machine.travel(dt.datetime(2026, 12, 2, 10, next(minutes),
                                                 tzinfo=LONDON), tick=False):
                rename(coordinator, action, "Renamed")

    def panel(response):
        return next(p for t, p in response.context["panels"] if "since_last_visit" in t)["s"]

    more(1)
    with at(2, 11):
        client.get(HOME)
        one, small = queries_for(client, HOME)
    more(24)
    with at(2, 11):
        twenty_five, large = queries_for(client, HOME)
    assert (len(panel(small).changes), panel(small).more) == (1, False)
    assert (len(panel(large).changes), panel(large).more) == (15, True)
    assert large.content.decode().count("Renamed") == 15
    assert one == twenty_five, (one, twenty_five)
    assert twenty_five <= 13  # 12, and the plans the person owns (since_last_visit.theirs)
    print(f"officer's home page with 'Since your last visit': {one} queries")


def test_signed_off_actions_stay_followed(client_for, world, coordinator, wmp_officer):
    """A sign-off is news: finished actions are still the officer's."""
    ours = world["ours"]
    Action.objects.filter(pk=ours.pk).update(status=ActionStatus.AWAITING_SIGN_OFF,
                                             completion_evidence="Log.",
                                             completed_on=dt.date(2026, 12, 1))
    sign_in(client_for, wmp_officer, 2)
    with at(3):
        services.action_sign_off(by=coordinator, action=fresh(ours))
    client = sign_in(client_for, wmp_officer, 4)
    page = home(client)
    assert "Status from “In progress” to “Signed off”" in page
