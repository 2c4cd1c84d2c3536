"""The report as PDF (read back with pypdf), Excel (opened with openpyxl) and CSV: the same
figures as the page, one sheet or file per table."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from reports import exports, selectors, services
from reports.models import ReportExport
from reports.quarters import Quarter
from scsp.models import AccessEvent
from scsp.workdays import WorkingCalendar
from tests.reports.factories import QUARTER

pytestmark = pytest.mark.django_db


def make(user, fmt, quarter=QUARTER, *, execute):
    with execute(execute=True):
        export = services.export_request(by=user, quarter=quarter, format=fmt,
                                         today=timezone.localdate())
    export.refresh_from_db()
    assert export.status == ReportExport.Status.DONE, export.error
    with export.file.open("rb") as handle:
        return export, handle.read()


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def report(user, quarter=QUARTER):
    return selectors.quarterly_report(user, quarter, today=timezone.localdate(),
                                      now=timezone.now(), cal=WorkingCalendar())


def test_the_pdf_carries_the_headline_figures(action_world, review_world, chair,
                                              django_capture_on_commit_callbacks):
    export, content = make(chair, "pdf", execute=django_capture_on_commit_callbacks)
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(pdf_text(content).split())
    assert "Quarterly progress report: Q3 2025-26" in text
    assert "OFFICIAL-SENSITIVE" in text and f"Page 1 of {len(reader.pages)}" in text
    assert "Figures as they stood at the end of 31 December 2025" in text
    # The headline, as counted by hand in factories.py.
    assert "2 serious incident notifications were made to the National Panel in the quarter; " \
           "1 within 5 working days" in text
    assert "2 Rapid Review panels met in the quarter: 1 completed and sent to the National Panel within " \
           "15 working days, 1 late" in text
    assert "6 actions: 4 open, 0 awaiting sign-off, 2 overdue; 1 completed and 1 signed off in " \
           "the quarter" in text
    assert "AP-T-1" in text and "AP-T-2" in text and "AP-T-3" not in text
    # The charts are drawn (their labels are text in the PDF) and their numbers are in tables.
    assert "Red (overdue or blocked)" in text and "Open Overdue" in text
    assert "Actions by RAG status" in text
    assert "How these figures were worked out" in text and "change history" in text


def test_the_pdf_has_charts_drawn_as_svg(action_world, chair):
    from django.template.loader import render_to_string

    html = render_to_string("reports/pdf/quarterly.html",
                            {"report": report(chair), "title": "t", "pdf": True,
                             "produced": timezone.now()})
    assert html.count("<svg") == 2
    assert 'role="img"' in html and "<title id=\"chart-rag-title\">" in html
    assert "<desc id=\"chart-rag-desc\">Red (overdue or blocked): Actions 2;" in html
    assert "<script" not in html and 'style="' not in html


def excel(*parts) -> dt.datetime:
    """A date or time as openpyxl reads it back: Excel cells have no time zone."""
    return dt.datetime(*parts)  # noqa: DTZ001


def test_the_workbook_has_a_sheet_per_table_matching_the_report(action_world, review_world,
                                                                 coordinator,
                                                                 django_capture_on_commit_callbacks):
    """Every cell below is written out from the hand count in ``tests/reports/factories.py``."""
    export, content = make(coordinator, "xlsx", execute=django_capture_on_commit_callbacks)
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == [  # names of their own within Excel's 31 characters
        "About this report", "Change since last quarter", "Notifications", "Rapid Reviews",
        "Practice reviews", "Partner referrals", "Audits completed", "Audits not presented",
        "Action plans", "Actions by agency", "Recurring learning themes",
        "RAG status of actions", "Impact reviews", "Impact ratings by agency",
        "Impact ratings by theme", "Themes recurring after sign-off",
        "Actions at the report date"]
    assert list(book["Action plans"].iter_rows(values_only=True)) == [
        ("Plan", "Title", "Origin", "Origin reference", "Actions", "Open", "Awaiting sign-off",
         "Completed in the quarter", "Signed off in the quarter", "Overdue", "Red", "Amber",
         "Green", "Blue", "Slipped", "Median slippage (days)"),
        ("AP-T-1", "Rapid Review T-1", "Rapid Review", None, 3, 2, 0, 1, 1, 1, 1, 0, 1, 1, 0, None),
        ("AP-T-2", "LCSPR T-2", "Rapid Review", None, 2, 2, 0, 0, 0, 1, 1, 1, 0, 0, 1, 35),
    ]
    assert list(book["Actions by agency"].iter_rows(values_only=True)) == [
        ("Agency", "Short name", "Actions owned", "Open", "Overdue",
         "Overdue more than 3 months", "Completed in the quarter", "Updates in the quarter",
         "With evidence of impact"),
        ("West Midlands Police", "WMP", 4, 3, 1, 0, 0, 1, 1),
        ("Sandwell and West Birmingham NHS Trust", "SWBNHS", 2, 1, 1, 1, 1, 1, 0),
    ]
    actions = list(book["Actions at the report date"].iter_rows(values_only=True))
    assert actions[0] == ("Reference", "Plan", "Lead agency", "Status", "Target date",
                          "Original target date", "Slippage (days)", "RAG", "Completed on",
                          "Completed late", "Signed off", "Evidence of impact")
    # References carry the factory's running number, so they are the world's own.
    assert [row[0] for row in actions[1:]] == [
        action_world.actions[name].reference for name in ("a1", "a2", "a3", "a4", "a5", "a6")]
    assert [row[1:] for row in actions[1:]] == [
        ("AP-T-1", "WMP", "In progress", excel(2025, 11, 14), excel(2025, 11, 14), 0, "Red",
         None, "No", None, "No"),
        ("AP-T-1", "WMP", "In progress", excel(2026, 3, 31), excel(2026, 3, 31), 0, "Green",
         None, "No", None, "No"),
        ("AP-T-1", "SWBNHS", "Signed off", excel(2025, 12, 15), excel(2025, 12, 15), 0, "Blue",
         excel(2025, 11, 20), "No", excel(2025, 12, 10, 10), "No"),
        ("AP-T-2", "SWBNHS", "In progress", excel(2025, 8, 29), excel(2025, 8, 29), 0, "Red",
         None, "No", None, "No"),
        ("AP-T-2", "WMP", "In progress", excel(2026, 1, 23), excel(2025, 12, 19), 35, "Amber",
         None, "No", None, "No"),
        ("AP-T-3", "WMP", "Signed off", excel(2025, 9, 20), excel(2025, 9, 20), 0, "Blue",
         excel(2025, 9, 10), "No", excel(2025, 9, 15, 10), "Yes"),
    ]
    notifications = list(book["Notifications"].iter_rows(values_only=True))
    assert [row[4] for row in notifications[1:]] == [2, 9, 5]  # N3: 5 working days so far


def test_each_table_as_csv(action_world, client_for, coordinator):
    client = client_for(coordinator)
    url = reverse("reports:quarterly_csv", kwargs={**QUARTER.url_kwargs(), "table": "agencies"})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="scsp-2025-26-q3-agencies.csv"' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Agency", "Short name", "Actions owned"]
    assert {r[1]: r[2:] for r in rows[1:]} == {"WMP": ["4", "3", "1", "0", "0", "1", "1"],
                                               "SWBNHS": ["2", "1", "1", "1", "1", "1", "0"]}
    event = AccessEvent.objects.get(kind="report")
    assert event.label == "Q3 2025-26: Actions by agency" and event.user == coordinator
    actions = client.get(reverse("reports:quarterly_csv",
                                 kwargs={**QUARTER.url_kwargs(), "table": "actions"}))
    lines = b"".join(actions.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 6
    missing = client.get(reverse("reports:quarterly_csv",
                                 kwargs={**QUARTER.url_kwargs(), "table": "nothing"}))
    assert missing.status_code == 404


def test_spreadsheet_formulas_are_neutralised(chair, coordinator, wmp_officer):
    from tests.actions.factories import ActionFactory, PlanFactory

    plan = PlanFactory(reference="AP-F-1", title="=HYPERLINK(\"http://x\")", owner=coordinator)
    ActionFactory(plan=plan, lead_agency=wmp_officer.agency, lead_officer=wmp_officer)
    tables = exports.quarterly_tables(report(chair, Quarter.containing(timezone.localdate())))
    plans = next(t for t in tables if t.slug == "plans")
    line = "".join(exports.csv_lines(plans))
    assert "'=HYPERLINK" in line
    book = load_workbook(io.BytesIO(exports.xlsx_bytes([plans], title="t")))
    assert book.active["B2"].value.startswith("'=")


def test_the_annual_figures_as_csv(review_world, client_for, chair):
    response = client_for(chair).get(reverse("reports:annual_csv",
                                             kwargs={"year": 2025, "table": "figures"}))
    rows = list(csv.reader(io.StringIO(
        b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Figure", "Number", "Note"]
    assert ["Notifications made to the National Panel", "3", ""] in rows
    sex = client_for(chair).get(reverse("reports:annual_csv",
                                        kwargs={"year": 2025, "table": "children-by-sex"}))
    text = b"".join(sex.streaming_content).decode("utf-8-sig")
    assert "[c]" in text and "All children" in text
