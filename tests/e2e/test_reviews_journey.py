"""The co-ordinator's journey through a serious incident notification, in a real browser with
axe (WCAG 2.2 AA) on every page: log the notification for "Child 4", see the Rapid Review due
date, record the panel meeting with its attendees and the decision "LCSPR", add two actions for
two agencies and download the minutes as a PDF. An officer from an agency that is not involved
gets "Page not found" for the case."""

import io

import pypdf
import pytest
from django.utils import timezone
from django.utils.dateformat import format as date_format

from reviews.models import Case, PracticeReview
from scsp.workdays import calendar

pytestmark = pytest.mark.browser


def iso(day):
    return day.isoformat()


def click_and_check(journey, locator):
    """Click something that loads a page, wait for the new page, then run axe on it."""
    with journey.page.expect_navigation():
        locator.click()
    journey.check()


def test_coordinator_logs_a_notification_through_to_the_minutes(
        journey, coordinator, wmp_officer, health_officer, sct_officer, wmp, swbnhs):
    page = journey.page
    cal = calendar()
    today = timezone.localdate()
    # Counted from the last working day on or before today, so that today is "day 1 of 15" on
    # any day of the week (on a Saturday, Friday's count still stands).
    workday = today if cal.is_working_day(today) else cal.add_working_days(today, -1)
    received = cal.add_working_days(workday, -1)
    aware = cal.add_working_days(workday, -2)
    incident = cal.add_working_days(workday, -3)
    due = cal.add_working_days(received, 15)

    journey.sign_in(coordinator)
    journey.goto("/reviews/cases/")
    journey.screenshot("reviews-01-case-list-empty")
    click_and_check(journey, page.get_by_role("link", name="Log a notification").first)

    # The notification: four dates kept separately, the incident, agencies and the child.
    page.get_by_label("Incident date").fill(iso(incident))
    page.get_by_label("Date the local authority became aware").fill(iso(aware))
    page.get_by_label("Date the notification was submitted").fill(iso(received))
    page.get_by_label("Date the business unit received the referral").fill(iso(received))
    page.get_by_label("Serious harm").check()
    page.get_by_label("Physical abuse").check()
    page.get_by_label("Case outline").fill("A young person seriously assaulted near school.")
    page.get_by_label("Yes", exact=True).check()
    involved = page.locator("#div_id_agencies_involved")
    involved.get_by_label("West Midlands Police").check()
    involved.get_by_label("Sandwell and West Birmingham NHS Trust").check()
    page.locator("#id_children-0-pseudonym").fill("Child 4")
    page.locator("#id_children-0-age_band").select_option(label="16 to 17")
    journey.screenshot("reviews-02-notification-form")
    click_and_check(journey, page.get_by_role("button", name="Log the notification"))

    case = Case.objects.get()
    assert page.get_by_role("heading", level=1).inner_text() == case.reference
    main = page.locator("main")
    assert "Child 4" in main.inner_text()
    due_text = f"Due {date_format(due, 'l j F Y')}: 15 working days after the referral"
    assert due_text in main.inner_text()
    assert "day 1 of 15" in main.inner_text()
    journey.screenshot("reviews-03-case-logged")

    # The Rapid Review: meeting, attendees, decision.
    click_and_check(journey, page.get_by_role("link", name="Open the Rapid Review"))
    click_and_check(journey, page.get_by_role("link", name="Edit the meeting and findings"))
    page.get_by_label("Panel meeting date").fill(iso(today))
    page.get_by_label("Facts and chronology summary").fill("Known to police and health.")
    page.get_by_label("Good practice").fill("A prompt strategy meeting.")
    click_and_check(journey, page.get_by_role("button", name="Save the Rapid Review"))

    click_and_check(journey, page.get_by_role("link", name="Edit attendees"))
    people = [("Jo Whitehouse", "SLPR review co-ordinator", "SCSP Business Unit", "Attended"),
              ("Gareth Price", "Detective Inspector", "West Midlands Police", "Attended"),
              ("Rachel Adeyemi", "Named nurse", "Sandwell and West Birmingham NHS Trust",
               "Attended"),
              ("Helen Carter", "Safeguarding lead", "Sandwell Children's Trust", "Apologies")]
    for row, (name, role, agency, attendance) in enumerate(people):
        page.locator(f"#id_people-{row}-name").fill(name)
        page.locator(f"#id_people-{row}-role").fill(role)
        page.locator(f"#id_people-{row}-agency").select_option(label=agency)
        page.locator(f"#id_people-{row}-attendance").select_option(label=attendance)
    click_and_check(journey, page.get_by_role("button", name="Save"))
    assert "Gareth Price" in page.locator("main").inner_text()

    click_and_check(journey, page.get_by_role("link", name="Record the decision"))
    page.get_by_label("Local Child Safeguarding Practice Review (LCSPR)").check()
    page.get_by_label("Rationale for the decision").fill(
        "Serious harm, abuse suspected and multi-agency learning: the criteria are met.")
    page.get_by_label("Date of the decision").fill(iso(today))
    click_and_check(journey, page.get_by_role("button", name="Record the decision"))
    review = PracticeReview.objects.get()
    text = page.locator("main").inner_text()
    assert "Local Child Safeguarding Practice Review (LCSPR)" in text
    assert review.reference in text

    # Two actions for two agencies: what, by whom, by when.
    target = iso(today + timezone.timedelta(days=42))
    actions = [("Brief neighbourhood officers on exploitation screening.",
                "West Midlands Police", wmp_officer.full_name),
               ("Audit emergency department safeguarding referrals.",
                "Sandwell and West Birmingham NHS Trust", health_officer.full_name)]
    for description, agency, officer in actions:
        details = page.locator("details", has_text="Add an action")
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        page.get_by_label("What will be done").fill(description)
        page.get_by_label("Lead agency").select_option(label=agency)
        page.get_by_label("Lead officer").select_option(label=officer)
        page.get_by_role("textbox", name="By when").fill(target)
        page.get_by_label("How we will know it has worked").fill("Audit of 20 records.")
        click_and_check(journey, page.get_by_role("button", name="Add the action"))
    table = page.locator("table.actions-table").inner_text()
    assert actions[0][0] in table and actions[1][0] in table
    assert "West Midlands Police" in table and "Sandwell and West Birmingham NHS Trust" in table
    journey.screenshot("reviews-04-rapid-review")

    # The minutes: as a page (checked with axe), then as a PDF read back.
    click_and_check(journey, page.get_by_role("link", name="View the minutes"))
    journey.screenshot("reviews-05-minutes-html")
    click_and_check(journey, page.get_by_role("link", name="Back to the Rapid Review"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the minutes (PDF)").click()
    pdf = download.value
    assert pdf.suggested_filename.endswith(".pdf")
    with open(pdf.path(), "rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    pages = [p.extract_text() for p in reader.pages]
    for number, text in enumerate(pages, start=1):
        assert "OFFICIAL-SENSITIVE" in text and f"Page {number} of {len(pages)}" in text
    text = " ".join(" ".join(pages).split())
    for expected in (case.reference, "Child 4", "Gareth Price", "Helen Carter", "Apologies",
                     "Local Child Safeguarding Practice Review (LCSPR)",
                     "the criteria are met", actions[0][0], actions[1][0],
                     "West Midlands Police", "Sandwell and West Birmingham NHS Trust",
                     date_format(today + timezone.timedelta(days=42), "j M Y"),
                     "Awaiting sign-off", "Known to police and health."):
        assert expected in text, expected
    journey.sign_out()

    # An officer of an agency that is not involved: the case does not exist for them.
    journey.sign_in(sct_officer)
    journey.goto(case.get_absolute_url(), expect_status=404)
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert case.reference not in page.locator("main").inner_text()
    journey.screenshot("reviews-06-not-involved-404")


def test_agency_lead_refers_and_the_subgroup_asks_for_a_learning_briefing(
        journey, coordinator, wmp_lead, wmp, swbnhs):
    """A partner's referral through the Spotlight process to a learning briefing, with the
    stages, filters and outcome pages checked by axe on the way."""
    page = journey.page
    journey.sign_in(wmp_lead)
    journey.goto("/reviews/cases/refer/")
    page.get_by_label("Incident date").fill(iso(timezone.localdate() - timezone.timedelta(days=9)))
    page.get_by_label("Other", exact=True).check()
    page.get_by_label("Neglect").check()
    page.get_by_label("Case outline").fill("Repeated neglect; several agencies involved.")
    page.get_by_label("Why the referrer thinks there is learning").fill("Agencies worked apart.")
    page.locator("#div_id_agencies_involved").get_by_label(
        "Sandwell and West Birmingham NHS Trust").check()
    page.locator("#id_children-0-pseudonym").fill("Child R")
    click_and_check(journey, page.get_by_role("button", name="Send the referral"))
    case = Case.objects.get()
    assert case.referring_agency == wmp
    assert "You see a summary" in page.locator("main").inner_text()
    journey.screenshot("reviews-07-referral-summary")
    journey.sign_out()

    journey.sign_in(coordinator)
    journey.goto("/reviews/cases/?route=referral&status=awaiting_decision")
    assert case.reference in page.locator("table").inner_text()
    click_and_check(journey, page.get_by_role("link", name=case.reference))
    click_and_check(journey, page.get_by_role("link", name="Record the subgroup's decision"))
    page.get_by_label("Learning briefing").check()
    page.get_by_label("Rationale").fill("One clear message for practitioners.")
    click_and_check(journey, page.get_by_role("button", name="Record the decision"))
    review = PracticeReview.objects.get()
    click_and_check(journey, page.get_by_role("link", name=review.reference))
    click_and_check(journey, page.get_by_role("link", name="Edit stages"))
    journey.screenshot("reviews-08-stages")
    page.locator("#id_stages-0-actual_date").fill(iso(timezone.localdate()))
    click_and_check(journey, page.get_by_role("button", name="Save the stages"))
    click_and_check(journey, page.get_by_role("link", name="Record completion"))
    click_and_check(journey, page.get_by_role("button", name="Record completion"))
    # The briefing's earlier stages are not done: the page says so instead of saving.
    assert "cannot be done before" in page.locator("main").inner_text()
    journey.goto("/reviews/practice-reviews/?kind=learning_briefing")
    assert review.reference in page.locator("table").inner_text()
    journey.screenshot("reviews-09-review-list")
