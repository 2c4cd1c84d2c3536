"""The chair's quarterly report in a real browser, with axe (WCAG 2.2 AA) on every page.

The chair opens the current quarter from the home page, writes the commentary, makes the PDF
and downloads it (its text carries the headline figures), then makes the Excel workbook and
downloads it (it opens with openpyxl). A download still being made updates itself through
``static/js/reports.js`` until it is ready. The scrutineer reads the annual figures.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.cache import cache
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from actions.models import ActionStatus
from reports import services
from reports.models import ReportExport
from reports.quarters import Quarter
from tests.actions.factories import ActionFactory, PlanFactory
from tests.reviews.factories import notification

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def quarter_so_far(coordinator, wmp_officer, health_officer, wmp):
    """This quarter so far: one notification made on time and four actions (one overdue, one
    signed off)."""
    today = timezone.localdate()
    quarter = Quarter.containing(today)
    aware = max(quarter.start, today - dt.timedelta(days=7))
    notification(by=coordinator, agencies=[wmp], aware=aware, received=aware, notified=aware,
                 incident=aware, today=today, pseudonyms=("Child J",))
    plan = PlanFactory(reference="AP-E2E-1", title="Rapid Review E2E", owner=coordinator)
    for officer, days, status in [(wmp_officer, -10, ActionStatus.IN_PROGRESS),
                                  (wmp_officer, 40, ActionStatus.IN_PROGRESS),
                                  (health_officer, 60, ActionStatus.NOT_STARTED),
                                  (health_officer, 5, ActionStatus.SIGNED_OFF)]:
        ActionFactory(plan=plan, lead_agency=officer.agency, lead_officer=officer, status=status,
                      target_date=today + dt.timedelta(days=days))
    return quarter


def words(text: str) -> str:
    return " ".join(text.split())


def test_the_chair_opens_the_quarter_and_downloads_the_pdf_and_the_workbook(
        journey, chair, quarter_so_far):
    page = journey.page
    quarter = quarter_so_far

    # 1. The home page shows the quarter so far and leads to its report.
    journey.sign_in(chair)
    assert f"{quarter.label} so far" in page.locator("main").inner_text()
    journey.screenshot("reports-01-chair-home")
    page.get_by_role("link", name=f"Open the report for {quarter.label}").click()
    journey.check()
    assert page.get_by_role("heading", level=1).inner_text() == \
        f"Quarterly progress report: {quarter.label}"
    main = words(page.locator("main").inner_text())
    assert "4 actions: 3 open, 0 awaiting sign-off, 1 overdue" in main
    assert "1 serious incident notification was made to the National Panel in the quarter; " \
           "1 within 5 working days" in main
    journey.screenshot("reports-02-quarterly-report")

    # 2. The chair writes the commentary; it is printed in the report.
    page.get_by_role("link", name="Write the commentary").click()
    journey.check()
    page.get_by_role("button", name="Save the commentary").click()
    journey.check(context="empty commentary refused")
    assert "Write the commentary, or leave" in page.locator("[data-error-summary]").inner_text()
    page.get_by_label("Commentary for the partnership board").fill(
        "One action is overdue with West Midlands Police; the board is asked to seek assurance.")
    page.get_by_role("button", name="Save the commentary").click()
    journey.check()
    assert "board is asked to seek assurance" in page.locator("#commentary").inner_text()

    # 3. The PDF: made in the background (inline in development), then downloaded.
    page.get_by_role("button", name="Make the PDF").click()
    journey.check()
    journey.screenshot("reports-03-pdf-ready")
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"^Download the PDF")).click()
    pdf = PdfReader(info.value.path())
    text = words(" ".join(p.extract_text() for p in pdf.pages))
    assert f"Quarterly progress report: {quarter.label}" in text
    assert "1 serious incident notification was made to the National Panel in the quarter; " \
           "1 within 5 working days" in text
    assert "4 actions: 3 open, 0 awaiting sign-off, 1 overdue" in text
    assert "board is asked to seek assurance" in text
    assert info.value.suggested_filename == f"scsp-quarterly-report-{quarter.slug}.pdf"

    # 4. The Excel workbook, from the report page.
    page.get_by_role("link", name=f"Back to the report for {quarter.label}").click()
    journey.check()
    page.get_by_role("button", name="Make the Excel workbook").click()
    journey.check()
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"^Download the Excel workbook")).click()
    with open(info.value.path(), "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    plans = list(book["Action plans"].iter_rows(values_only=True))
    assert plans[1][0] == "AP-E2E-1" and plans[1][4] == 4
    assert "Actions at the report date" in book.sheetnames
    assert len(list(book["Actions at the report date"].iter_rows())) == 1 + 4


def test_a_download_being_made_updates_itself_until_it_is_ready(journey, chair,
                                                                quarter_so_far):
    page = journey.page
    export = ReportExport.objects.create(requested_by=chair, year=quarter_so_far.year,
                                         quarter=quarter_so_far.number, format="xlsx",
                                         step="in the queue")
    journey.sign_in(chair)
    journey.goto(export.get_absolute_url())
    assert page.locator("#export-progress").get_attribute("value") == "0"
    journey.screenshot("reports-04-download-waiting")
    # A worker makes the file; the page notices, reloads itself and offers the download.
    services.export_generate(export_id=export.pk)
    page.get_by_role("link", name=re.compile(r"^Download the Excel workbook")).wait_for()
    journey.check(context="reloaded by reports.js")
    journey.screenshot("reports-05-download-ready")


def test_the_scrutineer_reads_the_annual_figures(journey, scrutineer, quarter_so_far):
    page = journey.page
    journey.sign_in(scrutineer)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Reports").click()
    nav.get_by_role("link", name="Annual figures", exact=True).click()
    journey.check()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Annual figures: ")
    assert "Download these figures (CSV)" not in page.locator("main").inner_text()
    journey.screenshot("reports-06-annual-figures")


def test_each_role_sees_its_own_dashboard(journey, coordinator, wmp_lead, wmp_officer,
                                          quarter_so_far):
    page = journey.page
    journey.sign_in(coordinator)
    main = page.locator("main").inner_text()
    assert "Your week" in main and "Overdue actions by agency" in main
    journey.screenshot("reports-07-coordinator-dashboard")
    journey.sign_out()
    journey.sign_in(wmp_lead)
    main = page.locator("main").inner_text()
    assert "WMP's actions" in main and "Overdue" in main
    assert "Quarterly progress report" not in main  # not for agency staff
    journey.screenshot("reports-08-agency-lead-dashboard")
    journey.sign_out()
    journey.sign_in(wmp_officer)
    assert "Your actions" in page.locator("main").inner_text()
