from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from reports.dashboards import home_panel
        from scsp.dashboard import register as register_panel
        from scsp.navigation import Entry, register
        from scsp.permissions import Ability, may

        def reads_reports(user):
            return may(user, Ability.READ_REPORTS)

        def exports_reports(user):
            return may(user, Ability.EXPORT_REPORTS)

        register_panel(home_panel)

        # The retention job deletes old report files; the access log names report types.
        from reports.services import exports_purge
        from scsp.audit import names, retention

        retention.register("report exports", "REPORT_EXPORT_KEEP_DAYS",
                           lambda now, keep_days, held_case_ids: exports_purge(
                               now=now, keep_days=keep_days))
        names.register("reports.QuarterlyReport", _("Quarterly progress report"))

        # /metrics: report exports by status, and the failed ones (scsp/metrics.py).
        from reports.models import ReportExport
        from scsp import metrics

        metrics.register("scsp_report_exports", "Report exports kept, by status",
                         ReportExport.objects.counts_by_status, label="status")
        metrics.register("scsp_failed_report_exports",
                         "Report exports that failed and have not been made since",
                         lambda: ReportExport.objects.filter(
                             status=ReportExport.Status.FAILED).count())
        names.register("reports.AnnualFigures", _("Annual figures"))
        group = _("Reports")
        register(Entry(_("Quarterly progress report"), "reports:index",
                       _("The chair's report to the partnership board: reviews, timeliness, "
                         "action plans and agencies, as they stood at the quarter's end."),
                       reads_reports, order=40, group=group))
        register(Entry(_("Annual figures"), "reports:annual_index",
                       _("The annual report's SLPR figures and the children in notifications "
                         "and referrals, by ethnicity, sex, age and disability."),
                       reads_reports, order=41, group=group))
        register(Entry(_("Impact by learning theme"), "reports:theme_list",
                       _("Each theme over three years: where it was seen, the actions that "
                         "address it, their impact, and whether it came back after them."),
                       reads_reports, order=41, group=group))
        register(Entry(_("Your report downloads"), "reports:export_list",
                       _("PDF and Excel reports you have made, ready to download again."),
                       exports_reports, order=42, group=group))
