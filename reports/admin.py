from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import QuarterCommentary, ReportExport


@admin.register(QuarterCommentary)
class QuarterCommentaryAdmin(SimpleHistoryAdmin):
    """Read-only here: the chair writes the commentary on the report page (its service
    records who and when)."""

    list_display = ("year", "quarter", "updated_by", "updated_at")
    readonly_fields = ("year", "quarter", "text", "updated_by", "updated_at")

    def has_add_permission(self, request):
        return False


@admin.register(ReportExport)
class ReportExportAdmin(admin.ModelAdmin):
    """For support: what was asked for, by whom, and what went wrong. Files are downloaded
    through the permission-checked page, not here."""

    list_display = ("id", "requested_by", "year", "quarter", "format", "status", "progress",
                    "created_at")
    list_filter = ("status", "format")
    readonly_fields = [f.name for f in ReportExport._meta.fields]

    def has_add_permission(self, request):
        return False
