"""The chair's workbook, opened with openpyxl: OFFICIAL-SENSITIVE in every sheet's header and
footer and in the document's properties, PROVISIONAL for an unfinished quarter, the chair's
commentary and the agency key, percentages and numbers stored as numbers with formats, and
sheet names that make sense within Excel's 31 characters."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from reports import exports, selectors, services
from reports.models import QuarterCommentary
from scsp.workdays import WorkingCalendar
from tests.reports.factories import QUARTER

pytestmark = pytest.mark.django_db


def workbook(user, *, today):
    report = selectors.quarterly_report(user, QUARTER, today=today, now=timezone.now(),
                                        cal=WorkingCalendar())
    content = exports.xlsx_bytes(exports.quarterly_tables(report), title="Quarterly report",
                                 provisional=report.provisional)
    return load_workbook(io.BytesIO(content))


def test_every_sheet_is_marked_and_an_unfinished_quarter_is_provisional(action_world, chair):
    book = workbook(chair, today=dt.date(2025, 11, 14))
    for sheet in book.worksheets:
        assert sheet.oddHeader.center.text == "OFFICIAL-SENSITIVE", sheet.title
        assert "OFFICIAL-SENSITIVE" in sheet.oddFooter.center.text, sheet.title
        assert sheet.oddHeader.right.text == "PROVISIONAL", sheet.title
    assert "OFFICIAL-SENSITIVE" in book.properties.keywords
    assert book.properties.category == "OFFICIAL-SENSITIVE"
    assert book.custom_doc_props["Classification"].value == "OFFICIAL-SENSITIVE"
    assert book.custom_doc_props["Status"].value == "Provisional"
    about = dict(book["About this report"].iter_rows(min_row=2, values_only=True))
    assert about["Status"].startswith("PROVISIONAL")


def test_a_finished_quarter_is_final(action_world, chair):
    book = workbook(chair, today=dt.date(2026, 2, 1))
    assert all(not s.oddHeader.right.text for s in book.worksheets)
    assert book.custom_doc_props["Status"].value == "Final"


def test_commentary_key_numbers_and_sheet_names(action_world, review_world, chair):
    QuarterCommentary.objects.create(year=QUARTER.year, quarter=QUARTER.number,
                                     text="Good progress on neglect actions.", updated_by=chair)
    book = workbook(chair, today=dt.date(2026, 2, 1))
    assert book.sheetnames[:3] == ["About this report", "Change since last quarter",
                                   "Notifications"]
    assert "Audits not presented" in book.sheetnames
    assert all(len(name) <= 31 for name in book.sheetnames)
    about = dict(book["About this report"].iter_rows(min_row=2, values_only=True))
    assert about["Chair's commentary"] == "Good progress on neglect actions."
    assert about["Agency: WMP"] == "West Midlands Police"
    rows = {r[0].value: r for r in book["Change since last quarter"].iter_rows(min_row=2)}
    within = rows["Notified within 5 working days"]
    assert within[1].value == 0.5 and within[1].number_format == "0%"  # 50%, as a number
    held = rows["Rapid Reviews held"]
    assert held[1].value == 2 and isinstance(held[1].value, int)
    assert held[1].number_format == "#,##0"
    assert rows["Actions overdue"][4].value == rows["Actions overdue"][1].value - \
        rows["Actions overdue"][2].value  # the change as a number too
    dates = book["Notifications"]["B2"]
    assert isinstance(dates.value, dt.datetime) and dates.number_format == "d mmm yyyy"


def test_the_background_export_marks_a_provisional_workbook(action_world, chair,
                                                            django_capture_on_commit_callbacks):
    import time_machine

    with time_machine.travel(dt.datetime(2025, 11, 14, 12, 0, tzinfo=dt.UTC), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(by=chair, quarter=QUARTER, format="xlsx",
                                         today=dt.date(2025, 11, 14))
    export.refresh_from_db()
    with export.file.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    assert book.custom_doc_props["Status"].value == "Provisional"
