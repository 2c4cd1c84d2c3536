from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserCreationForm as BaseUserCreationForm
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from scsp import mfa
from scsp.models import AccessEvent, Agency, ClosureDay, Theme, User

admin.site.site_header = _("SCSP Reviews administration")
admin.site.site_title = _("SCSP Reviews admin")


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "is_business_unit", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "short_name"]


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "agency", "role"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    add_form = UserCreationForm
    ordering = ["full_name"]
    list_display = ["full_name", "email", "agency", "role", "is_active", "is_staff"]
    list_filter = ["role", "agency", "is_active", "is_staff"]
    search_fields = ["full_name", "email"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "job_title", "agency", "role"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"],
                "fields": ["email", "full_name", "agency", "role", "password1", "password2"]}),
    ]
    filter_horizontal = ["groups"]
    actions = ["reset_second_factor"]

    @admin.action(description=_("Reset the second factor of the selected people"))
    def reset_second_factor(self, request, queryset):
        """The administrator's reset: the same service as the co-ordinator's (each person
        e-mailed, each reset in the access log)."""
        for person in queryset:
            mfa.reset_second_factor(by=request.user, person=person, request=request)
        self.message_user(request, _("%(n)s people will set up an authenticator at their next "
                                     "sign-in and have been e-mailed.") % {"n": queryset.count()},
                          messages.SUCCESS)


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "active"]
    search_fields = ["name"]


@admin.register(ClosureDay)
class ClosureDayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "reason"]
    date_hierarchy = "date"


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "object_type", "label"]
    list_filter = ["action", "object_type"]
