"""What moderation agrees: a grade per sampled case and question (:class:`ModerationGrade`)
and the findings (:class:`Finding`) that become recommendations in the audit's action plan."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from audits.models.audits import Audit
from audits.models.choices import Grade
from audits.models.tools import AuditCase, Question, Standard
from scsp.models import Agency


class ModerationGrade(models.Model):
    """The grade the moderation meeting agreed for one question about one sampled case."""

    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, related_name="agreed_grades")
    question = models.ForeignKey(Question, on_delete=models.CASCADE,
                                 related_name="agreed_grades")
    grade = models.CharField(_("agreed grade"), max_length=25, choices=Grade.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "question__number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "question"], name="one_agreed_grade"),
            models.CheckConstraint(condition=Q(grade__in=Grade.values),
                                   name="moderation_grade_valid"),
        ]

    def __str__(self):
        return f"{self.case} Q{self.question.number}: {self.grade}"


class Finding(models.Model):
    """A strength or an area for improvement agreed from an audit. Each one is a
    recommendation (learning point) in the audit's action plan."""

    class Kind(models.TextChoices):
        STRENGTH = "strength", _("Strength")
        IMPROVEMENT = "improvement", _("Area for improvement")

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("kind of finding"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("finding"))
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_findings",
        verbose_name=_("agency it concerns"),
        help_text=_("Leave blank when it concerns the partnership as a whole."),
    )
    question = models.ForeignKey(Question, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="findings", verbose_name=_("question"))
    standard = models.ForeignKey(Standard, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="findings", verbose_name=_("standard"))
    recommendation = models.OneToOneField(
        "actions.Recommendation", on_delete=models.PROTECT, null=True, blank=True,
        related_name="audit_finding",
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["audit", "kind", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["strength", "improvement"]),
                                   name="finding_kind_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:80]}"

    @property
    def recommendation_text(self) -> str:
        """The wording of this finding in the action plan."""
        return f"{self.get_kind_display()}: {self.text}"
