from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from scsp import metrics, views
from scsp.mfa import second_factor_not_required as before_second_factor

partnership_patterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("accounts/sign-in/", views.SignInView.as_view(), name="login"),
    path("accounts/sign-out/", before_second_factor(auth_views.LogoutView.as_view()),
         name="logout"),
    path("accounts/session/", views.session, name="session"),
    path("accounts/check/", before_second_factor(views.VerifyView.as_view()), name="mfa_verify"),
    path("accounts/set-up/", before_second_factor(views.EnrolView.as_view()), name="mfa_enrol"),
    path("accounts/security/", views.SecurityView.as_view(), name="security"),
    path("accounts/security/authenticator/", views.ReplaceAuthenticatorView.as_view(),
         name="replace_authenticator"),
    path("accounts/security/recovery-codes/", views.RecoveryCodesView.as_view(),
         name="recovery_codes"),
    path("accounts/security/recovery-codes/download/", views.RecoveryCodesDownloadView.as_view(),
         name="recovery_codes_download"),
    path("accounts/security/recovery-codes/new/", views.NewRecoveryCodesView.as_view(),
         name="recovery_codes_new"),
    path("accounts/security/passkeys/<int:pk>/remove/", views.RemovePasskeyView.as_view(),
         name="passkey_remove"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
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
    path("accounts/password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/invitation/<uidb64>/<token>/", views.InvitationView.as_view(),
         name="invitation"),
    path("accounts/invitation/done/", views.InvitationDoneView.as_view(), name="invitation_done"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("glossary/", views.glossary, name="glossary"),
    path("find/", views.find_by_reference, name="find"),
    path("partnership/agencies/", views.AgencyListView.as_view(), name="agency_list"),
    path("partnership/agencies/<int:pk>/", views.AgencyDetailView.as_view(), name="agency_detail"),
    path("partnership/themes/", views.ThemeListView.as_view(), name="theme_list"),
    path("partnership/themes/new/", views.ThemeCreateView.as_view(), name="theme_create"),
    path("partnership/themes/<int:pk>/edit/", views.ThemeUpdateView.as_view(), name="theme_update"),
    path("reminders/", views.ReminderListView.as_view(), name="reminder_list"),
    path("reminders/<int:pk>/", views.ReminderDetailView.as_view(), name="reminder_detail"),
    path("partnership/settings/", views.PartnershipSettingsView.as_view(),
         name="partnership_settings"),
    path("partnership/people/", views.PeopleListView.as_view(), name="people"),
    path("partnership/people/invite/", views.PersonInviteView.as_view(), name="person_invite"),
    path("partnership/people/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("partnership/people/<int:pk>/active/", views.PersonActiveView.as_view(),
         name="person_active"),
    path("partnership/people/<int:pk>/reset-second-factor/",
         views.PersonResetSecondFactorView.as_view(), name="person_reset_second_factor"),
    path("partnership/people/<int:pk>/invite-again/", views.PersonInviteAgainView.as_view(),
         name="person_invite_again"),
    path("partnership/people/<int:pk>/records.csv", views.PersonRecordsCsvView.as_view(),
         name="person_records_csv"),
    path("audit/access/", views.AccessLogView.as_view(), name="access_log"),
    path("audit/changes/", views.ChangeHistoryView.as_view(), name="change_history"),
]

# django-otp-webauthn's JSON steps (its JavaScript finds them under its namespace). A passkey
# checks the second factor before it is done; adding one needs it done.
passkey_patterns = [
    path("registration/begin/", views.PasskeyRegisterBeginView.as_view(),
         name="credential-registration-begin"),
    path("registration/complete/", views.PasskeyRegisterCompleteView.as_view(),
         name="credential-registration-complete"),
    path("authentication/begin/", before_second_factor(views.PasskeyAuthBeginView.as_view()),
         name="credential-authentication-begin"),
    path("authentication/complete/",
         before_second_factor(views.PasskeyAuthCompleteView.as_view()),
         name="credential-authentication-complete"),
    path("jsi18n/", before_second_factor(
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"])), name="js-i18n-catalog"),
]

urlpatterns = [
    path("", include((partnership_patterns, "scsp"))),
    path("accounts/passkeys/", include((passkey_patterns, "otp_webauthn"))),
    path("actions/", include("actions.urls")),
    path("reviews/", include("reviews.urls")),
    path("audits/", include("audits.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "scsp.views.bad_request"
handler403 = "scsp.views.forbidden"
handler404 = "scsp.views.not_found"
handler500 = "scsp.views.server_error"
