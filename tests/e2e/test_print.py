"""Printing a list in a real browser: "Print this list" opens the print view of the whole
filtered list and prints it; every printed page carries the OFFICIAL-SENSITIVE marking, in
landscape, with every row and every column (RAG included)."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest
from django.utils import timezone

from actions.models import ActionStatus
from tests.actions.factories import ActionFactory, PlanFactory
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def test_print_this_list_prints_every_filtered_row_marked_on_every_page(journey, coordinator,
                                                                       wmp_officer,
                                                                       health_officer):
    today = timezone.localdate()
    plan = PlanFactory(reference="AP-2026-080", owner=coordinator)
    for n in range(1, 41):
        ActionFactory(plan=plan, number=n, lead_agency=wmp_officer.agency,
                      lead_officer=wmp_officer, status=ActionStatus.IN_PROGRESS,
                      title="", description=f"Action {n}: " + "a long description of the work " * 6,
                      target_date=today + dt.timedelta(days=100 + n))
    ActionFactory(plan=plan, number=41, lead_agency=health_officer.agency,
                  lead_officer=health_officer, status=ActionStatus.IN_PROGRESS)
    page = journey.page
    page.add_init_script("window.print = () => { window.__printed = (window.__printed || 0) + 1; };")
    journey.sign_in(coordinator)
    journey.goto(f"/actions/all/?agency={wmp_officer.agency.pk}&sort=reference")
    assert page.locator("table.action-table tbody tr").count() == 25
    with page.expect_navigation():
        page.get_by_role("link", name="Print this list").click()
    journey.check()
    assert page.evaluate("window.__printed") == 1  # opened from the list: printed at once
    assert "#print" not in page.url  # and not again on reloading
    page.get_by_role("button", name="Print this list").click()
    assert page.evaluate("window.__printed") == 2
    journey.screenshot("print-view")

    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Main").is_visible()
    assert not page.get_by_role("link", name="Back to the list").is_visible()
    printed = page.pdf(prefer_css_page_size=True)
    (ARTIFACTS / "print-view.pdf").write_bytes(printed)
    pdf = pypdf.PdfReader(io.BytesIO(printed))
    assert len(pdf.pages) >= 2
    text = ""
    for number, sheet in enumerate(pdf.pages, start=1):
        assert sheet.mediabox.width > sheet.mediabox.height, "landscape"
        words = sheet.extract_text()
        assert "OFFICIAL-SENSITIVE" in words and f"Page {number} of {len(pdf.pages)}" in words
        text += words
    for n in range(1, 41):
        assert f"AP-2026-080-{n:02d}" in text
    assert "AP-2026-080-41" not in text  # another agency: filtered out
    flat = " ".join(text.split())
    assert "Action 40: " + "a long description of the work " * 5 in flat  # not truncated
    for heading in ("Reference", "Action", "Lead", "Target date", "Status", "RAG"):
        assert heading in flat
