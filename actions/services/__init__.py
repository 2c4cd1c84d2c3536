"""Every write to action plans, actions, progress, evidence and target dates.

Services are the only code that changes these records. Each one is atomic, takes keyword
arguments only, checks who is acting (``PermissionDenied``, by asking ``actions.rules``) and
what they asked for (``ValidationError``, keyed by field where it is about a field), and
changes nothing when it refuses. Dates that matter come in as ``today``; record timestamps
default to now.

Changes to an action are optimistic-locked: a caller passes the ``version`` the person saw,
and a save based on an older version raises :class:`EditConflict` (a ``ValidationError``)
that carries what changed meanwhile, instead of silently overwriting it.

The services live in one module per step: ``plans`` (plans, recommendations and actions'
SMART details), ``progress`` (progress updates and evidence of impact, with files),
``decisions`` (sign off, return, close), ``bulk`` (several sign-offs or returns at
once), ``dates`` (target-date requests and decisions), ``impact`` (impact reviews, their
evidence and rating), ``imports`` (plans and actions from a spreadsheet), ``calendar_feed``
and ``scanning`` (the rescan of files held for a virus scan); import them from here.
"""

from actions.services._common import EditConflict
from actions.services.bulk import BulkOutcome, actions_decide_in_bulk
from actions.services.calendar_feed import calendar_token_regenerate
from actions.services.dates import action_decide_date_change, action_request_date_change
from actions.services.decisions import (
    DECISION_EVENTS,
    action_close,
    action_return,
    action_sign_off,
)
from actions.services.impact import (
    impact_evidence_add,
    impact_rate,
    impact_review_schedule,
    impact_review_set,
)
from actions.services.imports import import_apply, import_check, import_upload
from actions.services.plans import (
    PLAN_REFERENCE,
    action_create,
    action_errors,
    action_update,
    plan_create,
    plan_follow_owner_reference,
    plan_update,
    recommendation_add,
)
from actions.services.progress import (
    OWNER_TRANSITIONS,
    action_record_impact,
    action_record_progress,
)
from actions.services.reassign import REASON_MAX, action_reassign
from actions.services.scanning import RescanResult, files_rescan_waiting

__all__ = [
    "BulkOutcome",
    "DECISION_EVENTS",
    "OWNER_TRANSITIONS",
    "PLAN_REFERENCE",
    "REASON_MAX",
    "EditConflict",
    "RescanResult",
    "action_close",
    "action_create",
    "action_decide_date_change",
    "action_errors",
    "action_reassign",
    "action_record_impact",
    "action_record_progress",
    "action_request_date_change",
    "action_return",
    "action_sign_off",
    "action_update",
    "actions_decide_in_bulk",
    "calendar_token_regenerate",
    "files_rescan_waiting",
    "import_apply",
    "import_check",
    "import_upload",
    "impact_evidence_add",
    "impact_rate",
    "impact_review_schedule",
    "impact_review_set",
    "plan_create",
    "plan_follow_owner_reference",
    "plan_update",
    "recommendation_add",
]
