"""Admin: for staff to look things up. Every change belongs in the audit pages, which go
through the services and their rules, so the admin is read-only here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from audits.models import AgencyReturn, Audit, AuditCase, Finding, Question, Standard


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditCaseInline(admin.TabularInline):
    model = AuditCase
    extra = 0
    can_delete = False
    readonly_fields = ["reference", "summary"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Audit)
class AuditAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "kind", "status", "planned_start", "month_due"]
    list_filter = ["kind", "status"]
    search_fields = ["reference", "title"]
    inlines = [AuditCaseInline]


@admin.register(AgencyReturn)
class AgencyReturnAdmin(ReadOnlyAdmin):
    list_display = ["audit", "agency", "status", "submitted_at", "agreed_grade"]
    list_filter = ["status", "audit__kind"]
    list_select_related = ["audit", "agency"]


@admin.register(Question, Standard)
class ToolItemAdmin(ReadOnlyAdmin):
    list_display = ["audit", "number", "short_label"]
    list_select_related = ["audit"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["audit", "kind", "agency", "recommendation"]
    list_filter = ["kind"]
    list_select_related = ["audit", "agency", "recommendation"]
