"""What the reports app stores: the chair's commentary on each quarter, and the PDF and Excel
exports made in the background.

Everything else in a report is computed from the other apps' records when it is asked for;
nothing here copies their figures.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reports.quarters import FIRST_YEAR, LAST_YEAR, Quarter
from scsp.permissions import Ability, may

#: An export still queued or running after this long is taken to have been lost (its worker
#: died or the broker was down) and may be started again. Longer than the task time limit.
STALE_AFTER = dt.timedelta(minutes=15)


# Who reads, downloads and comments is the role table's (``scsp.permissions``):
# ``Ability.READ_REPORTS`` (the business unit, the chair and the scrutineer: the reports cover
# every agency, so agency staff see their own agency's figures on their home page instead),
# ``Ability.EXPORT_REPORTS`` (the chair, who takes them to the board, and the co-ordinator, who
# prepares them; the scrutineer reads them in the browser) and ``Ability.WRITE_COMMENTARY``
# (the chair).


class QuarterCommentaryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if may(user, Ability.READ_REPORTS) else self.none()

    def editable_by(self, user):
        return self if may(user, Ability.WRITE_COMMENTARY) else self.none()


class QuarterCommentary(models.Model):
    """The chair's commentary on one quarter, printed with its report. Every version is kept
    in the history."""

    year = models.PositiveSmallIntegerField(_("financial year (starting year)"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    text = models.TextField(_("commentary"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="report_commentaries",
        verbose_name=_("written by"),
    )
    updated_at = models.DateTimeField(_("saved"), default=timezone.now)

    history = HistoricalRecords()
    objects = QuarterCommentaryQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-quarter"]
        verbose_name = _("chair's commentary")
        verbose_name_plural = _("chair's commentaries")
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="one_commentary_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1) & Q(quarter__lte=4),
                                   name="commentary_quarter_1_to_4"),
            models.CheckConstraint(condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR),
                                   name="commentary_year_in_range"),
        ]

    def __str__(self):
        return f"{self.period}: {self.text[:60]}"

    @property
    def period(self) -> Quarter:
        return Quarter(self.year, self.quarter)

    @property
    def reference(self) -> str:
        """For the access log and the change history."""
        return self.period.label


def export_upload_to(instance, filename) -> str:
    """A random server-side name under ``reports/``; the download name is built on the way
    out. The files live in private storage and are only served by the permission-checked
    download view."""
    suffix = ".pdf" if instance.format == ReportExport.Format.PDF else ".xlsx"
    return f"reports/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{suffix}"


class ReportExportQuerySet(models.QuerySet):
    """An export is seen by the person who asked for it, and by no one else: each person
    downloads their own copy, so the access log says who took which report away."""

    def visible_to(self, user):
        if not may(user, Ability.EXPORT_REPORTS):
            return self.none()
        return self.filter(requested_by=user)

    def editable_by(self, user):
        return self.visible_to(user)

    def counts_by_status(self) -> dict[str, int]:
        """Exports kept, by status, every status named (for /metrics; one query)."""
        counts = dict(self.order_by().values_list("status").annotate(n=models.Count("pk")))
        return {status: counts.get(status, 0) for status in ReportExport.Status.values}


class ReportExport(models.Model):
    """A quarterly report being made, or made, as a PDF or an Excel workbook by a background
    task, with its progress for the page that waits for it."""

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF")
        XLSX = "xlsx", _("Excel workbook")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="report_exports"
    )
    year = models.PositiveSmallIntegerField(_("financial year (starting year)"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("current step"), max_length=120, blank=True)
    file = models.FileField(upload_to=export_upload_to, max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    error = models.TextField(_("what went wrong"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ReportExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report download")
        constraints = [
            models.CheckConstraint(condition=Q(format__in=["pdf", "xlsx"]),
                                   name="export_format_valid"),
            models.CheckConstraint(condition=Q(status__in=["queued", "running", "done", "failed"]),
                                   name="export_status_valid"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_progress_max_100"),
            models.CheckConstraint(condition=Q(quarter__gte=1) & Q(quarter__lte=4),
                                   name="export_quarter_1_to_4"),
            models.CheckConstraint(condition=~Q(status="done") | ~Q(file=""),
                                   name="export_done_has_file"),
        ]

    def __str__(self):
        return f"{self.period.label} {self.get_format_display()} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("reports:export_detail", args=[self.pk])

    @property
    def period(self) -> Quarter:
        return Quarter(self.year, self.quarter)

    @property
    def reference(self) -> str:
        """For the access log: the report, never its content."""
        return f"Quarterly report {self.period.label} ({self.format})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def is_stale(self, now: dt.datetime) -> bool:
        """Queued or running for longer than any run takes: its worker died, or the task
        never reached one. The page then offers to start it again."""
        if self.is_finished:
            return False
        return (self.started_at or self.created_at) < now - STALE_AFTER

    def may_retry(self, now: dt.datetime) -> bool:
        return self.status == self.Status.FAILED or self.is_stale(now)

    def download_name(self) -> str:
        return f"scsp-quarterly-report-{self.period.slug}.{self.format}"
