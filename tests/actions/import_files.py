"""Spreadsheets for the import tests, built as a business unit's tracker really looks: a title
row above the headings, headings in odd case with trailing spaces, plan cells merged down
their actions, dates as text, as Excel serial numbers and as date cells, trailing spaces in
names, a column the import does not read, and a blank row."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook

HEADINGS = ["Plan reference ", "plan title", "Origin", "Date plan agreed", "Recommendation",
            "Action Ref", "Action", "Success measure", "Lead agency", "Lead officer",
            "Target date", "Status", "Completed on", "Evidence of completion", "RAG"]


def messy_rows(*, fixed: bool = False) -> list[list]:
    """The rows under the headings (sheet rows 4 to 9). ``fixed``: the problems corrected."""
    return [
        ["RR-2022-03", "Rapid Review: Child H", "Rapid Review", "14/06/2022",
         "Involve fathers in assessments. ", "1.1", "Brief response officers on fathers.",
         "Dip sample: fathers contacted in 8 of 10 cases.", "WMP ", "officer@wmp.test",
         dt.date(2022, 12, 31), "In progress", None, None, "Red"],
        ["RR-2022-03", None, None, None, "Involve fathers in assessments.", "1.2",
         "@risk: brief the night shift too", "Register shows every shift briefed.",
         "West Midlands Police", "Olive Officer  ", 45000, "Completed, awaiting sign-off",
         "15/03/2023", "Briefing register, 42 of 42.", "Green"],
        ["RR-2022-03", None, None, None, None, "1.3", "Share the learning with schools.",
         "Briefing sent to every school.",
         "West Midlands Police" if fixed else "West Mids Police", "officer@wmp.test",
         "2023-02-28", "In progress" if fixed else "Done", None, None, "Amber"],
        [None] * len(HEADINGS),
        ["OF-2022", "Ofsted ILACS 2022", "Ofsted inspection", None, None, "1",
         "Audit referrals from non-professionals.", "Audit: 9 of 10 referrals answered.",
         "SWBNHS", "Hana Health", "28/02/2023" if fixed else "31/02/2023", "Not started",
         None, None, ""],
        ["OF-2022", None, None, None, None, "2" if fixed else "1",
         "Train the front door team.", "Every front door worker trained.", "SWBNHS",
         "officer@swbnhs.test", "30/06/2027", "", None, None, ""],
    ]


def messy_workbook(*, fixed: bool = False) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Tracker 2022-23"
    sheet.append(["SCSP action tracker 2022-23 (OFFICIAL-SENSITIVE)"])
    sheet.merge_cells("A1:E1")
    sheet.append([])
    sheet.append(HEADINGS)
    for row in messy_rows(fixed=fixed):
        sheet.append(row)
    # The plan's title, origin and agreed date merged down its three actions (rows 4-6), as
    # trackers do; openpyxl empties the covered cells, as Excel does.
    for column in "BCD":
        sheet.merge_cells(f"{column}4:{column}6")
    sheet["K4"].number_format = "dd/mm/yyyy"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
