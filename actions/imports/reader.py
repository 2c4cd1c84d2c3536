"""A spreadsheet's rows as cells, whatever state the spreadsheet is in.

* XLSX through openpyxl (which parses the XML with defusedxml): the first sheet whose first
  :data:`HEADER_SEARCH_ROWS` rows hold the required headings; title rows above them are
  skipped. A **merged** block counts as holding its top-left value in every cell (a plan
  title merged down its actions' rows belongs to each of them). A **formula** is not read
  (its result may be stale or missing): the cell is reported.
* CSV through ``csv``: UTF-8 (with or without Excel's byte-order mark), else Windows-1252 as
  Excel saves "CSV" in the UK; commas, semicolons or tabs.
* Row numbers are the spreadsheet's own (what Excel shows); columns are named by heading and
  letter.

Nothing here knows what a value means: :mod:`actions.imports.check` does.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from actions.imports.columns import BY_KEY, REQUIRED_HEADINGS, column_for

HEADER_SEARCH_ROWS = 20
#: Data rows (blank ones not counted) a file may have; more is a file to split.
MAX_ROWS = 2_000
#: The last sheet row read at all (blank rows between actions included).
MAX_SCAN = 10_000


class FileProblem(Exception):
    """The file as a whole cannot be read as an import (no headings, unreadable, too long)."""


@dataclass
class Cell:
    value: object  # str, int, float, bool, datetime or None
    merged: bool = False  # carried from the top-left cell of a merged block
    formula: bool = False


@dataclass
class Row:
    number: int
    cells: dict[str, Cell]

    def is_blank(self) -> bool:
        """Nothing typed in it: empty, or only values carried from merged blocks above."""
        return all(c.merged or _empty(c.value) for c in self.cells.values())


@dataclass
class Sheet:
    name: str
    #: column key -> (letter, heading as written in the file)
    columns: dict[str, tuple[str, str]]
    rows: list[Row]
    ignored: list[str] = field(default_factory=list)
    #: The workbook's date system (Excel's 1900 or the Mac's 1904), for serial numbers.
    epoch: dt.datetime | None = None


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.replace("\xa0", " ").strip())


def _headings(values: list) -> tuple[dict[str, tuple[str, str]], list[str], list[str]]:
    """From a row of values: column key -> (letter, heading), the headings not used, and
    headings given twice."""
    columns, ignored, twice = {}, [], []
    for index, value in enumerate(values, start=1):
        if _empty(value):
            continue
        key = column_for(value)
        heading = " ".join(str(value).split())
        if key is None:
            ignored.append(heading)
        elif key in columns:
            twice.append(heading)
        else:
            columns[key] = (get_column_letter(index), heading)
    return columns, ignored, twice


def _missing(columns) -> list[str]:
    return [BY_KEY[k].heading for k in REQUIRED_HEADINGS if k not in columns]


def _no_headings(found_missing: list[str] | None) -> FileProblem:
    if found_missing:
        return FileProblem(_("The file has no column for: %(names)s. Add them (see the "
                             "template) and upload it again.") % {
            "names": ", ".join(found_missing)})
    return FileProblem(_(
        "We could not find the column headings. The row of headings must include “Plan "
        "reference”, “Action reference”, “Action”, “Success measure”, “Lead agency”, “Lead "
        "officer” and “Target date”, within the first %(n)s rows. Start from the template.")
        % {"n": HEADER_SEARCH_ROWS})


def _sheet(name, grid_rows, header_index, columns, ignored, twice, epoch=None) -> Sheet:
    if twice:
        raise FileProblem(_("These headings appear more than once: %(names)s. Keep one of "
                            "each.") % {"names": ", ".join(twice)})
    rows, counted = [], 0
    for number, cells in grid_rows:
        if number <= header_index:
            continue
        row = Row(number, {key: cells.get(letter, Cell(None))
                           for key, (letter, _heading) in columns.items()})
        if not row.is_blank():
            counted += 1
            if counted > MAX_ROWS:
                raise FileProblem(_("The file has more than %(n)s rows of actions. Split it "
                                    "into smaller files.") % {"n": f"{MAX_ROWS:,}"})
        rows.append(row)
    while rows and rows[-1].is_blank():
        rows.pop()
    return Sheet(name, columns, rows, ignored, epoch)


# --- XLSX -------------------------------------------------------------------------------------

def read_xlsx(content: bytes) -> Sheet:
    try:
        book = load_workbook(io.BytesIO(content), data_only=False, read_only=False)
    except Exception as exc:  # noqa: BLE001 - any failure to open is the same answer
        raise FileProblem(_("The workbook could not be opened. Save it again as an Excel "
                            "workbook (.xlsx) and upload it again.")) from exc
    best_missing = None
    for ws in book.worksheets:
        for header_index, values in enumerate(
                ws.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS, values_only=True), start=1):
            columns, ignored, twice = _headings(list(values))
            missing = _missing(columns)
            if not missing:
                return _sheet(ws.title, _xlsx_rows(ws, columns), header_index, columns,
                              ignored, twice, book.epoch)
            if len(columns) >= 3 and (best_missing is None or len(missing) < len(best_missing)):
                best_missing = missing
    raise _no_headings(best_missing)


def _xlsx_rows(ws, columns):
    """(row number, {letter: Cell}) for every row up to the last one holding a value. Read
    from the sheet's own cell store, so empty rows that only carry formatting (a whole column
    formatted to row 1,048,576) cost nothing and no cell is created."""
    wanted = {letter: column_index_from_string(letter) for letter, _h in columns.values()}
    store = ws._cells  # (row, column) -> cell; openpyxl keeps only the cells in the file
    carried = {}
    for block in ws.merged_cells.ranges:
        top_left = store.get((block.min_row, block.min_col))
        if top_left is None or top_left.value is None:
            continue
        for r in range(block.min_row, min(block.max_row, MAX_SCAN) + 1):
            for letter, c in wanted.items():
                if block.min_col <= c <= block.max_col and (r, c) != (block.min_row,
                                                                      block.min_col):
                    carried[(r, letter)] = Cell(top_left.value, merged=True,
                                                formula=top_left.data_type == "f")
    last = max((r for (r, c), cell in store.items() if cell.value is not None and c in
                wanted.values()), default=0)
    last = max([last, *(r for r, _l in carried)])
    if last > MAX_SCAN:
        raise FileProblem(_("The sheet has values past row %(n)s. Split it into smaller "
                            "files.") % {"n": f"{MAX_SCAN:,}"})
    for number in range(1, last + 1):
        cells = {}
        for letter, c in wanted.items():
            if (number, letter) in carried:
                cells[letter] = carried[(number, letter)]
                continue
            cell = store.get((number, c))
            cells[letter] = (Cell(None) if cell is None
                             else Cell(cell.value, formula=cell.data_type == "f"))
        yield number, cells


# --- CSV --------------------------------------------------------------------------------------

def decode_csv(content: bytes) -> str:
    """The text of a CSV file: UTF-8 (Excel's "CSV UTF-8" has a byte-order mark), else
    Windows-1252 ("CSV (Comma delimited)" from Excel in the UK)."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise FileProblem(_("The file's characters could not be read. In Excel, save it as "
                            "“CSV UTF-8” and upload it again.")) from exc


def read_csv(content: bytes) -> Sheet:
    text = decode_csv(content)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        raise FileProblem(_("The file is not a CSV file we can read (%(why)s).") % {
            "why": exc}) from exc
    best_missing = None
    for header_index, values in enumerate(records[:HEADER_SEARCH_ROWS], start=1):
        columns, ignored, twice = _headings(values)
        missing = _missing(columns)
        if not missing:
            grid = (
                (number, {get_column_letter(i): Cell(v) for i, v in enumerate(rec, start=1)})
                for number, rec in enumerate(records, start=1))
            return _sheet("CSV", grid, header_index, columns, ignored, twice)
        if len(columns) >= 3 and (best_missing is None or len(missing) < len(best_missing)):
            best_missing = missing
    raise _no_headings(best_missing)


def read(content: bytes, kind: str) -> Sheet:
    """The rows of an import file of ``kind`` ("xlsx" or "csv"). Raises :class:`FileProblem`."""
    return read_xlsx(content) if kind == "xlsx" else read_csv(content)
