"""Issue 16's spreadsheet import in a real browser, with axe (WCAG 2.2 AA), reflow and focus
checks on every page: the co-ordinator downloads the template, uploads the business unit's
messy tracker, reads the problems by row and column, uploads the corrected file, reads the
check, imports it and finds the plans."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from actions.models import Action, ActionPlan
from tests.actions.import_files import messy_workbook

pytestmark = pytest.mark.browser


def test_import_a_messy_tracker(journey, coordinator, wmp_officer, health_officer, tmp_path):
    page = journey.page
    journey.sign_in(coordinator)
    journey.goto("/actions/plans/")
    page.get_by_role("link", name="Import from a spreadsheet").click()
    journey.check()
    assert page.locator("h1").inner_text() == "Import action plans from a spreadsheet"
    journey.screenshot("import-00-start")

    # 1. The template, with its sheet explaining each column.
    with page.expect_download() as info:
        page.get_by_role("link", name="Template as an Excel workbook").click()
    book = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))  # noqa: SIM115
    assert book.sheetnames == ["Actions", "How to fill it in", "Lists"]

    # 2. The messy tracker: nothing saved, every problem named by row and column.
    messy = tmp_path / "tracker 2022-23.xlsx"
    messy.write_bytes(messy_workbook())
    page.get_by_label("Spreadsheet of action plans").set_input_files(str(messy))
    page.get_by_role("button", name="Upload and check").click()
    journey.check()
    journey.screenshot("import-01-problems")
    problems = page.get_by_role("alert").inner_text()
    assert "4 problems to correct before anything can be imported" in problems
    assert "Row 6, Lead agency (column I): There is no agency called “West Mids Police”" in (
        problems)
    assert "Row 9, Action reference (column F): Action 1 of plan OF-2022 is also on row 8." in (
        problems)
    assert page.get_by_role("button", name="Import").count() == 0
    assert ActionPlan.objects.count() == 0
    page.get_by_role("link", name="Row 8, Target date (column K)").click()
    assert page.url.endswith("#row-8")

    # 3. The corrected file: the check, then Import.
    page.get_by_role("link", name="Upload a corrected file").click()
    journey.check()
    fixed = tmp_path / "tracker 2022-23 corrected.xlsx"
    fixed.write_bytes(messy_workbook(fixed=True))
    page.get_by_label("Spreadsheet of action plans").set_input_files(str(fixed))
    page.get_by_role("button", name="Upload and check").click()
    journey.check()
    journey.screenshot("import-02-check")
    assert "5 actions to add (in 2 new plans)" in page.locator("main").inner_text()
    assert ActionPlan.objects.count() == 0
    page.get_by_role("button", name="Import 5 actions").click()
    journey.check()
    journey.screenshot("import-03-imported")
    assert "Imported from tracker 2022-23 corrected.xlsx: 5 actions added, in 2 new plans." in (
        page.locator(".alert").first.inner_text())
    assert Action.objects.count() == 5

    # 4. The plans, marked as entered after the event.
    page.get_by_role("link", name="See the action plans").click()
    journey.check()
    page.get_by_role("link", name="AP-2022-001").click()
    journey.check()
    journey.screenshot("import-04-plan")
    main = page.locator("main").inner_text()
    assert "Rapid Review: Child H" in main
    assert "Imported from a spreadsheet, where its reference is “RR-2022-03”." in main
