"""Every write of the reports app: the chair's commentary, and the PDF and Excel exports made
in the background.

An export is asked for by a web request (:func:`export_request`, which queues a task once the
request's transaction commits and never waits on the broker) and made by a worker
(:func:`export_generate`). The worker records its progress as it goes, so the page that waits
can show it; a failure is recorded with what went wrong, and the person can try again.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import QuarterCommentary, ReportExport
from reports.quarters import Quarter
from scsp.emails import enqueue_on_commit
from scsp.permissions import Ability, may, require

log = logging.getLogger(__name__)

COMMENTARY_MAX_CHARS = 10_000


@transaction.atomic
def commentary_save(*, by, quarter: Quarter, text: str, now: dt.datetime | None = None
                    ) -> QuarterCommentary:
    """Save the chair's commentary on ``quarter`` (creating or replacing it; every version
    stays in the history). Returns the commentary.

    Raises ``PermissionDenied`` unless ``by`` is the chair, and ``ValidationError`` (on
    ``text``) when it is empty or too long."""
    require(by, Ability.WRITE_COMMENTARY, _("Only the chair writes the chair's commentary."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the commentary, or leave the page without "
                                         "saving.")})
    if len(text) > COMMENTARY_MAX_CHARS:
        raise ValidationError({"text": _("Keep the commentary under %(n)s characters.")
                               % {"n": f"{COMMENTARY_MAX_CHARS:,}"}})
    now = now or timezone.now()
    commentary = (QuarterCommentary.objects.select_for_update()
                  .filter(year=quarter.year, quarter=quarter.number).first())
    if commentary is None:
        commentary = QuarterCommentary(year=quarter.year, quarter=quarter.number)
    commentary.text = text
    commentary.updated_by = by
    commentary.updated_at = now
    commentary._history_user = by
    commentary.save()
    return commentary


def _enqueue(export: ReportExport) -> None:
    from reports.tasks import export_generate_task

    enqueue_on_commit(export_generate_task, export.pk)


@transaction.atomic
def export_request(*, by, quarter: Quarter, format: str, today: dt.date) -> ReportExport:
    """Ask for ``quarter``'s report as a PDF or Excel workbook. The file is made by a
    background task queued when the transaction commits (in development, with Celery eager,
    it is made there and then). Returns the export.

    Raises ``PermissionDenied`` unless ``by`` may export reports, and ``ValidationError`` for
    an unknown format or a quarter that has not started."""
    require(by, Ability.EXPORT_REPORTS, _("Only the chair and the co-ordinator download reports."))
    if format not in ReportExport.Format.values:
        raise ValidationError(_("Choose PDF or Excel."))
    if not quarter.has_started(today):
        raise ValidationError(_("%(q)s has not started yet.") % {"q": quarter.label})
    export = ReportExport.objects.create(
        requested_by=by, year=quarter.year, quarter=quarter.number, format=format,
        step=_("in the queue"),
    )
    _enqueue(export)
    return export


@transaction.atomic
def export_retry(*, by, export: ReportExport, now: dt.datetime | None = None) -> ReportExport:
    """Start a failed export again, or one whose worker was lost (queued or running for far
    longer than any run takes). Returns the export.

    Raises ``PermissionDenied`` unless it is ``by``'s own export and they may still export,
    and ``ValidationError`` when it is running normally or done."""
    now = now or timezone.now()
    if not may(by, Ability.EXPORT_REPORTS) or export.requested_by_id != by.pk:
        raise PermissionDenied(_("You can only try your own downloads again."))
    export = ReportExport.objects.select_for_update().get(pk=export.pk)
    if not export.may_retry(now):
        raise ValidationError(_("This download is ready or still being made."))
    export.status = ReportExport.Status.QUEUED
    export.progress = 0
    export.step = _("in the queue")
    export.error = ""
    export.created_at = now
    export.started_at = export.finished_at = None
    export.save()
    _enqueue(export)
    return export


def _progress(export_id: int, percent: int, step: str) -> None:
    """Record progress in its own short write, so the waiting page sees it at once."""
    ReportExport.objects.filter(pk=export_id, status=ReportExport.Status.RUNNING).update(
        progress=min(max(percent, 0), 100), step=step[:120])


def _claim(export_id: int, now: dt.datetime) -> ReportExport | None:
    """Take the export for this run: a queued one, or one running so long its worker must
    have died. Returns it, or ``None`` when another run has it or it is finished."""
    export = ReportExport.objects.filter(pk=export_id).first()
    if export is None:
        return None
    if export.status == ReportExport.Status.RUNNING and not export.is_stale(now):
        return None
    if export.status not in (ReportExport.Status.QUEUED, ReportExport.Status.RUNNING):
        return None
    won = ReportExport.objects.filter(
        pk=export_id, status=export.status, attempts=export.attempts,
    ).update(status=ReportExport.Status.RUNNING, started_at=now, progress=5,
             step=_("Starting"), attempts=export.attempts + 1, error="")
    if not won:
        return None
    export.refresh_from_db()
    return export


def export_generate(*, export_id: int, today: dt.date | None = None,
                    now: dt.datetime | None = None) -> ReportExport | None:
    """Make the file of one export (what the background task runs). Idempotent: an export
    that another run holds, or that is finished, is left alone. Returns the export, or
    ``None`` when there was nothing to do.

    Not one transaction: each step is its own short write, so the progress is visible while
    the figures are worked out and the PDF is drawn, and no lock is held meanwhile. Any
    failure is recorded on the export (and logged) instead of being raised."""
    from reports import exports, selectors
    from scsp.pdf import render_pdf
    from scsp.workdays import calendar

    now = now or timezone.now()
    today = today or timezone.localdate()
    export = _claim(export_id, now)
    if export is None:
        return None
    try:
        user = export.requested_by
        if not may(user, Ability.EXPORT_REPORTS):
            raise PermissionDenied(_("%(name)s may no longer download reports.")
                                   % {"name": user.full_name})
        quarter = export.period
        _progress(export.pk, 15, _("Working out the figures"))
        report = selectors.quarterly_report(user, quarter, today=today, now=now, cal=calendar())
        if export.format == ReportExport.Format.PDF:
            _progress(export.pk, 45, _("Drawing the charts and laying out the pages"))
            content = render_pdf("reports/pdf/quarterly.html",
                                 {"report": report, "title": _("Quarterly progress report: "
                                                               "%(q)s") % {"q": quarter.label},
                                  "produced": now, "pdf": True})
        else:
            _progress(export.pk, 35, _("Listing the actions"))
            tables = exports.quarterly_tables(report)
            tables.append(exports.action_table(selectors.action_rows(user, report.asat)))
            _progress(export.pk, 55, _("Writing the workbook"))
            content = exports.xlsx_bytes(
                tables, title=_("Quarterly progress report %(q)s") % {"q": quarter.label},
                provisional=report.provisional,
                progress=lambda p: _progress(export.pk, 55 + p * 35 // 100,
                                             _("Writing the workbook")))
        _progress(export.pk, 95, _("Saving the file"))
        with transaction.atomic():
            locked = ReportExport.objects.select_for_update().get(pk=export.pk)
            locked.file.save(export_upload_name(locked), ContentFile(content), save=False)
            locked.size = len(content)
            locked.status = ReportExport.Status.DONE
            locked.progress = 100
            locked.step = _("Ready")
            locked.finished_at = timezone.now()
            locked.save()
        return locked
    except Exception as exc:  # noqa: BLE001 - every failure is shown to the person, with a retry
        log.exception("report export %s failed", export.pk)
        if isinstance(exc, ValidationError):
            message = " ".join(exc.messages)
        elif isinstance(exc, PermissionDenied):
            message = str(exc)
        else:
            message = _("Something went wrong while making the file (%(kind)s). Try again; if "
                        "it fails again, tell the business unit.") % {"kind": type(exc).__name__}
        ReportExport.objects.filter(pk=export.pk).update(
            status=ReportExport.Status.FAILED, error=message[:2000], step=_("Failed"),
            finished_at=timezone.now())
        export.refresh_from_db()
        return export


def export_upload_name(export: ReportExport) -> str:
    """The name handed to storage; ``upload_to`` replaces it with a random one."""
    return export.download_name()


def exports_purge(*, now: dt.datetime | None = None, keep_days: int | None = None) -> int:
    """Delete report exports (the file in private storage, then the row) made more than
    ``settings.REPORT_EXPORT_KEEP_DAYS`` days ago and no longer running. The files are
    OFFICIAL-SENSITIVE board packs; the chair makes a new one in a minute, and who made and
    downloaded each stays in the access log. Run daily by beat (``reports.tasks``). Returns
    how many were deleted. A file already missing is not an error."""
    now = now or timezone.now()
    keep = settings.REPORT_EXPORT_KEEP_DAYS if keep_days is None else keep_days
    old = ReportExport.objects.filter(created_at__lt=now - dt.timedelta(days=keep))
    deleted = 0
    for export in old.iterator():
        if not (export.is_finished or export.is_stale(now)):
            continue  # a run still going: next time
        if export.file:
            export.file.delete(save=False)
        export.delete()
        deleted += 1
    if deleted:
        log.info("deleted %d report exports older than %d days", deleted, keep)
    return deleted
