"""Issue 16's daily-use journey in a real browser, with axe (WCAG 2.2 AA) on every page: the
agency lead finds an action by its reference in the header box and gives it to another
officer of the agency with a reason; a reference they cannot open gets the same words as one
that does not exist."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from actions.models import Action, ActionStatus
from tests.actions.factories import ActionFactory, PlanFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def actions(coordinator, wmp_officer, wmp_lead, health_officer):
    today = timezone.localdate()
    plan = PlanFactory(reference="AP-2026-031", owner=coordinator, title="Front door learning")
    ours = ActionFactory(plan=plan, number=1, lead_agency=wmp_officer.agency,
                         lead_officer=wmp_officer, title="Pre-screen notifications",
                         target_date=today + dt.timedelta(days=20),
                         status=ActionStatus.IN_PROGRESS)
    other_plan = PlanFactory(reference="AP-2026-032", owner=coordinator)
    theirs = ActionFactory(plan=other_plan, number=1, lead_agency=health_officer.agency,
                           lead_officer=health_officer)
    colleague = UserFactory(agency=wmp_officer.agency, role="agency_officer",
                            full_name="Pat Colleague")
    return {"ours": ours, "theirs": theirs, "colleague": colleague}


def test_find_and_reassign(journey, actions, wmp_lead):
    page = journey.page
    ours, colleague = actions["ours"], actions["colleague"]
    journey.sign_in(wmp_lead)

    # Find by reference, from the header.
    page.get_by_role("searchbox", name="Find by reference").fill(ours.reference.lower())
    page.get_by_role("button", name="Find", exact=True).click()
    journey.check()
    assert page.locator("h1").inner_text().strip() == f"Action {ours.reference}"

    # Give it to another officer of the agency, with a reason.
    page.get_by_role("link", name="Give to another officer").click()
    journey.check()
    page.get_by_label("New lead officer").select_option(label="Pat Colleague")
    page.get_by_label("Why it is given to someone else").fill("Officer on long-term leave.")
    page.get_by_role("button", name="Give the action to this officer").click()
    journey.check()
    assert "has been told" in page.locator(".alert").first.inner_text()
    action = Action.objects.get(pk=ours.pk)
    assert action.lead_officer == colleague
    assert action.history.first().history_change_reason == "Officer on long-term leave."

    # Another agency's plan-only action: the same words as a reference that does not exist.
    page.get_by_role("searchbox", name="Find by reference").fill("AP-2026-032")
    page.get_by_role("button", name="Find", exact=True).click()
    journey.check()
    hidden = page.locator(".find-result").inner_text()
    page.get_by_role("searchbox", name="Find by reference").first.fill("AP-1999-001")
    page.get_by_role("button", name="Find", exact=True).first.click()
    journey.check()
    missing = page.locator(".find-result").inner_text()
    assert hidden.replace("AP-2026-032", "X") == missing.replace("AP-1999-001", "X")
    assert "that you can open" in missing


def test_rapid_review_attendees_rows_added_and_removed(journey, coordinator, wmp):
    """Seven people at the panel: the four spare rows are not the limit."""
    from reviews.models import Attendee
    from tests.reviews import factories as rf

    case = rf.notification(by=coordinator, agencies=[wmp])
    page = journey.page
    journey.sign_in(coordinator)
    journey.goto(f"/reviews/rapid-reviews/{case.rapid_review.pk}/attendees/")
    names = page.locator("table.rows-form input[name$='-name']")
    assert names.count() == 4
    add = page.get_by_role("button", name="Add another row")
    for _ in range(4):
        add.click()
    assert names.count() == 8
    # Take the sixth row away again: the rows after it are renumbered, none is lost.
    page.locator("tr[data-new-row]").nth(1).get_by_role("button", name="Remove this row").click()
    assert names.count() == 7
    roles = page.locator("table.rows-form input[name$='-role']")
    agencies = page.locator("table.rows-form select[name$='-agency']")
    for index in range(7):
        names.nth(index).fill(f"Person {index + 1}")
        roles.nth(index).fill("Safeguarding lead")
        agencies.nth(index).select_option(label=wmp.name)
    page.get_by_role("button", name="Save").click()
    journey.check()
    errors = page.locator("[data-error-summary], .invalid-feedback").all_inner_texts()
    saved = sorted(Attendee.objects.filter(rapid_review=case.rapid_review)
                   .values_list("name", flat=True))
    assert saved == [f"Person {n}" for n in range(1, 8)], errors
