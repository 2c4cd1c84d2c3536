"""Issue 16's bulk decisions in a real browser, with axe (WCAG 2.2 AA) on every page: the
co-ordinator ticks actions on "Decisions waiting" by their labelled boxes, signs two off with
one comment, is told what was done, then tries to return the third without a comment (a
clear error, nothing lost) and returns it with one."""

from __future__ import annotations

import pytest

from actions.models import Action, ActionStatus
from tests.actions.factories import ActionFactory, PlanFactory

pytestmark = pytest.mark.browser
S = ActionStatus


def test_bulk_sign_off_and_return(journey, coordinator, wmp_officer):
    plan = PlanFactory(reference="AP-2026-041", owner=coordinator, title="Front door learning")
    first, second, third = (
        ActionFactory(plan=plan, number=n, lead_agency=wmp_officer.agency,
                      lead_officer=wmp_officer, status=S.AWAITING_SIGN_OFF, title=title)
        for n, title in ((1, "Brief the hub"), (2, "Audit ten referrals"),
                         (3, "Update the guidance")))
    mine = ActionFactory(plan=plan, number=4, lead_agency=coordinator.agency,
                         lead_officer=coordinator, status=S.AWAITING_SIGN_OFF,
                         title="Co-ordinator's own work")
    page = journey.page
    journey.sign_in(coordinator)
    page.get_by_role("link", name="Decisions waiting").first.click()
    journey.check()
    group = page.get_by_role("group", name="Select the actions to decide together")
    assert group.get_by_role("checkbox").count() == 3  # not the co-ordinator's own
    assert group.get_by_role("checkbox", name=f"{mine.reference}: {mine.title}").count() == 0
    group.get_by_role("checkbox", name=f"{first.reference}: Brief the hub").check()
    group.get_by_role("checkbox", name=f"{second.reference}: Audit ten referrals").check()
    page.get_by_label("Comment (goes on each action's record)").fill(
        "Registers and audit results checked at the SLPR meeting.")
    journey.screenshot("decisions-bulk-ticked")
    page.get_by_role("button", name="Sign off selected").click()
    journey.check()
    assert (f"Signed off 2 actions: {first.reference}, {second.reference}."
            in page.locator(".messages").inner_text())
    statuses = dict(Action.objects.filter(plan=plan).values_list("pk", "status"))
    assert statuses == {first.pk: S.SIGNED_OFF, second.pk: S.SIGNED_OFF,
                        third.pk: S.AWAITING_SIGN_OFF, mine.pk: S.AWAITING_SIGN_OFF}

    # Return without a comment: the error names the field; the box stays ticked.
    box = page.get_by_role("checkbox", name=f"{third.reference}: Update the guidance")
    box.check()
    page.get_by_role("button", name="Return selected for more evidence").click()
    journey.check()
    summary = page.locator("[data-error-summary]")
    assert "Say what more evidence is needed" in summary.inner_text()
    assert page.get_by_role("checkbox", name=f"{third.reference}: Update the guidance"
                            ).is_checked()
    assert Action.objects.get(pk=third.pk).status == S.AWAITING_SIGN_OFF
    page.get_by_label("Comment (goes on each action's record)").fill(
        "Attach the guidance as published.")
    page.get_by_role("button", name="Return selected for more evidence").click()
    journey.check()
    assert (f"Returned 1 action for more evidence: {third.reference}."
            in page.locator(".messages").inner_text())
    assert Action.objects.get(pk=third.pk).status == S.RETURNED
    journey.screenshot("decisions-bulk-returned")


def test_since_your_last_visit(journey, coordinator, wmp_officer):
    """The officer signs in, leaves; the co-ordinator renames one of their actions and signs
    another off; at the officer's next sign-in the home page says so."""
    from actions import services

    plan = PlanFactory(reference="AP-2026-042", owner=coordinator, title="Front door learning")
    renamed = ActionFactory(plan=plan, number=1, lead_agency=wmp_officer.agency,
                            lead_officer=wmp_officer, title="Brief the hub")
    done = ActionFactory(plan=plan, number=2, lead_agency=wmp_officer.agency,
                         lead_officer=wmp_officer, status=S.AWAITING_SIGN_OFF,
                         title="Audit ten referrals")
    page = journey.page
    journey.sign_in(wmp_officer)
    section = page.locator("section.since-last-visit")
    assert "This is your first sign-in." in section.inner_text()
    journey.sign_out()

    action = Action.objects.get(pk=renamed.pk)
    services.action_update(by=coordinator, action=action, title="Brief every hub",
                           description=action.description,
                           success_measure=action.success_measure,
                           lead_agency=action.lead_agency, lead_officer=action.lead_officer)
    services.action_sign_off(by=coordinator, action=Action.objects.get(pk=done.pk),
                             note="Audit results seen.")

    journey.sign_in(wmp_officer)
    heading = page.get_by_role("heading", name="Since your last visit")
    assert heading.is_visible()
    text = " ".join(section.inner_text().split())
    assert "Short title from “Brief the hub” to “Brief every hub”" in text
    assert "Status from “Completed, awaiting sign-off” to “Signed off”" in text, text
    assert "by Carol Coordinator" in text
    journey.screenshot("home-since-last-visit")
    section.get_by_role("link", name=done.reference).first.click()
    journey.check()
    assert "Signed off" in page.locator(".action-state").inner_text()
