"""Filters for the core's lists."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scsp.models import Agency, Role, User


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
