"""The import template people download: an XLSX with the headings (drop-down lists for origin
and status, date columns formatted dd/mm/yyyy) and a second sheet explaining every column, and
the same headings as CSV. Cells pass through ``scsp.spreadsheets.safe_cell``."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from actions.imports.columns import COLUMNS
from actions.imports.reader import MAX_ROWS
from actions.models import ActionStatus, OriginKind
from scsp.spreadsheets import csv_cell, safe_cell

SHEET, HELP_SHEET, LISTS_SHEET = "Actions", "How to fill it in", "Lists"
RULES = (
    "One row per action. Rows with the same plan reference make one plan.",
    "Merged cells count as holding their value in every cell they cover, so a plan title "
    "merged down its actions' rows belongs to each of them.",
    "Dates: 31/03/2023 (day/month/year), 2023-03-31, or an Excel date. Past target dates are "
    "allowed: imported records are marked as entered after the event, by you, today.",
    "Formulas are not read: paste values instead.",
    "Importing the same file again changes nothing: rows already imported are matched on the "
    "plan and action references. A row imported before that has changed since is reported as "
    "a conflict and blocks the import: change that action in SCSP Reviews instead.",
    "Nothing is saved until you have seen the check of every row and pressed Import; a file "
    "with any problem imports nothing.",
    f"At most {MAX_ROWS:,} rows of actions a file.",
)


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append([safe_cell(c.heading) for c in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet[f"{letter}1"].font = Font(bold=True)
        sheet.column_dimensions[letter].width = max(14, min(40, len(column.heading) + 6))
        if column.is_date:
            for row in range(2, 502):
                sheet[f"{letter}{row}"].number_format = "dd/mm/yyyy"
    sheet.freeze_panes = "A2"
    letters = {c.key: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
    # Drop-down lists for origin and status, from a hidden sheet (the words have commas, which
    # an inline list cannot hold). Typing is still allowed: the check accepts any case.
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    for list_column, (key, choices) in zip("AB", (("origin", OriginKind.choices),
                                                  ("status", ActionStatus.choices)), strict=True):
        words = [str(label) for _v, label in choices]
        for row, word in enumerate(words, start=1):
            lists[f"{list_column}{row}"] = safe_cell(word)
        rule = DataValidation(
            type="list", allow_blank=True, showErrorMessage=False,
            formula1=f"'{LISTS_SHEET}'!${list_column}$1:${list_column}${len(words)}")
        rule.add(f"{letters[key]}2:{letters[key]}{MAX_ROWS + 1}")
        sheet.add_data_validation(rule)
    helper = book.create_sheet(HELP_SHEET, 1)
    helper.append(["Column", "Heading", "Needed", "What it takes", "Example"])
    for cell in helper[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        helper.append([get_column_letter(index), safe_cell(column.heading),
                       safe_cell(str(column.required)), safe_cell(str(column.takes)),
                       safe_cell(column.example)])
    helper.append([])
    helper.append(["", "Rules"])
    helper.cell(helper.max_row, 2).font = Font(bold=True)
    for number, rule in enumerate(RULES, start=1):
        helper.append(["", f"Rule {number}", "", safe_cell(rule)])
    for letter, width in zip("ABCDE", (8, 24, 22, 80, 36), strict=True):
        helper.column_dimensions[letter].width = width
    for row in helper.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.properties.title = "SCSP Reviews: action plan import template"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_csv() -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow([csv_cell(c.heading) for c in COLUMNS])
    # With a byte-order mark, so Excel opens it as UTF-8.
    return out.getvalue().encode("utf-8-sig")
