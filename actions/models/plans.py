"""Action plans and their recommendations, and who may see and change plans."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actions.models.choices import OriginKind
from scsp.backfill import EnteredAfterEvent
from scsp.models import Theme
from scsp.permissions import Ability, ScopedQuerySet


def _actions():
    # Action refers to ActionPlan, so it is imported when a query needs it, not at load time.
    from actions.models.action import Action

    return Action


class ActionPlanQuerySet(ScopedQuerySet):
    """Who may see and change action plans.

    * Co-ordinator, chair and scrutineer see every plan.
    * A partner (agency lead or officer) sees a plan where their agency leads at least one
      action, and a plan they own.
    * Only the business unit (``Ability.MANAGE_PLANS``) changes plans (adds recommendations
      and actions); partners change none."""

    edit_ability = Ability.MANAGE_PLANS

    def partner_visible(self, user):
        # ActionQuerySet.led_by_agency_of relies on this including every plan the person's
        # agency leads an action in; narrowing it means changing that shortcut too.
        agency_leads = _actions().objects.filter(plan=OuterRef("pk"),
                                                 lead_agency_id=user.agency_id)
        return self.filter(Q(owner=user) | Exists(agency_leads))

    def open(self):
        """Plans still being delivered (draft or active)."""
        return self.exclude(status=ActionPlan.Status.CLOSED)

    def overdue(self, today: dt.date):
        """Plans with at least one overdue action on ``today``."""
        return self.filter(
            Exists(_actions().objects.filter(plan=OuterRef("pk")).overdue(today))
        )


class ActionPlan(EnteredAfterEvent, models.Model):
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
    agreed_on = models.DateField(
        _("date the plan was agreed"), null=True, blank=True,
        help_text=_("Its reference takes this year (AP-2022-004); left empty, today's."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    external_reference = models.CharField(
        _("reference in the imported spreadsheet"), max_length=60, blank=True,
        help_text=_("The partnership's own reference for the plan in the spreadsheet it was "
                    "imported from; a later import of the same spreadsheet matches on it."),
    )
    import_fingerprint = models.CharField(
        _("imported values (fingerprint)"), max_length=64, blank=True, editable=False,
        help_text=_("A SHA-256 of the plan's values as the spreadsheet gave them when it was "
                    "imported: a later import tells an unchanged row from a changed one."),
    )
    impact_review_months = models.PositiveSmallIntegerField(
        _("months from sign-off to the impact review"), default=6,
        help_text=_("Each action's impact review is scheduled this many months after it is "
                    "signed off; the co-ordinator can change one action's date."),
    )

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
            models.UniqueConstraint(
                Lower("external_reference"), condition=~Q(external_reference=""),
                name="plan_external_reference_unique",
            ),
            models.CheckConstraint(
                condition=Q(impact_review_months__gte=1) & Q(impact_review_months__lte=36),
                name="plan_impact_review_months_range"),
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

