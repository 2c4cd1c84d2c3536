"""The action lists (mine, my agency's, all) with filters and downloads; plans; decisions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from actions import exports, rules, selectors
from actions.filters import SORTS, ActionFilter
from actions.models import ActionPlan
from actions.views.common import (
    PAGE_SIZE,
)
from scsp.audit import record_access
from scsp.pagination import KeysFirstPaginator
from scsp.permissions import RoleRequiredMixin, get_object_for_user

# --- lists -----------------------------------------------------------------------------------


class ActionListView(TemplateView):
    """One list, three scopes: "My actions", "My agency's actions", "All actions". Filters,
    sorting, 25 a page, and CSV / Excel downloads of exactly the filtered list."""

    template_name = "actions/action_list.html"
    scope = "all"

    TITLES = {"mine": gettext_lazy("My actions"), "agency": gettext_lazy("My agency's actions"),
              "all": gettext_lazy("All actions")}

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated:
            if self.scope == "all" and not user.sees_everything:
                raise PermissionDenied(_("“All actions” is for the business unit, chair and "
                                         "scrutineer."))
            if self.scope == "agency" and not (user.is_agency_lead or user.is_agency_officer):
                raise PermissionDenied(_("“My agency's actions” is for agency staff."))
        return super().dispatch(request, *args, **kwargs)

    def title(self) -> str:
        if self.scope == "agency":
            return _("My agency's actions (%(agency)s)") % {
                "agency": self.request.user.agency.short_name}
        return str(self.TITLES[self.scope])

    def get_filterset(self, today):
        base = selectors.actions_for(self.request.user, scope=self.scope, today=today)
        return ActionFilter(self.request.GET or None, base, request=self.request, today=today)

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        filterset = self.get_filterset(today)
        valid = not filterset.is_bound or filterset.form.is_valid()
        qs = filterset.qs if valid else filterset.queryset.none()
        export = request.GET.get("export")
        if export in ("csv", "xlsx") and valid:
            return self.export(qs, export, today)
        page = KeysFirstPaginator(
            qs, PAGE_SIZE,
            fetch=lambda keys: selectors.list_rows(filterset.queryset, keys, today=today),
        ).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        ctx = self.get_context_data(
            filterset=filterset, form=filterset.form, page_obj=page, actions=page.object_list,
            query=query.urlencode(), today=today, heading=self.title(), scope=self.scope,
            sort_links=self.sort_links(query, filterset.sort_key() if valid else ""),
            filtered=any(v for k, v in query.items() if k not in ("sort",)),
            export_csv=self.export_url(query, "csv"), export_xlsx=self.export_url(query, "xlsx"),
            can_manage=rules.can_manage_plans(request.user),
        )
        return self.render_to_response(ctx)

    def export_url(self, query, fmt):
        q = query.copy()
        q["export"] = fmt
        return f"?{q.urlencode()}"

    def sort_links(self, query, current: str) -> dict:
        """For each sortable column: the link that sorts by it (toggling the direction when
        it is already the sort) and its ``aria-sort`` value."""
        links = {}
        for key in SORTS:
            q = query.copy()
            if current == key:
                q["sort"], state = f"-{key}", "ascending"
            elif current == f"-{key}":
                q["sort"], state = key, "descending"
            else:
                q["sort"], state = key, ""
            links[key] = {"url": f"?{q.urlencode()}", "aria_sort": state}
        return links

    def export(self, qs, fmt, today):
        user = self.request.user
        qs = selectors.for_export(qs, today=today)
        count = qs.count()
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        filename = f"scsp-{self.scope}-actions-{stamp}"
        record_access(user=user, action="export", object_type="actions.Action",
                      label=f"{count} actions ({self.scope}, {fmt})", request=self.request)
        if fmt == "csv":
            return exports.csv_response(qs, filename)
        return exports.xlsx_response(qs, filename, title=self.title())


class MyActionsView(ActionListView):
    scope = "mine"


class AgencyActionsView(ActionListView):
    scope = "agency"


class AllActionsView(ActionListView):
    scope = "all"


class PlanListView(TemplateView):
    template_name = "actions/plan_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        plans = selectors.plan_list_for(self.request.user, today=today)
        page = Paginator(plans, PAGE_SIZE).get_page(self.request.GET.get("page"))
        counts = selectors.rag_counts([p.pk for p in page.object_list], today=today)
        for plan in page.object_list:
            mine = counts.get(plan.pk, {})
            plan.rags = [(rag, mine[rag]) for rag in selectors.RAG_ORDER if mine.get(rag)]
        ctx.update(page_obj=page, plans=page.object_list, query="",
                   can_manage=rules.can_manage_plans(self.request.user))
        return ctx


class PlanDetailView(TemplateView):
    template_name = "actions/plan_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        plan = get_object_for_user(ActionPlan.objects.select_related("owner", "owner__agency"),
                                   user, pk=self.kwargs["pk"])
        record_access(user=user, action="view", obj=plan, request=self.request)
        today = timezone.localdate()
        ctx.update(plan=plan, today=today, **selectors.plan_detail(plan, today=today),
                   can_manage=rules.can_edit_plan(user, plan))
        return ctx


class DecisionsView(RoleRequiredMixin, TemplateView):
    """What waits for the co-ordinator: sign-offs and target-date requests."""

    template_name = "actions/decisions.html"

    def allowed(self, user):
        return user.is_coordinator

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(selectors.decisions_for(self.request.user, today=timezone.localdate()))
        return ctx
