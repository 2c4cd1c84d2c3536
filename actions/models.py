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
from django.db import models, router, transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
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
#: Order for sorting by RAG: the most worrying first.
RAG_RANK = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, Rag.BLUE: 3}


def end_of_day(today: dt.date) -> dt.datetime:
    """The last instant of ``today`` in the partnership's time zone (the RAG rule's ``now``)."""
    return timezone.make_aware(dt.datetime.combine(today, dt.time.max))


def _is_partner(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active
                and (user.is_agency_lead or user.is_agency_officer))


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


class ActionPlanQuerySet(models.QuerySet):
    """Who may see and change action plans.

    * Co-ordinator, chair and scrutineer see every plan.
    * A partner (agency lead or officer) sees a plan where their agency leads at least one
      action, and a plan they own.
    * Only the co-ordinator changes plans (adds recommendations and actions)."""

    def visible_to(self, user):
        if not _signed_in(user):
            return self.none()
        if user.sees_everything:
            return self
        if not _is_partner(user):
            return self.none()
        # ActionQuerySet.led_by_agency_of relies on this including every plan the person's
        # agency leads an action in; narrowing it means changing that shortcut too.
        agency_leads = Action.objects.filter(plan=OuterRef("pk"), lead_agency_id=user.agency_id)
        return self.filter(Q(owner=user) | Exists(agency_leads))

    def editable_by(self, user):
        if _signed_in(user) and user.is_coordinator:
            return self
        return self.none()

    def open(self):
        """Plans still being delivered (draft or active)."""
        return self.exclude(status=ActionPlan.Status.CLOSED)

    def overdue(self, today: dt.date):
        """Plans with at least one overdue action on ``today``."""
        return self.filter(
            Exists(Action.objects.filter(plan=OuterRef("pk")).overdue(today))
        )


class ActionQuerySet(models.QuerySet):
    """Who may see and change actions, and the RAG rule in SQL.

    * Co-ordinator, chair and scrutineer see every action.
    * A partner sees every action of the plans their agency leads at least one action in (so
      they see how their work fits the plan), read-only for other agencies' actions.
    * The co-ordinator changes any action; an agency lead or officer changes (updates progress,
      asks for a new date) only their own agency's actions. Chair and scrutineer change none.
      Signing off and deciding dates are narrower still: see ``actions.rules``."""

    def visible_to(self, user):
        if not _signed_in(user):
            return self.none()
        if user.sees_everything:
            return self
        if not _is_partner(user):
            return self.none()
        return self.filter(plan__in=ActionPlan.objects.visible_to(user).values("pk"))

    def led_by_agency_of(self, user):
        """The actions ``user``'s agency leads, within ``visible_to(user)``. For a partner that
        needs no visibility subquery: each such action is in a plan their agency leads an
        action in, so ``visible_to`` always includes it (tested). That keeps "My agency's
        actions" two index lookups at any size."""
        if _is_partner(user):
            return self.filter(lead_agency_id=user.agency_id)
        return self.visible_to(user).filter(lead_agency_id=user.agency_id)

    def editable_by(self, user):
        if not _signed_in(user):
            return self.none()
        if user.is_coordinator:
            return self
        if _is_partner(user):
            return self.filter(lead_agency_id=user.agency_id)
        return self.none()

    def open(self):
        """Still the owner's to deliver: not started, in progress or returned."""
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: dt.date):
        """Open and past the (current) target date on ``today``: as ``Action.is_overdue``."""
        return self.open().filter(target_date__lt=today)

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


def rag_expression(today: dt.date, now: dt.datetime | None = None, *,
                   ranks: bool = False) -> Case:
    """The RAG rule of :meth:`Action.rag` as one SQL ``CASE`` giving the :class:`Rag` value
    (or, with ``ranks``, its :data:`RAG_RANK`: red 0 .. blue 3); keep the two in step (the
    table-driven test in ``tests/actions/test_rag.py`` compares them)."""
    if now is None:
        now = end_of_day(today)

    def out(rag: Rag) -> Value:
        return Value(RAG_RANK[rag] if ranks else rag.value)

    return Case(
        When(status=ActionStatus.SIGNED_OFF, then=out(Rag.BLUE)),
        When(status=ActionStatus.CLOSED_NOT_COMPLETED, then=out(Rag.GREEN)),
        When(Q(blocked=True) | Q(status__in=OPEN_STATUSES, target_date__lt=today),
             then=out(Rag.RED)),
        When(status=ActionStatus.AWAITING_SIGN_OFF, then=out(Rag.GREEN)),
        When(at_risk=True, then=out(Rag.AMBER)),
        When(
            Q(target_date__lte=today + RAG_DUE_SOON)
            & (Q(last_update_at__isnull=True) | Q(last_update_at__lt=now - RAG_STALE_AFTER)),
            then=out(Rag.AMBER),
        ),
        default=out(Rag.GREEN),
        output_field=IntegerField() if ranks else models.CharField(max_length=10),
    )


class _ThroughActionQuerySet(models.QuerySet):
    """Records that belong to one action (updates, evidence, date changes) are visible with
    their action; nobody changes them (they are append-only; decisions go through services)."""

    def visible_to(self, user):
        return self.filter(action__in=Action.objects.visible_to(user).values("pk"))

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


class VersionConflict(Exception):
    """Raised by :meth:`Action.save` when the row changed since the instance was read."""

    def __init__(self, pk, expected_version):
        super().__init__(f"Action {pk} is no longer at version {expected_version}")
        self.pk = pk
        self.expected_version = expected_version


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
    objects = ActionPlanQuerySet.as_manager()

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
        verbose_name = _("recommendation")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="recommendation_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="recommendation_number_positive"),
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
        return self.rag_explained(today, now)[0]

    def rag_explained(self, today: dt.date, now: dt.datetime | None = None) -> tuple[str, str]:
        """The RAG (by the rule in :meth:`rag`, which reads it from here) and the plain-English
        reason for it, for the pages. Returns ``(Rag value, reason)``."""
        if self.status == ActionStatus.SIGNED_OFF:
            return Rag.BLUE, _("Signed off")
        if self.status == ActionStatus.CLOSED_NOT_COMPLETED:
            return Rag.GREEN, _("Closed without completion")
        if self.blocked:
            return Rag.RED, _("Blocked")
        if self.is_overdue(today):
            return Rag.RED, _("Overdue")
        if self.status == ActionStatus.AWAITING_SIGN_OFF:
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

    objects = _ThroughActionQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="evidence_not_empty"),
        ]

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
