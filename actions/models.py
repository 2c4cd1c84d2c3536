"""SMART action plans: plans, recommendations, actions, progress updates, evidence and
target-date changes.

An action plan does not know what produced it. Reviews and audits own their plans (a one-to-one
from the review or audit to its ``ActionPlan``); ``origin_kind`` and ``origin_reference`` say
where a plan came from, so plans from Ofsted inspections, scrutiny challenges or young people's
pledges live here too. This app never imports ``reviews`` or ``audits``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from scsp.models import Agency, Theme


class OriginKind(models.TextChoices):
    """Where an action plan came from."""

    RAPID_REVIEW = "rapid_review", _("Rapid Review")
    LCSPR = "lcspr", _("LCSPR")
    SPOTLIGHT = "spotlight", _("Spotlight Review")
    TABLETOP = "tabletop", _("Tabletop Review")
    LEARNING_BRIEFING = "learning_briefing", _("Learning briefing")
    MACFA = "macfa", _("MACFA")
    SINGLE_AGENCY_AUDIT = "single_agency_audit", _("Single-agency audit")
    SECTION_11 = "section_11", _("Section 11 audit")
    SECTION_175 = "section_175", _("Section 175 audit")
    OFSTED = "ofsted", _("Ofsted inspection")
    SCRUTINY = "scrutiny", _("Scrutiny challenge")
    YOUNG_PEOPLE = "young_people", _("Young people's pledge")
    OTHER = "other", _("Other")


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_SIGN_OFF = "awaiting_sign_off", _("Completed, awaiting sign-off")
    SIGNED_OFF = "signed_off", _("Signed off")
    RETURNED = "returned", _("Returned for more evidence")
    CLOSED_NOT_COMPLETED = "closed_not_completed", _("Closed, not completed")


#: Statuses in which the action is still the owner's to deliver.
OPEN_STATUSES = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS, ActionStatus.RETURNED)
#: Statuses in which nothing more is expected of anyone.
FINISHED_STATUSES = (ActionStatus.SIGNED_OFF, ActionStatus.CLOSED_NOT_COMPLETED)


class Rag(models.TextChoices):
    BLUE = "blue", _("Blue: signed off")
    GREEN = "green", _("Green: on track")
    AMBER = "amber", _("Amber: at risk")
    RED = "red", _("Red: overdue or blocked")


#: The RAG rule's windows (DOMAIN.md section 6).
RAG_DUE_SOON = dt.timedelta(weeks=4)
RAG_STALE_AFTER = dt.timedelta(weeks=4)


class ActionPlan(models.Model):
    """A plan of SMART actions arising from one review, audit, inspection or challenge."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    origin_kind = models.CharField(_("origin"), max_length=30, choices=OriginKind.choices)
    origin_reference = models.CharField(
        _("origin reference"), max_length=60, blank=True,
        help_text=_("For example the case reference SLPR-2026-004 or the inspection date."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_plans",
        verbose_name=_("plan owner"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("action plan")
        constraints = [
            models.CheckConstraint(
                condition=Q(origin_kind__in=OriginKind.values), name="plan_origin_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "active", "closed"]), name="plan_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self):
        return reverse("actions:plan_detail", args=[self.pk])


class Recommendation(models.Model):
    """A recommendation or learning point that groups some of a plan's actions."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("recommendation or learning point"))
    themes = models.ManyToManyField(Theme, blank=True, related_name="recommendations",
                                    verbose_name=_("learning themes"))

    history = HistoricalRecords(m2m_fields=[themes])

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="recommendation_number_unique")
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:80]}"


class Action(models.Model):
    """One SMART action: what (specific), how we know (measurable), who (accountable), why
    (relevant: recommendation and themes) and by when (time-bound)."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="actions")
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions",
        verbose_name=_("recommendation or learning point"),
    )
    number = models.PositiveIntegerField(_("number"))
    reference = models.CharField(_("reference"), max_length=50, unique=True)
    description = models.TextField(_("action"), help_text=_("What will be done: be specific."))
    success_measure = models.TextField(
        _("success measure"), help_text=_("How we will know it has worked: something measurable.")
    )
    lead_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="actions", verbose_name=_("lead agency")
    )
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_actions",
        verbose_name=_("lead officer"),
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="actions",
                                    verbose_name=_("learning themes"))
    target_date = models.DateField(_("target date"))
    original_target_date = models.DateField(_("original target date"))
    status = models.CharField(
        _("status"), max_length=25, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    at_risk = models.BooleanField(
        _("at risk"), default=False, help_text=_("Set by the owner when delivery is in doubt.")
    )
    blocked = models.BooleanField(
        _("blocked"), default=False, help_text=_("Set by the owner when it cannot progress.")
    )
    closed_reason = models.TextField(_("reason for closing without completion"), blank=True)
    completion_evidence = models.TextField(_("evidence of completion"), blank=True)
    impact_evidence = models.TextField(_("evidence of impact"), blank=True)
    impact_recorded_at = models.DateTimeField(null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="signed_off_actions",
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    last_update_at = models.DateTimeField(
        _("last progress update"), null=True, blank=True,
        help_text=_("Kept in step by the services; the RAG rule reads it."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="created_actions"
    )
    version = models.PositiveIntegerField(default=1, help_text=_("For optimistic locking."))

    history = HistoricalRecords(m2m_fields=[themes])

    class Meta:
        ordering = ["target_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="action_number_unique"),
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="action_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ActionStatus.CLOSED_NOT_COMPLETED) | ~Q(closed_reason=""),
                name="action_closed_needs_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=ActionStatus.SIGNED_OFF)
                | (Q(signed_off_by__isnull=False) & Q(signed_off_at__isnull=False)),
                name="action_signed_off_needs_signer",
            ),
            models.CheckConstraint(
                condition=~Q(success_measure=""), name="action_success_measure_required"
            ),
        ]
        indexes = [
            models.Index(fields=["lead_agency", "status", "target_date"]),
            models.Index(fields=["status", "target_date"]),
        ]

    def __str__(self):
        return f"{self.reference}: {self.description[:80]}"

    def get_absolute_url(self):
        return reverse("actions:action_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: dt.date) -> bool:
        """Past its (current) target date and not yet completed or closed."""
        return self.is_open and self.target_date < today

    def slippage_days(self) -> int:
        """Days the current target date lies past the original one (0 if none)."""
        return max((self.target_date - self.original_target_date).days, 0)

    def rag(self, today: dt.date, now: dt.datetime | None = None) -> str:
        """The RAG status, by the partnership's one rule (DOMAIN.md section 6):

        * **Blue**: signed off.
        * **Red**: overdue (open past its target date) or blocked.
        * **Amber**: marked at risk by the owner, or due within 4 weeks with no progress update
          in the last 4 weeks.
        * **Green**: otherwise (including completed and awaiting sign-off, and closed without
          completion, which is reported separately by status).

        ``today`` is the date the RAG is computed for; ``now`` defaults to the end of that day.
        Returns a :class:`Rag` value.
        """
        if self.status == ActionStatus.SIGNED_OFF:
            return Rag.BLUE
        if self.status == ActionStatus.CLOSED_NOT_COMPLETED:
            return Rag.GREEN
        if self.blocked or self.is_overdue(today):
            return Rag.RED
        if self.status == ActionStatus.AWAITING_SIGN_OFF:
            return Rag.GREEN
        if self.at_risk:
            return Rag.AMBER
        if now is None:
            now = timezone.make_aware(dt.datetime.combine(today, dt.time.max))
        due_soon = self.target_date <= today + RAG_DUE_SOON
        stale = self.last_update_at is None or self.last_update_at < now - RAG_STALE_AFTER
        if due_soon and stale:
            return Rag.AMBER
        return Rag.GREEN


class ProgressUpdate(models.Model):
    """A dated progress note on an action, by a named person. Append-only: never edited."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    note = models.TextField(_("progress note"))
    status_from = models.CharField(max_length=25, choices=ActionStatus.choices, blank=True)
    status_to = models.CharField(
        _("new status"), max_length=25, choices=ActionStatus.choices, blank=True
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.action.reference} update by {self.author} on {self.created_at:%d %b %Y}"


def evidence_upload_to(instance, filename) -> str:
    """A random server-side name; the user's file name is kept only in ``original_name``."""
    suffix = PurePath(filename).suffix.lower()[:10]
    today = timezone.now()
    return f"evidence/{today:%Y/%m}/{secrets.token_hex(16)}{suffix}"


class Evidence(models.Model):
    """A file attached to an action as evidence, stored outside any public path."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="evidence")
    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    file = models.FileField(upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="uploaded_evidence"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.original_name


class TargetDateChange(models.Model):
    """A request to move an action's target date, and the co-ordinator's decision."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        AGREED = "agreed", _("Agreed")
        REFUSED = "refused", _("Refused")

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="date_changes")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="date_change_requests"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    old_date = models.DateField(_("target date when asked"))
    new_date = models.DateField(_("new target date"))
    reason = models.TextField(_("reason"))
    decision = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="date_change_decisions",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["action"], condition=Q(decision="pending"),
                name="one_pending_date_change_per_action",
            ),
            models.CheckConstraint(
                condition=~Q(decision="pending")
                | (Q(decided_by__isnull=True) & Q(decided_at__isnull=True)),
                name="pending_date_change_undecided",
            ),
        ]

    def __str__(self):
        return f"{self.action.reference}: {self.old_date} → {self.new_date} ({self.decision})"
