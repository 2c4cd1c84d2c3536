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
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from scsp.spreadsheets import safe_cell

#: The quarterly report's tables: (file-name slug, title), in the report's order.
QUARTERLY_TABLES = {
    "about": gettext_lazy("About this report"),
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
    "impact": gettext_lazy("Impact reviews"),
    "impact-agencies": gettext_lazy("Impact ratings by agency"),
    "impact-themes": gettext_lazy("Impact ratings by theme"),
    "impact-recurred": gettext_lazy("Themes recurring after sign-off"),
    "actions": gettext_lazy("Actions at the report date"),
}


#: Sheet names for titles longer than Excel's 31 characters (never cut mid-word).
SHEET_NAMES = {
    "headline": gettext_lazy("Change since last quarter"),
    "late-audits": gettext_lazy("Audits not presented"),
}

CLASSIFICATION = "OFFICIAL-SENSITIVE"


@dataclass(frozen=True)
class Percent:
    """A whole-number percentage: ``50%`` in a CSV, the number 0.5 shown as 50% in Excel."""

    value: int

    def __str__(self) -> str:
        return f"{self.value}%"


@dataclass
class Table:
    """One table of a report: its file-name slug, its title and its rows."""

    slug: str
    title: str
    headings: list[str]
    rows: list[list]
    sheet: str = ""

    @property
    def sheet_title(self) -> str:
        """Excel allows 31 characters and no ``[]:*?/\\``: a short name of its own when the
        title is longer."""
        name = self.sheet or str(SHEET_NAMES.get(self.slug, "")) or self.title
        cleaned = "".join(ch for ch in name if ch not in "[]:*?/\\")
        return cleaned[:31]


def _ynd(value: bool) -> str:
    return _("Yes") if value else _("No")


def quarterly_tables(report) -> list[Table]:
    """Every table of the quarterly report, in the order the report shows them."""
    h, f = report.headline, report.figures
    q, prev = report.quarter, report.previous
    tables = [
        about_table(report),
        Table("headline", str(QUARTERLY_TABLES["headline"]),
              [_("Figure"), q.label, prev.label, _("Change"), _("Change (number)")],
              [[c.label, _num(c.now, c.is_percent), _num(c.before, c.is_percent), c.change_words,
                c.change] for c in report.changes]),
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
    if report.impact is not None:
        tables += impact_tables(report.impact)
    return tables


def impact_tables(impact) -> list[Table]:
    """The "Impact" section: the counts, ratings by agency and by theme, and the themes that
    recurred after their actions were signed off."""
    ratings = impact.rating_labels
    return [
        Table("impact", str(QUARTERLY_TABLES["impact"]), [_("Impact reviews"), _("Number")],
              [[_("Due in the quarter"), impact.due],
               [_("Overdue at the report date"), impact.overdue],
               [_("Rated in the quarter"), impact.rated],
               [_("Marked no impact review needed (due in the quarter)"), impact.not_needed]]),
        Table("impact-agencies", str(QUARTERLY_TABLES["impact-agencies"]),
              [_("Agency"), *ratings], [[r.name, *r.cells] for r in impact.by_agency]),
        Table("impact-themes", str(QUARTERLY_TABLES["impact-themes"]),
              [_("Theme"), *ratings], [[r.name, *r.cells] for r in impact.by_theme]),
        Table("impact-recurred", str(QUARTERLY_TABLES["impact-recurred"]),
              [_("Theme"), _("Reviews and audits after sign-off"), _("Newest"),
               _("Newest date"), _("Actions signed off before it"), _("Newest actions")],
              [[r.theme, r.events_total,
                f"{r.events[0].kind} {r.events[0].reference}", r.events[0].day,
                r.actions_total,
                "; ".join(f"{a.reference} ({a.day:%d %b %Y})" for a in r.actions)]
               for r in impact.recurred]),
    ]


def action_table(rows) -> Table:
    """The actions behind the plan and agency tables, each as it stood at the report's
    moment."""
    return Table(
        "actions", str(QUARTERLY_TABLES["actions"]),
        [_("Reference"), _("Plan"), _("Lead agency"), _("Status"), _("Target date"),
         _("Original target date"), _("Slippage (days)"), _("RAG"), _("Completed on"),
         _("Completed late"), _("Signed off"), _("Evidence of impact")],
        [[r.reference, r.plan, r.agency, r.status_label, r.target_date, r.original_target_date,
          r.slippage_days, r.rag_word, r.completed_on, _ynd(r.completed_late),
          _when(r.signed_off_at), _ynd(r.has_impact)]
         for r in rows])


def _when(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _num(value, is_percent: bool):
    if value is None:
        return None
    return Percent(value) if is_percent else value


def about_table(report) -> Table:
    """What the report is, its classification, whether it is final, the chair's commentary
    and the key to agency abbreviations: the workbook's first sheet."""
    commentary = report.commentary
    rows = [
        [_("Partnership"), "Sandwell Children's Safeguarding Partnership"],
        [_("Report"), _("Quarterly progress report: %(q)s") % {"q": report.quarter.label}],
        [_("Quarter"), report.quarter.months_label],
        [_("Figures as at"), report.asat.day],
        [_("Status"), _("PROVISIONAL: the quarter has not ended; the figures will change.")
         if report.provisional else _("Final: the figures are fixed at the quarter's end.")],
        [_("Classification"), _("%(c)s: children are identified only by pseudonym and case "
                                "reference. Do not share beyond the partnership board.")
         % {"c": CLASSIFICATION}],
        [_("Chair's commentary"), commentary.text if commentary else
         _("The chair has not written a commentary on this quarter.")],
    ]
    if commentary:
        rows.append([_("Commentary by"), f"{commentary.updated_by.full_name}"])
    rows += [[_("Agency: %(short)s") % {"short": short}, name]
             for short, name in report.agency_key]
    return Table("about", str(QUARTERLY_TABLES["about"]), [_("Item"), _("Detail")], rows)


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
    if isinstance(value, Percent):
        return str(value)
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


#: Excel number formats by the kind of value (write-only cells carry their own).
DATE_FORMAT, DATETIME_FORMAT, PERCENT_FORMAT, INTEGER_FORMAT = (
    "d mmm yyyy", "d mmm yyyy hh:mm", "0%", "#,##0")


def _xlsx_cell(sheet, value):
    """A typed cell: numbers, percentages and dates stay numbers and dates, with a format."""
    value = safe_cell(value)
    if isinstance(value, Percent):
        cell = WriteOnlyCell(sheet, value=value.value / 100)
        cell.number_format = PERCENT_FORMAT
    elif isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
    elif isinstance(value, bool) or not isinstance(value, int | float):
        return value
    else:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = INTEGER_FORMAT if isinstance(value, int) else "0.0"
    return cell


def _mark(sheet, *, title: str, provisional: bool) -> None:
    """OFFICIAL-SENSITIVE in every printed page's header and footer (and PROVISIONAL)."""
    for header, footer in ((sheet.oddHeader, sheet.oddFooter),
                           (sheet.evenHeader, sheet.evenFooter),
                           (sheet.firstHeader, sheet.firstFooter)):
        header.center.text = CLASSIFICATION
        header.center.font = "Arial,Bold"
        if provisional:
            header.right.text = str(_("PROVISIONAL"))
        footer.left.text = title[:80]
        footer.center.text = f"{CLASSIFICATION} · Page &P of &N"


def xlsx_bytes(tables: list[Table], *, title: str,
               progress: Callable[[int], None] | None = None, provisional: bool = False,
               subject: str = "") -> bytes:
    """One sheet per table, headings in bold, the first row frozen; numbers, percentages and
    dates stay numbers and dates, with formats. Every sheet is marked OFFICIAL-SENSITIVE in its
    header and footer (and PROVISIONAL for an unfinished period), as are the document's
    properties."""
    workbook = Workbook(write_only=True)
    props = workbook.properties
    props.title, props.subject = title, subject or title
    props.creator = "SCSP Reviews"
    props.keywords = CLASSIFICATION + (" PROVISIONAL" if provisional else "")
    props.category = CLASSIFICATION
    props.description = (f"{CLASSIFICATION}. " + (str(_("PROVISIONAL: the period has not "
                                                          "ended; the figures will change."))
                                                  if provisional else ""))
    workbook.custom_doc_props.append(StringProperty(name="Classification", value=CLASSIFICATION))
    workbook.custom_doc_props.append(StringProperty(
        name="Status", value="Provisional" if provisional else "Final"))
    bold = Font(bold=True)
    used: set[str] = set()
    for index, table in enumerate(tables, start=1):
        name = table.sheet_title or f"Table {index}"
        while name in used:
            name = f"{name[:28]} {index}"
        used.add(name)
        sheet = workbook.create_sheet(title=name)
        _mark(sheet, title=title, provisional=provisional)
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
            sheet.append([_xlsx_cell(sheet, v) for v in row])
        if progress:
            progress(index * 100 // len(tables))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
