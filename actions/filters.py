"""Filters for the action lists. Applied after ``visible_to`` (the querysets they get are
already scoped and RAG-annotated by ``selectors.actions_for``), so a filter can only narrow
what the person may see."""

from __future__ import annotations

import datetime as dt

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from actions.forms import Button
from actions.models import OPEN_STATUSES, Action, ActionPlan, ActionStatus, OriginKind, Rag
from scsp.models import Agency, Theme

OPEN = "open"
STATUS_CHOICES = [(OPEN, _("Open (not started, in progress or returned)"))] + list(
    ActionStatus.choices)
RAG_CHOICES = [(r.value, r.label) for r in Rag]
DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

#: Sort keys offered in the table headings -> database ordering.
SORTS = {
    "reference": ("plan__reference", "number"),
    "target_date": ("target_date", "id"),
    "status": ("status", "target_date", "id"),
    "rag": ("rag_rank", "target_date", "id"),
    "agency": ("lead_agency__short_name", "target_date", "id"),
    "officer": ("lead_officer__full_name", "target_date", "id"),
    "plan": ("plan__reference", "number"),
}
DEFAULT_SORT = "rag"  # the most worrying first, then by date


class ActionFilter(django_filters.FilterSet):
    """Agency, plan, origin, status, RAG, theme, due between, overdue only, free text, and the
    sort order (``sort``, a key of :data:`SORTS`, ``-`` for descending)."""

    q = django_filters.CharFilter(label=_("Search"), method="search",
                                  help_text=_("Reference, action, measure, plan or person."))
    agency = django_filters.ModelChoiceFilter(
        label=_("Lead agency"), field_name="lead_agency", queryset=Agency.objects.none(),
        empty_label=_("Any agency"),
    )
    plan = django_filters.ModelChoiceFilter(
        label=_("Plan"), field_name="plan", queryset=ActionPlan.objects.none(),
        empty_label=_("Any plan"),
    )
    origin = django_filters.ChoiceFilter(
        label=_("Plan origin"), field_name="plan__origin_kind", choices=OriginKind.choices,
        empty_label=_("Any origin"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, method="filter_status",
        empty_label=_("Any status"),
    )
    rag = django_filters.ChoiceFilter(
        label=_("RAG"), field_name="current_rag", choices=RAG_CHOICES, empty_label=_("Any RAG"),
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Learning theme"), queryset=Theme.objects.none(), method="filter_theme",
        empty_label=_("Any theme"),
    )
    due_from = django_filters.DateFilter(label=_("Due from"), field_name="target_date",
                                         lookup_expr="gte", **DATE)
    due_to = django_filters.DateFilter(label=_("Due by"), field_name="target_date",
                                       lookup_expr="lte", **DATE)
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), method="filter_sort", empty_label=None,
        choices=[(k, k) for k in SORTS] + [(f"-{k}", f"-{k}") for k in SORTS],
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Action
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, today: dt.date, **kwargs):
        self.today = today
        super().__init__(data, queryset, request=request, **kwargs)
        user = request.user
        self.filters["plan"].queryset = ActionPlan.objects.visible_to(user).order_by("reference")
        self.filters["agency"].queryset = Agency.objects.visible_to(user).order_by("name")
        self.filters["theme"].queryset = Theme.objects.visible_to(user).order_by("name")

    @property
    def form(self):
        form = super().form
        if not hasattr(form, "helper"):
            form.fields["plan"].label_from_instance = lambda p: f"{p.reference}: {p.title[:60]}"
            helper = FormHelper()
            helper.template = "actions/includes/crispy_form.html"
            helper.form_method = "get"
            helper.form_tag = True
            helper.layout = Layout(
                Row(Column("q", css_class="col-md-6 col-xl-4"),
                    Column("agency", css_class="col-md-6 col-xl-4"),
                    Column("plan", css_class="col-md-6 col-xl-4")),
                Row(Column("origin", css_class="col-md-6 col-xl-3"),
                    Column("status", css_class="col-md-6 col-xl-3"),
                    Column("rag", css_class="col-md-6 col-xl-3"),
                    Column("theme", css_class="col-md-6 col-xl-3")),
                Row(Column("due_from", css_class="col-md-4 col-xl-3"),
                    Column("due_to", css_class="col-md-4 col-xl-3"),
                    Column("overdue", css_class="col-md-4 col-xl-3 align-self-center")),
                "sort",
            )
            helper.add_input(Button("filter", _("Apply filters"), css_class="btn-secondary"))
            form.helper = helper
        return form

    def search(self, queryset, name, value):
        for word in value.split()[:8]:
            queryset = queryset.filter(
                Q(reference__icontains=word) | Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(success_measure__icontains=word) | Q(plan__title__icontains=word)
                | Q(plan__reference__icontains=word) | Q(plan__origin_reference__icontains=word)
                | Q(lead_officer__full_name__icontains=word)
                | Q(lead_agency__short_name__icontains=word)
            )
        return queryset

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value)

    def filter_theme(self, queryset, name, value):
        return queryset.filter(
            Exists(Action.themes.through.objects.filter(action=OuterRef("pk"), theme=value))
        )

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(self.today) if value else queryset

    def filter_sort(self, queryset, name, value):
        return queryset

    def sort_key(self) -> str:
        """The sort asked for, or the default; always a key of :data:`SORTS` (maybe ``-``)."""
        value = self.form.cleaned_data.get("sort") if self.form.is_valid() else None
        return value or DEFAULT_SORT

    @property
    def qs(self):
        qs = super().qs
        key = self.sort_key()
        fields = SORTS[key.lstrip("-")]
        if key.startswith("-"):
            fields = tuple(f"-{f}" for f in fields)
        return qs.order_by(*fields)
