"""CSV and Excel downloads of an action list: exactly the rows of the filtered, scoped list
the person is looking at (all pages), in the columns of a partnership action tracker.

Every cell goes through :func:`scsp.spreadsheets.safe_cell` (formula injection)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from actions.models import Action, ActionStatus, OriginKind, Rag
from scsp.spreadsheets import safe_cell

CHUNK = 2000
RAG_WORDS = {r.value: r.label.split(":")[0] for r in Rag}


def _when(value: dt.datetime | None):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


#: (heading, value of one action). Dates stay dates so Excel can sort and filter them.
COLUMNS: list[tuple[str, Callable[[Action], object]]] = [
    ("Reference", lambda a: a.reference),
    ("Title", lambda a: a.title),
    ("Plan reference", lambda a: a.plan.reference),
    ("Plan", lambda a: a.plan.title),
    ("Plan origin", lambda a: LABELS["origin"][a.plan.origin_kind]),
    ("Origin reference", lambda a: a.plan.origin_reference),
    ("Recommendation", lambda a: a.recommendation.text if a.recommendation else ""),
    ("Action", lambda a: a.description),
    ("Success measure", lambda a: a.success_measure),
    ("Lead agency", lambda a: a.lead_agency.short_name),
    ("Lead officer", lambda a: a.lead_officer.full_name),
    ("Learning themes", lambda a: "; ".join(t.name for t in a.theme_list)),
    ("Original target date", lambda a: a.original_target_date),
    ("Target date", lambda a: a.target_date),
    ("Slippage (days)", lambda a: a.slippage_days()),
    ("Status", lambda a: LABELS["status"][a.status]),
    ("RAG", lambda a: RAG_WORDS[a.current_rag]),
    ("At risk", lambda a: "Yes" if a.at_risk else "No"),
    ("Blocked", lambda a: "Yes" if a.blocked else "No"),
    ("Last progress update", lambda a: _when(a.last_update_at)),
    ("Evidence of completion", lambda a: a.completion_evidence),
    ("Completed on", lambda a: a.completed_on),
    ("Completed late", lambda a: "Yes" if a.completed_late else "No"),
    ("Signed off by", lambda a: a.signed_off_by.full_name if a.signed_off_by else ""),
    ("Signed off at", lambda a: _when(a.signed_off_at)),
    ("Evidence of impact", lambda a: a.impact_evidence),
    ("Reason closed without completion", lambda a: a.closed_reason),
]
HEADINGS = [heading for heading, _value in COLUMNS]


#: Choice labels, resolved once per export: ``get_FOO_display`` on translated choices costs
#: more than everything else in a row put together.
LABELS: dict[str, dict[str, str]] = {}


def rows(actions) -> Iterator[list]:
    """One list of cell values per action, in :data:`COLUMNS` order."""
    LABELS["origin"] = {value: str(label) for value, label in OriginKind.choices}
    LABELS["status"] = {value: str(label) for value, label in ActionStatus.choices}
    for action in actions.iterator(chunk_size=CHUNK):
        yield [safe_cell(value(action)) for _heading, value in COLUMNS]


class _Echo:
    def write(self, value):
        return value


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def csv_response(actions, filename: str) -> StreamingHttpResponse:
    """Stream the list as UTF-8 CSV (with a byte-order mark, so Excel reads it right)."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(HEADINGS)
        for row in rows(actions):
            yield writer.writerow([_csv_text(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_bytes(actions, *, title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or _("Actions"))
    widths = [14, 30, 14, 30, 18, 16, 40, 50, 40, 12, 20, 24, 12, 12, 10, 24, 8, 8, 8, 16, 40, 12,
              10, 20, 16, 40, 30]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(HEADINGS)
    for row in rows(actions):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(actions, filename: str, *, title: str) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(actions, title=title),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
