"""Filters for the core's lists."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scsp.audit.names import type_name
from scsp.audit.queries import day_start, distinct_values
from scsp.case_links import find_cases
from scsp.models import (
    AccessEvent,
    AccessEventCase,
    Agency,
    ChangeEvent,
    ChangeEventCase,
    Role,
    User,
)
from scsp.widgets import FastDateInput, FastSelect, FastTextInput


class PersonFilter(django_filters.FilterSet):
    """The People list: by agency, role, active or not, and name or e-mail."""

    q = django_filters.CharFilter(label=_("Name or e-mail"), method="search")
    agency = django_filters.ModelChoiceFilter(label=_("Agency"),
                                              queryset=Agency.objects.order_by("name"))
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices,
                                       empty_label=_("Any role"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), method="by_status", empty_label=_("Active and inactive"),
        choices=[("active", _("Active")), ("inactive", _("Inactive"))])

    class Meta:
        model = User
        fields = ["q", "agency", "role", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(full_name__icontains=value) | Q(email__icontains=value))

    def by_status(self, queryset, name, value):
        return queryset.filter(is_active=value == "active")


# --- the audit trail ------------------------------------------------------------------------

class AuditFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("“From” must be on or before “To”."))
        return data


class AuditTrailFilter(django_filters.FilterSet):
    """What both logs filter by: the case (its reference or a child's pseudonym), the
    person, the record type and the dates."""

    case = django_filters.CharFilter(
        label=_("Case reference or child"), method="by_case", widget=FastTextInput,
        help_text=_("For example SLPR-2026-004 or Child 1: every record about the case."))
    person = django_filters.CharFilter(label=_("Person (name or e-mail)"), method="by_person",
                                       widget=FastTextInput)
    since = django_filters.DateFilter(label=_("From"), method="from_day",
                                      widget=FastDateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(label=_("To"), method="to_day",
                                      widget=FastDateInput(attrs={"type": "date"}))

    #: The link model (event, case_reference) and the column of record types.
    links = None
    type_column = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.matched_cases: list[tuple[int, str]] | None = None
        types = [(label, type_name(label))
                 for label in distinct_values(self.queryset.model, self.type_column)]
        field = self.filters["record_type"].field
        field.choices = [("", _("Any record type"))] + sorted(types, key=lambda t: t[1])

    def by_case(self, queryset, name, value):
        self.matched_cases = find_cases(value)
        refs = {ref for _pk, ref in self.matched_cases} | {value.strip().upper()}
        return queryset.filter(pk__in=self.links.objects.filter(case_reference__in=refs)
                               .values("event_id"))

    def by_person(self, queryset, name, value):
        people = User.objects.filter(Q(full_name__icontains=value) | Q(email__icontains=value))
        return queryset.filter(user_id__in=people.values("pk"))

    def by_type(self, queryset, name, value):
        return queryset.filter(**{self.type_column: value})

    def from_day(self, queryset, name, value):
        return queryset.filter(at__gte=day_start(value))

    def to_day(self, queryset, name, value):
        return queryset.filter(at__lt=day_start(value + dt.timedelta(days=1)))


class AccessEventFilter(AuditTrailFilter):
    """The access log's filters: "who looked at Child 1's minutes last month?" is the child,
    "Viewed the Rapid Review minutes" and two dates."""

    agency = django_filters.ModelChoiceFilter(
        label=_("Agency"), queryset=Agency.objects.order_by("name"), field_name="agency",
        empty_label=_("Any agency"), widget=FastSelect)
    kind = django_filters.ChoiceFilter(label=_("What happened"), choices=AccessEvent.Kind.choices,
                                       empty_label=_("Anything"), widget=FastSelect)
    record_type = django_filters.ChoiceFilter(label=_("Record type"), method="by_type",
                                              empty_label=None, widget=FastSelect)
    outcome = django_filters.ChoiceFilter(
        label=_("Outcome"), method="by_outcome", empty_label=_("Allowed and refused"),
        choices=[("allowed", _("Allowed")), ("refused", _("Refused"))], widget=FastSelect)

    links = AccessEventCase
    type_column = "object_type"

    class Meta:
        model = AccessEvent
        form = AuditFilterForm
        fields = ["case", "person", "agency", "kind", "record_type", "outcome", "since", "until"]

    def by_outcome(self, queryset, name, value):
        refused = Q(kind=AccessEvent.Kind.REFUSED)
        return queryset.filter(refused) if value == "refused" else queryset.exclude(refused)


class ChangeEventFilter(AuditTrailFilter):
    """The change history's filters: one record by its reference, one case's timeline across
    its records, a person, a record type, dates."""

    record = django_filters.CharFilter(
        label=_("Record (reference)"), method="by_reference", widget=FastTextInput,
        help_text=_("For example AP-SLPR-2026-004-02."))
    record_type = django_filters.ChoiceFilter(label=_("Record type"), method="by_type",
                                              empty_label=None, widget=FastSelect)

    links = ChangeEventCase
    type_column = "model_label"

    class Meta:
        model = ChangeEvent
        form = AuditFilterForm
        fields = ["case", "record", "person", "record_type", "since", "until"]

    def by_reference(self, queryset, name, value):
        return queryset.filter(reference=value.strip().upper())
