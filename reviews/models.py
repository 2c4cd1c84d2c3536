"""Cases (serious incident notifications and partner referrals), their children, Rapid Reviews,
Spotlight referral decisions and practice reviews (LCSPR, Spotlight, Tabletop, learning briefing).

Children are only ever pseudonyms. Every clock is computed in :mod:`reviews.clocks`; every write
goes through :mod:`reviews.services`. Reviews own their action plans (one-to-one to
``actions.ActionPlan``); ``actions`` never imports this app.
"""

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

from scsp.models import Agency, Theme

MAX_CHILDREN = 4


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


# --- Choices ------------------------------------------------------------------------------------


class Route(models.TextChoices):
    """How a case reached the business unit."""

    NOTIFICATION = "notification", _("Serious incident notification")
    REFERRAL = "referral", _("Referral by a partner")


class CaseStatus(models.TextChoices):
    RAPID_REVIEW = "rapid_review", _("Rapid Review in progress")
    AWAITING_DECISION = "awaiting_decision", _("Awaiting the subgroup's decision")
    IN_REVIEW = "in_review", _("Learning review in progress")
    NATIONAL_REVIEW = "national_review", _("Referred to the Panel for a national review")
    CLOSED = "closed", _("Closed")


class IncidentType(models.TextChoices):
    DEATH = "death", _("Death")
    SERIOUS_HARM = "serious_harm", _("Serious harm")
    OTHER = "other", _("Other")


class HarmCategory(models.TextChoices):
    NEGLECT = "neglect", _("Neglect")
    PHYSICAL = "physical", _("Physical abuse")
    SEXUAL = "sexual", _("Sexual abuse")
    EMOTIONAL = "emotional", _("Emotional abuse")
    EXPLOITATION = "exploitation", _("Exploitation")
    DOMESTIC_ABUSE = "domestic_abuse", _("Domestic abuse context")
    SUICIDE = "suicide", _("Suspected suicide")


class Location(models.TextChoices):
    IN_AREA = "in_area", _("In the partnership's area")
    OUT_OF_AREA = "out_of_area", _("Outside the area")


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Not known")


class AgeBand(models.TextChoices):
    UNDER_1 = "under_1", _("Under 1")
    AGE_1_5 = "1_5", _("1 to 5")
    AGE_6_10 = "6_10", _("6 to 10")
    AGE_11_15 = "11_15", _("11 to 15")
    AGE_16_17 = "16_17", _("16 to 17")
    AGE_18_24 = "18_24", _("18 to 24 (care leaver)")
    UNKNOWN = "unknown", _("Not known")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    NOT_KNOWN = "not_known", _("Not known or not stated")


class LegalStatus(models.TextChoices):
    CHILD_IN_NEED = "cin", _("Child in need plan")
    CHILD_PROTECTION = "cp", _("Child protection plan")
    LOOKED_AFTER = "looked_after", _("Looked after")
    CARE_LEAVER = "care_leaver", _("Care leaver")
    NONE = "none", _("None")
    UNKNOWN = "unknown", _("Not known")


#: ONS 2021 Census ethnic groups (England and Wales), grouped as the ONS groups them.
ETHNICITY_GROUPS = [
    (_("Asian or Asian British"), [
        ("asian_bangladeshi", _("Bangladeshi")),
        ("asian_chinese", _("Chinese")),
        ("asian_indian", _("Indian")),
        ("asian_pakistani", _("Pakistani")),
        ("asian_other", _("Any other Asian background")),
    ]),
    (_("Black, Black British, Caribbean or African"), [
        ("black_african", _("African")),
        ("black_caribbean", _("Caribbean")),
        ("black_other", _("Any other Black, Black British or Caribbean background")),
    ]),
    (_("Mixed or multiple ethnic groups"), [
        ("mixed_white_asian", _("White and Asian")),
        ("mixed_white_black_african", _("White and Black African")),
        ("mixed_white_black_caribbean", _("White and Black Caribbean")),
        ("mixed_other", _("Any other Mixed or multiple ethnic background")),
    ]),
    (_("White"), [
        ("white_british", _("English, Welsh, Scottish, Northern Irish or British")),
        ("white_irish", _("Irish")),
        ("white_gypsy_traveller", _("Gypsy or Irish Traveller")),
        ("white_roma", _("Roma")),
        ("white_other", _("Any other White background")),
    ]),
    (_("Other ethnic group"), [
        ("other_arab", _("Arab")),
        ("other_any", _("Any other ethnic group")),
    ]),
    (_("Not known"), [
        ("not_known", _("Not known")),
        ("not_stated", _("Not stated")),
    ]),
]
ETHNICITY_LABELS = {code: label for _group, items in ETHNICITY_GROUPS for code, label in items}


class RapidReviewDecision(models.TextChoices):
    """What the Rapid Review panel decided (DOMAIN.md section 2)."""

    LCSPR = "lcspr", _("Local Child Safeguarding Practice Review (LCSPR)")
    NATIONAL = "national", _("Refer to the Panel for a national review")
    LOCAL_ROUTE = "local_route", _("No CSPR: a local learning route")
    NO_FURTHER = "no_further", _("No further review (learning captured in the Rapid Review)")


class LocalRoute(models.TextChoices):
    TABLETOP = "tabletop", _("Tabletop Review")
    SPOTLIGHT = "spotlight", _("Spotlight Review")
    LEARNING_BRIEFING = "learning_briefing", _("Learning briefing")


class PanelResponse(models.TextChoices):
    AGREES = "agrees", _("Agrees with the decision")
    QUESTIONS = "questions", _("Has questions")
    NATIONAL = "national", _("Will consider a national review")


class ReferralDecision(models.TextChoices):
    """The SLPR subgroup's decision on a partner referral (Spotlight process)."""

    NO_FURTHER_ACTION = "nfa", _("No further action")
    LEARNING_BRIEFING = "learning_briefing", _("Learning briefing")
    SPOTLIGHT = "spotlight", _("Spotlight Review")


class ReviewKind(models.TextChoices):
    LCSPR = "lcspr", _("LCSPR")
    SPOTLIGHT = "spotlight", _("Spotlight Review")
    TABLETOP = "tabletop", _("Tabletop Review")
    LEARNING_BRIEFING = "learning_briefing", _("Learning briefing")


#: Reference prefixes for practice reviews, e.g. LCSPR-2023-01.
REVIEW_PREFIX = {
    ReviewKind.LCSPR: "LCSPR",
    ReviewKind.SPOTLIGHT: "SR",
    ReviewKind.TABLETOP: "TR",
    ReviewKind.LEARNING_BRIEFING: "LB",
}


class ReviewStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_PUBLICATION = "awaiting_publication", _("Ratified, awaiting publication")
    COMPLETED = "completed", _("Completed")


class PublicationOutcome(models.TextChoices):
    PUBLISHED = "published", _("Published")
    EMBARGOED = "embargoed", _("Embargoed")
    NOT_PUBLISHED = "not_published", _("Not published")


class Proceeding(models.TextChoices):
    CRIMINAL = "criminal", _("Criminal proceedings")
    CORONER = "coroner", _("Coroner's inquest")
    FAMILY = "family", _("Family proceedings")
    OTHER = "other", _("Other proceedings")


# --- Cases --------------------------------------------------------------------------------------


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Everything for the co-ordinator, chair and scrutineer; for agency staff, the cases
        their agency is involved in or referred."""
        if not _signed_in(user):
            return self.none()
        if user.sees_everything:
            return self
        involved = Case.agencies_involved.through.objects.filter(
            case_id=OuterRef("pk"), agency_id=user.agency_id
        )
        return self.filter(Q(Exists(involved)) | Q(referring_agency_id=user.agency_id))

    def editable_by(self, user):
        if getattr(user, "is_coordinator", False):
            return self
        return self.none()


class Case(models.Model):
    """A serious incident notification or a partner referral: one incident, up to 4 children."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    reference_year = models.PositiveSmallIntegerField(editable=False)
    reference_number = models.PositiveSmallIntegerField(editable=False)
    route = models.CharField(_("route"), max_length=20, choices=Route.choices)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices)
    referring_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="referred_cases",
        verbose_name=_("referring agency"),
    )
    # The four dates, kept separately (DOMAIN.md section 1).
    incident_date = models.DateField(_("incident date"), null=True, blank=True)
    became_aware_on = models.DateField(
        _("date the local authority became aware"), null=True, blank=True
    )
    notification_submitted_on = models.DateField(
        _("date the notification was submitted"), null=True, blank=True
    )
    referral_received_on = models.DateField(_("date the business unit received the referral"))
    late_notification_reason = models.TextField(_("reason the notification was late"), blank=True)
    referral_reason = models.TextField(
        _("why the referrer thinks there is learning"), blank=True
    )
    incident_type = models.CharField(
        _("incident type"), max_length=20, choices=IncidentType.choices
    )
    location = models.CharField(
        _("where it happened"), max_length=20, choices=Location.choices, default=Location.IN_AREA
    )
    case_outline = models.TextField(
        _("case outline"), help_text=_("Pseudonyms only: never a name, address or NHS number.")
    )
    agencies_involved = models.ManyToManyField(
        Agency, related_name="cases_involved", verbose_name=_("agencies involved"),
    )
    police_investigation = models.CharField(
        _("police investigation"), max_length=10, choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )
    immediate_safeguarding_actions = models.TextField(
        _("immediate safeguarding actions"), blank=True
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="cases", verbose_name=_("learning themes")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="created_cases"
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(m2m_fields=[agencies_involved, themes])
    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-reference_year", "-reference_number"]
        verbose_name = _("case")
        constraints = [
            models.UniqueConstraint(
                fields=["reference_year", "reference_number"], name="case_reference_unique"
            ),
            models.CheckConstraint(condition=Q(route__in=Route.values), name="case_route_valid"),
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.values), name="case_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(incident_type__in=IncidentType.values), name="case_incident_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(incident_date__isnull=True) | Q(became_aware_on__isnull=True)
                | Q(became_aware_on__gte=models.F("incident_date")),
                name="case_aware_not_before_incident",
            ),
            models.CheckConstraint(
                condition=Q(became_aware_on__isnull=True) | Q(notification_submitted_on__isnull=True)
                | Q(notification_submitted_on__gte=models.F("became_aware_on")),
                name="case_notified_not_before_aware",
            ),
            models.CheckConstraint(
                condition=Q(incident_date__isnull=True)
                | Q(referral_received_on__gte=models.F("incident_date")),
                name="case_received_not_before_incident",
            ),
            models.CheckConstraint(
                condition=~Q(route=Route.NOTIFICATION) | Q(became_aware_on__isnull=False),
                name="case_notification_needs_aware_date",
            ),
            models.CheckConstraint(
                condition=~Q(route=Route.REFERRAL) | Q(referring_agency__isnull=False),
                name="case_referral_needs_referrer",
            ),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("reviews:case_detail", args=[self.pk])

    @property
    def is_notification(self) -> bool:
        return self.route == Route.NOTIFICATION

    def pseudonyms(self) -> str:
        """The children's pseudonyms, joined (uses prefetched children)."""
        return ", ".join(child.pseudonym for child in self.children.all())

    def harm_labels(self) -> list[str]:
        return [h.get_category_display() for h in self.harms.all()]


class CaseHarm(models.Model):
    """One harm category recorded for a case (a case may have several)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="harms")
    category = models.CharField(max_length=20, choices=HarmCategory.choices)

    class Meta:
        ordering = ["case", "category"]
        constraints = [
            models.UniqueConstraint(fields=["case", "category"], name="case_harm_unique"),
            models.CheckConstraint(
                condition=Q(category__in=HarmCategory.values), name="case_harm_valid"
            ),
        ]

    def __str__(self):
        return self.get_category_display()


class Child(models.Model):
    """A child in a case: a pseudonym and optional characteristics, never a name."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="children")
    position = models.PositiveSmallIntegerField(_("position"))
    pseudonym = models.CharField(
        _("pseudonym"), max_length=40,
        help_text=_("For example “Child 4” or “Baby M”. Never the child's name."),
    )
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(
        _("ethnicity (ONS categories)"), max_length=40, choices=ETHNICITY_GROUPS, blank=True
    )
    disability = models.CharField(
        _("disability"), max_length=10, choices=YesNoUnknown.choices, blank=True
    )
    legal_status = models.CharField(
        _("legal status at the time"), max_length=20, choices=LegalStatus.choices, blank=True
    )
    agencies_known_to = models.ManyToManyField(
        Agency, blank=True, related_name="children_known", verbose_name=_("known to"),
    )

    history = HistoricalRecords(m2m_fields=[agencies_known_to])

    class Meta:
        ordering = ["case", "position"]
        verbose_name = _("child")
        verbose_name_plural = _("children")
        constraints = [
            models.UniqueConstraint(fields=["case", "position"], name="child_position_unique"),
            models.CheckConstraint(
                condition=Q(position__gte=1) & Q(position__lte=MAX_CHILDREN),
                name="child_at_most_four_per_case",
            ),
            models.CheckConstraint(condition=~Q(pseudonym=""), name="child_pseudonym_required"),
        ]

    def __str__(self):
        return self.pseudonym


# --- Rapid Reviews ------------------------------------------------------------------------------


class RapidReviewQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The Rapid Reviews of the cases ``user`` can see. Agency staff see only the case
        summary; the full record is for :meth:`readable_in_full_by`."""
        if not _signed_in(user):
            return self.none()
        if user.sees_everything:
            return self
        return self.filter(case__in=Case.objects.visible_to(user))

    def editable_by(self, user):
        if getattr(user, "is_coordinator", False):
            return self
        return self.none()


class RapidReview(models.Model):
    """The Rapid Review after a serious incident notification: 15 working days from its
    anchor date to completion (sent to the Panel)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="rapid_review")
    meeting_date = models.DateField(_("panel meeting date"), null=True, blank=True)
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
    panel_response_on = models.DateField(_("date of the Panel's response"), null=True, blank=True)
    panel_response = models.CharField(
        _("the Panel's response"), max_length=20, choices=PanelResponse.choices, blank=True
    )
    panel_comments = models.TextField(_("the Panel's comments"), blank=True)
    action_plan = models.OneToOneField(
        "actions.ActionPlan", on_delete=models.PROTECT, null=True, blank=True,
        related_name="rapid_review",
    )
    created_at = models.DateTimeField(default=timezone.now)

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


class Attendance(models.TextChoices):
    ATTENDED = "attended", _("Attended")
    APOLOGIES = "apologies", _("Apologies")


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


class AgencySummary(models.Model):
    """An individual agency summary requested for a Rapid Review, and when it came back."""

    rapid_review = models.ForeignKey(
        RapidReview, on_delete=models.CASCADE, related_name="agency_summaries"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="rr_summaries")
    requested_on = models.DateField(_("requested on"))
    received_on = models.DateField(_("received on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["rapid_review", "agency__name"]
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
        ]

    def __str__(self):
        return f"{self.agency.short_name}: {self.requested_on} -> {self.received_on or '…'}"


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


# --- Spotlight referral decisions ---------------------------------------------------------------


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


# --- Practice reviews ---------------------------------------------------------------------------


class PracticeReviewQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Everything for partnership-wide roles; for agency staff, reviews of a case their
        agency is involved in. Embargo details are hidden from agency staff by the views."""
        if not _signed_in(user):
            return self.none()
        if user.sees_everything:
            return self
        linked = PracticeReview.cases.through.objects.filter(
            practicereview_id=OuterRef("pk"), case__in=Case.objects.visible_to(user)
        )
        return self.filter(Exists(linked))

    def editable_by(self, user):
        if getattr(user, "is_coordinator", False):
            return self
        return self.none()


class PracticeReview(models.Model):
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
        if self.outcome == PublicationOutcome.EMBARGOED and getattr(user, "sees_everything", False):
            return str(_("Ratified, embargoed"))
        return self.get_status_display()


class StageKey(models.TextChoices):
    """Stages the clocks and the status read. Other stages have no key."""

    RATIFIED = "ratified", _("Ratified")
    SENT_TO_PANEL = "sent_to_panel", _("Sent to the Panel and the Secretary of State")
    PUBLISHED = "published", _("Published")
    COMPLETED = "completed", _("Completed")


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

    @property
    def is_done(self) -> bool:
        return self.actual_date is not None

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


class BriefingFileQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A briefing is seen by whoever can see its review."""
        return self.filter(review__in=PracticeReview.objects.visible_to(user))

    def editable_by(self, user):
        if getattr(user, "is_coordinator", False):
            return self
        return self.none()


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

    history = HistoricalRecords()
    objects = BriefingFileQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.original_name

    @property
    def reference(self) -> str:
        return self.review.reference
