"""The report's tables as rows, for CSV (one table per file) and Excel (one sheet per table).

Each table is built once here, from the same report object the page and the PDF show, so the
three always agree. Text that a spreadsheet would run as a formula is neutralised with
:func:`scsp.spreadsheets.safe_cell` (OWASP "CSV injection")."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from scsp.spreadsheets import safe_cell

#: The quarterly report's tables: (file-name slug, title), in the report's order.
QUARTERLY_TABLES = {
    "headline": gettext_lazy("Change since the previous quarter"),
    "notifications": gettext_lazy("Notifications"),
    "rapid-reviews": gettext_lazy("Rapid Reviews"),
    "practice-reviews": gettext_lazy("Practice reviews"),
    "referrals": gettext_lazy("Partner referrals"),
    "audits": gettext_lazy("Audits completed"),
    "late-audits": gettext_lazy("Single-agency audits not presented"),
    "plans": gettext_lazy("Action plans"),
    "agencies": gettext_lazy("Actions by agency"),
    "themes": gettext_lazy("Recurring learning themes"),
    "rag": gettext_lazy("RAG status of actions"),
    "actions": gettext_lazy("Actions at the report date"),
}


@dataclass
class Table:
    """One table of a report: its file-name slug, its title and its rows."""

    slug: str
    title: str
    headings: list[str]
    rows: list[list]

    @property
    def sheet_title(self) -> str:
        """Excel allows 31 characters and no ``[]:*?/\\``."""
        cleaned = "".join(ch for ch in self.title if ch not in "[]:*?/\\")
        return cleaned[:31]


def _ynd(value: bool) -> str:
    return _("Yes") if value else _("No")


def quarterly_tables(report) -> list[Table]:
    """Every table of the quarterly report, in the order the report shows them."""
    h, f = report.headline, report.figures
    q, prev = report.quarter, report.previous
    tables = [
        Table("headline", str(QUARTERLY_TABLES["headline"]),
              [_("Figure"), q.label, prev.label, _("Change")],
              [[c.label, _num(c.now, c.is_percent), _num(c.before, c.is_percent), c.change_words]
               for c in report.changes]),
        Table("notifications", str(QUARTERLY_TABLES["notifications"]),
              [_("Case"), _("Local authority aware"), _("Notified"), _("Due"), _("Working days"),
               _("Clock")],
              [[r.reference, r.became_aware, r.notified, r.due, r.working_days, r.status_label]
               for r in [*f.notified, *f.waiting]]),
        Table("rapid-reviews", str(QUARTERLY_TABLES["rapid-reviews"]),
              [_("Case"), _("Clock started"), _("Rapid Review panel met"),
               _("Rapid Review panel met on working day"), _("Sent to the National Panel"),
               _("Due"), _("Clock"), _("Decision")],
              [[r.reference, r.anchor, r.meeting, r.meeting_day, r.sent, r.due, r.status_label,
                r.decision] for r in f.rapid_reviews]),
        Table("practice-reviews", str(QUARTERLY_TABLES["practice-reviews"]),
              [_("Reference"), _("Kind"), _("Title"), _("Decision to start"), _("Last stage done"),
               _("Next stage"), _("Ratified"), _("Finished"), _("Status"), _("6-month target"),
               _("Ratified within 6 months")],
              [[r.reference, r.kind_label, r.title, r.decision_date, r.stage_done, r.next_stage,
                r.ratified_on, r.finished_on, r.state_label,
                r.clock["due"] if r.clock else None,
                r.clock["status_label"] if r.clock else ""] for r in f.reviews]),
        Table("referrals", str(QUARTERLY_TABLES["referrals"]),
              [_("Received"), _("No further action"), _("Learning briefing"),
               _("Spotlight Review"), _("Awaiting decision")],
              [[f.referrals.received, f.referrals.no_further_action,
                f.referrals.learning_briefing, f.referrals.spotlight, f.referrals.awaiting]]),
        Table("audits", str(QUARTERLY_TABLES["audits"]),
              [_("Reference"), _("Kind"), _("Title"), _("Agency"), _("Completed")],
              [[a.reference, a.kind_label, a.title, a.agency, a.completed_on] for a in f.audits]),
        Table("late-audits", str(QUARTERLY_TABLES["late-audits"]),
              [_("Reference"), _("Agency"), _("Month due"), _("Title")],
              [[a.reference, a.agency, a.month_due, a.title] for a in f.rota_late]),
        Table("plans", str(QUARTERLY_TABLES["plans"]),
              [_("Plan"), _("Title"), _("Origin"), _("Origin reference"), _("Actions"), _("Open"),
               _("Awaiting sign-off"), _("Completed in the quarter"),
               _("Signed off in the quarter"), _("Overdue"), _("Red"), _("Amber"), _("Green"),
               _("Blue"), _("Slipped"), _("Median slippage (days)")],
              [[p.reference, p.title, p.origin, p.origin_reference, p.figures.actions,
                p.figures.open, p.figures.awaiting, p.figures.completed, p.figures.signed_off,
                p.figures.overdue, p.figures.red, p.figures.amber, p.figures.green,
                p.figures.blue, p.figures.slipped, p.figures.median_slippage]
               for p in report.plans]),
        Table("agencies", str(QUARTERLY_TABLES["agencies"]),
              [_("Agency"), _("Short name"), _("Actions owned"), _("Open"), _("Overdue"),
               _("Overdue more than 3 months"), _("Completed in the quarter"),
               _("Updates in the quarter"), _("With evidence of impact")],
              [[a.name, a.short_name, a.figures.actions, a.figures.open, a.figures.overdue,
                a.figures.overdue_3m, a.figures.completed, a.figures.updates, a.figures.impact]
               for a in report.agencies]),
        Table("themes", str(QUARTERLY_TABLES["themes"]),
              [_("Theme"), _("Rapid Reviews (quarter)"), _("Practice reviews (quarter)"),
               _("Audits (quarter)"), _("Rapid Reviews (3 years)"),
               _("Practice reviews (3 years)"), _("Audits (3 years)"), _("Total (3 years)")],
              [[t.name, t.rapid_reviews_period, t.reviews_period, t.audits_period,
                t.rapid_reviews_years, t.reviews_years, t.audits_years, t.in_years]
               for t in report.themes]),
        Table("rag", str(QUARTERLY_TABLES["rag"]), [_("RAG"), _("Actions")],
              [[word, count] for _rag, word, count in h.actions.rag_split]),
    ]
    return tables


def action_table(rows) -> Table:
    """The actions behind the plan and agency tables, each as it stood at the report's
    moment."""
    return Table(
        "actions", str(QUARTERLY_TABLES["actions"]),
        [_("Reference"), _("Plan"), _("Lead agency"), _("Status"), _("Target date"),
         _("Original target date"), _("Slippage (days)"), _("RAG"), _("Completed on"),
         _("Signed off"), _("Evidence of impact")],
        [[r.reference, r.plan, r.agency, r.status_label, r.target_date, r.original_target_date,
          r.slippage_days, r.rag_word, r.completed_on, _when(r.signed_off_at), _ynd(r.has_impact)]
         for r in rows])


def _when(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _num(value, is_percent: bool):
    if value is None:
        return ""
    return f"{value}%" if is_percent else value


def annual_tables(figures, breakdowns) -> list[Table]:
    """The annual figures and the disproportionality tables (suppressed counts as ``[c]``)."""
    tables = [Table("figures", _("SLPR figures %(year)s") % {"year": figures.year.label},
                    [_("Figure"), _("Number"), _("Note")],
                    [[r.label, r.value, r.note] for r in figures.rows])]
    for b in breakdowns:
        tables.append(Table(
            b.slug, b.caption,
            [b.heading, _("Notifications"), _("Referrals"), _("All")],
            [[r.label, *[c.shown for c in r.cells]] for r in b.rows]
            + [[_("All children"), *[c.shown for c in b.totals]]]))
    return tables


# --- Writers ----------------------------------------------------------------------------------------




def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class _Echo:
    def write(self, value):
        return value


def csv_lines(table: Table) -> Iterable[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([safe_cell(h) for h in table.headings])
    for row in table.rows:
        yield writer.writerow([_text(safe_cell(v)) for v in row])


def csv_response(table: Table, filename: str) -> StreamingHttpResponse:
    """UTF-8 CSV with a byte-order mark (so Excel reads it right), never cached."""
    response = StreamingHttpResponse(csv_lines(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["Cache-Control"] = "no-store, private"
    return response


def xlsx_bytes(tables: list[Table], *, title: str,
               progress: Callable[[int], None] | None = None) -> bytes:
    """One sheet per table, headings in bold, the first row frozen; dates stay dates."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = title
    bold = Font(bold=True)
    used: set[str] = set()
    for index, table in enumerate(tables, start=1):
        name = table.sheet_title or f"Table {index}"
        while name in used:
            name = f"{name[:28]} {index}"
        used.add(name)
        sheet = workbook.create_sheet(title=name)
        for column, heading in enumerate(table.headings, start=1):
            width = max([len(str(heading))] + [len(_text(r[column - 1])) for r in table.rows[:200]])
            sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 10), 60)
        sheet.freeze_panes = "A2"
        header = []
        for heading in table.headings:
            cell = WriteOnlyCell(sheet, value=safe_cell(heading))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            sheet.append([safe_cell(v) for v in row])
        if progress:
            progress(index * 100 // len(tables))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

