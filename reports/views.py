"""Pages of the reports app. Thin: check the role, read the clock, call a selector or one
service, show the result.

Who may do what (the role table, ``scsp.permissions``): the business unit, the chair and the
scrutineer read the partnership reports (``READ_REPORTS``); the chair and the co-ordinator
download them (``EXPORT_REPORTS``); only the chair writes the commentary
(``WRITE_COMMENTARY``). Agency staff get 403: the reports cover every agency (their own
agency's figures are on their home page)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from reports import annual, exports, selectors, services
from reports.forms import CommentaryForm, QuarterPickerForm, YearPickerForm
from reports.models import QuarterCommentary, ReportExport
from reports.quarters import FinancialYear, Quarter
from scsp.audit import Kind, record_access
from scsp.generic import ServiceFormView
from scsp.models import Theme
from scsp.permissions import Ability, RoleRequiredMixin, get_object_for_user, may
from scsp.workdays import calendar


def _quarter(kwargs, today) -> Quarter:
    """The quarter in the URL; 404 for one that does not exist or has not started."""
    try:
        quarter = Quarter(kwargs["year"], kwargs["quarter"])
    except ValueError:
        raise Http404(_("There is no such quarter.")) from None
    if not quarter.has_started(today):
        raise Http404(_("That quarter has not started yet."))
    return quarter


def _year(kwargs, today) -> FinancialYear:
    try:
        year = FinancialYear(kwargs["year"])
    except ValueError:
        raise Http404(_("There is no such year.")) from None
    if not year.has_started(today):
        raise Http404(_("That year has not started yet."))
    return year


class ReaderMixin(RoleRequiredMixin):
    ability = Ability.READ_REPORTS


class ExporterMixin(RoleRequiredMixin):
    ability = Ability.EXPORT_REPORTS


# --- Quarterly report ----------------------------------------------------------------------------


class ReportsIndexView(ReaderMixin, View):
    """The current quarter's report, or the one chosen in the picker (``?quarter=2022-23-q3``)."""

    def get(self, request):
        today = timezone.localdate()
        quarter = Quarter.containing(today)
        chosen = request.GET.get("quarter")
        if chosen:
            try:
                quarter = Quarter.from_slug(chosen)
            except ValueError:
                messages.error(request, _("Choose a quarter from the list."))
        return redirect("reports:quarterly", **quarter.url_kwargs())


class QuarterlyReportView(ReaderMixin, TemplateView):
    """The chair's quarterly progress report in the browser. A partnership with hundreds of
    plans sees the :data:`PLANS_ON_PAGE` with the most overdue actions first, and every plan
    on asking (``?plans=all``) and in the PDF, the workbook and the CSV."""

    template_name = "reports/quarterly.html"
    PLANS_ON_PAGE = 30

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        quarter = _quarter(self.kwargs, today)
        report = selectors.quarterly_report(user, quarter, today=today, now=timezone.now(),
                                            cal=calendar())
        every_plan = self.request.GET.get("plans") == "all"
        plans = report.plans if every_plan else report.plans[:self.PLANS_ON_PAGE]
        ctx.update(
            report=report, title=_("Quarterly progress report: %(q)s") % {"q": quarter.label},
            plans=plans, plans_cut=len(plans) < len(report.plans),
            picker=QuarterPickerForm(initial={"quarter": quarter.slug}, today=today),
            may_export=may(user, Ability.EXPORT_REPORTS),
            may_comment=may(user, Ability.WRITE_COMMENTARY),
            next_quarter=quarter.next() if quarter.next().has_started(today) else None,
            exports=(ReportExport.objects.visible_to(user)
                     .filter(year=quarter.year, quarter=quarter.number)[:6]),
            csv_tables=list(exports.QUARTERLY_TABLES.items()),
        )
        return ctx


class CommentaryView(RoleRequiredMixin, ServiceFormView):
    """The chair writes or changes the commentary on a quarter."""

    template_name = "reports/commentary_form.html"
    form_class = CommentaryForm
    ability = Ability.WRITE_COMMENTARY

    def dispatch(self, request, *args, **kwargs):
        self.quarter = _quarter(kwargs, self.today)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        existing = QuarterCommentary.objects.filter(
            year=self.quarter.year, quarter=self.quarter.number).first()
        return {"text": existing.text if existing else ""}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["quarter"] = self.quarter
        return ctx

    def perform(self, form):
        return services.commentary_save(by=self.request.user, quarter=self.quarter,
                                        text=form.cleaned_data["text"])

    def get_success_message(self, result) -> str:
        return _("Your commentary is saved with %(q)s.") % {"q": self.quarter.label}

    def get_success_url(self, result=None):
        return reverse("reports:quarterly", kwargs=self.quarter.url_kwargs()) + "#commentary"


class QuarterlyCsvView(ExporterMixin, View):
    """One table of the quarterly report as CSV (the rows behind it)."""

    def get(self, request, year, quarter, table):
        user, today = request.user, timezone.localdate()
        period = _quarter({"year": year, "quarter": quarter}, today)
        report = selectors.quarterly_report(user, period, today=today, now=timezone.now(),
                                            cal=calendar())
        if table == "actions":
            chosen = exports.action_table(selectors.action_rows(user, report.asat))
        else:
            chosen = next((t for t in exports.quarterly_tables(report) if t.slug == table), None)
        if chosen is None:
            raise Http404(_("There is no such table."))
        record_access(user=user, kind=Kind.REPORT, object_type="reports.QuarterlyReport",
                      object_id=period.slug, label=f"{period.label}: {chosen.title}",
                      request=request)
        return exports.csv_response(chosen, f"scsp-{period.slug}-{chosen.slug}")


# --- Exports (PDF, Excel) made in the background --------------------------------------------------


class ExportCreateView(ExporterMixin, View):
    """POST: ask for the quarter's report as a PDF or Excel workbook, then wait for it."""

    http_method_names = ["post"]

    def post(self, request, year, quarter, format):
        period = _quarter({"year": year, "quarter": quarter}, timezone.localdate())
        try:
            export = services.export_request(by=request.user, quarter=period, format=format,
                                             today=timezone.localdate())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("reports:quarterly", **period.url_kwargs())
        record_access(user=request.user, kind=Kind.REPORT, obj=export,
                      detail=f"asked for {period.label} ({export.get_format_display()})",
                      request=request)
        return redirect(export)


class ExportMixin(ExporterMixin):
    def get_export(self) -> ReportExport:
        return get_object_for_user(ReportExport, self.request.user, pk=self.kwargs["pk"])


class ExportDetailView(ExportMixin, TemplateView):
    """The page that waits for a download: progress while it is made (``static/js/reports.js``
    polls the status; without JavaScript, a Refresh link), then the download, or what went
    wrong and a button to try again."""

    template_name = "reports/export_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        export = self.get_export()
        ctx.update(export=export, may_retry=export.may_retry(timezone.now()))
        return ctx


@method_decorator(never_cache, name="dispatch")
class ExportStatusView(ExportMixin, View):
    """The export's progress as JSON, for the waiting page's script."""

    def get(self, request, pk):
        export = self.get_export()
        now = timezone.now()
        return JsonResponse({
            "status": export.status,
            "status_label": export.get_status_display(),
            "progress": export.progress,
            "step": export.step,
            "finished": export.is_finished,
            "stale": export.is_stale(now),
            "download_url": (reverse("reports:export_download", args=[export.pk])
                             if export.status == ReportExport.Status.DONE else None),
        })


class ExportDownloadView(ExportMixin, View):
    """The finished file. Checks again that the person may still download reports, and
    records the download in the access log."""

    def get(self, request, pk):
        export = self.get_export()
        # visible_to checks it too; say it here
        if not may(request.user, Ability.EXPORT_REPORTS):
            raise PermissionDenied(_("Only the chair and the co-ordinator download reports."))
        if export.status != ReportExport.Status.DONE or not export.file:
            messages.info(request, _("That download is not ready yet."))
            return redirect(export)
        record_access(user=request.user, kind=Kind.REPORT, obj=export,
                      detail=f"downloaded ({export.get_format_display()})", request=request)
        content_type = ("application/pdf" if export.format == ReportExport.Format.PDF else
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response = FileResponse(export.file.open("rb"), as_attachment=True,
                                filename=export.download_name(), content_type=content_type)
        response["Cache-Control"] = "no-store, private"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ExportRetryView(ExportMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        export = self.get_export()
        try:
            services.export_retry(by=request.user, export=export)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(export)


class ExportListView(ExporterMixin, TemplateView):
    """Your downloads of the last weeks, newest first."""

    template_name = "reports/export_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["exports"] = ReportExport.objects.visible_to(self.request.user)[:50]
        return ctx


# --- Annual figures --------------------------------------------------------------------------------


class AnnualIndexView(ReaderMixin, View):
    def get(self, request):
        today = timezone.localdate()
        year = FinancialYear.containing(today)
        chosen = request.GET.get("year")
        if chosen:
            try:
                year = FinancialYear.from_label(chosen)
            except ValueError:
                messages.error(request, _("Choose a year from the list."))
        return redirect("reports:annual", year=year.year)


def _annual(user, year: FinancialYear, today):
    figures = annual.annual_figures(user, year, today=today, now=timezone.now(), cal=calendar())
    return figures, annual.disproportionality(user, year, figures.asat)


class AnnualView(ReaderMixin, TemplateView):
    """The annual report's SLPR figures and the disproportionality table."""

    template_name = "reports/annual.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        year = _year(self.kwargs, today)
        figures, breakdowns = _annual(user, year, today)
        ctx.update(
            year=year, figures=figures, breakdowns=breakdowns,
            legend=annual.SUPPRESSION_LEGEND, may_export=may(user, Ability.EXPORT_REPORTS),
            picker=YearPickerForm(initial={"year": year.label}, today=today),
            tables=[(t.slug, t.title) for t in exports.annual_tables(figures, breakdowns)],
        )
        return ctx


class AnnualCsvView(ExporterMixin, View):
    def get(self, request, year, table):
        user, today = request.user, timezone.localdate()
        period = _year({"year": year}, today)
        figures, breakdowns = _annual(user, period, today)
        chosen = next((t for t in exports.annual_tables(figures, breakdowns) if t.slug == table),
                      None)
        if chosen is None:
            raise Http404(_("There is no such table."))
        record_access(user=user, kind=Kind.REPORT, object_type="reports.AnnualFigures",
                      object_id=period.label, label=f"{period.label}: {chosen.title}",
                      request=request)
        return exports.csv_response(chosen, f"scsp-{period.label}-{chosen.slug}")


# --- Learning themes -------------------------------------------------------------------------


class ThemeListView(ReaderMixin, TemplateView):
    """Every learning theme, each linking to its page."""

    template_name = "reports/theme_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["themes"] = Theme.objects.visible_to(self.request.user).order_by("-active", "name")
        return ctx


class ThemeDetailView(ReaderMixin, TemplateView):
    """One learning theme over the last three years: where it was seen, the actions that
    address it and their impact ratings, and where it recurred after they were signed off."""

    template_name = "reports/theme.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        theme = get_object_for_user(Theme, self.request.user, pk=self.kwargs["pk"])
        ctx.update(selectors.theme_page(self.request.user, theme, today=timezone.localdate()))
        ctx["title"] = _("Learning theme: %(name)s") % {"name": theme.name}
        return ctx
