"""Practice reviews (LCSPR, Spotlight, Tabletop, learning briefing) with their stages,
progress checks and learning briefing files."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actions.models import ScanStatus
from reviews.models.cases import Case
from reviews.models.choices import (
    Proceeding,
    PublicationOutcome,
    ReviewKind,
    ReviewStatus,
    StageKey,
)
from reviews.models.rapid_reviews import RapidReview, SpotlightReferral
from scsp.backfill import EnteredAfterEvent
from scsp.models import Theme
from scsp.permissions import Ability, ScopedQuerySet, may


class PracticeReviewQuerySet(ScopedQuerySet):
    """Everything for partnership-wide roles; the business unit edits. Embargo details are
    hidden from agency staff by the views."""

    def partner_visible(self, user):
        """Agency staff: reviews of a case their agency is involved in."""
        linked = PracticeReview.cases.through.objects.filter(
            practicereview_id=OuterRef("pk"), case__in=Case.objects.visible_to(user)
        )
        return self.filter(Exists(linked))


class PracticeReview(EnteredAfterEvent, models.Model):
    """An LCSPR (one child or thematic), Spotlight Review, Tabletop Review or learning
    briefing, with its stages, progress checks, themes, action plan and outcome."""

    kind = models.CharField(_("kind"), max_length=20, choices=ReviewKind.choices)
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    reference_year = models.PositiveSmallIntegerField(editable=False)
    reference_number = models.PositiveSmallIntegerField(editable=False)
    title = models.CharField(_("title"), max_length=200)
    cases = models.ManyToManyField(Case, related_name="practice_reviews", verbose_name=_("cases"))
    is_thematic = models.BooleanField(
        _("thematic review"), default=False, help_text=_("Covers more than one child or case.")
    )
    rapid_review = models.ForeignKey(
        RapidReview, on_delete=models.PROTECT, null=True, blank=True,
        related_name="practice_reviews", help_text=_("The Rapid Review that decided on it."),
    )
    referral = models.ForeignKey(
        SpotlightReferral, on_delete=models.PROTECT, null=True, blank=True,
        related_name="practice_reviews", help_text=_("The referral decision that asked for it."),
    )
    decision_date = models.DateField(_("date of the decision to initiate"))
    status = models.CharField(
        _("status"), max_length=25, choices=ReviewStatus.choices, default=ReviewStatus.IN_PROGRESS
    )
    reviewer = models.CharField(_("reviewer"), max_length=150, blank=True)
    method = models.CharField(_("review method"), max_length=200, blank=True)
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="practice_reviews", verbose_name=_("learning themes")
    )
    summary = models.TextField(_("summary of learning"), blank=True)
    # Publication outcome (LCSPR).
    outcome = models.CharField(
        _("publication outcome"), max_length=20, choices=PublicationOutcome.choices, blank=True
    )
    published_url = models.URLField(_("link to the published report"), blank=True)
    embargo_reason = models.TextField(_("reason for the embargo"), blank=True)
    embargo_proceeding = models.CharField(
        _("the parallel proceeding"), max_length=20, choices=Proceeding.choices, blank=True
    )
    embargo_proceeding_detail = models.CharField(
        _("about the proceeding"), max_length=200, blank=True,
        help_text=_("For example the court and the stage reached. No names."),
    )
    embargo_expected_end = models.DateField(_("expected end of the embargo"), null=True, blank=True)
    embargo_next_review = models.DateField(
        _("next review of the embargo"), null=True, blank=True
    )
    not_published_reason = models.TextField(_("reason for not publishing"), blank=True)
    published_instead = models.TextField(
        _("what was published instead"), blank=True,
        help_text=_("For example a summary of the improvements made."),
    )
    action_plan = models.OneToOneField(
        "actions.ActionPlan", on_delete=models.PROTECT, null=True, blank=True,
        related_name="practice_review",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="created_reviews"
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(m2m_fields=[cases, themes])
    objects = PracticeReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-decision_date", "-id"]
        verbose_name = _("practice review")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "reference_year", "reference_number"],
                name="review_reference_unique",
            ),
            models.CheckConstraint(condition=Q(kind__in=ReviewKind.values), name="review_kind_valid"),
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values), name="review_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(kind=ReviewKind.LCSPR),
                name="review_publication_outcome_only_for_lcspr",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=PublicationOutcome.EMBARGOED)
                | (~Q(embargo_reason="") & ~Q(embargo_proceeding="")
                   & Q(embargo_expected_end__isnull=False) & Q(embargo_next_review__isnull=False)),
                name="review_embargo_needs_details",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=PublicationOutcome.NOT_PUBLISHED)
                | (~Q(not_published_reason="") & ~Q(published_instead="")),
                name="review_not_published_needs_reason",
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self):
        return reverse("reviews:review_detail", args=[self.pk])

    @property
    def is_lcspr(self) -> bool:
        return self.kind == ReviewKind.LCSPR

    def stage(self, key: str):
        """The stage with ``key`` (uses prefetched stages), or ``None``."""
        for stage in self.stages.all():
            if stage.key == key:
                return stage
        return None

    def milestone(self, key: str) -> dt.date | None:
        stage = self.stage(key)
        return stage.actual_date if stage else None

    @property
    def held_on(self) -> dt.date | None:
        """When the review's meeting or learning event was held (its "held" stage)."""
        return self.milestone(StageKey.HELD)

    @property
    def held_stage_name(self) -> str:
        stage = self.stage(StageKey.HELD)
        return stage.name if stage else ""

    @property
    def ratified_on(self) -> dt.date | None:
        return self.milestone(StageKey.RATIFIED)

    @property
    def published_on(self) -> dt.date | None:
        return self.milestone(StageKey.PUBLISHED)

    @property
    def planned_publication_date(self) -> dt.date | None:
        stage = self.stage(StageKey.PUBLISHED)
        return stage.planned_date if stage else None

    @property
    def sent_to_panel_on(self) -> dt.date | None:
        return self.milestone(StageKey.SENT_TO_PANEL)

    @property
    def completed_on(self) -> dt.date | None:
        """When the review finished: for an LCSPR its publication (or ratification when it
        will not be published); for the others, the stage that completes them."""
        if self.is_lcspr:
            if self.outcome == PublicationOutcome.PUBLISHED:
                return self.published_on
            if self.outcome == PublicationOutcome.NOT_PUBLISHED:
                return self.ratified_on
            return None
        return self.milestone(StageKey.COMPLETED)

    def status_for(self, user) -> str:
        """The status label ``user`` may see: "Embargoed" only for partnership-wide roles."""
        if self.outcome == PublicationOutcome.EMBARGOED and may(user, Ability.READ_EMBARGO_DETAILS):
            return str(_("Ratified, embargoed"))
        return self.get_status_display()


class ReviewStage(models.Model):
    """One stage of a practice review, with planned and actual dates. Each kind starts from
    a default list (``reviews.stages``) that the co-ordinator may adjust."""

    review = models.ForeignKey(PracticeReview, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("stage"), max_length=150)
    key = models.CharField(max_length=20, choices=StageKey.choices, blank=True)
    planned_date = models.DateField(_("planned date"), null=True, blank=True)
    actual_date = models.DateField(_("date done"), null=True, blank=True)
    not_needed = models.BooleanField(_("not needed"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "key"], condition=~Q(key=""), name="stage_key_once_per_review"
            ),
            models.CheckConstraint(
                condition=~(Q(not_needed=True) & Q(actual_date__isnull=False)),
                name="stage_not_needed_has_no_date",
            ),
        ]

    def __str__(self):
        return self.name

    def state(self, today: dt.date) -> str:
        """"done", "not_needed", "overdue" (planned date passed) or "planned"."""
        if self.actual_date:
            return "done"
        if self.not_needed:
            return "not_needed"
        if self.planned_date and self.planned_date < today:
            return "overdue"
        return "planned"


class ProgressCheck(models.Model):
    """The partners' check on a review's time and quality (DOMAIN.md section 3)."""

    review = models.ForeignKey(
        PracticeReview, on_delete=models.CASCADE, related_name="progress_checks"
    )
    checked_on = models.DateField(_("date of the check"))
    on_track = models.BooleanField(_("on track for time and quality"), default=True)
    drafts_requested = models.BooleanField(
        _("drafts asked for in writing"), default=False,
        help_text=_("Partners may ask the reviewer in writing for drafts."),
    )
    note = models.TextField(_("what was found"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_checks"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "-checked_on", "-id"]

    def __str__(self):
        return f"{self.review.reference} check on {self.checked_on}"


def briefing_upload_to(instance, filename) -> str:
    """A random server-side name; the user's file name is kept only in ``original_name``."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"briefings/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{suffix}"


class BriefingFileQuerySet(ScopedQuerySet):
    """A briefing is seen by whoever can see its review; the business unit uploads them."""

    def partner_visible(self, user):
        return self.filter(review__in=PracticeReview.objects.visible_to(user))


class BriefingFile(models.Model):
    """A learning briefing ("7-minute briefing") file, stored privately. The newest one is
    the current briefing; older ones are kept."""

    review = models.ForeignKey(PracticeReview, on_delete=models.PROTECT, related_name="briefings")
    file = models.FileField(upload_to=briefing_upload_to, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="uploaded_briefings"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    # The virus scan (actions.services.files_rescan_waiting changes it).
    scan_status = models.CharField(_("virus scan"), max_length=10, choices=ScanStatus.choices,
                                   default=ScanStatus.WAITING)
    scanned_at = models.DateTimeField(null=True, blank=True)
    scan_signature = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()
    objects = BriefingFileQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(scan_status__in=ScanStatus.values),
                                   name="briefing_scan_status_valid"),
        ]

    def __str__(self):
        return self.original_name

    @property
    def reference(self) -> str:
        return self.review.reference

    @property
    def downloadable(self) -> bool:
        return self.scan_status == ScanStatus.CLEAN
