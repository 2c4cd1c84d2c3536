"""The core app's pages, one module per area; ``scsp.urls`` imports them from here."""

from scsp.views.accounts import PasswordResetView, SignInView  # noqa: F401
from scsp.views.audit_trail import (  # noqa: F401
    AccessLogView,
    AuditReaderMixin,
    ChangeHistoryView,
    history_models,
)
from scsp.views.directory import (  # noqa: F401
    AgencyDetailView,
    AgencyListView,
    ThemeCreateView,
    ThemeListView,
    ThemeUpdateView,
)
from scsp.views.errors import forbidden, not_found, server_error  # noqa: F401
from scsp.views.glossary import glossary  # noqa: F401
from scsp.views.health import (  # noqa: F401
    accessibility_statement,
    database_ok,
    favicon,
    healthz,
    redis_ok,
)
from scsp.views.home import HomeView  # noqa: F401
from scsp.views.reminders import ReminderDetailView, ReminderListView  # noqa: F401
