"""Filters for the case and practice review lists and their CSV exports. They are applied to
a queryset already narrowed by ``visible_to(user)`` (NetBox style: scope first, then filter).

The clock-status filters are worked out in Python with the working-day calendar (a deadline in
working days is not something SQL can compute); they cost one query whatever the number of rows.
"""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from reviews import clocks
from reviews.models import (
    Case,
    CaseStatus,
    Child,
    PracticeReview,
    PublicationOutcome,
    ReviewKind,
    ReviewStatus,
    Route,
)
from reviews.selectors import case_clock_status, review_clock_status
from scsp import workdays
from scsp.models import Agency, Theme
from scsp.permissions import Ability, may, scoped

FIRST_FINANCIAL_YEAR = 2019


def financial_year_choices(today):
    last = workdays.financial_year(today)
    return [(str(y), workdays.financial_year_label(y))
            for y in range(last, FIRST_FINANCIAL_YEAR - 1, -1)]


class _ScopedFilterSet(django_filters.FilterSet):
    """A filter set that knows the day and the calendar (for the clock filters)."""

    def __init__(self, data=None, queryset=None, *, request=None, today, cal, **kwargs):
        self.today, self.cal = today, cal
        super().__init__(data, queryset, request=request, **kwargs)
        self.filters["year"].extra["choices"] = financial_year_choices(today)
        for f in self.filters.values():
            f.extra.setdefault("required", False)

    def _year_range(self, value):
        try:
            return workdays.financial_year_bounds(int(value))
        except (TypeError, ValueError):
            return None


class CaseFilter(_ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Reference or pseudonym"), method="search")
    route = django_filters.ChoiceFilter(label=_("Route"), choices=Route.choices,
                                        empty_label=_("Any route"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CaseStatus.choices,
                                         empty_label=_("Any status"))
    year = django_filters.ChoiceFilter(label=_("Financial year received"),
                                       method="in_financial_year", empty_label=_("Any year"))
    agency = django_filters.ModelChoiceFilter(
        label=_("Agency involved"), queryset=Agency.objects.order_by("name"), method="involving",
        empty_label=_("Any agency"),
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Learning theme"), queryset=Theme.objects.order_by("name"), method="with_theme",
        empty_label=_("Any theme"),
    )
    clock = django_filters.ChoiceFilter(
        label=_("Rapid Review clock"), choices=clocks.ClockStatus.choices, method="by_clock",
        empty_label=_("Any"),
    )

    class Meta:
        model = Case
        fields = ["q", "route", "status", "year", "agency", "theme", "clock"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        child = Child.objects.filter(case=OuterRef("pk"), pseudonym__icontains=value)
        return queryset.filter(Q(reference__icontains=value) | Q(Exists(child)))

    def in_financial_year(self, queryset, name, value):
        bounds = self._year_range(value)
        return queryset.filter(referral_received_on__range=bounds) if bounds else queryset

    def involving(self, queryset, name, value):
        through = Case.agencies_involved.through.objects.filter(case=OuterRef("pk"),
                                                                agency=value)
        return queryset.filter(Exists(through))

    def with_theme(self, queryset, name, value):
        through = Case.themes.through.objects.filter(case=OuterRef("pk"), theme=value)
        return queryset.filter(Exists(through))

    def by_clock(self, queryset, name, value):
        candidates = queryset.model.objects.filter(pk__in=queryset.values("pk")).select_related(
            "rapid_review").only(
            "id", "route", "incident_date", "became_aware_on", "notification_submitted_on",
            "referral_received_on", "rapid_review__sent_to_panel_on")
        pks = [c.pk for c in candidates
               if case_clock_status(c, cal=self.cal, today=self.today) == value]
        return queryset.filter(pk__in=pks)


class ReviewFilter(_ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Reference or title"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ReviewKind.choices,
                                       empty_label=_("Any kind"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReviewStatus.choices,
                                         empty_label=_("Any status"))
    outcome = django_filters.ChoiceFilter(label=_("Publication outcome"),
                                          choices=PublicationOutcome.choices,
                                          empty_label=_("Any outcome"))
    year = django_filters.ChoiceFilter(label=_("Financial year of the decision"),
                                       method="in_financial_year", empty_label=_("Any year"))
    agency = django_filters.ModelChoiceFilter(
        label=_("Agency involved"), queryset=Agency.objects.order_by("name"), method="involving",
        empty_label=_("Any agency"),
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Learning theme"), queryset=Theme.objects.order_by("name"), method="with_theme",
        empty_label=_("Any theme"),
    )
    clock = django_filters.ChoiceFilter(
        label=_("LCSPR clock: ratified within 6 months"), choices=clocks.ClockStatus.choices,
        method="by_clock",
        empty_label=_("Any"),
    )

    class Meta:
        model = PracticeReview
        fields = ["q", "kind", "status", "outcome", "year", "agency", "theme", "clock"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if not may(user, Ability.READ_EMBARGO_DETAILS):
            # Whether a review is embargoed is for the co-ordinator, chair and scrutineer.
            del self.filters["outcome"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value))

    def in_financial_year(self, queryset, name, value):
        bounds = self._year_range(value)
        return queryset.filter(decision_date__range=bounds) if bounds else queryset

    def involving(self, queryset, name, value):
        """Reviews of a case the agency is involved in, among the cases the person may see:
        a thematic review's other cases say nothing about themselves, not even through a
        filter."""
        user = getattr(self.request, "user", None)
        through = PracticeReview.cases.through.objects.filter(
            practicereview=OuterRef("pk"),
            case__in=Case.agencies_involved.through.objects.filter(agency=value).values("case"),
        ).filter(case__in=scoped(Case, user).values("pk"))
        return queryset.filter(Exists(through))

    def with_theme(self, queryset, name, value):
        through = PracticeReview.themes.through.objects.filter(practicereview=OuterRef("pk"),
                                                               theme=value)
        return queryset.filter(Exists(through))

    def by_clock(self, queryset, name, value):
        candidates = (queryset.model.objects.filter(pk__in=queryset.values("pk"))
                      .prefetch_related("stages"))
        pks = [r.pk for r in candidates
               if review_clock_status(r, cal=self.cal, today=self.today) == value]
        return queryset.filter(pk__in=pks)

