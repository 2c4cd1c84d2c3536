"""One agency's part in a multi-agency audit (:class:`AgencyReturn`) and what it holds: an
:class:`Answer` per sampled case and question (MACFA) or a :class:`StandardRating` per standard
(Section 11 / 175)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from audits.models.audits import Audit
from audits.models.choices import SHARED_STATUSES, AnswerChoice, Grade, RagRating, ReturnStatus
from audits.models.tools import AuditCase, Question, Standard
from scsp.models import Agency
from scsp.permissions import Ability, ScopedQuerySet, may


class AgencyReturnQuerySet(ScopedQuerySet):
    """An agency sees its own returns, and the other returns of an audit it takes part in
    once that audit reaches moderation. Only the agency's own lead and officers change its
    return (the co-ordinator reopens it, through a service, but never writes it)."""

    def partner_visible(self, user):
        ours = AgencyReturn.objects.filter(audit=OuterRef("audit_id"), agency_id=user.agency_id)
        return self.filter(
            Q(agency_id=user.agency_id)
            | (Q(audit__status__in=SHARED_STATUSES) & Q(Exists(ours)))
        )

    def editable_by(self, user):
        # Not the base rule: nobody may change every return, so there is no edit ability.
        if not may(user, Ability.COMPLETE_AUDIT_RETURNS):
            return self.none()
        return self.filter(agency_id=user.agency_id)


class AgencyReturn(models.Model):
    """One agency's part in a multi-agency audit: its MACFA return or its Section 11 / 175
    self-assessment, and the grade agreed for it at moderation."""

    Status = ReturnStatus

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="returns")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="audit_returns")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.NOT_STARTED)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="submitted_audit_returns",
    )
    agreed_grade = models.CharField(_("agreed overall grade"), max_length=25, blank=True,
                                    choices=Grade.choices)
    moderation_note = models.TextField(_("moderation note"), blank=True)

    history = HistoricalRecords()
    objects = AgencyReturnQuerySet.as_manager()

    class Meta:
        ordering = ["audit", "agency__name"]
        verbose_name = _("agency return")
        constraints = [
            models.UniqueConstraint(fields=["audit", "agency"], name="one_return_per_agency"),
            models.CheckConstraint(condition=Q(status__in=["not_started", "draft", "submitted"]),
                                   name="return_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="submitted")
                | (Q(submitted_at__isnull=False) & Q(submitted_by__isnull=False)),
                name="submitted_return_has_submitter",
            ),
            models.CheckConstraint(condition=Q(agreed_grade="") | Q(agreed_grade__in=Grade.values),
                                   name="return_agreed_grade_valid"),
        ]

    def __str__(self):
        return f"{self.audit.reference}: {self.agency.short_name}"

    def get_absolute_url(self):
        return reverse("audits:return_detail", args=[self.audit_id, self.pk])

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def reference(self) -> str:
        """For the access log: the audit reference and agency, never content."""
        return f"{self.audit.reference} {self.agency.short_name}"


class Answer(models.Model):
    """One agency's answer, grade and narrative for one question about one sampled case."""

    agency_return = models.ForeignKey(AgencyReturn, on_delete=models.CASCADE,
                                      related_name="answers")
    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    answer = models.CharField(_("answer"), max_length=10, blank=True,
                              choices=AnswerChoice.choices)
    grade = models.CharField(_("grade"), max_length=25, blank=True, choices=Grade.choices)
    narrative = models.TextField(_("narrative"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["agency_return", "case", "question__number"]
        constraints = [
            models.UniqueConstraint(fields=["agency_return", "case", "question"],
                                    name="one_answer_per_case_question"),
            models.CheckConstraint(condition=Q(answer="") | Q(answer__in=AnswerChoice.values),
                                   name="answer_valid"),
            models.CheckConstraint(condition=Q(grade="") | Q(grade__in=Grade.values),
                                   name="answer_grade_valid"),
            models.CheckConstraint(
                condition=~Q(answer=AnswerChoice.NOT_APPLICABLE) | Q(grade=""),
                name="not_applicable_is_not_graded",
            ),
        ]
        indexes = [models.Index(fields=["question", "grade"])]

    def __str__(self):
        return f"{self.agency_return} {self.case} Q{self.question.number}"

    @property
    def is_complete(self) -> bool:
        if self.answer == AnswerChoice.NOT_APPLICABLE:
            return True
        return bool(self.answer and self.grade and self.narrative.strip())


class StandardRating(models.Model):
    """One agency's RAG self-rating against one standard, with its evidence."""

    agency_return = models.ForeignKey(AgencyReturn, on_delete=models.CASCADE,
                                      related_name="ratings")
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="ratings")
    rag = models.CharField(_("self-rating"), max_length=10, blank=True, choices=RagRating.choices)
    evidence = models.TextField(_("evidence"), blank=True)
    improvement = models.TextField(
        _("what you will do to meet the standard"), blank=True,
        help_text=_("Needed for amber and red ratings."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["agency_return", "standard__number"]
        constraints = [
            models.UniqueConstraint(fields=["agency_return", "standard"],
                                    name="one_rating_per_standard"),
            models.CheckConstraint(condition=Q(rag="") | Q(rag__in=RagRating.values),
                                   name="rating_rag_valid"),
        ]

    def __str__(self):
        return f"{self.agency_return} S{self.standard.number}: {self.rag}"

    @property
    def is_complete(self) -> bool:
        if not (self.rag and self.evidence.strip()):
            return False
        return self.rag == RagRating.GREEN or bool(self.improvement.strip())
