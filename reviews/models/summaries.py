"""Individual agency summaries for a Rapid Review: asked for by the business unit, written in
the browser by the agency (its chronology, analysis, actions already taken, learning and
proposed single-agency actions), submitted, returned or accepted."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reviews.models.choices import Attendance
from reviews.models.rapid_reviews import Attendee, RapidReview
from scsp.models import Agency
from scsp.permissions import Ability, ScopedQuerySet, may


class SummaryStatus(models.TextChoices):
    ASKED = "asked", _("Asked")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    RECEIVED = "received", _("Received outside the system")


#: The states in which the agency still owes its summary (late after the due date).
OPEN_STATES = (SummaryStatus.ASKED, SummaryStatus.DRAFT, SummaryStatus.RETURNED)


class AgencySummaryQuerySet(ScopedQuerySet):
    """Agency staff see their own agency's summaries; once the Rapid Review panel has met
    (its meeting date and who attended are recorded), the panel members' agencies (those
    recorded as attending) see every summary of that review; other agencies, statutory
    partners included, never see another agency's summary.
    The agency's lead writes its summaries, or an officer they delegated one to; the business
    unit asks, returns and accepts."""

    def partner_visible(self, user):
        if user.agency_id is None:
            return self.none()
        attended = Exists(Attendee.objects.filter(
            rapid_review=OuterRef("rapid_review"), agency_id=user.agency_id,
            attendance=Attendance.ATTENDED))
        member = Q(rapid_review__meeting_date__isnull=False) & Q(attended)
        return self.filter(Q(agency_id=user.agency_id) | member)

    def partner_editable(self, user):
        if not may(user, Ability.WRITE_AGENCY_SUMMARIES) or user.agency_id is None:
            return self.none()
        mine = self.filter(agency_id=user.agency_id, status__in=OPEN_STATES)
        if may(user, Ability.DELEGATE_AGENCY_SUMMARIES):
            return mine
        return mine.filter(writer=user)

    def still_owed(self):
        return self.filter(status__in=OPEN_STATES, due_on__isnull=False)


class AgencySummary(models.Model):
    """An individual agency summary asked for a Rapid Review: when it was asked and due, its
    content as the agency writes it, and when it came back."""

    Status = SummaryStatus

    rapid_review = models.ForeignKey(
        RapidReview, on_delete=models.CASCADE, related_name="agency_summaries"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="rr_summaries")
    requested_on = models.DateField(_("requested on"))
    received_on = models.DateField(_("received on"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("state"), max_length=12, choices=SummaryStatus.choices,
                              default=SummaryStatus.ASKED)
    writer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="summaries_to_write", verbose_name=_("officer writing it"),
        help_text=_("An officer the agency's lead asked to write it."))
    went_well = models.TextField(_("what went well"), blank=True)
    could_be_better = models.TextField(_("what could have been better"), blank=True)
    actions_taken = models.TextField(_("immediate safeguarding actions already taken"),
                                     blank=True)
    learning_agency = models.TextField(_("learning for the agency"), blank=True)
    learning_partnership = models.TextField(_("learning for the partnership"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="summaries_submitted")
    return_comment = models.TextField(_("why it was returned"), blank=True)
    actions_accepted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()
    objects = AgencySummaryQuerySet.as_manager()

    class Meta:
        ordering = ["rapid_review", "agency__name"]
        verbose_name = _("agency summary")
        verbose_name_plural = _("agency summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["rapid_review", "agency"], name="agency_summary_once_per_agency"
            ),
            models.CheckConstraint(
                condition=Q(received_on__isnull=True)
                | Q(received_on__gte=models.F("requested_on")),
                name="agency_summary_received_after_request",
            ),
            models.CheckConstraint(
                condition=Q(status__in=SummaryStatus.values), name="agency_summary_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=SummaryStatus.SUBMITTED) | Q(submitted_at__isnull=False),
                name="agency_summary_submitted_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.agency.short_name}: {self.requested_on} -> {self.received_on or '…'}"

    def get_absolute_url(self):
        return reverse("reviews:summary_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    def is_late(self, today: dt.date) -> bool:
        """Still owed after its due date."""
        return self.is_open and self.due_on is not None and today > self.due_on

    def state_label(self, today: dt.date) -> str:
        if self.is_late(today):
            return _("Late (%(state)s)") % {"state": self.get_status_display().lower()}
        return self.get_status_display()

    def state_badge(self, today: dt.date) -> str:
        if self.is_late(today):
            return "badge-rag-red"
        return {SummaryStatus.SUBMITTED: "badge-rag-blue",
                SummaryStatus.RECEIVED: "badge-rag-blue",
                SummaryStatus.RETURNED: "badge-rag-amber"}.get(self.status, "badge-rag-green")


class ChronologyEntry(models.Model):
    """One dated event of the agency's involvement with the child and family."""

    summary = models.ForeignKey(AgencySummary, on_delete=models.CASCADE,
                                related_name="chronology")
    happened_on = models.DateField(_("date"))
    what = models.TextField(_("what happened"))
    who = models.CharField(_("who in the agency"), max_length=200, blank=True,
                           help_text=_("A role, for example “health visitor”."))
    source = models.CharField(_("source"), max_length=200, blank=True,
                              help_text=_("For example “case notes” or “GP record”."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["summary", "happened_on", "id"]
        verbose_name_plural = _("chronology entries")
        constraints = [
            models.CheckConstraint(condition=~Q(what=""), name="chronology_entry_has_text"),
        ]

    def __str__(self):
        return f"{self.happened_on}: {self.what[:40]}"


class ProposedAction(models.Model):
    """A single-agency action the agency proposes; it becomes an action in the Rapid Review's
    plan, led by that agency, when the business unit accepts the summary's actions."""

    summary = models.ForeignKey(AgencySummary, on_delete=models.CASCADE,
                                related_name="proposed_actions")
    description = models.TextField(_("action"))
    success_measure = models.TextField(_("how we will know it worked"))
    target_date = models.DateField(_("target date"))
    action = models.OneToOneField(
        "actions.Action", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="proposed_in")

    history = HistoricalRecords()

    class Meta:
        ordering = ["summary", "id"]

    def __str__(self):
        return self.description[:60]
