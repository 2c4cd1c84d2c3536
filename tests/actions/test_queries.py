"""Query counts: each list page, the plan page, the action page, the exports and the calendar
feed take the same number of queries for 1 row as for 25 (no N+1), and stay under a ceiling."""

import datetime as dt
import io
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actions.models import ActionStatus, ProgressUpdate, TargetDateChange
from tests.actions.factories import (
    ActionFactory,
    EvidenceFactory,
    PlanFactory,
    RecommendationFactory,
)
from tests.factories import ThemeFactory

pytestmark = pytest.mark.django_db
COUNTER = itertools.count(1000)


def count(client, url, data=None):
    """GET ``url``: (number of queries, response, body), a download's body read in full."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, data or {})
        if hasattr(response, "streaming_content"):
            body = b"".join(response.streaming_content)
        else:
            body = response.content
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries), response, body


def flat(client, url, grow, *, most, django_assert_max_num_queries, expect_rows, data=None):
    """1 row, then 25: the same number of queries, at most ``most``; ``expect_rows(response,
    body)`` counts the rows the page or download shows, which must be 1, then 25."""
    client.get(url, data or {})  # the first request after sign-in writes the session
    grow(1)
    one, response, body = count(client, url, data)
    assert expect_rows(response, body) == 1, f"{url}: not 1 row after making 1"
    grow(24)
    with django_assert_max_num_queries(most):
        twenty_five, response, body = count(client, url, data)
    assert expect_rows(response, body) == 25, f"{url}: not 25 rows after making 25"
    assert one == twenty_five, f"{url}: {one} queries for 1 row, {twenty_five} for 25"
    return one


def page_rows(response, body):
    return len(response.context["page_obj"].object_list)


def download_rows(response, body):
    """Data rows of a CSV or XLSX download (the heading row not counted)."""
    if response["Content-Type"].startswith("text/csv"):
        return len(body.decode("utf-8-sig").strip().splitlines()) - 1
    return len(list(load_workbook(io.BytesIO(body), read_only=True).active.iter_rows())) - 1


@pytest.fixture
def themes():
    return [ThemeFactory(name="Neglect"), ThemeFactory(name="Exploitation")]


def make_actions(plan, officer, themes, **extra):
    def grow(n):
        for _ in range(n):
            ActionFactory(plan=plan, number=next(COUNTER), lead_agency=officer.agency,
                          lead_officer=officer, themes=themes, **extra)
    return grow


LISTS = [
    ("wmp_officer", "actions:my_actions", {}),
    ("wmp_lead", "actions:agency_actions", {}),
    ("coordinator", "actions:all_actions", {}),
    ("chair", "actions:all_actions", {"status": "open", "rag": "green", "sort": "-rag",
                                      "q": "brief"}),
    ("coordinator", "actions:all_actions", {"export": "csv"}),
    ("scrutineer", "actions:all_actions", {"export": "xlsx"}),
    ("wmp_lead", "actions:agency_actions", {"export": "xlsx", "overdue": ""}),
]


@pytest.mark.parametrize(("persona", "name", "data"), LISTS,
                         ids=[f"{p}-{n}-{'-'.join(d) or 'plain'}" for p, n, d in LISTS])
@pytest.mark.template_context
def test_action_lists_and_exports(request, client_for, wmp_officer, themes, persona, name, data,
                                  django_assert_max_num_queries):
    plan = PlanFactory()
    client = client_for(request.getfixturevalue(persona))
    n = flat(client, reverse(name), make_actions(plan, wmp_officer, themes), data=data,
             most=12, django_assert_max_num_queries=django_assert_max_num_queries,
             expect_rows=download_rows if "export" in data else page_rows)
    print(f"{persona} {name} {data}: {n} queries")


@pytest.mark.template_context
def test_plan_list(client_for, wmp_officer, coordinator, themes,
                   django_assert_max_num_queries):
    def grow(n):
        for _ in range(n):
            plan = PlanFactory(owner=coordinator)
            make_actions(plan, wmp_officer, themes)(2)
    n = flat(client_for(wmp_officer), reverse("actions:plan_list"), grow, most=10,
             django_assert_max_num_queries=django_assert_max_num_queries, expect_rows=page_rows)
    print(f"plan list: {n} queries")


@pytest.mark.template_context
def test_plan_detail(client_for, health_officer, wmp_officer, themes,
                     django_assert_max_num_queries):
    plan = PlanFactory()
    ActionFactory(plan=plan, number=1, lead_agency=health_officer.agency,
                  lead_officer=health_officer)

    def grow(n):
        for _ in range(n):
            rec = RecommendationFactory(plan=plan, number=next(COUNTER))
            rec.themes.set(themes)
            ActionFactory(plan=plan, number=next(COUNTER), recommendation=rec,
                          lead_agency=wmp_officer.agency, lead_officer=wmp_officer)
    def wmp_rows(response, body):  # the plan's SWBNHS action is there from the start
        return sum(1 for a in response.context["actions"] if a.lead_agency == wmp_officer.agency)

    # Of which 5 are the view's access event, sealed on the chain: lock the chain heads,
    # find the case, insert, move the head, link the case (scsp.audit.chain.append).
    n = flat(client_for(health_officer), reverse("actions:plan_detail", args=[plan.pk]), grow,
             most=14, django_assert_max_num_queries=django_assert_max_num_queries,
             expect_rows=wmp_rows)
    print(f"plan detail: {n} queries")


@pytest.mark.template_context
def test_action_detail(client_for, coordinator, wmp_officer, themes,
                       django_assert_max_num_queries):
    action = ActionFactory(lead_agency=wmp_officer.agency, lead_officer=wmp_officer,
                           themes=themes)
    today = timezone.localdate()

    def grow(n):
        for i in range(n):
            update = ProgressUpdate.objects.create(action=action, author=wmp_officer,
                                                   note=f"Update {i}")
            EvidenceFactory(action=action, update=update, uploaded_by=wmp_officer)
            TargetDateChange.objects.create(
                action=action, requested_by=wmp_officer, old_date=today,
                new_date=today + dt.timedelta(days=next(COUNTER)), reason="r",
                decision="agreed", decided_by=coordinator, decided_at=timezone.now())
    def shown(response, body):  # each row: an update, its evidence and an agreed new date
        ctx = response.context
        assert len(ctx["evidence"]) == len(ctx["agreed_changes"])
        return len(ctx["evidence"])

    # Of which 5 are the view's access event, sealed on the chain (as above); 3 are the impact
    # reviews, their evidence (read whether or not there are reviews, so the count does not
    # depend on the action's state) and the rating the action may follow up.
    n = flat(client_for(coordinator), reverse("actions:action_detail", args=[action.pk]), grow,
             most=19, django_assert_max_num_queries=django_assert_max_num_queries,
             expect_rows=shown)
    print(f"action detail: {n} queries")


@pytest.mark.template_context
def test_decisions(client_for, coordinator, wmp_officer, django_assert_max_num_queries):
    plan = PlanFactory()

    def grow(n):
        for _ in range(n):
            ActionFactory(plan=plan, number=next(COUNTER), lead_agency=wmp_officer.agency,
                          lead_officer=wmp_officer, status=ActionStatus.AWAITING_SIGN_OFF)
            action = ActionFactory(plan=plan, number=next(COUNTER),
                                   lead_agency=wmp_officer.agency, lead_officer=wmp_officer)
            TargetDateChange.objects.create(
                action=action, requested_by=wmp_officer, old_date=action.target_date,
                new_date=action.target_date + dt.timedelta(days=9), reason="r")
    def shown(response, body):  # each row: an action awaiting sign-off and a date request
        assert len(response.context["awaiting"]) == len(response.context["requests"])
        return len(response.context["awaiting"])

    n = flat(client_for(coordinator), reverse("actions:decisions"), grow, most=10,
             django_assert_max_num_queries=django_assert_max_num_queries, expect_rows=shown)
    print(f"decisions: {n} queries")


def test_calendar_feed(client, wmp_officer, themes, django_assert_max_num_queries):
    url = reverse("actions:calendar_feed", args=[wmp_officer.calendar_token])
    n = flat(client, url, make_actions(PlanFactory(), wmp_officer, themes), most=4,
             django_assert_max_num_queries=django_assert_max_num_queries,
             expect_rows=lambda response, body: body.count(b"BEGIN:VEVENT"))
    print(f"calendar feed: {n} queries")
