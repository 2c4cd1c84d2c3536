"""The action lists (mine, my agency's, all) with filters and downloads; plans; decisions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from actions import exports, rules, selectors
from actions.filters import OPEN, ActionFilter
from actions.models import ActionPlan
from scsp.audit import Kind, record_access
from scsp.generic import FilteredListView, ScopedListView, export_detail
from scsp.permissions import Ability, get_object_for_user, may
from scsp.workdays import calendar

# --- lists -----------------------------------------------------------------------------------


class ActionListView(FilteredListView):
    """One list, three scopes: "My actions", "My agency's actions", "All actions". Filters,
    sorting, 25 a page, CSV / Excel downloads and a print view of exactly the filtered list."""

    template_name = "actions/action_list.html"
    filterset_class = ActionFilter
    filterset_extra = ("today",)
    context_object_name = "actions"
    scope = "all"
    printable = True  # ?print=1: every filtered row, to print

    TITLES = {"mine": gettext_lazy("My actions"), "agency": gettext_lazy("My agency's actions"),
              "all": gettext_lazy("All actions")}

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated:
            if self.scope == "all" and not may(user, Ability.LIST_ALL_ACTIONS):
                raise PermissionDenied(_("“All actions” is for the business unit, chair and "
                                         "scrutineer."))
            if self.scope == "agency" and not may(user, Ability.LIST_AGENCY_ACTIONS):
                raise PermissionDenied(_("“My agency's actions” is for agency staff."))
        return super().dispatch(request, *args, **kwargs)

    def title(self) -> str:
        if self.scope == "agency":
            return _("My agency's actions (%(agency)s)") % {
                "agency": self.request.user.agency.short_name}
        return str(self.TITLES[self.scope])

    def get_queryset(self):
        return selectors.actions_for(self.request.user, scope=self.scope, today=self.today)

    def fetch_rows(self, keys):
        return selectors.list_rows(self.filterset.queryset, keys, today=self.today)

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            self.filterset = self.get_filterset(self.get_filterset_class())
            if self.filter_is_valid:
                return self.export(self.filterset.qs, export)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(
            heading=self.title(), scope=self.scope, form=self.filterset.form,
            current_sort=self.filterset.sort_key() if self.filter_is_valid else "",
            can_manage=may(self.request.user, Ability.MANAGE_PLANS), **kwargs)
        if ctx.get("object_list") is not None:  # "12 working days overdue" on each row
            selectors.mark_working_days_overdue(ctx["object_list"], today=self.today,
                                                cal=self.cal)
        return ctx

    def export(self, qs, fmt):
        user = self.request.user
        qs = selectors.for_export(qs, today=self.today)
        count = qs.count()
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        filename = f"scsp-{self.scope}-actions-{stamp}"
        record_access(user=user, kind=Kind.EXPORT, object_type="actions.Action",
                      label=f"{count} actions ({self.scope}, {fmt})",
                      detail=export_detail(self.filterset), request=self.request)
        if fmt == "csv":
            return exports.csv_response(qs, filename)
        return exports.xlsx_response(qs, filename, title=self.title())


class MyActionsView(ActionListView):
    scope = "mine"


class AgencyActionsView(ActionListView):
    """The agency's actions, open ones by default: signed-off and closed ones are a filter away
    ("Any status" or a status of its own). A link or form that names a status keeps it."""

    scope = "agency"

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if "status" not in self.request.GET:
            data = self.request.GET.copy()
            data["status"] = OPEN
            kwargs["data"] = data
        return kwargs


class AllActionsView(ActionListView):
    scope = "all"


class PlanListView(ScopedListView):
    template_name = "actions/plan_list.html"
    context_object_name = "plans"
    printable = True  # ?print=1: every plan the person may see, to print

    def get_queryset(self):
        return selectors.plan_list_for(self.request.user, today=self.today)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        plans = ctx["plans"]
        counts = selectors.rag_counts([p.pk for p in plans], today=self.today)
        for plan in plans:
            mine = counts.get(plan.pk, {})
            plan.rags = [(rag, mine[rag]) for rag in selectors.RAG_ORDER if mine.get(rag)]
        ctx["can_manage"] = may(self.request.user, Ability.MANAGE_PLANS)
        ctx["can_import"] = may(self.request.user, Ability.IMPORT_PLANS)
        return ctx


class PlanDetailView(TemplateView):
    template_name = "actions/plan_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        plan = get_object_for_user(ActionPlan.objects.select_related("owner", "owner__agency"),
                                   user, pk=self.kwargs["pk"])
        record_access(user=user, kind=Kind.VIEW, obj=plan, request=self.request)
        today = timezone.localdate()
        ctx.update(plan=plan, today=today, **selectors.plan_detail(plan, today=today, cal=calendar()),
                   can_manage=rules.can_edit_plan(user, plan))
        return ctx
