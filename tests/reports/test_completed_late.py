"""An action completed after its target date is counted and shown as "completed late" in the
quarterly report (its page, and the "Actions at the report date" download), as at the
quarter's end and while a quarter runs: by ``Action``'s own rule, in SQL and in Python."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from actions import services as action_services
from actions.models import Action, ActionStatus
from reports import exports, selectors
from reports.asat import AsAt
from reports.quarters import Quarter
from tests.actions.factories import ActionFactory, PlanFactory
from tests.reports.factories import QUARTER, travel

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def late_world(coordinator, wmp_officer):
    """In Q3 2025-26: "late" due 10 Nov, completed 20 Nov and signed off 25 Nov 2025;
    "on time" due 15 Dec, completed 1 Dec; "open" due 31 Mar 2026, not completed."""
    with travel(D(2025, 9, 1)):
        plan = PlanFactory(reference="AP-L-1", owner=coordinator)
        made = {name: ActionFactory(plan=plan, number=n, lead_agency=wmp_officer.agency,
                                    lead_officer=wmp_officer, target_date=target)
                for n, (name, target) in enumerate(
                    (("late", D(2025, 11, 10)), ("on time", D(2025, 12, 15)),
                     ("open", D(2026, 3, 31))), start=1)}
    for name, day in (("late", D(2025, 11, 20)), ("on time", D(2025, 12, 1))):
        with travel(day):
            action_services.action_record_progress(
                by=wmp_officer, action=Action.objects.get(pk=made[name].pk), note="Done.",
                today=day, status=ActionStatus.AWAITING_SIGN_OFF, completion_evidence="Log.")
    with travel(D(2025, 11, 25)):
        action_services.action_sign_off(by=coordinator,
                                        action=Action.objects.get(pk=made["late"].pk))
    return made


def _asat(live):
    if live:  # while the quarter runs: the live rows (SQL)
        with travel(D(2025, 12, 20)):
            return AsAt.for_period(QUARTER, today=D(2025, 12, 20), now=timezone.now())
    return AsAt.for_period(QUARTER, today=D(2026, 2, 1), now=timezone.now())


@pytest.mark.parametrize("live", [False, True], ids=["as at the end", "while it runs"])
def test_completed_late_is_counted_and_listed(chair, late_world, live):
    asat = _asat(live)
    totals = selectors.action_totals(chair, QUARTER, asat)
    assert (totals.completed, totals.completed_late) == (2, 1)
    rows = {r.reference: r for r in selectors.action_rows(chair, asat)}
    assert {ref: (row.rag_word, row.completed_late) for ref, row in rows.items()} == {
        "AP-L-1-01": ("Blue", True), "AP-L-1-02": ("Green", False),
        "AP-L-1-03": ("Green", False)}
    table = exports.action_table(rows.values())
    late_column = table.headings.index("Completed late")
    assert [row[late_column] for row in table.rows] == ["Yes", "No", "No"]


def test_the_report_page_says_how_many_were_late(client_for, chair, late_world):
    page = client_for(chair).get(reverse("reports:quarterly", kwargs=QUARTER.url_kwargs()))
    assert page.status_code == 200, page.status_code
    text = " ".join(page.content.decode().split())
    assert "1 of those completed was completed after its target date." in text
    assert "2 <span class=\"small\">(1 late)</span>" in text


def test_a_quarter_with_nothing_late_says_nothing_about_it(chair, wmp_officer, coordinator):
    q = Quarter(2025, 3)
    with travel(D(2025, 9, 1)):
        action = ActionFactory(plan=PlanFactory(reference="AP-L-2", owner=coordinator),
                               lead_agency=wmp_officer.agency, lead_officer=wmp_officer,
                               target_date=D(2025, 12, 15))
    with travel(D(2025, 12, 1)):
        action_services.action_record_progress(
            by=wmp_officer, action=Action.objects.get(pk=action.pk), note="Done.",
            today=D(2025, 12, 1), status=ActionStatus.AWAITING_SIGN_OFF,
            completion_evidence="Log.")
    totals = selectors.action_totals(chair, q, _asat(False))
    assert (totals.completed, totals.completed_late) == (1, 0)
