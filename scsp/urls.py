from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from scsp import views

partnership_patterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("accounts/sign-in/", views.SignInView.as_view(), name="login"),
    path("accounts/sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("scsp:password_change_done")),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("scsp:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("glossary/", views.glossary, name="glossary"),
    path("partnership/agencies/", views.AgencyListView.as_view(), name="agency_list"),
    path("partnership/agencies/<int:pk>/", views.AgencyDetailView.as_view(), name="agency_detail"),
    path("partnership/themes/", views.ThemeListView.as_view(), name="theme_list"),
    path("partnership/themes/new/", views.ThemeCreateView.as_view(), name="theme_create"),
    path("partnership/themes/<int:pk>/edit/", views.ThemeUpdateView.as_view(), name="theme_update"),
    path("reminders/", views.ReminderListView.as_view(), name="reminder_list"),
    path("reminders/<int:pk>/", views.ReminderDetailView.as_view(), name="reminder_detail"),
    path("audit/access/", views.AccessLogView.as_view(), name="access_log"),
    path("audit/changes/", views.ChangeHistoryView.as_view(), name="change_history"),
]

urlpatterns = [
    path("", include((partnership_patterns, "scsp"))),
    path("actions/", include("actions.urls")),
    path("reviews/", include("reviews.urls")),
    path("audits/", include("audits.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "scsp.views.forbidden"
handler404 = "scsp.views.not_found"
handler500 = "scsp.views.server_error"
