"""What an audit examines: a MACFA's sample of cases (pseudonymised references only) and its
audit tool, the questions of a MACFA or the standards of a Section 11 / 175 round."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from audits.models.audits import Audit


class AuditCase(models.Model):
    """A case in a MACFA's sample, known only by its pseudonymised reference."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="cases")
    reference = models.CharField(
        _("case reference"), max_length=40,
        help_text=_("A pseudonymised reference such as SLPR-2026-004 or MACFA-NP-01. "
                    "Never a child's name."),
    )
    summary = models.CharField(
        _("summary"), max_length=200, blank=True,
        help_text=_("Optional and non-identifying, for example “referral from a neighbour, "
                    "child aged 6-10”."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["audit", "reference"]
        verbose_name = _("sampled case")
        constraints = [
            models.UniqueConstraint(fields=["audit", "reference"], name="audit_case_unique"),
        ]

    def __str__(self):
        return self.reference


class ToolItem(models.Model):
    """Shared shape of a MACFA question and a Section 11 / 175 standard."""

    number = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("wording"))
    short_label = models.CharField(
        _("short label"), max_length=40, blank=True,
        help_text=_("A few words for column headings, for example “Child's voice”."),
    )

    class Meta:
        abstract = True
        ordering = ["audit", "number"]

    def __str__(self):
        return f"{self.number}. {self.label}"

    @property
    def label(self) -> str:
        return self.short_label or self.text[:40]


class Question(ToolItem):
    """One question in a MACFA's audit tool."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="questions")

    history = HistoricalRecords()

    class Meta(ToolItem.Meta):
        verbose_name = _("audit question")
        constraints = [
            models.UniqueConstraint(fields=["audit", "number"], name="question_number_unique"),
        ]


class Standard(ToolItem):
    """One standard in a Section 11 or Section 175 self-assessment."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="standards")

    history = HistoricalRecords()

    class Meta(ToolItem.Meta):
        verbose_name = _("standard")
        constraints = [
            models.UniqueConstraint(fields=["audit", "number"], name="standard_number_unique"),
        ]
