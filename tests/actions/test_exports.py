"""CSV and Excel downloads: exactly the filtered, scoped list (every page of it), opened with
the csv module and openpyxl, formulas neutralised, and each download in the access log."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actions import selectors
from actions.exports import HEADINGS
from actions.filters import ActionFilter
from actions.models import ActionStatus
from scsp.models import AccessEvent
from tests.actions.factories import ActionFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(coordinator, wmp_officer, health_officer, sct_officer):
    """30 WMP actions (more than a page), 3 SWBNHS in the same plan, 2 SCT elsewhere."""
    plan = PlanFactory(reference="AP-2026-050", owner=coordinator)
    today = timezone.localdate()
    for n in range(30):
        ActionFactory(plan=plan, number=n + 1, lead_agency=wmp_officer.agency,
                      lead_officer=wmp_officer, target_date=today + dt.timedelta(days=n - 5),
                      status=ActionStatus.SIGNED_OFF if n % 7 == 0 else ActionStatus.IN_PROGRESS)
    for n in range(3):
        ActionFactory(plan=plan, number=40 + n, lead_agency=health_officer.agency,
                      lead_officer=health_officer)
    other = PlanFactory(reference="AP-2026-051", owner=coordinator)
    for n in range(2):
        ActionFactory(plan=other, number=n + 1, lead_agency=sct_officer.agency,
                      lead_officer=sct_officer)
    return plan


def expected(user, scope, params, rf):
    request = rf.get("/", params)
    request.user = user
    fs = ActionFilter(params or None, selectors.actions_for(
        user, scope=scope, today=timezone.localdate()), request=request,
        today=timezone.localdate())
    return [a.reference for a in fs.qs]


def xlsx_rows(response):
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    return rows[0], rows[1:]


@pytest.mark.parametrize(("persona", "scope", "params"), [
    ("coordinator", "all", {}),
    ("coordinator", "all", {"status": "open", "sort": "-target_date"}),
    ("chair", "all", {"overdue": "on"}),
    ("wmp_officer", "mine", {}),
    ("wmp_officer", "mine", {"rag": "red"}),
    ("health_officer", "agency", {}),
    ("wmp_lead", "agency", {"q": "AP-2026-050-1"}),
])
def test_xlsx_rows_are_the_filtered_scoped_list(client_for, request, rf, many, persona, scope,
                                                params):
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
    want = expected(user, scope, params, rf)
    assert [r[0] for r in rows] == want  # same rows, same order, all pages
    assert want, "the case must export something to prove anything"
    event = AccessEvent.objects.get(action="export")
    assert event.user == user and f"{len(want)} actions" in event.label


def test_csv_matches_the_list_and_keeps_types_readable(client_for, coordinator, many, rf):
    response = client_for(coordinator).get(reverse("actions:all_actions"),
                                           {"agency": many.actions.first().lead_agency_id,
                                            "export": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == HEADINGS
    params = {"agency": str(many.actions.first().lead_agency_id)}
    assert [r[0] for r in rows[1:]] == expected(coordinator, "all", params, rf)
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Lead agency"] == "WMP"
    dt.date.fromisoformat(first["Target date"])
    assert first["RAG"] in {"Red", "Amber", "Green", "Blue"}


def test_the_scope_holds_for_exports(client_for, wmp_officer, many):
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


def test_invalid_filters_export_nothing(client_for, coordinator, many):
    response = client_for(coordinator).get(reverse("actions:all_actions"),
                                           {"due_from": "not a date", "export": "csv"})
    assert response["Content-Type"].startswith("text/html")
    assert not AccessEvent.objects.filter(action="export").exists()
