"""The access log and the change history, for the co-ordinator and the scrutineer
(``Ability.READ_AUDIT_TRAIL``): filtered, paginated and downloadable as CSV (every download is
itself in the access log). The queries and the writing are in ``scsp.audit``."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from scsp.audit import Kind, record_access
from scsp.audit.exports import access_log_csv, change_history_csv
from scsp.audit.names import type_name
from scsp.audit.refusals import seal_refusals
from scsp.filters import AccessEventFilter, ChangeEventFilter
from scsp.generic import FilteredListView, filter_summary
from scsp.models import AccessEvent, ChangeEvent
from scsp.permissions import Ability, RoleRequiredMixin, scoped


class AuditReaderMixin(RoleRequiredMixin):
    ability = Ability.READ_AUDIT_TRAIL


class AuditListView(AuditReaderMixin, FilteredListView):
    """A log, newest first; ``?export=csv`` downloads exactly the filtered rows."""

    model = None
    export_name = ""

    def get_queryset(self):
        return scoped(self.model, self.request.user).order_by("-at", "-id")

    def fetch_rows(self, keys):
        rows = list(self.model.objects.filter(pk__in=keys).select_related(*self.related))
        for row in rows:
            row.type_name = type_name(getattr(row, self.filterset_class.type_column))
        return rows

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            self.filterset = self.get_filterset(self.get_filterset_class())
            if self.filter_is_valid:
                return self.download(self.filterset.qs)
        return super().get(request, *args, **kwargs)

    def download(self, rows):
        count = rows.count()
        summary = "; ".join(f"{label}: {value}" for label, value in
                            filter_summary(self.filterset)) or _("no filter")
        record_access(user=self.request.user, kind=Kind.EXPORT,
                      object_type=self.model._meta.label,
                      label=_("%(n)d rows (CSV)") % {"n": count}, detail=summary,
                      request=self.request)
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        return self.write_csv(rows, f"scsp-{self.export_name}-{stamp}")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["matched_cases"] = getattr(self.filterset, "matched_cases", None)
        return ctx


class AccessLogView(AuditListView):
    """Who looked at, downloaded, exported or was refused what, and sign-in events."""

    template_name = "scsp/access_log.html"
    filterset_class = AccessEventFilter
    context_object_name = "events"
    model = AccessEvent
    related = ("user", "agency")
    export_name = "access-log"

    def get_queryset(self):
        # Refusals folded in minutes that are over join the chain first, so the page is
        # complete (nothing to do on most requests: one cheap query).
        seal_refusals()
        return super().get_queryset()

    @staticmethod
    def write_csv(rows, filename):
        return access_log_csv(rows, filename)


class ChangeHistoryView(AuditListView):
    """Every change to partnership records across record types: who, when, which fields,
    before and after; one case's timeline across its records with ``?case=``."""

    template_name = "scsp/change_history.html"
    filterset_class = ChangeEventFilter
    context_object_name = "changes"
    model = ChangeEvent
    related = ("user", "user__agency")
    export_name = "change-history"

    @staticmethod
    def write_csv(rows, filename):
        return change_history_csv(rows, filename)
