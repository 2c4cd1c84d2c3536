"""The audit trail as CSV: the access log and the change history (exactly the filtered rows,
streamed), and everything about one member of staff for a subject access request. Every cell
goes through ``scsp.spreadsheets.csv_cell`` (formula injection)."""

from __future__ import annotations

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from scsp.audit.names import type_name
from scsp.spreadsheets import csv_cell

ACCESS_HEADINGS = ["When", "Who", "E-mail", "Agency", "What happened", "Record type",
                   "Record id", "Reference", "Cases", "Detail", "Outcome", "Count", "Address",
                   "Page", "Request ID"]
CHANGE_HEADINGS = ["When", "Who", "Record type", "Record id", "Reference", "Record", "Cases",
                   "Change", "Field", "Before", "After", "Reason"]


class _Echo:
    def write(self, value):
        return value


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def _stream(headings, rows, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(headings)
        for row in rows:
            yield writer.writerow([csv_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def outcome(event) -> str:
    if event.kind != event.Kind.REFUSED:
        return _("Allowed")
    return _("Refused (%(status)s)") % {"status": event.status} if event.status else _("Refused")


def access_rows(events):
    names: dict[str, str] = {}
    for e in events.select_related("user", "agency").iterator(chunk_size=2000):
        if e.object_type not in names:
            names[e.object_type] = type_name(e.object_type)
        yield [_when(e.at), e.user.full_name if e.user else _("Anonymous"),
               e.user.email if e.user else "", e.agency.short_name if e.agency else "",
               e.kind_name, names[e.object_type], e.object_id, e.label,
               " ".join(e.cases), e.detail, outcome(e), e.count, e.ip_address or "", e.path,
               e.request_id]


def change_rows(changes):
    names: dict[str, str] = {}
    for c in changes.select_related("user").iterator(chunk_size=2000):
        if c.model_label not in names:
            names[c.model_label] = type_name(c.model_label)
        head = [_when(c.at), c.user.full_name if c.user else _("System"), names[c.model_label],
                c.object_id, c.reference, c.label, " ".join(c.cases), c.get_history_type_display()]
        if not c.changes:
            yield [*head, "", "", "", c.reason]
        for _name, label, before, after in c.changes:
            yield [*head, label, before, after, c.reason]


def access_log_csv(events, filename: str) -> StreamingHttpResponse:
    return _stream(ACCESS_HEADINGS, access_rows(events), filename)


def change_history_csv(changes, filename: str) -> StreamingHttpResponse:
    return _stream(CHANGE_HEADINGS, change_rows(changes), filename)


def person_records_csv(person, led, changes, events, filename: str) -> StreamingHttpResponse:
    """One person's records for a subject access request: what they lead, then every change
    they made, then every access event of theirs, each section under its heading row."""

    def rows():
        yield [_("What they lead or own")]
        yield ["Type", "Reference", "Title", "Since"]
        for item in led:
            yield [item.kind, item.reference, item.title,
                   item.since.isoformat() if item.since else ""]
        yield []
        yield [_("Changes they made")]
        yield CHANGE_HEADINGS
        yield from change_rows(changes)
        yield []
        yield [_("What they viewed, downloaded, exported, and their sign-ins")]
        yield ACCESS_HEADINGS
        yield from access_rows(events)

    return _stream([_("Records about %(name)s (%(email)s)") % {
        "name": person.full_name, "email": person.email}], rows(), filename)
