"""Audits run by the QPPA subgroup: multi-agency case file audits (MACFAs), the single-agency
audit rota, and the Section 11 (agencies) and Section 175 (schools) self-assessments.

Shape of the data:

* :class:`Audit` is one audit of any kind, with its status, dates and its own action plan.
* :class:`AgencyReturn` is one agency's part in an audit: its MACFA return, or its Section 11 /
  Section 175 self-assessment. An agency sees the audits it has a return in (and its own
  single-agency audits); it sees other agencies' returns only from the moderation stage.
* A MACFA has a sample of :class:`AuditCase` (pseudonymised references only) and an editable
  tool of :class:`Question`; each return holds one :class:`Answer` per case per question.
* A Section 11 / 175 audit has a list of :class:`Standard`; each return holds one
  :class:`StandardRating` (RAG and evidence) per standard.
* Moderation agrees grades (:class:`ModerationGrade` per case and question, and an overall grade
  per return); :class:`Finding` rows become recommendations in the audit's action plan.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from scsp.models import Agency, Theme


class AuditKind(models.TextChoices):
    """The four kinds of audit. Values match ``actions.models.OriginKind`` so an audit's plan
    carries the same word as its origin."""

    MACFA = "macfa", _("Multi-agency case file audit (MACFA)")
    SINGLE_AGENCY = "single_agency_audit", _("Single-agency audit")
    SECTION_11 = "section_11", _("Section 11 audit")
    SECTION_175 = "section_175", _("Section 175 audit")


#: Reference prefixes, e.g. MACFA-2026-01.
REFERENCE_PREFIX = {
    AuditKind.MACFA: "MACFA",
    AuditKind.SINGLE_AGENCY: "SAA",
    AuditKind.SECTION_11: "S11",
    AuditKind.SECTION_175: "S175",
}

#: How often a self-assessment round recurs, in years (DOMAIN.md section 5: Section 11 every
#: two years in Sandwell, Section 175 every year).
ROUND_YEARS = {AuditKind.SECTION_11: 2, AuditKind.SECTION_175: 1}
#: Kinds in which several agencies each complete a return.
MULTI_AGENCY_KINDS = (AuditKind.MACFA, AuditKind.SECTION_11, AuditKind.SECTION_175)
#: Kinds that are self-assessments against a list of standards.
STANDARDS_KINDS = (AuditKind.SECTION_11, AuditKind.SECTION_175)


class AuditStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    MODERATION = "moderation", _("Moderation")
    FINDINGS_AGREED = "findings_agreed", _("Findings agreed")
    CLOSED = "closed", _("Closed")


#: The only moves the services allow. Moderation may go back to "in progress" so a return
#: can be corrected; nothing else goes backwards.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    AuditStatus.PLANNED: (AuditStatus.IN_PROGRESS,),
    AuditStatus.IN_PROGRESS: (AuditStatus.MODERATION,),
    AuditStatus.MODERATION: (AuditStatus.FINDINGS_AGREED, AuditStatus.IN_PROGRESS),
    AuditStatus.FINDINGS_AGREED: (AuditStatus.CLOSED,),
    AuditStatus.CLOSED: (),
}

#: From moderation on, participating agencies may read each other's returns and the results.
SHARED_STATUSES = (AuditStatus.MODERATION, AuditStatus.FINDINGS_AGREED, AuditStatus.CLOSED)
#: Findings and actions are recorded in these statuses.
FINDINGS_STATUSES = (AuditStatus.MODERATION, AuditStatus.FINDINGS_AGREED)


class Grade(models.TextChoices):
    """The four Ofsted-style grades, best first."""

    OUTSTANDING = "outstanding", _("Outstanding")
    GOOD = "good", _("Good")
    REQUIRES_IMPROVEMENT = "requires_improvement", _("Requires improvement")
    INADEQUATE = "inadequate", _("Inadequate")


#: Best (0) to worst (3); used to break ties towards the more cautious grade.
GRADE_ORDER = {g.value: i for i, g in enumerate(Grade)}


class AnswerChoice(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
    NOT_APPLICABLE = "na", _("Not applicable: no involvement at this point")


class RagRating(models.TextChoices):
    """A self-rating against a standard. Words always travel with the colour."""

    GREEN = "green", _("Green: standard met")
    AMBER = "amber", _("Amber: partly met")
    RED = "red", _("Red: not met")


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def last_of_month(day: dt.date) -> dt.date:
    return day.replace(day=_calendar.monthrange(day.year, day.month)[1])


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from ``earlier``'s month to ``later``'s month."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


class AuditQuerySet(models.QuerySet):
    """Partnership-wide roles see every audit; an agency sees the audits it takes part in and
    its own single-agency audits. The co-ordinator and the chair manage audits."""

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.sees_everything:
            return self
        takes_part = AgencyReturn.objects.filter(audit=OuterRef("pk"), agency_id=user.agency_id)
        return self.filter(Q(Exists(takes_part)) | Q(agency_id=user.agency_id))

    def editable_by(self, user):
        if getattr(user, "is_coordinator", False) or getattr(user, "is_chair", False):
            return self.visible_to(user)
        return self.none()

    def rota(self):
        return self.filter(kind=AuditKind.SINGLE_AGENCY)

    def late(self, today: dt.date):
        """Rota slots whose month has ended without the agency presenting."""
        return self.rota().filter(
            month_due__lt=first_of_month(today), date_presented__isnull=True
        ).exclude(status=AuditStatus.CLOSED)


class Audit(models.Model):
    """One audit: a MACFA, a single-agency audit (a slot on the rota), or a Section 11 or
    Section 175 self-assessment round. It owns its action plan."""

    Kind = AuditKind
    Status = AuditStatus

    reference = models.CharField(_("reference"), max_length=30, unique=True)
    kind = models.CharField(_("kind of audit"), max_length=30, choices=AuditKind.choices)
    title = models.CharField(
        _("title"), max_length=200,
        help_text=_("The theme or topic, for example “Responses to referrals from "
                    "non-professionals”."),
    )
    description = models.TextField(
        _("purpose and scope"), blank=True,
        help_text=_("Why this audit, what it tests and what is out of scope."),
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="audits",
                                    verbose_name=_("learning themes"))
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_audits",
        verbose_name=_("audit lead"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AuditStatus.choices, default=AuditStatus.PLANNED
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned finish"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual finish"), null=True, blank=True)
    # Single-agency audits (the rota) only.
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="rota_audits",
        verbose_name=_("presenting agency"),
    )
    month_due = models.DateField(
        _("month due"), null=True, blank=True,
        help_text=_("The QPPA meeting month in which the agency presents its findings."),
    )
    original_month_due = models.DateField(_("month first agreed"), null=True, blank=True)
    reschedule_reason = models.CharField(_("reason for moving the slot"), max_length=300,
                                         blank=True)
    date_presented = models.DateField(_("date presented"), null=True, blank=True)
    # Moderation (multi-agency kinds).
    moderation_date = models.DateField(_("moderation meeting date"), null=True, blank=True)
    moderation_notes = models.TextField(_("notes of the moderation meeting"), blank=True)
    action_plan = models.OneToOneField(
        "actions.ActionPlan", on_delete=models.PROTECT, null=True, blank=True,
        related_name="audit", verbose_name=_("action plan"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="created_audits"
    )

    history = HistoricalRecords(m2m_fields=[themes])
    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-planned_start", "-id"]
        verbose_name = _("audit")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AuditKind.values),
                                   name="audit_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=AuditStatus.values),
                                   name="audit_status_valid"),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True) | Q(planned_end__isnull=True)
                | Q(planned_end__gte=models.F("planned_start")),
                name="audit_planned_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(actual_start__isnull=True) | Q(actual_end__isnull=True)
                | Q(actual_end__gte=models.F("actual_start")),
                name="audit_actual_dates_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AuditKind.SINGLE_AGENCY)
                | (Q(agency__isnull=False) & Q(month_due__isnull=False)),
                name="rota_audit_has_agency_and_month",
            ),
            models.CheckConstraint(
                condition=Q(kind=AuditKind.SINGLE_AGENCY) | Q(agency__isnull=True),
                name="only_rota_audits_have_a_presenting_agency",
            ),
        ]
        indexes = [models.Index(fields=["kind", "month_due"])]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self):
        return reverse("audits:audit_detail", args=[self.pk])

    @property
    def is_macfa(self) -> bool:
        return self.kind == AuditKind.MACFA

    @property
    def is_rota(self) -> bool:
        return self.kind == AuditKind.SINGLE_AGENCY

    @property
    def uses_standards(self) -> bool:
        return self.kind in STANDARDS_KINDS

    @property
    def has_returns(self) -> bool:
        return self.kind in MULTI_AGENCY_KINDS

    @property
    def return_noun(self) -> str:
        """What an agency's part is called: a MACFA "return" or a "self-assessment"."""
        return str(_("self-assessment") if self.uses_standards else _("return"))

    @property
    def is_shared(self) -> bool:
        """True once agencies may read each other's returns (moderation onwards)."""
        return self.status in SHARED_STATUSES

    def next_statuses(self) -> tuple[str, ...]:
        return TRANSITIONS.get(self.status, ())

    def tool_is_locked(self) -> bool:
        """The question set or standards list can change until the first return is in, and
        never after moderation starts (every return must answer the same tool)."""
        if self.status not in (AuditStatus.PLANNED, AuditStatus.IN_PROGRESS):
            return True
        return self.returns.filter(status=AgencyReturn.Status.SUBMITTED).exists()

    def results_open_to(self, user) -> bool:
        """Whether ``user`` may see the results matrix and report: partnership-wide roles
        always; participating agencies from moderation on. Assumes the audit is visible."""
        return bool(getattr(user, "sees_everything", False)) or self.is_shared

    def next_round_due(self) -> dt.date | None:
        """For a Section 11 or 175 round: when the next round should start (two years or one
        after this one started). ``None`` for other kinds or before a start date is known."""
        years = ROUND_YEARS.get(self.kind)
        start = self.actual_start or self.planned_start
        if not years or start is None:
            return None
        try:
            return start.replace(year=start.year + years)
        except ValueError:  # 29 February
            return start.replace(year=start.year + years, day=28)

    def rota_state(self, today: dt.date) -> str:
        """For a rota slot: ``"presented"``, ``"late"`` (its month ended without a
        presentation), ``"due"`` (this month) or ``"upcoming"``."""
        if self.date_presented:
            return "presented"
        if self.month_due is None:
            return "upcoming"
        if self.month_due < first_of_month(today):
            return "late" if self.status != AuditStatus.CLOSED else "presented"
        if self.month_due == first_of_month(today):
            return "due"
        return "upcoming"

    def months_late(self, today: dt.date) -> int:
        """Whole months since the month due, for a late slot (0 otherwise)."""
        if self.rota_state(today) != "late":
            return 0
        return months_between(self.month_due, today)


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


class AgencyReturnQuerySet(models.QuerySet):
    """An agency sees its own returns, and the other returns of an audit it takes part in
    once that audit reaches moderation. Only the agency's own lead and officers change its
    return (the co-ordinator reopens it, through a service, but never writes it)."""

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.sees_everything:
            return self
        ours = AgencyReturn.objects.filter(audit=OuterRef("audit_id"), agency_id=user.agency_id)
        return self.filter(
            Q(agency_id=user.agency_id)
            | (Q(audit__status__in=SHARED_STATUSES) & Q(Exists(ours)))
        )

    def editable_by(self, user):
        if not (getattr(user, "is_agency_lead", False) or getattr(user, "is_agency_officer",
                                                                   False)):
            return self.none()
        return self.filter(agency_id=user.agency_id)


class AgencyReturn(models.Model):
    """One agency's part in a multi-agency audit: its MACFA return or its Section 11 / 175
    self-assessment, and the grade agreed for it at moderation."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        DRAFT = "draft", _("Started, not submitted")
        SUBMITTED = "submitted", _("Submitted")

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
