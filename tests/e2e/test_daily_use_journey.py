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
