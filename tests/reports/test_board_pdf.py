"""The chair's PDF: a cover page (partnership, quarter, date produced, classification), a key
to the agency abbreviations it uses, and PROVISIONAL on every page of an unfinished quarter
(each page read back on its own)."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from reports import selectors
from scsp.pdf import render_pdf
from scsp.workdays import WorkingCalendar
from tests.reports.factories import QUARTER

pytestmark = pytest.mark.django_db
PRODUCED = dt.datetime(2025, 11, 14, 9, 30, tzinfo=dt.UTC)


def pages_of(user, *, today):
    report = selectors.quarterly_report(user, QUARTER, today=today, now=timezone.now(),
                                        cal=WorkingCalendar())
    content = render_pdf("reports/pdf/quarterly.html", {
        "report": report, "title": "Quarterly progress report", "produced": PRODUCED,
        "pdf": True})
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(content)).pages]


def test_an_unfinished_quarter_is_provisional_on_every_page(action_world, review_world, chair):
    pages = pages_of(chair, today=dt.date(2025, 11, 14))  # inside Q3 2025-26
    assert len(pages) > 2
    for number, text in enumerate(pages, start=1):
        assert "PROVISIONAL" in text, f"page {number} is not marked provisional"
        assert "OFFICIAL-SENSITIVE" in text and f"Page {number} of {len(pages)}" in text
    cover = pages[0]
    assert "Sandwell Children's Safeguarding Partnership" in cover
    assert "Quarterly progress report: Q3 2025-26" in cover
    assert "14 November 2025" in cover  # produced
    assert "Classification" in cover and "Do not share beyond the partnership board" in cover
    assert "Key to agency abbreviations" in cover
    assert "WMP West Midlands Police" in cover
    # The body starts on the next page.
    assert "Key to agency abbreviations" not in pages[1]


def test_a_finished_quarter_is_not_provisional(action_world, chair):
    pages = pages_of(chair, today=dt.date(2026, 2, 1))
    assert not any("PROVISIONAL" in text for text in pages)
    assert "Key to agency abbreviations" in pages[0]
