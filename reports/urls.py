from django.urls import path, register_converter

from reports import views
from reports.quarters import financial_year_label, parse_financial_year

app_name = "reports"


class FinancialYearConverter:
    """``2022-23`` in a URL <-> 2022 in the view (the year the financial year starts)."""

    regex = r"[0-9]{4}-[0-9]{2}"

    def to_python(self, value: str) -> int:
        return parse_financial_year(value)  # ValueError -> the URL does not match: 404

    def to_url(self, value: int) -> str:
        return financial_year_label(int(value))


register_converter(FinancialYearConverter, "fy")

urlpatterns = [
    path("", views.ReportsIndexView.as_view(), name="index"),
    path("quarterly/<fy:year>/q<int:quarter>/", views.QuarterlyReportView.as_view(),
         name="quarterly"),
    path("quarterly/<fy:year>/q<int:quarter>/commentary/", views.CommentaryView.as_view(),
         name="commentary"),
    path("quarterly/<fy:year>/q<int:quarter>/<slug:table>.csv", views.QuarterlyCsvView.as_view(),
         name="quarterly_csv"),
    path("quarterly/<fy:year>/q<int:quarter>/download/<str:format>/",
         views.ExportCreateView.as_view(), name="export_create"),
    path("downloads/", views.ExportListView.as_view(), name="export_list"),
    path("downloads/<int:pk>/", views.ExportDetailView.as_view(), name="export_detail"),
    path("downloads/<int:pk>/status/", views.ExportStatusView.as_view(), name="export_status"),
    path("downloads/<int:pk>/file/", views.ExportDownloadView.as_view(), name="export_download"),
    path("downloads/<int:pk>/retry/", views.ExportRetryView.as_view(), name="export_retry"),
    path("themes/", views.ThemeListView.as_view(), name="theme_list"),
    path("themes/<int:pk>/", views.ThemeDetailView.as_view(), name="theme_detail"),
    path("annual/", views.AnnualIndexView.as_view(), name="annual_index"),
    path("annual/<fy:year>/", views.AnnualView.as_view(), name="annual"),
    path("annual/<fy:year>/<slug:table>.csv", views.AnnualCsvView.as_view(), name="annual_csv"),
]
