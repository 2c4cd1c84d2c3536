"""Admin views for support staff: read-mostly lists. Every day-to-day change goes through the
review pages (and so through the services and their rules)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reviews.models import (
    AgencySummary,
    Attendee,
    BriefingFile,
    Case,
    Child,
    PracticeReview,
    ProgressCheck,
    RapidReview,
    ReviewStage,
    SignOff,
    SpotlightReferral,
)


class ChildInline(admin.TabularInline):
    model = Child
    extra = 0
    fields = ["position", "pseudonym", "age_band", "sex", "legal_status"]


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "route", "status", "referral_received_on", "referring_agency"]
    list_filter = ["route", "status", "incident_type"]
    search_fields = ["reference", "children__pseudonym"]
    readonly_fields = ["reference", "created_by", "created_at"]
    filter_horizontal = ["agencies_involved", "themes"]
    inlines = [ChildInline]


class AttendeeInline(admin.TabularInline):
    model = Attendee
    extra = 0


class AgencySummaryInline(admin.TabularInline):
    model = AgencySummary
    extra = 0


class SignOffInline(admin.TabularInline):
    model = SignOff
    extra = 0
    readonly_fields = ["recorded_by", "recorded_at", "signed_by"]


@admin.register(RapidReview)
class RapidReviewAdmin(SimpleHistoryAdmin):
    list_display = ["case", "meeting_date", "decision", "sent_to_panel_on"]
    list_filter = ["decision", "panel_response"]
    search_fields = ["case__reference"]
    readonly_fields = ["case", "action_plan"]
    inlines = [AttendeeInline, AgencySummaryInline, SignOffInline]


@admin.register(SpotlightReferral)
class SpotlightReferralAdmin(SimpleHistoryAdmin):
    list_display = ["case", "decision", "decided_on"]
    list_filter = ["decision"]


class StageInline(admin.TabularInline):
    model = ReviewStage
    extra = 0


class ProgressCheckInline(admin.TabularInline):
    model = ProgressCheck
    extra = 0


@admin.register(PracticeReview)
class PracticeReviewAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "kind", "title", "decision_date", "status", "outcome"]
    list_filter = ["kind", "status", "outcome"]
    search_fields = ["reference", "title"]
    readonly_fields = ["reference", "action_plan", "rapid_review", "referral", "created_by"]
    filter_horizontal = ["cases", "themes"]
    inlines = [StageInline, ProgressCheckInline]


@admin.register(BriefingFile)
class BriefingFileAdmin(admin.ModelAdmin):
    list_display = ["original_name", "review", "uploaded_by", "uploaded_at", "size"]
    readonly_fields = ["review", "file", "original_name", "content_type", "size", "sha256",
                       "uploaded_by", "uploaded_at"]
