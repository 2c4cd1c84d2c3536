"""Action plans in a real browser, with axe (WCAG 2.2 AA) on every page.

The issue's journey: a WMP officer sees only WMP's actions in "My agency's actions", adds an
update with a PDF as evidence and marks the action complete; the co-ordinator returns it for
more evidence, then (after the officer adds it) signs it off; a health officer sees the action
with no edit controls, and a POST to its edit URL is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from actions.models import Action, ActionStatus, ProgressUpdate
from tests.actions.factories import ActionFactory, PlanFactory
from tests.actions.files import pdf
from tests.factories import UserFactory

pytestmark = pytest.mark.browser
S = ActionStatus


@pytest.fixture
def partnership(coordinator, wmp_officer, wmp_lead, health_officer, sct_officer):
    today = timezone.localdate()
    plan = PlanFactory(reference="AP-2026-014", owner=coordinator,
                       title="Rapid Review RR-2026-003: learning for the front door")
    ours = ActionFactory(
        plan=plan, number=1, lead_agency=wmp_officer.agency, lead_officer=wmp_officer,
        title="Pre-screen domestic abuse notifications",
        description="Pre-screen domestic abuse notifications in the MASH police hub.",
        success_measure="Monthly dip sample of 20 notifications shows screening recorded.",
        target_date=today + dt.timedelta(days=20), status=S.IN_PROGRESS)
    colleague = ActionFactory(plan=plan, number=2, lead_agency=wmp_lead.agency,
                              lead_officer=wmp_lead, target_date=today + dt.timedelta(days=40))
    health = ActionFactory(plan=plan, number=3, lead_agency=health_officer.agency,
                           lead_officer=health_officer,
                           target_date=today + dt.timedelta(days=30))
    elsewhere = ActionFactory(plan=PlanFactory(reference="AP-2026-015", owner=coordinator),
                              number=1, lead_agency=sct_officer.agency,
                              lead_officer=sct_officer)
    return {"ours": ours, "colleague": colleague, "health": health, "elsewhere": elsewhere}


def texts(page, selector):
    return [t.strip() for t in page.locator(selector).all_inner_texts()]


def test_action_journey(journey, partnership, coordinator, wmp_officer, health_officer,
                        tmp_path):
    page = journey.page
    ours = partnership["ours"]
    evidence = tmp_path / "Briefing register.pdf"
    evidence.write_bytes(pdf())

    # 1. The WMP officer sees only WMP's actions in "My agency's actions".
    journey.sign_in(wmp_officer)
    page.locator("main .capabilities").get_by_role("link", name="My agency's actions").click()
    journey.check()
    assert page.get_by_role("heading", level=1).inner_text() == "My agency's actions (WMP)"
    listed = texts(page, "table.action-table tbody td:first-child a")
    assert listed == [ours.reference, partnership["colleague"].reference]
    assert partnership["health"].reference not in page.content()
    assert partnership["elsewhere"].reference not in page.content()
    journey.screenshot("actions-agency-list")

    # 2. ... adds an update with a PDF as evidence and marks the action complete.
    page.get_by_role("link", name=ours.reference).click()
    journey.check()
    page.get_by_role("link", name="Add a progress update").click()
    journey.check()
    page.get_by_label("What has happened since the last update").fill(
        "All twelve hub staff trained; screening in place since Monday.")
    page.get_by_label("Evidence files (optional)").set_input_files(str(evidence))
    journey.screenshot("actions-progress-form")
    page.get_by_role("button", name="Save the update").click()
    journey.check()
    assert "Your update has been added" in page.locator(".messages").inner_text()
    # "Mark as complete" is its own step: the evidence and the date it was done.
    page.get_by_role("link", name="Mark as complete").click()
    journey.check()
    assert page.get_by_label("Date it was completed").input_value() == (
        timezone.localdate().isoformat())
    page.get_by_label("Evidence that the action is complete").fill(
        "Training register attached.")
    journey.screenshot("actions-mark-complete")
    page.get_by_role("button", name="Mark as complete").click()
    journey.check()
    assert "marked complete" in page.locator(".messages").inner_text()
    assert "Completed, awaiting sign-off" in page.locator(".action-state").inner_text()
    assert page.get_by_role("link", name="Briefing register.pdf").first.is_visible()
    journey.screenshot("actions-detail-awaiting")
    journey.sign_out()

    # 3. The co-ordinator returns it for more evidence.
    journey.sign_in(coordinator)
    page.get_by_role("link", name="Decisions waiting").first.click()
    journey.check()
    page.get_by_role("link", name=f"Review {ours.reference}").click()
    journey.check()
    assert "Training register attached." in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Briefing register.pdf").count() == 1
    journey.screenshot("actions-sign-off")
    page.get_by_role("link", name="Not enough evidence? Return it for more").click()
    journey.check()
    page.get_by_label("What more evidence is needed").fill(
        "Please attach the dip sample results too.")
    page.get_by_role("button", name="Return for more evidence").click()
    journey.check()
    assert "Returned for more evidence" in page.locator(".action-state").inner_text()
    journey.sign_out()

    # The officer adds the missing evidence and marks it complete again.
    journey.sign_in(wmp_officer)
    journey.goto(ours.get_absolute_url())
    assert "Please attach the dip sample results too." in page.locator(".timeline").inner_text()
    page.get_by_role("link", name="Mark as complete").click()
    journey.check()
    page.get_by_label("Anything else to add (optional)").fill("Dip sample attached.")
    page.get_by_label("Evidence that the action is complete").fill(
        "Training register and a dip sample of 20 notifications, all screened.")
    page.get_by_role("button", name="Mark as complete").click()
    journey.check()
    journey.sign_out()

    # 4. ... then signs it off.
    journey.sign_in(coordinator)
    journey.goto(ours.get_absolute_url())
    page.get_by_role("link", name="Sign off", exact=True).click()
    journey.check()
    page.get_by_role("button", name="Sign off the action").click()
    journey.check()
    assert "Signed off" in page.locator(".action-state").inner_text()
    assert "Blue" in page.locator(".action-state").inner_text()
    journey.screenshot("actions-detail-signed-off")
    journey.sign_out()

    # 5. A health officer reads it with no edit controls; a POST to its edit URL is refused.
    journey.sign_in(health_officer)
    journey.goto(ours.get_absolute_url())
    assert page.locator(".action-controls").count() == 0
    for name in ("Add a progress update", "Ask for a new target date", "Edit details",
                 "Sign off", "Return for more evidence", "Add evidence of impact",
                 "Close without completion"):
        assert page.get_by_role("link", name=name).count() == 0, name
    assert "You can read it but not change it" in page.locator(".read-only-note").inner_text()
    journey.screenshot("actions-detail-read-only")
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    before = Action.objects.get(pk=ours.pk)
    for path in (f"/actions/{ours.pk}/progress/", f"/actions/{ours.pk}/edit/",
                 f"/actions/{ours.pk}/impact/"):
        response = page.request.post(journey.url(path), headers={"X-CSRFToken": token},
                                     form={"note": "Not mine to change", "status": "",
                                           "impact_evidence": "x", "description": "x",
                                           "version": str(before.version)})
        assert response.status == 403, path
    after = Action.objects.get(pk=ours.pk)
    assert (after.version, after.status) == (before.version, S.SIGNED_OFF)
    assert not ProgressUpdate.objects.filter(note="Not mine to change").exists()


def test_error_states_and_conflicts_are_accessible(journey, partnership, coordinator,
                                                   wmp_officer, tmp_path):
    """Validation errors, a refused upload and an edit conflict, each checked with axe."""
    page = journey.page
    ours = partnership["ours"]
    journey.sign_in(coordinator)
    journey.goto(f"/actions/plans/{ours.plan_id}/actions/new/")
    page.get_by_label("Short title").fill("Brief response teams")
    page.locator("#id_description").fill("Brief every response team.")
    page.get_by_label("Lead agency").select_option(label="West Midlands Police")
    # static/js/officer_select.js offers only the lead agency's people.
    offered = page.locator("#id_lead_officer optgroup:not([disabled])")
    assert offered.count() == 1 and offered.get_attribute("label") == "West Midlands Police"
    page.get_by_label("Lead officer").select_option(label="Olive Officer (WMP)")
    page.get_by_label("Target date").fill("2020-01-31")
    page.get_by_role("button", name="Add the action").click()
    journey.check()
    summary = page.locator("[data-error-summary]").inner_text()
    assert "The target date cannot be in the past." in summary
    assert "a success measure is required" in summary
    journey.screenshot("actions-create-errors")
    journey.sign_out()

    journey.sign_in(wmp_officer)
    journey.goto(f"/actions/{ours.pk}/progress/")
    fake = tmp_path / "minutes.pdf"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")
    page.get_by_label("What has happened since the last update").fill("Minutes attached.")
    page.get_by_label("Evidence files (optional)").set_input_files(str(fake))
    page.get_by_role("button", name="Save the update").click()
    journey.check()
    assert "is not really a PDF" in page.locator("[data-error-summary]").inner_text()

    # Someone else saves while this form is open: the save is refused, the change shown.
    journey.goto(f"/actions/{ours.pk}/progress/")
    colleague = UserFactory(agency=wmp_officer.agency, full_name="Priya Colleague")
    from actions import services

    services.action_record_progress(by=colleague, action=Action.objects.get(pk=ours.pk),
                                    note="Hub manager off sick.", blocked=True,
                                    today=timezone.localdate())
    page.get_by_label("What has happened since the last update").fill("Six staff trained.")
    page.get_by_role("button", name="Save the update").click()
    journey.check()
    conflict = page.locator(".conflict").inner_text()
    assert "Priya Colleague" in conflict and "Hub manager off sick." in conflict
    assert page.get_by_label("What has happened since the last update").input_value() == (
        "Six staff trained.")
    journey.screenshot("actions-conflict")
    page.get_by_role("button", name="Save the update").click()  # deliberate second submit
    journey.check()
    assert ProgressUpdate.objects.filter(action=ours, note="Six staff trained.").exists()


def test_demo_pages_tour(journey, tmp_path, settings):
    """The seeded demo, page by page, as the co-ordinator and a WMP officer."""
    from io import StringIO

    from django.core.management.base import OutputWrapper

    from demo import actions as actions_demo
    from demo import core as core_demo
    from scsp.models import User

    class Command:
        stdout = OutputWrapper(StringIO())

    core_demo.seed(Command)
    actions_demo.seed(Command)
    page = journey.page
    coordinator = User.objects.get(email=core_demo.demo_email("coordinator"))
    journey.sign_in(coordinator, password=core_demo.DEMO_PASSWORD)
    shots = [
        ("/actions/all/", "demo-all-actions"),
        ("/actions/all/?rag=red", "demo-all-actions-red"),
        ("/actions/plans/", "demo-plan-list"),
        ("/actions/decisions/", "demo-decisions"),
        ("/actions/calendar/", "demo-calendar"),
    ]
    for path, name in shots:
        journey.goto(path)
        journey.screenshot(name)
    plan = Action.objects.get(reference="AP-SHAPE-22-01").plan
    journey.goto(plan.get_absolute_url())
    journey.screenshot("demo-plan-detail")
    for reference, name in (("AP-SHAPE-22-01", "demo-action-slipped"),
                            ("AP-OFSTED-22-01", "demo-action-impact"),
                            ("AP-SCRUTINY-23-04", "demo-action-pending-date")):
        journey.goto(Action.objects.get(reference=reference).get_absolute_url())
        journey.screenshot(name)
    page.get_by_role("link", name="Decide").click()
    journey.check()
    journey.screenshot("demo-decide-date")
    journey.goto(f"/actions/plans/{plan.pk}/actions/new/")
    journey.screenshot("demo-action-form")
    # Every other form, as the co-ordinator sees it (axe runs on each).
    open_action = Action.objects.get(reference="AP-SHAPE-22-03")
    signed_off = Action.objects.get(reference="AP-OFSTED-22-01")
    for path in ("/actions/plans/new/", f"/actions/plans/{plan.pk}/edit/",
                 f"/actions/plans/{plan.pk}/recommendations/new/",
                 f"/actions/{open_action.pk}/edit/", f"/actions/{open_action.pk}/close/",
                 f"/actions/{open_action.pk}/target-date/",
                 f"/actions/{open_action.pk}/progress/", f"/actions/{signed_off.pk}/impact/",
                 "/actions/mine/", "/actions/all/?q=nothing-matches-this"):
        journey.goto(path)
    journey.screenshot("demo-empty-search")
    journey.sign_out()
    officer = User.objects.get(email=core_demo.demo_email("officer.wmp"))
    journey.sign_in(officer, password=core_demo.DEMO_PASSWORD)
    journey.goto("/actions/mine/")
    journey.screenshot("demo-my-actions")
    assert set(texts(page, "table.action-table tbody td:first-child a")) == set(
        Action.objects.filter(lead_officer=officer).values_list("reference", flat=True))
