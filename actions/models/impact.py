"""Impact reviews: some months after an action is signed off, the lead agency shows whether
practice changed and the SLPR group judges it.

* :class:`ImpactReview`: the occasion, scheduled on sign-off (the plan's default number of
  months, or a date the co-ordinator sets), or marked not needed with a reason. A "not yet
  evident" rating schedules the next one (``number`` 2, 3 ...).
* :class:`ImpactEvidence`: what the lead agency brings (its kind, a summary, optional figures),
  each one a timeline entry (a ``ProgressUpdate`` of kind impact) whose files are ordinary
  evidence files (``Evidence``: the same upload checks, virus scan and download view).
* :class:`ImpactRating`: the group's judgement, recorded by the co-ordinator or the chair,
  with its consequence (the next review, a linked follow-up action, or the plan reopened).

Evidence and ratings are append-only; reviews keep their history (the date can move).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actions.models.action import Action
from actions.models.updates import AppendOnlyMixin, ProgressUpdate
from scsp.permissions import Ability, ScopedQuerySet, is_partner


class ImpactQuerySet(ScopedQuerySet):
    """Impact reviews, evidence and ratings are seen with their action (``action_path`` leads
    to it). The business unit schedules reviews; agency staff add evidence only to their own
    agency's actions (``partner_editable``); rating is a role step (``Ability.RATE_IMPACT``)
    on a review the person can see."""

    action_path = "action"
    edit_ability = Ability.SCHEDULE_IMPACT_REVIEWS

    def partner_visible(self, user):
        return self.filter(**{f"{self.action_path}__in": Action.objects.partner_visible(user)
                              .values("pk")})

    def partner_editable(self, user):
        return self.filter(**{f"{self.action_path}__lead_agency_id": user.agency_id})

    def evidence_addable_by(self, user):
        """The reviews ``user`` may add evidence to: any for the business unit, their own
        agency's for agency staff (with ``Ability.ADD_IMPACT_EVIDENCE``)."""
        from scsp.permissions import may

        if not may(user, Ability.ADD_IMPACT_EVIDENCE):
            return self.none()
        if is_partner(user):
            return self.partner_editable(user)
        return self.visible_to(user)

    def due(self):
        return self.filter(status=ImpactReview.Status.SCHEDULED)


class _ThroughReviewQuerySet(ImpactQuerySet):
    action_path = "review__action"

    def editable_by(self, user):
        return self.none()  # append-only


class ImpactReview(models.Model):
    """One scheduled question "did it make a difference?" about a signed-off action."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Due")
        NOT_NEEDED = "not_needed", _("No impact review needed")
        RATED = "rated", _("Rated")

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="impact_reviews")
    number = models.PositiveSmallIntegerField(_("review number"), default=1)
    due_on = models.DateField(_("impact review due"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.SCHEDULED)
    not_needed_reason = models.TextField(_("why no impact review is needed"), blank=True)
    scheduled_at = models.DateTimeField(default=timezone.now)
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="scheduled_impact_reviews")

    history = HistoricalRecords()
    objects = ImpactQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("impact review")
        constraints = [
            models.UniqueConstraint(fields=["action", "number"],
                                    name="impact_review_number_unique"),
            models.UniqueConstraint(fields=["action"], condition=Q(status="scheduled"),
                                    name="one_scheduled_impact_review_per_action"),
            models.CheckConstraint(condition=Q(status__in=["scheduled", "not_needed", "rated"]),
                                   name="impact_review_status_valid"),
            models.CheckConstraint(condition=~Q(status="not_needed") | ~Q(not_needed_reason=""),
                                   name="impact_review_not_needed_has_reason"),
            models.CheckConstraint(condition=Q(number__gte=1),
                                   name="impact_review_number_positive"),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return f"{self.action.reference}: impact review {self.number} due {self.due_on:%d %b %Y}"

    def get_absolute_url(self):
        """The review lives on its action's page."""
        return f"{self.action.get_absolute_url()}#impact"

    def is_overdue(self, today) -> bool:
        return self.status == self.Status.SCHEDULED and self.due_on < today


class EvidenceKind(models.TextChoices):
    REAUDIT = "reaudit", _("Re-audit of cases")
    CASE_SAMPLE = "case_sample", _("Sample of case files")
    DATA_TREND = "data_trend", _("Data trend (before and after)")
    SURVEY = "survey", _("Practitioner survey")
    VOICE = "voice", _("Child or family voice")
    INSPECTION = "inspection", _("Inspection finding")
    OTHER = "other", _("Other")


class ImpactEvidence(AppendOnlyMixin, models.Model):
    """What the lead agency brings to an impact review. Its files hang on ``update`` (the
    timeline entry) as ordinary evidence files."""

    review = models.ForeignKey(ImpactReview, on_delete=models.PROTECT, related_name="evidence")
    update = models.OneToOneField(ProgressUpdate, on_delete=models.PROTECT,
                                  related_name="impact_evidence")
    kind = models.CharField(_("kind of evidence"), max_length=12, choices=EvidenceKind.choices)
    summary = models.TextField(_("summary"))
    measure = models.CharField(_("measure"), max_length=200, blank=True)
    before = models.CharField(_("before"), max_length=40, blank=True)
    after = models.CharField(_("after"), max_length=40, blank=True)
    period = models.CharField(_("period"), max_length=100, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="impact_evidence_added")
    added_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()
    objects = _ThroughReviewQuerySet.as_manager()

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("impact evidence")
        verbose_name_plural = _("impact evidence")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EvidenceKind.values),
                                   name="impact_evidence_kind_valid"),
            models.CheckConstraint(condition=~Q(summary=""),
                                   name="impact_evidence_summary_required"),
            models.CheckConstraint(
                condition=(Q(before="") & Q(after="")) | ~Q(measure=""),
                name="impact_evidence_figures_need_measure"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.summary[:60]}"

    @property
    def has_figures(self) -> bool:
        return bool(self.before or self.after)


class Rating(models.TextChoices):
    EVIDENT = "evident", _("Impact evident")
    PARTLY = "partly", _("Impact partly evident")
    NOT_YET = "not_yet", _("Impact not yet evident")
    NOT_EVIDENT = "not_evident", _("Impact not evident")


#: The ratings that count as "made a difference" in the annual figure.
POSITIVE_RATINGS = (Rating.EVIDENT, Rating.PARTLY)


class ImpactRating(AppendOnlyMixin, models.Model):
    """The SLPR group's judgement on one impact review, and what follows from it."""

    class Consequence(models.TextChoices):
        NONE = "", _("None")
        NEXT_REVIEW = "next_review", _("Another impact review scheduled")
        FOLLOW_UP = "follow_up", _("Follow-up action opened")
        REOPEN_PLAN = "reopen_plan", _("Action plan reopened")

    review = models.OneToOneField(ImpactReview, on_delete=models.PROTECT, related_name="rating")
    update = models.OneToOneField(ProgressUpdate, on_delete=models.PROTECT,
                                  related_name="impact_rating")
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices)
    rationale = models.TextField(_("rationale"))
    meeting_date = models.DateField(_("date of the SLPR meeting"))
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="impact_ratings")
    rated_at = models.DateTimeField(default=timezone.now, db_index=True)
    consequence = models.CharField(_("what follows"), max_length=12, blank=True,
                                   choices=Consequence.choices)
    consequence_reason = models.TextField(_("reason for what follows"), blank=True)
    next_review = models.OneToOneField(ImpactReview, on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="scheduled_by_rating")
    follow_up_action = models.OneToOneField(Action, on_delete=models.PROTECT, null=True,
                                            blank=True, related_name="follows_impact_rating")

    history = HistoricalRecords()
    objects = _ThroughReviewQuerySet.as_manager()

    class Meta:
        ordering = ["rated_at", "id"]
        verbose_name = _("impact rating")
        constraints = [
            models.CheckConstraint(condition=Q(rating__in=Rating.values),
                                   name="impact_rating_valid"),
            models.CheckConstraint(condition=~Q(rationale=""),
                                   name="impact_rating_rationale_required"),
            models.CheckConstraint(
                condition=~Q(rating="not_yet")
                | (Q(consequence="next_review") & Q(next_review__isnull=False)),
                name="impact_not_yet_schedules_next"),
            models.CheckConstraint(
                condition=~Q(rating="not_evident")
                | ((Q(consequence="follow_up") & Q(follow_up_action__isnull=False))
                   | Q(consequence="reopen_plan")) & ~Q(consequence_reason=""),
                name="impact_not_evident_has_consequence"),
            models.CheckConstraint(
                condition=~Q(rating__in=["evident", "partly"]) | Q(consequence=""),
                name="impact_evident_no_consequence"),
        ]

    def __str__(self):
        return f"{self.review.action.reference}: {self.get_rating_display()}"
