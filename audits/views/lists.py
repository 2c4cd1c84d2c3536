"""The two audit lists: MACFAs and Section 11 / 175 rounds (filtered, 25 a page), and the
single-agency audit rota (filtered, one page, with its late slots)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audits import selectors
from audits.filters import AuditFilter, RotaFilter
from audits.models import AuditKind
from scsp.generic import FilteredListView
from scsp.permissions import Ability, may

#: The "plan" buttons above the list.
PLAN_BUTTONS = [(AuditKind.MACFA, _("Plan a MACFA")),
                (AuditKind.SECTION_11, _("Plan a Section 11 round")),
                (AuditKind.SECTION_175, _("Plan a Section 175 round"))]


class AuditListView(FilteredListView):
    """MACFAs and Section 11 / 175 rounds the user can see, with their own return's status."""

    template_name = "audits/audit_list.html"
    filterset_class = AuditFilter
    context_object_name = "audits"
    printable = True  # ?print=1: every filtered row, to print
    # An unknown kind or status in the address is shown as a form error and the other filters
    # still apply, as this list always did.
    strict = False

    def get_queryset(self):
        return selectors.audit_list_for(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_manage=may(self.request.user, Ability.MANAGE_AUDITS), kinds=PLAN_BUTTONS,
            **kwargs)


class RotaView(FilteredListView):
    """The single-agency audit rota: who presents when, and who has not."""

    template_name = "audits/rota.html"
    filterset_class = RotaFilter
    filterset_extra = ("today",)
    paginate_by = None  # the whole rota on one page, under its count of late slots
    strict = False

    def get_queryset(self):
        return selectors.rota_for(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = selectors.rota_rows(self.object_list, self.today)
        ctx.update(rows=rows, late_count=sum(1 for r in rows if r["state"] == "late"),
                   can_manage=may(self.request.user, Ability.MANAGE_AUDITS))
        return ctx
