"""Admin views of action plans, for support staff. Changes to actions go through the pages
(and so the services and their rules); here actions, updates, evidence and date changes are
read-only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from actions.models import (
    Action,
    ActionPlan,
    Evidence,
    ProgressUpdate,
    Recommendation,
    TargetDateChange,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    extra = 0
    fields = ["number", "text"]


@admin.register(ActionPlan)
class ActionPlanAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "origin_kind", "owner", "status", "created_at"]
    list_filter = ["origin_kind", "status"]
    search_fields = ["reference", "title", "origin_reference"]
    inlines = [RecommendationInline]
    raw_id_fields = ["owner"]


@admin.register(Action)
class ActionAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["reference", "lead_agency", "lead_officer", "status", "target_date",
                    "original_target_date"]
    list_filter = ["status", "lead_agency", "plan__origin_kind"]
    search_fields = ["reference", "description"]
    list_select_related = ["lead_agency", "lead_officer"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["action", "author", "kind", "status_to", "created_at"]
    list_select_related = ["action", "author"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["original_name", "action", "content_type", "size", "uploaded_by",
                    "uploaded_at"]
    exclude = ["file"]
    list_select_related = ["action", "uploaded_by"]


@admin.register(TargetDateChange)
class TargetDateChangeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["action", "old_date", "new_date", "decision", "requested_by", "decided_by"]
    list_select_related = ["action", "requested_by", "decided_by"]
