"""Filters for the audit list and the rota. Applied after ``visible_to(user)``, never
instead of it."""

from __future__ import annotations

import datetime as dt

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from audits.models import Audit, AuditKind, AuditStatus, first_of_month
from scsp.models import Agency


def _get_helper(label, columns: dict[str, str]):
    """A one-line filter bar: each field in a column, the button at the end."""
    helper = FormHelper()
    helper.form_method = "get"
    helper.form_class = "audit-filters mb-3"
    helper.layout = Layout(Div(
        *[Div(name, css_class=css) for name, css in columns.items()],
        Div(Submit("filter", label, css_class="btn-secondary mb-3"), css_class="col-md-2"),
        css_class="row g-2 align-items-end",
    ))
    return helper


class AuditFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Title or reference"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), empty_label=_("Any kind"),
        choices=[c for c in AuditKind.choices if c[0] != AuditKind.SINGLE_AGENCY],
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AuditStatus.choices,
                                         empty_label=_("Any status"))

    class Meta:
        model = Audit
        fields = ["q", "kind", "status"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(reference__icontains=value))

    @property
    def form(self):
        form = super().form
        form.helper = _get_helper(_("Filter"), {"q": "col-md-5", "kind": "col-md-3",
                                                 "status": "col-md-2"})
        return form


class RotaFilter(django_filters.FilterSet):
    STATES = [
        ("late", _("Late: not presented")),
        ("due", _("Due this month")),
        ("upcoming", _("Upcoming")),
        ("presented", _("Presented")),
    ]

    agency = django_filters.ModelChoiceFilter(
        label=_("Agency"), queryset=Agency.objects.filter(is_business_unit=False),
        empty_label=_("Every agency"),
    )
    state = django_filters.ChoiceFilter(label=_("Show"), choices=STATES, method="by_state",
                                        empty_label=_("Every slot"))
    year = django_filters.NumberFilter(label=_("Year due"), field_name="month_due",
                                       lookup_expr="year", min_value=2000, max_value=2100)

    class Meta:
        model = Audit
        fields = ["agency", "state", "year"]

    def __init__(self, *args, today: dt.date, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def by_state(self, queryset, name, value):
        this_month = first_of_month(self.today)
        if value == "late":
            return queryset.late(self.today)
        if value == "due":
            return queryset.filter(month_due=this_month, date_presented__isnull=True)
        if value == "presented":
            return queryset.filter(date_presented__isnull=False)
        if value == "upcoming":
            return queryset.filter(month_due__gt=this_month, date_presented__isnull=True)
        return queryset

    @property
    def form(self):
        form = super().form
        form.helper = _get_helper(_("Show"), {"agency": "col-md-5", "state": "col-md-3",
                                               "year": "col-md-2"})
        return form
