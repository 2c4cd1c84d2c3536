"""Cases (serious incident notifications and partner referrals), their harm categories and
their children, who are only ever pseudonyms."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reviews.models.choices import (
    ETHNICITY_GROUPS,
    MAX_CHILDREN,
    AgeBand,
    CaseStatus,
    HarmCategory,
    IncidentType,
    LegalStatus,
    Location,
    Route,
    Sex,
    YesNoUnknown,
)
from scsp.backfill import EnteredAfterEvent
from scsp.models import Agency, Theme
from scsp.permissions import ScopedQuerySet


class CaseQuerySet(ScopedQuerySet):
    """Everything for the co-ordinator, chair and scrutineer; the business unit edits."""

    def partner_visible(self, user):
        """Agency staff see the cases their agency is involved in or referred."""
        involved = Case.agencies_involved.through.objects.filter(
            case_id=OuterRef("pk"), agency_id=user.agency_id
        )
        return self.filter(Q(Exists(involved)) | Q(referring_agency_id=user.agency_id))


class Case(EnteredAfterEvent, models.Model):
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
    #: Kept past every retention period while set (``scsp.audit.retention``): its access
    #: events and whatever else is about the case. Set and lifted by the co-ordinator with a
    #: reason (``reviews.services.case_set_legal_hold``).
    legal_hold = models.BooleanField(_("legal hold"), default=False)
    legal_hold_reason = models.TextField(_("reason for the legal hold"), blank=True)
    legal_hold_since = models.DateTimeField(_("on legal hold since"), null=True, blank=True)

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
            models.CheckConstraint(
                condition=Q(legal_hold=False) | (~Q(legal_hold_reason="")
                                                 & Q(legal_hold_since__isnull=False)),
                name="case_legal_hold_has_reason",
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
