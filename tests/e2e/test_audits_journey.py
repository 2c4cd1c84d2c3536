"""A MACFA from start to action, in a real browser, with axe (WCAG 2.2 AA) on every page.

The co-ordinator plans a MACFA with two agencies and two cases and starts it; WMP's officer and
SWBNHS's officer each complete their own return (SWBNHS cannot open WMP's); the co-ordinator
moves to moderation, sees both agencies in the results matrix, records the meeting and a
finding, and adds an action for WMP; WMP's officer finds it in their agency's action list.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from actions.models import Action
from audits import services
from audits.models import AgencyReturn, Audit, AuditKind, AuditStatus, RagRating
from tests.audits.factories import make_macfa, return_of

pytestmark = pytest.mark.browser

TITLE = "Responses to referrals from non-professionals"
CASES = ["MACFA-E2E-01", "MACFA-E2E-02"]


def fill_case(journey, grade: str, narrative: str):
    """Answer the seven default questions on the case page in view, and save."""
    page = journey.page
    for n in range(1, 8):
        page.get_by_label(f"Answer to question {n}", exact=True).select_option("yes")
        page.get_by_label(f"Grade for question {n}", exact=True).select_option(grade)
        page.get_by_label(f"Narrative for question {n}: what your records show",
                          exact=True).fill(f"{narrative} (question {n})")
    page.get_by_role("button", name="Save answers for this case").click()
    journey.check()


def complete_return(journey, audit_url: str, grade: str, narrative: str):
    page = journey.page
    journey.goto(audit_url)
    page.get_by_role("link", name="Complete your agency's return").click()
    journey.check()
    page.get_by_role("link", name=f"Answer the questions for {CASES[0]}").click()
    journey.check()
    fill_case(journey, grade, narrative)          # saves case 1, opens case 2
    assert CASES[1] in page.get_by_role("heading", level=1).inner_text()
    fill_case(journey, grade, narrative)          # saves case 2, back to the return
    assert "Everything is answered" in page.locator("main").inner_text()
    page.get_by_role("button", name="Submit the return").click()
    journey.check()
    assert "is submitted" in page.locator("main").inner_text()


def test_macfa_from_planning_to_an_action_in_the_agencys_list(
        journey, coordinator, wmp_officer, wmp_lead, health_officer, wmp, swbnhs):
    page = journey.page

    # 1. The co-ordinator plans the MACFA: two agencies, two cases.
    journey.sign_in(coordinator)
    journey.goto("/audits/")
    page.get_by_role("link", name="Plan a MACFA").click()
    journey.check()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("West Midlands Police", exact=True).check()
    page.get_by_label("Sandwell and West Birmingham NHS Trust", exact=True).check()
    page.get_by_label("Sample of cases").fill("\n".join(CASES))
    page.get_by_role("button", name="Plan the audit").click()
    journey.check()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    page.get_by_role("button", name="Start the audit").click()
    journey.check()
    assert "In progress" in page.locator("main").inner_text()
    journey.screenshot("audits-01-macfa-started")
    audit = Audit.objects.get(title=TITLE)
    audit_url = f"/audits/{audit.pk}/"
    journey.sign_out()

    # 2. Each agency's officer completes its own return.
    journey.sign_in(wmp_officer)
    complete_return(journey, audit_url, "good", "Referral screened by the MASH the same day")
    journey.screenshot("audits-02-wmp-return-submitted")
    journey.sign_out()

    journey.sign_in(health_officer)
    wmp_return = audit.returns.get(agency=wmp)
    # Another agency's return, before moderation: refused.
    journey.goto(f"/audits/{audit.pk}/returns/{wmp_return.pk}/", expect_status=403)
    assert page.get_by_role("heading", level=1).inner_text() == "You cannot do that"
    journey.goto(audit_url)
    page.get_by_role("link", name="Complete your agency's return").click()
    journey.check()
    page.get_by_role("link", name=f"Answer the questions for {CASES[0]}").click()
    journey.check()
    # A mistake first: "not applicable" with a grade is refused with a clear message.
    page.get_by_label("Answer to question 1", exact=True).select_option("na")
    page.get_by_label("Grade for question 1", exact=True).select_option("good")
    page.get_by_role("button", name="Save answers for this case").click()
    journey.check(context="return form with an error")
    assert "so leave its grade blank" in page.locator("[data-error-summary]").inner_text()
    journey.screenshot("audits-03-return-error")
    fill_case(journey, "requires_improvement", "Health visitor was not told of the concern")
    fill_case(journey, "requires_improvement", "Health visitor was not told of the concern")
    page.get_by_role("button", name="Submit the return").click()
    journey.check()
    journey.sign_out()
    assert AgencyReturn.objects.filter(audit=audit, status="submitted").count() == 2

    # 3. The co-ordinator moves to moderation; the matrix shows both agencies.
    journey.sign_in(coordinator)
    journey.goto(audit_url)
    page.get_by_role("button", name="Close returns and start moderation").click()
    journey.check()
    page.get_by_role("link", name="Results matrix").click()
    journey.check()
    matrix = page.get_by_role("table", name="Grades by question (rows) and agency (columns)")
    headers = matrix.locator("thead th").all_inner_texts()
    assert headers == ["Question", "SWBNHS", "WMP", "All agencies"]
    first_row = matrix.locator("tbody tr").first.locator("td").all_inner_texts()
    assert re.sub(r"\s+", " ", first_row[0]).strip() == "Requires improvement Requires improvement 2"
    assert re.sub(r"\s+", " ", first_row[1]).strip() == "Good Good 2"
    assert "Good 2, Requires improvement 2" in first_row[2]
    journey.screenshot("audits-04-results-matrix")

    page.get_by_role("link", name="Record moderation").click()
    journey.check()
    page.get_by_label("Date of the moderation meeting").fill(timezone.localdate().isoformat())
    page.get_by_label("Notes of the meeting").fill(
        "Fathers were not identified in either case; referrers were not told the outcome.")
    page.get_by_label("MACFA-E2E-01, question 2 (Fathers and male carers): agreed grade"
                      ).select_option("requires_improvement")
    page.get_by_label("West Midlands Police: agreed overall grade").select_option("good")
    page.get_by_role("button", name="Save moderation").click()
    journey.check()

    # 4. A finding, and an action for WMP against it.
    journey.goto(audit_url)
    page.get_by_role("link", name="Record a finding").click()
    journey.check()
    page.get_by_label("Area for improvement").check()
    page.get_by_role("textbox", name=re.compile(r"^Finding")).fill(
        "Fathers and male carers were not identified or spoken to.")
    page.get_by_label("Agency it concerns").select_option(label="West Midlands Police")
    page.get_by_role("button", name="Record the finding").click()
    journey.check()
    page.get_by_role("link", name=re.compile("^Add an action")).first.click()
    journey.check()
    page.get_by_label("Action: what will be done").fill(
        "Brief response officers to ask who else lives in or visits the home.")
    page.get_by_label("Success measure: how we will know it worked").fill(
        "Dip sample of 20 referrals shows fathers and male carers recorded in 80%.")
    page.get_by_label("Lead agency").select_option(label="West Midlands Police")
    page.get_by_label("Lead officer").select_option(label="Lee Lead (WMP)")
    page.get_by_label("Target date").fill(
        (timezone.localdate() + dt.timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Add the action").click()
    journey.check()
    action = Action.objects.get(plan__audit=audit)
    assert f"Action {action.reference} added" in page.locator("main").inner_text()
    journey.screenshot("audits-05-finding-and-action")
    journey.goto(f"/audits/{audit.pk}/report/")
    assert "Fathers and male carers were not identified" in page.locator("main").inner_text()
    journey.screenshot("audits-06-report")
    page.get_by_role("link", name="Back to the audit").click()
    journey.check()
    journey.sign_out()

    # 5. The action is in WMP's own action list.
    journey.sign_in(wmp_officer)
    journey.goto("/actions/agency/")
    assert action.reference in page.locator("main").inner_text()
    journey.screenshot("audits-07-wmp-agency-actions")
    assert Action.objects.visible_to(wmp_officer).filter(lead_agency=wmp).get() == action
    audit.refresh_from_db()
    assert audit.status == AuditStatus.MODERATION


def test_every_audit_page_passes_axe(journey, coordinator, wmp_officer, wmp, swbnhs, sct):
    """Every other audit page and state, as the people who use it: the rota with late slots,
    the plan forms of each kind, the tool and sample pages, a Section 11 self-assessment, its
    moderation and results, and a rota slot's presentation form."""
    today = timezone.localdate()
    macfa = make_macfa(coordinator, [wmp, swbnhs], today=today)
    s11 = services.audit_create(by=coordinator, kind=AuditKind.SECTION_11, title="Section 11",
                                lead=coordinator, today=today, agencies=[wmp, swbnhs, sct])
    s11 = services.audit_transition(by=coordinator, audit=s11,
                                    to_status=AuditStatus.IN_PROGRESS, today=today)
    late = services.audit_create(by=coordinator, kind=AuditKind.SINGLE_AGENCY,
                                 title="Missing children", lead=coordinator, today=today,
                                 agency=wmp, month_due=today - dt.timedelta(days=75))
    services.audit_create(by=coordinator, kind=AuditKind.SINGLE_AGENCY, title="Supervision",
                          lead=coordinator, today=today, agency=swbnhs, month_due=today)
    page = journey.page

    # An agency officer's self-assessment, with a validation error first.
    journey.sign_in(wmp_officer)
    wmp_s11 = return_of(s11, wmp)
    journey.goto(f"/audits/{s11.pk}/returns/{wmp_s11.pk}/")
    page.get_by_role("link", name="Start the self-assessment").click()
    journey.check()
    for n in range(1, 11):
        page.get_by_label(f"Self-rating for standard {n}", exact=True).select_option(
            RagRating.AMBER if n == 9 else RagRating.GREEN)
        page.get_by_label(f"Evidence for standard {n}", exact=True).fill("Board report 2026.")
    page.get_by_role("button", name="Save self-assessment").click()
    journey.check()
    assert "Standard 9 is rated Amber: say what you will do" in page.locator("main").inner_text()
    page.get_by_role("link", name="Continue the self-assessment").click()
    journey.check()
    page.get_by_label("What you will do to meet standard 9", exact=True).fill(
        "Supervision training for managers by March.")
    page.get_by_role("button", name="Save self-assessment").click()
    journey.check()
    page.get_by_role("button", name="Submit the self-assessment").click()
    journey.check()
    journey.goto("/audits/rota/")
    assert "Missing children" in page.locator("main").inner_text()
    journey.goto("/audits/")
    journey.sign_out()

    # The co-ordinator's pages.
    journey.sign_in(coordinator)
    for path in ["/audits/", "/audits/?kind=macfa&status=in_progress", "/audits/rota/",
                 "/audits/rota/?state=late", "/audits/new/macfa/", "/audits/new/section_11/",
                 "/audits/new/section_175/", "/audits/new/single_agency_audit/",
                 f"/audits/{macfa.pk}/edit/", f"/audits/{macfa.pk}/agencies/",
                 f"/audits/{macfa.pk}/cases/", f"/audits/{macfa.pk}/tool/",
                 f"/audits/{macfa.pk}/tool/{macfa.questions.first().pk}/edit/",
                 f"/audits/{macfa.pk}/results/", f"/audits/{s11.pk}/",
                 f"/audits/{s11.pk}/tool/", f"/audits/{late.pk}/", f"/audits/{late.pk}/edit/",
                 f"/audits/{late.pk}/presented/"]:
        journey.goto(path)
    journey.goto("/audits/rota/")
    late_row = page.get_by_role("row", name=re.compile("Missing children"))
    assert "Late" in late_row.inner_text() and "Not presented" in late_row.inner_text()
    journey.screenshot("audits-08-rota-late")

    # A bad case reference is refused with a message naming the rule.
    journey.goto(f"/audits/{macfa.pk}/cases/")
    page.get_by_label("Case reference").fill("Baby M's file!")
    page.get_by_role("button", name="Add the case").click()
    journey.check(context="case form with an error")
    assert "never a child's name" in page.locator("[data-error-summary]").inner_text()

    # Section 11 moderation and results, once WMP has submitted.
    journey.goto(f"/audits/{s11.pk}/")
    page.get_by_role("button", name="Close returns and start moderation").click()
    journey.check()
    journey.goto(f"/audits/{s11.pk}/moderation/")
    page.get_by_label("West Midlands Police: agreed overall grade").select_option("good")
    page.get_by_role("button", name="Save moderation").click()
    journey.check()
    assert "Good" in page.get_by_role(
        "row", name=re.compile("West Midlands Police")).inner_text()
    journey.screenshot("audits-09-section-11-results")
    journey.goto(f"/audits/{s11.pk}/report/")
    journey.goto(f"/audits/{s11.pk}/findings/new/")
    page.get_by_role("link", name="Back to the audit").click()
    journey.check()
