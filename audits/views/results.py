"""What an audit found: the results matrix and the audit report (a web page, and the same
template printed as a PDF). Partnership-wide roles always; participating agencies from
moderation on."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from audits import selectors
from audits.models import Audit, Finding
from audits.views._base import AuditMixin
from scsp.audit import Kind, record_access
from scsp.pdf import pdf_response, render_pdf


def results_context(user, audit: Audit) -> dict:
    """The results matrix for the results page and the report."""
    if audit.is_macfa:
        results = selectors.macfa_results(audit)
        return {"results": results, "matrix_rows": results.matrix_rows(),
                "agency_totals": results.agency_totals(),
                "case_tables": results.case_tables(
                    selectors.case_links(user, [c.reference for c in results.cases]))}
    results = selectors.standards_results(audit)
    return {"results": results, "matrix_rows": results.matrix_rows(),
            "standard_totals": results.standard_totals()}


def report_context(user, audit: Audit, *, today: dt.date) -> dict:
    """Everything the audit report shows, on ``today``."""
    ctx = {"audit": audit, "title": f"{audit.reference}: {audit.title}", "today": today,
           "themes": list(audit.themes.all()),
           "returns": list(selectors.returns_for(audit)) if audit.has_returns else [],
           "findings": selectors.findings_for(user, audit, today=today)}
    ctx["strengths"] = [r["finding"] for r in ctx["findings"]
                        if r["finding"].kind == Finding.Kind.STRENGTH]
    ctx["improvements"] = [r["finding"] for r in ctx["findings"]
                           if r["finding"].kind == Finding.Kind.IMPROVEMENT]
    ctx["actions"] = selectors.plan_action_rows(user, audit, today=today)
    if audit.has_returns:
        ctx.update(results_context(user, audit))
    if audit.is_macfa:
        ctx["cases"] = list(audit.cases.order_by("reference"))
    return ctx


class ResultsOpenMixin(AuditMixin):
    """Results and the report: partnership-wide roles always; participating agencies from
    moderation on (403 before, as the audit itself is visible to them)."""

    def dispatch(self, request, *args, **kwargs):
        if not self.get_object().results_open_to(request.user):
            raise PermissionDenied(_("Agencies see the results from the moderation meeting "
                                     "on."))
        return super().dispatch(request, *args, **kwargs)


class ResultsView(ResultsOpenMixin, TemplateView):
    template_name = "audits/results.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.get_object().has_returns:
            raise Http404("A single-agency audit has no results matrix.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(results_context(self.request.user, self.audit))
        return ctx


class ReportView(ResultsOpenMixin, View):
    """The audit report as a web page: the same template the PDF is printed from."""

    def get(self, request, *args, **kwargs):
        record_access(user=request.user, kind=Kind.VIEW, obj=self.audit, request=request)
        ctx = report_context(request.user, self.audit, today=self.today)
        ctx["screen"] = True
        return TemplateResponse(request, "audits/report.html", ctx)


class ReportPdfView(ReportView):
    def get(self, request, *args, **kwargs):
        pdf = render_pdf("audits/report.html",
                         report_context(request.user, self.audit, today=self.today),
                         request=request)
        record_access(user=request.user, kind=Kind.REPORT, obj=self.audit,
                      detail="audit report (PDF)", request=request)
        return pdf_response(pdf, f"{self.audit.reference}-audit-report.pdf")
