"""Filters for the action lists. Applied after ``visible_to`` (the querysets they get are
already scoped by ``selectors.actions_for``), so a filter can only narrow
what the person may see."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from actions.models import (
    OPEN_STATUSES,
    Action,
    ActionPlan,
    ActionStatus,
    OriginKind,
    Rag,
    rag_expression,
)
from scsp.models import Agency, Theme
from scsp.widgets import (
    FastCheckboxInput,
    FastDateInput,
    FastHiddenInput,
    FastSelect,
    FastTextInput,
)

OPEN = "open"
STATUS_CHOICES = [(OPEN, _("Open (not started, in progress or returned)"))] + list(
    ActionStatus.choices)
RAG_CHOICES = [(r.value, r.label) for r in Rag]
DATE = {"widget": FastDateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

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


class ActionFilterForm(forms.Form):
    """Says so when a plan reference matches no plan the person may see (rather than an empty
    list that looks like "no actions")."""

    visible_plans = ActionPlan.objects.none()  # set by ActionFilter.form

    def clean_plan(self):
        value = " ".join(self.cleaned_data.get("plan", "").split())
        if value and not self.visible_plans.filter(reference__iexact=value).exists():
            raise forms.ValidationError(
                _("There is no plan with the reference %(ref)s that you can see. Check the "
                  "reference on the plan's page, or search by the plan's title."),
                code="unknown_plan", params={"ref": value})
        return value


class ActionFilter(django_filters.FilterSet):
    """Agency, plan, origin, status, RAG, theme, due between, overdue only, completed late
    only, free text, and the sort order (``sort``, a key of :data:`SORTS`, ``-`` for descending)."""

    q = django_filters.CharFilter(label=_("Search"), method="search", widget=FastTextInput,
                                  help_text=_("Reference, action, measure, plan or person."))
    agency = django_filters.ModelChoiceFilter(
        label=_("Lead agency"), field_name="lead_agency", queryset=Agency.objects.none(),
        empty_label=_("Any agency"), widget=FastSelect,
    )
    # A reference box, not a drop-down: a partnership has hundreds of plans (1,500 in the
    # benchmark), and a <select> of them was most of the list page's time and no use to pick
    # from. The plan page links here with its reference filled in.
    plan = django_filters.CharFilter(
        label=_("Plan reference"), field_name="plan__reference", lookup_expr="iexact",
        widget=FastTextInput, max_length=40,
        help_text=_("For example AP-OFSTED-22. Search finds plans by title."),
    )
    origin = django_filters.ChoiceFilter(
        label=_("Plan origin"), field_name="plan__origin_kind", choices=OriginKind.choices,
        empty_label=_("Any origin"), widget=FastSelect,
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, method="filter_status",
        empty_label=_("Any status"), widget=FastSelect,
    )
    rag = django_filters.ChoiceFilter(
        label=_("RAG"), method="filter_rag", choices=RAG_CHOICES, empty_label=_("Any RAG"),
        widget=FastSelect,
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Learning theme"), queryset=Theme.objects.none(), method="filter_theme",
        empty_label=_("Any theme"), widget=FastSelect,
    )
    due_from = django_filters.DateFilter(label=_("Due from"), field_name="target_date",
                                         lookup_expr="gte", **DATE)
    due_to = django_filters.DateFilter(label=_("Due by"), field_name="target_date",
                                       lookup_expr="lte", **DATE)
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue",
        widget=FastCheckboxInput,
    )
    late = django_filters.BooleanFilter(
        label=_("Completed late only"), method="filter_late",
        widget=FastCheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), method="filter_sort", empty_label=None,
        choices=[(k, k) for k in SORTS] + [(f"-{k}", f"-{k}") for k in SORTS],
        widget=FastHiddenInput,
    )

    class Meta:
        model = Action
        fields: list[str] = []
        form = ActionFilterForm

    def __init__(self, data=None, queryset=None, *, request=None, today: dt.date, **kwargs):
        self.today = today
        super().__init__(data, queryset, request=request, **kwargs)
        user = request.user
        self.visible_plans = ActionPlan.objects.visible_to(user)
        self.filters["agency"].queryset = Agency.objects.visible_to(user).order_by("name")
        self.filters["theme"].queryset = Theme.objects.visible_to(user).order_by("name")

    #: The filter form's rows: field names and their column classes.
    LAYOUT = (
        (("q", "col-md-6 col-xl-4"), ("agency", "col-md-6 col-xl-4"),
         ("plan", "col-md-6 col-xl-4")),
        (("origin", "col-md-6 col-xl-3"), ("status", "col-md-6 col-xl-3"),
         ("rag", "col-md-6 col-xl-3"), ("theme", "col-md-6 col-xl-3")),
        (("due_from", "col-md-4 col-xl-3"), ("due_to", "col-md-4 col-xl-3"),
         ("overdue", "col-md-4 col-xl-3 align-self-center"),
         ("late", "col-md-4 col-xl-3 align-self-center")),
    )

    @property
    def form(self):
        form = super().form
        form.visible_plans = self.visible_plans
        return form

    def rows(self):
        """(bound field, column class) by row, for ``actions/includes/filter_form.html``."""
        form = self.form
        return [[(form[name], css) for name, css in row] for row in self.LAYOUT]

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

    def filter_rag(self, queryset, name, value):
        return queryset.with_rag_in([value], self.today)

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

    def filter_late(self, queryset, name, value):
        return queryset.completed_late() if value else queryset

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
        if "rag_rank" in fields and "rag_rank" not in qs.query.annotations:
            qs = qs.annotate(rag_rank=rag_expression(self.today, ranks=True))
        if key.startswith("-"):
            fields = tuple(f"-{f}" for f in fields)
        return qs.order_by(*fields)
