"""A spreadsheet of action plans brought in: the file as uploaded (kept, with its SHA-256, so
"Import" imports exactly the file that was checked) and what its import did."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from scsp.permissions import Ability, ScopedQuerySet, may


class PlanImportQuerySet(ScopedQuerySet):
    """Only people who import plans (the business unit) see or use an uploaded spreadsheet."""

    edit_ability = Ability.IMPORT_PLANS

    def visible_to(self, user):
        return self if may(user, Ability.IMPORT_PLANS) else self.none()

    def editable_by(self, user):
        return self.visible_to(user)


class PlanImport(models.Model):
    """One uploaded spreadsheet of action plans and actions: checked (a dry run, as often as
    the page is opened), then imported once, in one transaction."""

    class FileKind(models.TextChoices):
        XLSX = "xlsx", _("Excel workbook (.xlsx)")
        CSV = "csv", _("CSV file")

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    original_name = models.CharField(_("file name"), max_length=200)
    file_kind = models.CharField(_("kind of file"), max_length=4, choices=FileKind.choices)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    #: The file's bytes as uploaded (after the upload checks); read again for every check and
    #: for the import, whose SHA-256 must still be ``sha256``.
    content = models.BinaryField(_("file"))
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True,
                                    verbose_name=_("imported by"))
    plans_added = models.PositiveIntegerField(_("plans added"), default=0)
    actions_added = models.PositiveIntegerField(_("actions added"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("rows already imported"), default=0)

    history = HistoricalRecords(excluded_fields=["content"])
    objects = PlanImportQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("spreadsheet import")
        constraints = [
            models.CheckConstraint(condition=models.Q(file_kind__in=["xlsx", "csv"]),
                                   name="plan_import_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(imported_at__isnull=True)
                | models.Q(imported_by__isnull=False),
                name="plan_import_imported_needs_who"),
        ]

    def __str__(self):
        return f"{self.original_name} ({self.uploaded_at:%d %b %Y %H:%M})"

    def get_absolute_url(self):
        return reverse("actions:import_check", args=[self.pk])

    @property
    def reference(self) -> str:
        """How the logs name it."""
        return f"IMPORT-{self.pk}"
