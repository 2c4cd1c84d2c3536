"""The core app's pages, one module per area; ``scsp.urls`` imports them from here."""

from scsp.views.accounts import (  # noqa: F401
    InvitationDoneView,
    InvitationView,
    PasswordChangeView,
    PasswordResetConfirmView,
    PasswordResetView,
    SignInView,
)
from scsp.views.audit_trail import (  # noqa: F401
    AccessLogView,
    AuditReaderMixin,
    ChangeHistoryView,
)
from scsp.views.directory import (  # noqa: F401
    AgencyDetailView,
    AgencyListView,
    ThemeCreateView,
    ThemeListView,
    ThemeUpdateView,
)
from scsp.views.errors import bad_request, forbidden, not_found, server_error  # noqa: F401
from scsp.views.find import find_by_reference  # noqa: F401
from scsp.views.glossary import glossary  # noqa: F401
from scsp.views.health import (  # noqa: F401
    accessibility_statement,
    database_ok,
    favicon,
    healthz,
    redis_ok,
)
from scsp.views.home import HomeView  # noqa: F401
from scsp.views.mfa import (  # noqa: F401
    EnrolView,
    NewRecoveryCodesView,
    PasskeyAuthBeginView,
    PasskeyAuthCompleteView,
    PasskeyRegisterBeginView,
    PasskeyRegisterCompleteView,
    RecoveryCodesDownloadView,
    RecoveryCodesView,
    RemovePasskeyView,
    ReplaceAuthenticatorView,
    SecurityView,
    VerifyView,
)
from scsp.views.partnership import PartnershipSettingsView  # noqa: F401
from scsp.views.people import (  # noqa: F401
    PeopleListView,
    PersonActiveView,
    PersonDetailView,
    PersonInviteAgainView,
    PersonInviteView,
    PersonRecordsCsvView,
    PersonResetSecondFactorView,
)
from scsp.views.reminders import ReminderDetailView, ReminderListView  # noqa: F401
from scsp.views.session import session  # noqa: F401
