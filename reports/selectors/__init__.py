"""The figures of the chair's quarterly progress report, read from the other apps.

Every figure comes from aggregate queries (``Count`` with ``filter=``, ``Subquery``, grouped
``values()``), never from a query per action or case: the number of queries is fixed whatever
the number of records (the tests check 1 row against 25). The few per-row calculations done in
Python are on rows already fetched (the statutory clocks, which need the working-day calendar,
and the medians).

* Clocks come from :mod:`reviews.clocks`, with the calendar passed in; nothing here counts
  working days itself.
* Reviews and audits are reported from their own dates (a notification's submission date, a
  stage's date done, an audit's finish), capped at the moment the report is "as at".
* Actions are reported as they stood at that moment: see :mod:`reports.asat`.
* Only partnership-wide roles read these reports (``Ability.READ_REPORTS``);
  the querysets still start from ``scoped(Model, user)``.
"""

from reports.selectors.actions import (
    ACTION_FIGURES,
    ActionRow,
    ActionTotals,
    AgencyRow,
    PlanRow,
    action_aggregates,
    action_figures,
    action_rows,
    action_totals,
    tally,
)
from reports.selectors.common import RAG_ORDER, RAG_WORDS, THREE_MONTHS, _require_reader, percent
from reports.selectors.impact import (
    ImpactFigures,
    Recurrence,
    impact_figures,
    impact_share,
    recurrences,
    theme_page,
)
from reports.selectors.report import (
    CHANGE_ROWS,
    ChangeRow,
    Headline,
    QuarterlyReport,
    changes,
    headline,
    method_note,
    quarter_headline,
    quarterly_report,
)
from reports.selectors.reviews import (
    AuditRow,
    NotificationRow,
    RapidReviewRow,
    ReferralFigures,
    ReviewFigures,
    ReviewRow,
    ReviewState,
    audit_rows,
    notification_rows,
    rapid_review_rows,
    referral_figures,
    review_figures,
    review_rows,
)
from reports.selectors.themes import THEME_YEARS, ThemeRow, theme_rows

__all__ = [
    "ACTION_FIGURES", "CHANGE_ROWS", "RAG_ORDER", "RAG_WORDS", "THEME_YEARS", "THREE_MONTHS",
    "ActionRow", "ActionTotals", "AgencyRow", "AuditRow", "ChangeRow", "Headline",
    "NotificationRow", "PlanRow", "QuarterlyReport", "RapidReviewRow", "ReferralFigures",
    "ImpactFigures", "Recurrence", "ReviewFigures", "ReviewRow", "ReviewState", "ThemeRow",
    "_require_reader", "impact_figures", "impact_share", "recurrences", "theme_page",
    "action_aggregates", "action_figures", "action_rows", "action_totals", "audit_rows",
    "changes", "headline", "method_note", "notification_rows", "percent", "quarter_headline",
    "quarterly_report", "rapid_review_rows", "referral_figures", "review_figures", "review_rows",
    "tally", "theme_rows",
]
