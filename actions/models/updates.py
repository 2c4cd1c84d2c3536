"""What happens to an action, kept as history: progress updates (every status change is
one), evidence files and target-date change requests with their decisions."""

from __future__ import annotations

import secrets
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions.models.action import Action
from actions.models.choices import ActionStatus, ScanStatus
from scsp.permissions import ScopedQuerySet


class _ThroughActionQuerySet(ScopedQuerySet):
    """Records that belong to one action (updates, evidence, date changes) are visible with
    their action; nobody changes them, the business unit included (they are append-only;
    decisions go through services)."""

    def partner_visible(self, user):
        return self.filter(action__in=Action.objects.partner_visible(user).values("pk"))

    def editable_by(self, user):
        return self.none()


class AppendOnlyMixin:
    """Rows that are history: written once, never changed or deleted through the ORM (the
    database keeps them too: their foreign keys PROTECT them)."""

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} records are append-only.")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} records are append-only.")


class ProgressUpdate(AppendOnlyMixin, models.Model):
    """A dated progress note on an action, by a named person. Append-only: never edited.

    Every change of an action's status is one of these (``status_from`` -> ``status_to``), so
    the action page's timeline is the whole story; ``kind`` says whose step it was."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Progress update")
        DECISION = "decision", _("Co-ordinator's decision")
        IMPACT = "impact", _("Evidence of impact")

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.PROGRESS
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    note = models.TextField(_("progress note"))
    status_from = models.CharField(max_length=25, choices=ActionStatus.choices, blank=True)
    status_to = models.CharField(
        _("new status"), max_length=25, choices=ActionStatus.choices, blank=True
    )

    objects = _ThroughActionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("progress update")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["progress", "decision", "impact"]),
                name="update_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status_to="") | Q(status_to__in=ActionStatus.values),
                name="update_status_to_valid",
            ),
            models.CheckConstraint(condition=~Q(note=""), name="update_note_required"),
        ]

    def __str__(self):
        return f"{self.action.reference} update by {self.author} on {self.created_at:%d %b %Y}"


def evidence_upload_to(instance, filename) -> str:
    """A random server-side name; the user's file name is kept only in ``original_name``."""
    suffix = PurePath(filename).suffix.lower()[:10]
    today = timezone.now()
    return f"evidence/{today:%Y/%m}/{secrets.token_hex(16)}{suffix}"


class Evidence(AppendOnlyMixin, models.Model):
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
    # The virus scan: the only thing about an evidence row that changes after it is written
    # (by actions.services.files_rescan_waiting, with a queryset update).
    scan_status = models.CharField(_("virus scan"), max_length=10, choices=ScanStatus.choices,
                                   default=ScanStatus.WAITING)
    scanned_at = models.DateTimeField(null=True, blank=True)
    scan_signature = models.CharField(max_length=200, blank=True)

    objects = _ThroughActionQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="evidence_not_empty"),
            models.CheckConstraint(condition=Q(scan_status__in=ScanStatus.values),
                                   name="evidence_scan_status_valid"),
        ]

    def __str__(self):
        return self.original_name

    @property
    def downloadable(self) -> bool:
        return self.scan_status == ScanStatus.CLEAN


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

    objects = _ThroughActionQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("target date change")
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=["pending", "agreed", "refused"]),
                name="date_change_decision_valid",
            ),
            models.CheckConstraint(
                condition=Q(decision="pending")
                | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
                name="decided_date_change_has_decider",
            ),
            models.CheckConstraint(
                condition=~Q(new_date=F("old_date")), name="date_change_moves_the_date"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="date_change_reason_required"),
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
