"""Importing action plans from a spreadsheet: the dry run's row-by-row report on a messy real
tracker, all or nothing, idempotent re-import, conflicts, the upload checks, formula text kept
as text, the audit trail and a dry run whose queries do not grow with the file."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from actions import services
from actions.exports import rows as export_rows
from actions.imports.check import check_file
from actions.models import Action, ActionPlan, ActionStatus, PlanImport, Recommendation
from actions.selectors import for_export
from scsp.models import AccessEvent
from tests.actions.import_files import HEADINGS, messy_rows, messy_workbook

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 5)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def people(coordinator, chair, wmp_officer, health_officer):
    return {"coordinator": coordinator, "chair": chair}


def upload(by, content, name="tracker.xlsx"):
    return services.import_upload(by=by, upload=SimpleUploadedFile(name, content))


def imported(by, content, name="tracker.xlsx"):
    batch = upload(by, content, name)
    report = services.import_check(by=by, batch=batch, today=TODAY)
    return services.import_apply(by=by, batch=batch, checked=report.digest(batch.sha256),
                                 today=TODAY)


def problems(report):
    return [(number, p.where(number), p.message) for number, p in report.errors]


def table_sizes():
    models = [Action, Action.history.model, ActionPlan, ActionPlan.history.model,
              Recommendation, AccessEvent]
    return {m.__name__: m.objects.count() for m in models}


def test_the_messy_file_is_reported_row_by_row_and_column_by_column(people):
    report = check_file(messy_workbook(), "xlsx", by=people["coordinator"], today=TODAY)
    assert report.file_problems == [] and report.sheet == "Tracker 2022-23"
    assert report.ignored == ["RAG"]
    assert [(r.number, r.outcome) for r in report.rows] == [
        (4, "add"), (5, "add"), (6, "error"), (7, "blank"), (8, "error"), (9, "error")]
    assert problems(report) == [
        (6, "Row 6, Lead agency (column I)", "There is no agency called “West Mids Police” in "
         "SCSP Reviews. Did you mean “West Midlands Police”?"),
        (6, "Row 6, Status (column L)", "“Done” is not a status we know. Use one of: “Not "
         "started”; “In progress”; “Completed, awaiting sign-off”; “Signed off”; “Returned for "
         "more evidence”; “Closed, not completed”."),
        (8, "Row 8, Target date (column K)", "“31/02/2023” is not a real date. Write it as "
         "day/month/year, for example 31/03/2023."),
        (9, "Row 9, Action reference (column F)", "Action 1 of plan OF-2022 is also on row 8. "
         "Give each action of a plan its own reference."),
    ]
    assert not report.ok
    assert ActionPlan.objects.count() == 0


def test_merged_cells_serial_and_text_dates_and_trailing_spaces_are_read(people):
    report = check_file(messy_workbook(fixed=True), "xlsx", by=people["coordinator"],
                        today=TODAY)
    assert report.ok and problems(report) == []
    first, second, third = (r.values for r in report.rows[:3])
    plan = report.plans["rr-2022-03"].values
    assert plan == {"plan_title": "Rapid Review: Child H", "origin": "rapid_review",
                    "agreed_on": dt.date(2022, 6, 14)}  # merged B4:D6, the date as text
    assert first["target_date"] == dt.date(2022, 12, 31)  # a date cell
    assert second["target_date"] == dt.date(2023, 3, 15)  # serial 45000
    assert third["target_date"] == dt.date(2023, 2, 28)  # ISO text
    assert second["lead_officer"].email == "officer@wmp.test"  # "Olive Officer  "
    assert first["lead_agency"].short_name == "WMP"  # "WMP "


def test_import_is_one_transaction_of_everything_checked(people):
    coordinator = people["coordinator"]
    batch = imported(coordinator, messy_workbook(fixed=True))
    assert (batch.plans_added, batch.actions_added, batch.rows_unchanged) == (2, 5, 0)
    rr = ActionPlan.objects.get(external_reference="RR-2022-03")
    assert rr.reference == "AP-2022-001"  # the year it was agreed
    assert (rr.title, rr.origin_kind, rr.agreed_on) == (
        "Rapid Review: Child H", "rapid_review", dt.date(2022, 6, 14))
    assert rr.entered_after_event_by == coordinator and rr.entered_after_event
    ofsted = ActionPlan.objects.get(external_reference="OF-2022")
    assert ofsted.reference == "AP-2026-001" and ofsted.origin_kind == "ofsted"
    actions = {a.external_reference: a for a in rr.actions.all()}
    assert [a.reference for a in rr.actions.order_by("number")] == [
        "AP-2022-001-01", "AP-2022-001-02", "AP-2022-001-03"]
    done = actions["1.2"]
    assert (done.status, done.completed_on, done.target_date, done.original_target_date) == (
        ActionStatus.AWAITING_SIGN_OFF, dt.date(2023, 3, 15), dt.date(2023, 3, 15),
        dt.date(2023, 3, 15))
    assert done.description == "@risk: brief the night shift too"  # text, as typed
    assert done.entered_after_event_by == coordinator and done.created_by == coordinator
    # The two rows with the same words (one with a trailing space) share one recommendation.
    assert rr.recommendations.count() == 1
    assert actions["1.1"].recommendation == actions["1.2"].recommendation
    # Past target dates are allowed and the clocks read them: the open 2022 action is overdue.
    assert actions["1.1"].is_overdue(TODAY)
    # The audit trail: history rows by the importer naming the import and row, and the log.
    record = done.history.get()
    assert record.history_user == coordinator
    assert record.history_change_reason == f"Imported: IMPORT-{batch.pk}, row 5 of tracker.xlsx"
    event = AccessEvent.objects.get(kind=AccessEvent.Kind.IMPORT)
    assert (event.user, event.label) == (coordinator, f"IMPORT-{batch.pk}")
    assert event.detail == ("2 plans and 5 actions added, 0 rows already imported, from "
                            "tracker.xlsx")


def test_importing_the_same_file_again_changes_nothing(people):
    coordinator = people["coordinator"]
    imported(coordinator, messy_workbook(fixed=True))
    # The app moves on: an officer records progress on an imported action.
    action = Action.objects.get(external_reference="1.3")
    services.action_record_progress(by=action.lead_officer, action=action, at_risk=True,
                                    note="Half the schools told.", today=TODAY)
    before = table_sizes()
    again = upload(coordinator, messy_workbook(fixed=True), "tracker copy.xlsx")
    report = services.import_check(by=coordinator, batch=again, today=TODAY)
    assert [(r.number, r.outcome) for r in report.rows] == [
        (4, "unchanged"), (5, "unchanged"), (6, "unchanged"), (7, "blank"), (8, "unchanged"),
        (9, "unchanged")]
    assert report.rows[0].summary == "Already imported as AP-2022-001-01; nothing changes."
    assert not report.ok
    with pytest.raises(ValidationError, match="Nothing to import"):
        services.import_apply(by=coordinator, batch=again, checked=report.digest(again.sha256),
                              today=TODAY)
    assert table_sizes() == before
    # The same rows as CSV, with different spacing: still the same rows.
    report = check_file(_csv(messy_rows(fixed=True)), "csv", by=coordinator, today=TODAY)
    assert {r.outcome for r in report.rows} == {"unchanged", "blank"}


def test_a_changed_row_is_a_conflict_and_a_new_row_is_added(people, sct_officer):
    coordinator = people["coordinator"]
    imported(coordinator, messy_workbook(fixed=True))
    rows = messy_rows(fixed=True)
    rows[0][10] = "30/04/2023"  # 1.1's target date moved in the file
    rows.append(["OF-2022", None, None, None, None, "3", "Re-audit in a year.",
                 "Re-audit: 10 of 10 answered.", "SCT", "Tia Trust", "31/03/2027", None,
                 None, None, None])
    report = check_file(_csv(rows), "csv", by=coordinator, today=TODAY)
    assert problems(report) == [
        (2, "Row 2, Action reference (column F)", "Action 1.1 of plan RR-2022-03 was imported "
         "before (it is AP-2022-001-01) and this row has changed in the file since. Change the "
         "action in SCSP Reviews, where its history is kept, and put this row back as it was."),
    ]
    rows[0][10] = dt.date(2022, 12, 31)
    batch = imported(coordinator, _csv(rows), "tracker.csv")
    assert (batch.plans_added, batch.actions_added, batch.rows_unchanged) == (0, 1, 5)
    added = Action.objects.get(external_reference="3")
    assert (added.reference, added.lead_officer) == ("AP-2026-001-03", sct_officer)


def test_rows_in_error_import_nothing_and_a_forged_check_is_refused(people):
    coordinator = people["coordinator"]
    before = table_sizes()
    batch = upload(coordinator, messy_workbook())
    report = services.import_check(by=coordinator, batch=batch, today=TODAY)
    with pytest.raises(ValidationError, match="the file has problems"):
        services.import_apply(by=coordinator, batch=batch, checked=report.digest(batch.sha256),
                              today=TODAY)
    good = upload(coordinator, messy_workbook(fixed=True))
    with pytest.raises(ValidationError, match="changed after this file was checked"):
        services.import_apply(by=coordinator, batch=good, checked="0" * 64, today=TODAY)
    assert table_sizes() == before
    assert PlanImport.objects.filter(imported_at__isnull=False).count() == 0


def test_an_import_made_meanwhile_makes_the_check_stale(people):
    coordinator = people["coordinator"]
    first = upload(coordinator, messy_workbook(fixed=True))
    shown = services.import_check(by=coordinator, batch=first, today=TODAY).digest(first.sha256)
    imported(coordinator, messy_workbook(fixed=True), "the same, by someone else.xlsx")
    before = table_sizes()
    with pytest.raises(ValidationError, match="changed after this file was checked"):
        services.import_apply(by=coordinator, batch=first, checked=shown, today=TODAY)
    assert table_sizes() == before


def test_only_the_business_unit_imports(people, wmp_lead):
    for person in (people["chair"], wmp_lead):
        with pytest.raises(Exception, match="Only the business unit"):
            upload(person, messy_workbook(fixed=True))


@pytest.mark.parametrize(("name", "content", "message"), [
    ("tracker.pdf", b"%PDF-1.4 ...", "is not a spreadsheet we import"),
    ("tracker.xlsx", b"Plan reference,Action reference\n", "is not really a Excel workbook"),
    ("tracker.csv", b"<html><script>alert(1)</script></html>", "is not really a CSV file"),
    ("tracker.csv", b"", "is empty"),
])
def test_the_upload_checks_apply(people, name, content, message):
    with pytest.raises(ValidationError) as caught:
        upload(people["coordinator"], content, name)
    assert message in " ".join(caught.value.message_dict["file"])
    assert PlanImport.objects.count() == 0


def test_a_formula_is_reported_and_formula_text_in_csv_is_kept_as_text(people):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADINGS)
    row = messy_rows(fixed=True)[4]
    row[10] = "=DATE(2023,2,28)"
    sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    report = check_file(out.getvalue(), "xlsx", by=people["coordinator"], today=TODAY)
    assert problems(report) == [(2, "Row 2, Target date (column K)", "This cell holds a "
                                 "formula, which is not read. Copy the column and paste it "
                                 "back as values only, then upload the file again.")]
    rows = [messy_rows(fixed=True)[4]]
    rows[0][6] = '=HYPERLINK("http://example.invalid","Click")'
    rows[0][7] = "+44 answered; -1 missing"
    batch = imported(people["coordinator"], _csv(rows, encoding="cp1252"), "tracker.csv")
    action = Action.objects.get(plan__external_reference="OF-2022")
    assert batch.actions_added == 1
    assert action.description == '=HYPERLINK("http://example.invalid","Click")'
    assert action.success_measure == "+44 answered; -1 missing"
    exported = next(export_rows(for_export(Action.objects.filter(pk=action.pk), today=TODAY)))
    assert "'=HYPERLINK(\"http://example.invalid\",\"Click\")" in exported
    assert "'+44 answered; -1 missing" in exported


def test_sign_off_and_closing_need_their_columns(people):
    headings = HEADINGS[:14] + ["Signed off by", "Signed off on", "Reason for closing"]
    base = messy_rows(fixed=True)[4][:14]
    signed = [*base[:5], "1", *base[6:11], "Signed off", "01/03/2023", "Audit done.",
              "Charles Chair", "28/02/2023", ""]
    closed = [*base[:5], "2", *base[6:11], "Closed, not completed", None, None, "", "", ""]
    officer = [*base[:5], "3", *base[6:11], "Signed off", "01/03/2023", "Audit done.",
               "officer@wmp.test", "02/03/2023", ""]
    report = check_file(_csv([signed, closed, officer], headings=headings), "csv",
                        by=people["coordinator"], today=TODAY)
    assert problems(report) == [
        (2, "Row 2, Signed off on (column P)", "It was signed off before it was completed "
         "(01/03/2023). Check both dates."),
        (3, "Row 3, Reason for closing (column Q)", "Say why it was closed: the status is "
         "“Closed, not completed”."),
        (4, "Row 4, Signed off by (column O)", "Olive Officer does not sign actions off in "
         "SCSP Reviews (or can no longer sign in): give the co-ordinator or chair who did."),
    ]
    signed[15], closed[16] = "01/03/2023", "Superseded by the 2023 plan."
    officer[14] = "chair@scsp.test"
    imported(people["coordinator"], _csv([signed, closed, officer], headings=headings),
             "tracker.csv")
    action = Action.objects.get(external_reference="1")
    assert (action.status, action.signed_off_by) == (ActionStatus.SIGNED_OFF, people["chair"])
    assert Action.objects.get(external_reference="2").closed_reason == (
        "Superseded by the 2023 plan.")


def test_the_dry_run_reads_the_directory_once_whatever_the_length(people):
    def queries(rows):
        with CaptureQueriesContext(connection) as ctx:
            report = check_file(_csv(rows), "csv", by=people["coordinator"], today=TODAY)
        assert report.ok, problems(report)
        return len(ctx.captured_queries)

    def many(n):
        row = messy_rows(fixed=True)[5]
        return [[f"P-{i % 4}", f"Plan {i % 4}", "Other", None, None, str(i), *row[6:]]
                for i in range(n)]

    assert queries(many(2)) == queries(many(60)) <= 6


def test_the_template_explains_every_column(people, client_for):
    client = client_for(people["coordinator"])
    response = client.get("/actions/plans/import/template.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Actions", "How to fill it in", "Lists"]
    assert book["Lists"].sheet_state == "hidden"
    status_list = next(v for v in book["Actions"].data_validations.dataValidation
                       if str(v.sqref) == "O2:O2001")
    assert status_list.formula1 == "'Lists'!$B$1:$B$6"
    assert [c.value for c in book["Lists"]["B"] if c.value] == [
        "Not started", "In progress", "Completed, awaiting sign-off", "Signed off",
        "Returned for more evidence", "Closed, not completed"]
    headings = [c.value for c in book["Actions"][1]]
    assert headings[:3] == ["Plan reference", "Plan title", "Origin"] and len(headings) == 21
    explained = [row[1] for row in book["How to fill it in"].iter_rows(min_row=2,
                                                                         values_only=True)]
    assert explained[:21] == headings
    text = client.get("/actions/plans/import/template.csv").content.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text))) == headings
    # The empty template is a file the import reads: it just has no rows yet.
    report = check_file(response.content, "xlsx", by=people["coordinator"], today=TODAY)
    assert report.file_problems == ["The file has headings but no rows of actions."]


def _csv(rows, *, headings=HEADINGS, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    for row in rows:
        writer.writerow(["" if v is None else (v.strftime("%d/%m/%Y") if isinstance(
            v, dt.date) else v) for v in row])
    return out.getvalue().encode(encoding)


def test_identifiers_in_free_text_are_problems_to_correct(people):
    rows = [messy_rows(fixed=True)[4]]
    rows[0][6] = "Visit Child H, DOB 12/03/2015, at B70 9PL."
    report = check_file(_csv(rows), "csv", by=people["coordinator"], today=TODAY)
    assert problems(report) == [
        (2, "Row 2, Action (column G)", "This looks like it holds a postcode and a date of "
         "birth. Children are never identified in SCSP Reviews: use the case reference or "
         "pseudonym, and remove it from the file."),
    ]


def test_uploaded_spreadsheets_go_after_their_retention_period(people, settings):
    from django.utils import timezone

    from scsp.audit import retention

    coordinator = people["coordinator"]
    old = imported(coordinator, messy_workbook(fixed=True))
    fresh = upload(coordinator, messy_workbook(fixed=True), "fresh.xlsx")
    PlanImport.objects.filter(pk=old.pk).update(
        uploaded_at=timezone.now() - dt.timedelta(days=31))
    settings.IMPORT_UPLOADS_KEEP_DAYS = 30
    retention.run(now=timezone.now())
    assert list(PlanImport.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert Action.objects.count() == 5  # what it imported stays
    assert PlanImport.history.filter(id=old.pk, history_type="-").exists()


def test_formatting_far_down_costs_nothing_and_values_past_the_limit_are_refused(people):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADINGS)
    sheet.append(messy_rows(fixed=True)[4])
    sheet["K900000"].number_format = "dd/mm/yyyy"  # a formatted, empty cell far down
    out = io.BytesIO()
    book.save(out)
    report = check_file(out.getvalue(), "xlsx", by=people["coordinator"], today=TODAY)
    assert report.ok and len(report.rows) == 1
    sheet["G10001"] = "An action far down"
    out = io.BytesIO()
    book.save(out)
    report = check_file(out.getvalue(), "xlsx", by=people["coordinator"], today=TODAY)
    assert report.file_problems == ["The sheet has values past row 10,000. Split it into "
                                    "smaller files."]
