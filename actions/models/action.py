"""Actions: one SMART action of a plan, its optimistic locking, its RAG, and who may see and
change actions."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models, router, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actions.models.choices import OPEN_STATUSES, ActionStatus
from actions.models.plans import ActionPlan, Recommendation
from actions.models.rag import (
    RAG_DUE_SOON,
    RAG_STALE_AFTER,
    Rag,
    completed_late_q,
    end_of_day,
    rag_expression,
)
from scsp.backfill import EnteredAfterEvent
from scsp.models import Agency, Theme
from scsp.permissions import Ability, ScopedQuerySet, is_partner, may


def edit_lookup(user) -> dict | None:
    """The one rule for which actions ``user`` may change, as a field lookup: ``None`` for
    none, ``{}`` for every action (the business unit: ``Ability.MANAGE_PLANS``) and
    ``{"lead_agency_id": <their agency>}`` for an agency lead or officer (their own agency's
    actions). Chair, scrutineer, anonymous and inactive people change none.

    ``Action.objects.editable_by(user)`` filters by it and ``actions.rules.may_update`` checks
    one action in hand against it, so the two agree by construction. Keys are plain attribute
    names of :class:`Action`, so the lookup can be compared with an instance's attributes."""
    if may(user, ActionQuerySet.edit_ability):
        return {}
    if is_partner(user):
        return {"lead_agency_id": user.agency_id}
    return None


class ActionQuerySet(ScopedQuerySet):
    """Who may see and change actions, and the RAG rule in SQL.

    * Co-ordinator, chair and scrutineer see every action.
    * A partner sees every action of the plans their agency leads at least one action in (so
      they see how their work fits the plan), read-only for other agencies' actions.
    * The business unit changes any action; an agency lead or officer changes (updates
      progress, asks for a new date) only their own agency's actions (:func:`edit_lookup`).
      Chair and scrutineer change none. Signing off and deciding dates are narrower still:
      see ``actions.rules``."""

    edit_ability = Ability.MANAGE_PLANS

    def partner_visible(self, user):
        return self.filter(plan__in=ActionPlan.objects.partner_visible(user).values("pk"))

    def editable_by(self, user):
        # Not the base class's hooks: the rule is edit_lookup(), which rules.may_update shares.
        lookup = edit_lookup(user)
        return self.none() if lookup is None else self.filter(**lookup)

    def led_by_agency_of(self, user):
        """The actions ``user``'s agency leads, within ``visible_to(user)``. For a partner that
        needs no visibility subquery: each such action is in a plan their agency leads an
        action in, so ``visible_to`` always includes it (tested). That keeps "My agency's
        actions" two index lookups at any size."""
        if is_partner(user):
            return self.filter(lead_agency_id=user.agency_id)
        return self.visible_to(user).filter(lead_agency_id=user.agency_id)

    def open(self):
        """Still the owner's to deliver: not started, in progress or returned."""
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: dt.date):
        """Open and past the (current) target date on ``today``: as ``Action.is_overdue``."""
        return self.open().filter(target_date__lt=today)

    def completed_late(self):
        """Marked complete after the (current) target date: as ``Action.completed_late``
        (the same rule in SQL, :func:`actions.models.rag.completed_late_q`)."""
        return self.filter(completed_late_q())

    def with_rag(self, today: dt.date, now: dt.datetime | None = None):
        """Annotate ``current_rag`` (a :class:`Rag` value) and ``rag_rank`` (red 0 .. blue 3)
        computed in the database by the same rule as :meth:`Action.rag`, so lists can be
        filtered and sorted by RAG. The two are tested against each other, case by case."""
        # The rank is the same rule with numbers, not a CASE over the first CASE: that nested
        # form evaluated the rule five times a row and was most of a sorted list's SQL time.
        return self.annotate(current_rag=rag_expression(today, now),
                             rag_rank=rag_expression(today, now, ranks=True))

    def with_rag_in(self, rags, today: dt.date, now: dt.datetime | None = None):
        """Actions whose RAG on ``today`` is one of ``rags``."""
        return self.with_rag(today, now).filter(current_rag__in=list(rags))


class VersionConflict(Exception):
    """Raised by :meth:`Action.save` when the row changed since the instance was read."""

    def __init__(self, pk, expected_version):
        super().__init__(f"Action {pk} is no longer at version {expected_version}")
        self.pk = pk
        self.expected_version = expected_version


class Action(EnteredAfterEvent, models.Model):
    """One SMART action: what (specific), how we know (measurable), who (accountable), why
    (relevant: recommendation and themes) and by when (time-bound)."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="actions")
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions",
        verbose_name=_("recommendation or learning point"),
    )
    number = models.PositiveIntegerField(_("number"))
    reference = models.CharField(_("reference"), max_length=50, unique=True)
    title = models.CharField(
        _("short title"), max_length=120, blank=True,
        help_text=_("A few words for lists, reminders and calendars. No case details."),
    )
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
    #: Set when the sign-off was recorded after the day it was made (a past sign-off, entered
    #: by whoever holds ``Ability.RECORD_THE_PAST``, who is ``signed_off_by``): when it was
    #: typed in. ``signed_off_at`` is then noon of the day it was made. Empty otherwise.
    sign_off_entered_at = models.DateTimeField(
        _("sign-off entered after the event at"), null=True, blank=True, editable=False)
    last_update_at = models.DateTimeField(
        _("last progress update"), null=True, blank=True,
        help_text=_("Kept in step by the services; the RAG rule reads it."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="created_actions"
    )
    version = models.PositiveIntegerField(default=1, help_text=_("For optimistic locking."))
    external_reference = models.CharField(
        _("reference in the imported spreadsheet"), max_length=60, blank=True,
        help_text=_("The action's own reference in the spreadsheet it was imported from "
                    "(unique within its plan); a later import matches on it."),
    )
    import_fingerprint = models.CharField(
        _("imported values (fingerprint)"), max_length=64, blank=True, editable=False,
        help_text=_("A SHA-256 of the row's values as imported: a later import tells an "
                    "unchanged row from a changed one."),
    )

    history = HistoricalRecords(m2m_fields=[themes])
    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["target_date", "id"]
        verbose_name = _("action")
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
            models.CheckConstraint(
                condition=~Q(description=""), name="action_description_required"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ActionStatus.AWAITING_SIGN_OFF, ActionStatus.SIGNED_OFF])
                | (~Q(completion_evidence="") & Q(completed_on__isnull=False)),
                name="action_completed_needs_evidence",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="action_number_positive"),
            models.CheckConstraint(condition=Q(version__gte=1), name="action_version_positive"),
            models.UniqueConstraint(
                F("plan"), Lower("external_reference"), condition=~Q(external_reference=""),
                name="action_external_reference_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["lead_agency", "status", "target_date"]),
            models.Index(fields=["status", "target_date"]),
        ]

    def __str__(self):
        return f"{self.reference}: {self.title or self.description[:80]}"

    def save(self, *args, **kwargs):
        """Save with optimistic locking: an existing row is written only if it is still at the
        version this instance was read at, and every save (``update_fields`` ones too) moves
        the version on by one.

        The claim is a conditional ``UPDATE ... SET version = v + 1 WHERE id = ? AND
        version = v``; it holds the row lock to the end of the transaction, so a concurrent
        writer that read the same version finds 0 rows and gets :class:`VersionConflict`
        instead of overwriting. The normal save that follows writes the fields and the
        history record."""
        if self._state.adding or self.pk is None:
            return super().save(*args, **kwargs)
        expected = self.version
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        # A savepoint, so that a refused save leaves the caller's transaction usable (it can
        # still read what changed and show it).
        with transaction.atomic(using=using):
            claimed = (
                type(self)._base_manager.using(using)
                .filter(pk=self.pk, version=expected)
                .update(version=F("version") + 1)
            )
            if claimed != 1:
                raise VersionConflict(self.pk, expected)
            self.version = expected + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            try:
                return super().save(*args, **kwargs)
            except BaseException:
                self.version = expected
                raise

    def get_absolute_url(self):
        return reverse("actions:action_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def completed_late(self) -> bool:
        """Marked complete after its (current) target date (signed off or not): shown as
        "Completed late" beside the RAG, never by a colour alone. Its SQL twin is
        :func:`actions.models.rag.completed_late_q` (tested equal)."""
        return bool(self.completed_on and self.completed_on > self.target_date)

    @property
    def sign_off_entered_after_event(self) -> bool:
        return self.sign_off_entered_at is not None

    @property
    def days_late(self) -> int:
        """Days between the target date and the completion (0 unless completed late)."""
        return (self.completed_on - self.target_date).days if self.completed_late else 0

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
        * **Amber**: marked at risk by the owner, due within 4 weeks with no progress update
          in the last 4 weeks, or completed after its target date (awaiting sign-off).
        * **Green**: otherwise (including completed and awaiting sign-off, and closed without
          completion, which is reported separately by status).

        ``today`` is the date the RAG is computed for; ``now`` defaults to the end of that day.
        Returns a :class:`Rag` value.
        """
        return self.rag_explained(today, now)[0]

    def rag_explained(self, today: dt.date, now: dt.datetime | None = None) -> tuple[str, str]:
        """The RAG (by the rule in :meth:`rag`, which reads it from here) and the plain-English
        reason for it, for the pages. Returns ``(Rag value, reason)``."""
        if self.status == ActionStatus.SIGNED_OFF:
            return Rag.BLUE, (_("Signed off, completed late") if self.completed_late
                              else _("Signed off"))
        if self.status == ActionStatus.CLOSED_NOT_COMPLETED:
            return Rag.GREEN, _("Closed without completion")
        if self.blocked:
            return Rag.RED, _("Blocked")
        if self.is_overdue(today):
            return Rag.RED, _("Overdue")
        if self.status == ActionStatus.AWAITING_SIGN_OFF:
            if self.completed_late:
                return Rag.AMBER, _("Completed late, awaiting sign-off")
            return Rag.GREEN, _("Awaiting sign-off")
        if self.at_risk:
            return Rag.AMBER, _("At risk")
        if now is None:
            now = end_of_day(today)
        due_soon = self.target_date <= today + RAG_DUE_SOON
        stale = self.last_update_at is None or self.last_update_at < now - RAG_STALE_AFTER
        if due_soon and stale:
            return Rag.AMBER, _("Due soon, no update for 4 weeks")
        return Rag.GREEN, _("On track")

