"""The partnership core's models: agencies, people, themes, closure days, settings and
reminders (``partnership``), and the audit trail (``audit``): the access log, the change
history's index and their hash chains. Import them from here."""

from scsp.models.audit import (
    AccessEvent,
    AccessEventCase,
    AuditTrailQuerySet,
    ChainHead,
    ChangeEvent,
    ChangeEventCase,
    RefusalBucket,
)
from scsp.models.partnership import (
    PARTNERSHIP_WIDE_ROLES,
    Agency,
    AgencyKind,
    ClosureDay,
    DeferredTask,
    HeldFile,
    KeptDraft,
    PartnershipSettings,
    Reminder,
    ReminderQuerySet,
    Role,
    Theme,
    User,
    UserManager,
    UserQuerySet,
    held_upload_to,
    new_calendar_token,
)

__all__ = [
    "PARTNERSHIP_WIDE_ROLES",
    "AccessEvent",
    "AccessEventCase",
    "Agency",
    "AgencyKind",
    "AuditTrailQuerySet",
    "ChainHead",
    "ChangeEvent",
    "ChangeEventCase",
    "ClosureDay",
    "HeldFile",
    "KeptDraft",
    "PartnershipSettings",
    "RefusalBucket",
    "DeferredTask",
    "Reminder",
    "ReminderQuerySet",
    "Role",
    "Theme",
    "User",
    "UserManager",
    "UserQuerySet",
    "held_upload_to",
    "new_calendar_token",
]
