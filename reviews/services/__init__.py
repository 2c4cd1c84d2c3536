"""Every write to cases, children, Rapid Reviews, referral decisions and practice reviews.

Each service is atomic, takes keyword arguments only, checks who is acting
(``PermissionDenied``) and what they asked for (``ValidationError``, keyed by field where it is
about a field), and changes nothing when it refuses. Dates that matter come in as ``today``;
working-day rules use the calendar passed as ``cal`` (built with ``scsp.workdays.calendar()``
when not given).

Action plans belong to the ``actions`` app: a Rapid Review and each practice review own one,
created here through ``actions.services``.

The services live in three modules (``cases``, ``rapid_reviews``, ``practice_reviews``); import
them from here.
"""

from reviews.services._common import (
    PLAN_ORIGIN,
    REFERRAL_DECISION_REVIEW,
    RR_DECISION_REVIEW,
    statutory_partners,
)
from reviews.services.cases import (
    CASE_REFERENCE,
    case_create,
    case_refresh_status,
    case_set_children,
    case_set_legal_hold,
    case_update,
    validate_case_dates,
)
from reviews.services.practice_reviews import (
    MILESTONES_NEVER_SKIPPED,
    review_add_progress_check,
    review_add_recommendation,
    review_create,
    review_record_outcome,
    review_refresh_status,
    review_set_stages,
    review_update,
    review_upload_briefing,
    validate_stages,
)
from reviews.services.rapid_reviews import (
    referral_decide,
    rr_add_action,
    rr_decide,
    rr_record_panel,
    rr_record_sign_off,
    rr_set_agency_summaries,
    rr_set_attendees,
    rr_update,
)
from reviews.services.summaries import (
    late_summaries,
    missing_sign_offs,
    rr_partner_sign_off,
    submit_problems,
    summaries_ask,
    summary_accept_actions,
    summary_delegate,
    summary_return,
    summary_save,
    summary_set_actions,
    summary_set_chronology,
    summary_submit,
)

__all__ = [
    "late_summaries",
    "missing_sign_offs",
    "rr_partner_sign_off",
    "submit_problems",
    "summaries_ask",
    "summary_accept_actions",
    "summary_delegate",
    "summary_return",
    "summary_save",
    "summary_set_actions",
    "summary_set_chronology",
    "summary_submit",
    "CASE_REFERENCE",
    "MILESTONES_NEVER_SKIPPED",
    "PLAN_ORIGIN",
    "REFERRAL_DECISION_REVIEW",
    "RR_DECISION_REVIEW",
    "case_create",
    "case_refresh_status",
    "case_set_children",
    "case_set_legal_hold",
    "case_update",
    "referral_decide",
    "review_add_progress_check",
    "review_add_recommendation",
    "review_create",
    "review_record_outcome",
    "review_refresh_status",
    "review_set_stages",
    "review_update",
    "review_upload_briefing",
    "rr_add_action",
    "rr_decide",
    "rr_record_panel",
    "rr_record_sign_off",
    "rr_set_agency_summaries",
    "rr_set_attendees",
    "rr_update",
    "statutory_partners",
    "validate_case_dates",
    "validate_stages",
]
