"""Partners in the Rapid Review (issue 18), in a real browser with axe on every page: the
co-ordinator asks two agencies for their summaries; WMP's lead writes and submits one with
three chronology entries; SWBNHS is late and finds it in the next day's digest; the panel
meets; WMP's lead (a statutory partner) reads the minutes PDF with the combined chronology and
signs off; an officer of an agency that is not involved gets 404 on all of it."""

import io

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from actions.reminders import build_digests
from reviews import clocks, services
from reviews.models import AgencySummary, Attendance, RapidReviewDecision, SummaryStatus
from scsp.models import Reminder
from scsp.workdays import calendar
from tests.reviews.factories import notification

pytestmark = pytest.mark.browser


def click_and_check(journey, locator):
    with journey.page.expect_navigation():
        locator.click()
    journey.check()


def test_rapid_review_with_partners_against_the_clock(
        journey, coordinator, wmp_lead, health_lead, sct_officer, wmp, swbnhs, sct):
    page = journey.page
    cal = calendar()
    today = timezone.localdate()
    workday = today if cal.is_working_day(today) else cal.add_working_days(today, -1)
    received = cal.add_working_days(workday, -2)
    case = notification(by=coordinator, agencies=[wmp, swbnhs], aware=received,
                        received=received, notified=received,
                        incident=cal.add_working_days(received, -1), today=today)
    rr = case.rapid_review
    due = clocks.summary_due_default(case, cal)
    assert clocks.rapid_review_day(case, due, cal) == 7

    # The co-ordinator asks the agencies involved (ticked already), due on day 7.
    journey.sign_in(coordinator)
    journey.goto(rr.get_absolute_url())
    click_and_check(journey, page.get_by_role("link", name="Ask agencies for summaries"))
    agencies = page.locator("#div_id_agencies")
    assert agencies.get_by_label("West Midlands Police").is_checked()
    assert agencies.get_by_label("Sandwell and West Birmingham NHS Trust").is_checked()
    assert not agencies.get_by_label("Sandwell Children's Trust").is_checked()
    assert page.get_by_label("Due on").input_value() == due.isoformat()
    assert "day 7 of 15" in page.locator("main").inner_text()
    journey.screenshot("summaries-01-ask")
    click_and_check(journey, page.get_by_role("button", name="Ask these agencies"))
    table = page.locator("table.summaries").inner_text()
    assert table.count("Asked") >= 2 and "day 7 of 15" in table
    journey.sign_out()

    # WMP's lead writes the summary: three dated entries, analysis, an action; submits it.
    summary = AgencySummary.objects.get(rapid_review=rr, agency=wmp)
    journey.sign_in(wmp_lead)
    journey.goto(reverse("scsp:home"))  # the request is on their home page
    click_and_check(journey, page.get_by_role("link", name=f"WMP's summary for {case.reference}"))
    assert page.url.endswith(summary.get_absolute_url())
    click_and_check(journey, page.get_by_role("link", name="Chronology"))
    entries = [(cal.add_working_days(received, -30), "Domestic incident attended", "PC",
                "Incident log"),
               (cal.add_working_days(received, -10), "Referral to children's social care",
                "Sergeant", "MASH record"),
               (cal.add_working_days(received, -20), "DASH risk assessment: standard", "PC",
                "Risk log")]
    for row, (day, what, who, source) in enumerate(entries):
        page.locator(f"#id_entries-{row}-happened_on").fill(day.isoformat())
        page.locator(f"#id_entries-{row}-what").fill(what)
        page.locator(f"#id_entries-{row}-who").fill(who)
        page.locator(f"#id_entries-{row}-source").fill(source)
    click_and_check(journey, page.get_by_role("button", name="Save"))
    click_and_check(journey, page.get_by_role("link", name="Analysis, actions taken and learning"))
    page.get_by_label("What went well").fill("Officers attended within the hour.")
    page.get_by_label("What could have been better").fill("The sibling was not spoken to.")
    page.get_by_label("Immediate safeguarding actions already taken").fill(
        "Briefing issued to response teams.")
    page.get_by_label("Learning for the partnership").fill("Ask about every child at home.")
    click_and_check(journey, page.get_by_role("button", name="Save the draft"))
    assert "Draft" in page.locator("main").inner_text()
    click_and_check(journey, page.get_by_role("link", name="Proposed single-agency actions"))
    page.locator("#id_proposed-0-description").fill("Brief response teams on siblings.")
    page.locator("#id_proposed-0-success_measure").fill("All teams briefed.")
    page.locator("#id_proposed-0-target_date").fill(
        (today + timezone.timedelta(days=60)).isoformat())
    click_and_check(journey, page.get_by_role("button", name="Save"))
    journey.screenshot("summaries-02-ready")
    click_and_check(journey, page.get_by_role("button", name="Submit the summary"))
    assert "Submitted" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Chronology").count() == 0  # locked
    journey.sign_out()

    # SWBNHS has not written anything: the day after the due date, its lead's digest says so.
    day_after = cal.add_working_days(due, 1)
    (digest,) = [d for d in build_digests(today=day_after, cal=cal)
                 if d.recipient == health_lead and d.kind == Reminder.Kind.DAILY_DIGEST]
    assert "Agency summary: SWBNHS" in digest.text_body and "1 working day late" in digest.text_body
    assert AgencySummary.objects.get(rapid_review=rr, agency=swbnhs).status == SummaryStatus.ASKED

    # The co-ordinator accepts WMP's action; the panel meets and decides.
    journey.sign_in(coordinator)
    journey.goto(summary.get_absolute_url())
    click_and_check(journey, page.get_by_role("button", name="Accept the proposed action"))
    services.rr_update(by=coordinator, rr=rr, today=today, meeting_date=workday)
    services.rr_set_attendees(by=coordinator, rr=rr, attendees=[
        {"name": "Gareth Price", "role": "Detective Inspector", "agency": wmp,
         "attendance": Attendance.ATTENDED}])
    services.rr_decide(by=coordinator, rr=rr, today=today, decision=RapidReviewDecision.LCSPR,
                       rationale="Criteria met.", decided_on=workday, cal=cal)
    journey.goto(rr.get_absolute_url())
    main = page.locator("main").inner_text()
    assert "Brief response teams on siblings." in main  # the accepted action, in the plan
    assert "Sign-off still missing from:" in main and "West Midlands Police" in main
    journey.sign_out()

    # WMP's lead reads the Rapid Review and the minutes PDF, then signs off.
    journey.sign_in(wmp_lead)
    journey.goto(rr.get_absolute_url())
    chronology = page.locator("table.chronology").inner_text()
    order = [chronology.index(e[1]) for e in sorted(entries)]
    assert order == sorted(order)  # date order
    click_and_check(journey, page.get_by_role("link", name="View the minutes"))
    click_and_check(journey, page.get_by_role("link", name="Back to the Rapid Review"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the minutes (PDF)").click()
    with open(download.value.path(), "rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "combined chronology" in text
    for day, what, _who, _source in entries:
        assert what in text and date_format(day, "j M Y") in text
    click_and_check(journey, page.get_by_role("link", name="Sign off for your agency"))
    rr.refresh_from_db()
    assert date_format(timezone.localtime(rr.version_at), "j F Y, H:i") in page.locator(
        "main").inner_text()
    journey.screenshot("summaries-03-sign-off")
    page.get_by_label("I have read this version").check()
    click_and_check(journey, page.get_by_role("button", name="Sign off"))
    assert "Signed here in person" in page.locator("table.signoffs").inner_text()
    journey.sign_out()

    # An officer of an agency that is not involved: none of it exists for them.
    journey.sign_in(sct_officer)
    for path in (rr.get_absolute_url(), summary.get_absolute_url(),
                 f"/reviews/rapid-reviews/{rr.pk}/minutes/"):
        journey.goto(path, expect_status=404)
        assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
