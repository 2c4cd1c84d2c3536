"""An audit of any kind (MACFA, single-agency rota slot, Section 11 or 175 round): its
details, status and dates, who may see and change it, and the rota's month arithmetic."""

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

from audits.models.choices import (
    MULTI_AGENCY_KINDS,
    ROUND_YEARS,
    SHARED_STATUSES,
    STANDARDS_KINDS,
    TRANSITIONS,
    AuditKind,
    AuditStatus,
    ReturnStatus,
)
from scsp.models import Agency, Theme
from scsp.permissions import Ability, ScopedQuerySet


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def last_of_month(day: dt.date) -> dt.date:
    return day.replace(day=_calendar.monthrange(day.year, day.month)[1])


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from ``earlier``'s month to ``later``'s month."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


class AuditQuerySet(ScopedQuerySet):
    """Partnership-wide roles see every audit; an agency sees the audits it takes part in and
    its own single-agency audits. The co-ordinator, who manages audits, changes them; the chair
    and the scrutineer read them."""

    edit_ability = Ability.MANAGE_AUDITS

    def partner_visible(self, user):
        # Imported here: a return points to its audit, so its module imports this one.
        from audits.models.returns import AgencyReturn

        takes_part = AgencyReturn.objects.filter(audit=OuterRef("pk"), agency_id=user.agency_id)
        return self.filter(Q(Exists(takes_part)) | Q(agency_id=user.agency_id))

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
        return self.returns.filter(status=ReturnStatus.SUBMITTED).exists()

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
