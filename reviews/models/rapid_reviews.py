"""Rapid Reviews with their attendees, agency summaries and sign-offs, and the subgroup's
decisions on partner referrals (the Spotlight process)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reviews.models.cases import Case
from reviews.models.choices import (
    Attendance,
    LocalRoute,
    PanelResponse,
    RapidReviewDecision,
    ReferralDecision,
)
from scsp.models import Agency
from scsp.permissions import Ability, ScopedQuerySet, may


class RapidReviewQuerySet(ScopedQuerySet):
    """The Rapid Reviews of the cases ``user`` can see; the business unit edits."""

    def partner_visible(self, user):
        """Agency staff: the Rapid Reviews of their cases (the case summary only, unless
        :meth:`full_record_for` lets them read it all), and the Rapid Reviews whose full record
        their lead reads (:meth:`panel_member_q`)."""
        return self.filter(Q(case__in=Case.objects.visible_to(user)) | self.panel_member_q(user))

    @staticmethod
    def panel_member_q(user) -> Q:
        """The Rapid Reviews on whose panel ``user``'s agency sits, for its safeguarding lead
        (``Ability.READ_PANEL_RECORDS``): every one when the agency is a statutory partner,
        otherwise those it attended. Nothing for anyone else."""
        if not may(user, Ability.READ_PANEL_RECORDS) or user.agency_id is None:
            return Q(pk__in=[])
        if user.agency.kind == Agency.Kind.STATUTORY and user.agency.active:
            return Q()
        attended = Attendee.objects.filter(
            rapid_review=OuterRef("pk"), agency_id=user.agency_id,
            attendance=Attendance.ATTENDED)
        return Q(Exists(attended))

    def full_record_for(self, user):
        """The Rapid Reviews whose full record and minutes ``user`` reads: all of them for
        the partnership-wide roles, the panel's for a partner agency's lead
        (:meth:`panel_member_q`); never the embargo details of the reviews they started
        (``Ability.READ_EMBARGO_DETAILS``)."""
        if may(user, Ability.READ_FULL_CASE_RECORDS):
            return self.visible_to(user)
        return self.visible_to(user).filter(self.panel_member_q(user))


class RapidReview(models.Model):
    """The Rapid Review after a serious incident notification: 15 working days from its
    anchor date to completion (sent to the Panel)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="rapid_review")
    meeting_date = models.DateField(_("Rapid Review panel meeting date"), null=True, blank=True)
    facts_and_chronology = models.TextField(_("facts and chronology summary"), blank=True)
    key_practice_episodes = models.TextField(_("key practice episodes"), blank=True)
    good_practice = models.TextField(_("good practice"), blank=True)
    immediate_safeguarding_actions = models.TextField(
        _("immediate safeguarding actions"), blank=True
    )
    learning_single_agency = models.TextField(_("immediate learning: single-agency"), blank=True)
    learning_multi_agency = models.TextField(_("immediate learning: multi-agency"), blank=True)
    context = models.TextField(
        _("context: race, racism, inequality and disability"), blank=True
    )
    decision = models.CharField(
        _("decision"), max_length=20, choices=RapidReviewDecision.choices, blank=True
    )
    local_route = models.CharField(
        _("local learning route"), max_length=20, choices=LocalRoute.choices, blank=True
    )
    decision_rationale = models.TextField(_("rationale for the decision"), blank=True)
    decided_on = models.DateField(_("date of the decision"), null=True, blank=True)
    sent_to_panel_on = models.DateField(_("date sent to the National Panel"), null=True, blank=True)
    panel_response_on = models.DateField(_("date of the National Panel's response"), null=True, blank=True)
    panel_response = models.CharField(
        _("the National Panel's response"), max_length=20, choices=PanelResponse.choices, blank=True
    )
    panel_comments = models.TextField(_("the National Panel's comments"), blank=True)
    action_plan = models.OneToOneField(
        "actions.ActionPlan", on_delete=models.PROTECT, null=True, blank=True,
        related_name="rapid_review",
    )
    created_at = models.DateTimeField(default=timezone.now)
    #: When the review's content last changed: a partner's sign-off is for this version.
    version_at = models.DateTimeField(_("version of"), default=timezone.now)

    history = HistoricalRecords()
    objects = RapidReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-case__reference_year", "-case__reference_number"]
        verbose_name = _("Rapid Review")
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="") | Q(decision__in=RapidReviewDecision.values),
                name="rr_decision_valid",
            ),
            models.CheckConstraint(
                condition=(Q(decision=RapidReviewDecision.LOCAL_ROUTE)
                           & Q(local_route__in=LocalRoute.values))
                | (~Q(decision=RapidReviewDecision.LOCAL_ROUTE) & Q(local_route="")),
                name="rr_local_route_only_with_local_decision",
            ),
            models.CheckConstraint(
                condition=Q(decision="")
                | (Q(decided_on__isnull=False) & ~Q(decision_rationale="")),
                name="rr_decision_needs_date_and_rationale",
            ),
            models.CheckConstraint(
                condition=Q(panel_response_on__isnull=True)
                | (Q(sent_to_panel_on__isnull=False)
                   & Q(panel_response_on__gte=models.F("sent_to_panel_on"))),
                name="rr_panel_response_after_sending",
            ),
            models.CheckConstraint(
                condition=Q(panel_response="") | Q(panel_response_on__isnull=False),
                name="rr_panel_response_needs_date",
            ),
        ]

    def __str__(self):
        return _("Rapid Review %(ref)s") % {"ref": self.case.reference}

    def get_absolute_url(self):
        return reverse("reviews:rr_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"{self.case.reference} RR"

    def decision_label(self) -> str:
        if self.decision == RapidReviewDecision.LOCAL_ROUTE and self.local_route:
            return _("No CSPR: %(route)s") % {"route": self.get_local_route_display()}
        return self.get_decision_display()


class Attendee(models.Model):
    """A professional at (or sending apologies to) a Rapid Review panel."""

    rapid_review = models.ForeignKey(RapidReview, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=120)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="rr_attendances", verbose_name=_("agency")
    )
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, default=Attendance.ATTENDED
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["rapid_review", "attendance", "agency__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(attendance__in=Attendance.values), name="attendee_attendance_valid"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.role})"


class SignOff(models.Model):
    """A safeguarding partner's (or the chair's) sign-off of a Rapid Review: who and when."""

    rapid_review = models.ForeignKey(RapidReview, on_delete=models.CASCADE, related_name="sign_offs")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="rr_sign_offs", verbose_name=_("partner")
    )
    signed_by_name = models.CharField(_("signed off by"), max_length=120)
    signed_by_role = models.CharField(_("their role"), max_length=120)
    signed_on = models.DateField(_("date signed off"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="rr_sign_offs", help_text=_("Set when the person signed off here themselves."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recorded_sign_offs"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    #: The Rapid Review's ``version_at`` when it was signed off; older than the review's
    #: current version means the sign-off is for an earlier version and is asked again.
    version_at = models.DateTimeField(_("version signed off"), null=True, blank=True)
    how = models.CharField(
        _("how it was given"), max_length=120, blank=True,
        help_text=_("For a sign-off given outside the system: for example “by e-mail”."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["rapid_review", "signed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rapid_review", "agency"], name="sign_off_once_per_partner"
            ),
        ]

    def __str__(self):
        return f"{self.agency.short_name}: {self.signed_by_name} on {self.signed_on}"

    @property
    def in_person(self) -> bool:
        """Signed here by the person themselves (not recorded by the business unit)."""
        return self.signed_by_id is not None

    def is_current(self, rr) -> bool:
        """For the Rapid Review's current version (an unversioned sign-off counts as
        current: it was recorded before versions were kept)."""
        return self.version_at is None or self.version_at >= rr.version_at


class SpotlightReferral(models.Model):
    """The SLPR subgroup's decision on a partner referral: no further action, a learning
    briefing or a Spotlight Review."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="referral_decision")
    decision = models.CharField(_("decision"), max_length=20, choices=ReferralDecision.choices)
    rationale = models.TextField(_("rationale"))
    decided_on = models.DateField(_("date of the decision"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referral_decisions"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on"]
        verbose_name = _("Spotlight referral decision")
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=ReferralDecision.values), name="referral_decision_valid"
            ),
            models.CheckConstraint(condition=~Q(rationale=""), name="referral_needs_rationale"),
        ]

    def __str__(self):
        return f"{self.case.reference}: {self.get_decision_display()}"
