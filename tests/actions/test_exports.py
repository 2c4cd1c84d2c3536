"""CSV and Excel downloads: exactly the filtered, scoped list (every page of it), opened with
the csv module and openpyxl, formulas neutralised, and each download in the access log."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from actions.exports import HEADINGS
from actions.models import ActionStatus
from scsp.models import AccessEvent
from tests.actions.factories import ActionFactory, PlanFactory

pytestmark = pytest.mark.django_db
D = dt.date
#: The day the exports are made: the RAG and "overdue" are worked out for it.
TODAY = D(2026, 11, 17)


@pytest.fixture
def frozen():
    """Tuesday 17 November 2026, 10:00 in London, while the records are made and exported."""
    with time_machine.travel(dt.datetime(2026, 11, 17, 10, tzinfo=ZoneInfo("Europe/London")),
                             tick=False):
        yield


@pytest.fixture
def few(frozen, coordinator, wmp_officer, health_officer, sct_officer):
    """Four WMP actions (one of each RAG), one SWBNHS in the same plan, one SCT elsewhere."""
    plan = PlanFactory(reference="AP-2026-050", title="Learning from Child 9",
                       origin_reference="SLPR-2026-009", owner=coordinator)
    wmp = {"plan": plan, "lead_agency": wmp_officer.agency, "lead_officer": wmp_officer,
           "success_measure": "All staff briefed."}
    ActionFactory(number=1, title="Audit strategy meetings", description="Audit ten meetings.",
                  target_date=D(2026, 11, 10), **wmp)                     # overdue: Red
    ActionFactory(number=2, title="Brief neighbourhood teams", description="Brief the teams.",
                  target_date=D(2026, 12, 1), at_risk=True, **wmp)        # at risk: Amber
    ActionFactory(number=3, title="Update the policy", description="Rewrite section 4.",
                  original_target_date=D(2027, 1, 15), target_date=D(2027, 1, 29),
                  **wmp)                                                  # slipped 14 days: Green
    ActionFactory(number=4, title="Train call handlers", description="Train them.",
                  target_date=D(2026, 10, 30), status=ActionStatus.SIGNED_OFF, **wmp)  # Blue
    ActionFactory(plan=plan, number=40, title="Audit midwifery records",
                  description="Audit 20 records.", success_measure="20 records audited.",
                  lead_agency=health_officer.agency, lead_officer=health_officer,
                  target_date=D(2026, 12, 18))                            # Green
    other = PlanFactory(reference="AP-2026-051", title="Scrutiny challenge",
                        origin_reference="", owner=coordinator)
    ActionFactory(plan=other, number=1, title="Review supervision", description="Review it.",
                  success_measure="Supervision audited.", lead_agency=sct_officer.agency,
                  lead_officer=sct_officer, target_date=D(2026, 11, 13))  # overdue: Red
    return plan


def excel(*parts) -> dt.datetime:
    """A date or time as openpyxl reads it back: Excel cells have no time zone."""
    return dt.datetime(*parts)  # noqa: DTZ001


def xlsx_rows(response):
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    return rows[0], rows[1:]


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


# Written out by hand from the fixture: the default order is RAG (red, amber, green, blue),
# then target date.
@pytest.mark.parametrize(("persona", "scope", "params", "references"), [
    ("coordinator", "all", {}, ["AP-2026-050-01", "AP-2026-051-01", "AP-2026-050-02",
                                "AP-2026-050-40", "AP-2026-050-03", "AP-2026-050-04"]),
    ("coordinator", "all", {"status": "open", "sort": "-target_date"},
     ["AP-2026-050-03", "AP-2026-050-40", "AP-2026-050-02", "AP-2026-051-01",
      "AP-2026-050-01"]),
    ("chair", "all", {"overdue": "on"}, ["AP-2026-050-01", "AP-2026-051-01"]),
    ("wmp_officer", "mine", {}, ["AP-2026-050-01", "AP-2026-050-02", "AP-2026-050-03",
                                 "AP-2026-050-04"]),
    ("wmp_officer", "mine", {"rag": "red"}, ["AP-2026-050-01"]),
    ("health_officer", "agency", {}, ["AP-2026-050-40"]),
    ("wmp_lead", "agency", {"q": "audit"}, ["AP-2026-050-01"]),
])
def test_xlsx_rows_are_the_filtered_scoped_list(client_for, request, few, persona, scope,
                                                params, references):
    user = request.getfixturevalue(persona)
    target = reverse({"all": "actions:all_actions", "mine": "actions:my_actions",
                      "agency": "actions:agency_actions"}[scope])
    response = client_for(user).get(target, {**params, "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert response["Content-Disposition"].startswith("attachment; filename=\"scsp-")
    header, rows = xlsx_rows(response)
    assert list(header) == HEADINGS
    assert [r[0] for r in rows] == references  # same rows, same order
    event = AccessEvent.objects.get(kind="export")
    assert event.user == user and f"{len(references)} actions" in event.label


def test_xlsx_cells_keep_their_types(client_for, wmp_officer, few):
    response = client_for(wmp_officer).get(reverse("actions:my_actions"),
                                           {"rag": "red", "export": "xlsx"})
    _header, rows = xlsx_rows(response)
    assert rows == [(
        "AP-2026-050-01", "Audit strategy meetings", "AP-2026-050", "Learning from Child 9",
        "Rapid Review", "SLPR-2026-009", None, "Audit ten meetings.", "All staff briefed.",
        "WMP", "Olive Officer", None, excel(2026, 11, 10), excel(2026, 11, 10), 0,
        "In progress", "Red", "No", "No", excel(2026, 11, 17, 10), None, None, "No", None,
        None, None, None,
    )]


def test_csv_is_the_list_cell_by_cell(client_for, coordinator, few):
    response = client_for(coordinator).get(reverse("actions:all_actions"),
                                           {"agency": few.actions.first().lead_agency_id,
                                            "export": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response)
    assert rows[0] == HEADINGS
    common = ["AP-2026-050", "Learning from Child 9", "Rapid Review", "SLPR-2026-009", ""]
    assert rows[1:] == [
        ["AP-2026-050-01", "Audit strategy meetings", *common, "Audit ten meetings.",
         "All staff briefed.", "WMP", "Olive Officer", "", "2026-11-10", "2026-11-10", "0",
         "In progress", "Red", "No", "No", "2026-11-17 10:00", "", "", "No", "", "", "", ""],
        ["AP-2026-050-02", "Brief neighbourhood teams", *common, "Brief the teams.",
         "All staff briefed.", "WMP", "Olive Officer", "", "2026-12-01", "2026-12-01", "0",
         "In progress", "Amber", "Yes", "No", "2026-11-17 10:00", "", "", "No", "", "", "", ""],
        ["AP-2026-050-03", "Update the policy", *common, "Rewrite section 4.",
         "All staff briefed.", "WMP", "Olive Officer", "", "2027-01-15", "2027-01-29", "14",
         "In progress", "Green", "No", "No", "2026-11-17 10:00", "", "", "No", "", "", "", ""],
        ["AP-2026-050-04", "Train call handlers", *common, "Train them.",
         "All staff briefed.", "WMP", "Olive Officer", "", "2026-10-30", "2026-10-30", "0",
         "Signed off", "Blue", "No", "No", "2026-11-17 10:00", "Briefing log attached.",
         # Target 30 Oct, completed 17 Nov: signed off (Blue) and completed late.
         "2026-11-17", "Yes", "Carol Coordinator", "2026-11-17 10:00", "", ""],
    ]


def test_every_page_is_exported(client_for, coordinator, wmp_officer):
    """30 actions: more than a page of the list, all of them in the file."""
    plan = PlanFactory(reference="AP-2026-060", owner=coordinator)
    for n in range(1, 31):
        ActionFactory(plan=plan, number=n, lead_agency=wmp_officer.agency,
                      lead_officer=wmp_officer, target_date=D(2030, 1, 1) + dt.timedelta(days=n))
    rows = csv_rows(client_for(coordinator).get(reverse("actions:all_actions"),
                                                {"export": "csv"}))
    assert [r[0] for r in rows[1:]] == [f"AP-2026-060-{n:02d}" for n in range(1, 31)]


def test_the_scope_holds_for_exports(client_for, wmp_officer, few):
    response = client_for(wmp_officer).get(reverse("actions:my_actions"), {"export": "xlsx"})
    _, rows = xlsx_rows(response)
    assert {r[HEADINGS.index("Lead agency")] for r in rows} == {"WMP"}
    assert client_for(wmp_officer).get(reverse("actions:all_actions"),
                                       {"export": "csv"}).status_code == 403


def test_spreadsheet_formulas_are_neutralised(client_for, coordinator, wmp_officer):
    ActionFactory(lead_agency=wmp_officer.agency, lead_officer=wmp_officer,
                  description='=HYPERLINK("http://evil.example","click")',
                  success_measure="+1+1", completion_evidence="@SUM(A1)")
    response = client_for(coordinator).get(reverse("actions:all_actions"), {"export": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    row = [c for c in book.active[2]]
    by_heading = dict(zip(HEADINGS, row, strict=True))
    assert by_heading["Action"].value == '\'=HYPERLINK("http://evil.example","click")'
    assert by_heading["Action"].data_type == "s"
    assert by_heading["Success measure"].value == "'+1+1"
    csv_body = b"".join(client_for(coordinator).get(
        reverse("actions:all_actions"), {"export": "csv"}).streaming_content).decode()
    assert ",'=HYPERLINK(" in csv_body.replace('"', "")


def test_invalid_filters_export_nothing(client_for, coordinator, few):
    response = client_for(coordinator).get(reverse("actions:all_actions"),
                                           {"due_from": "not a date", "export": "csv"})
    assert response["Content-Type"].startswith("text/html")
    assert not AccessEvent.objects.filter(kind="export").exists()
