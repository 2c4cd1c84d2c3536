"""Pages for action plans and actions. Thin: fetch in scope, call one service, show the result.

* Objects come from ``get_object_for_user`` (404 outside scope, 403 read-only); lists start
  from ``visible_to`` through the selectors.
* Forms that change an action carry its ``version``; a refused save (``EditConflict``) comes
  back as a form error showing what changed meanwhile.
* Only these views read the clock (``timezone.localdate()``)."""

from actions.views.common import actions_home
from actions.views.decisions import DecisionsView
from actions.views.files import CalendarView, EvidenceDownloadView, calendar_feed
from actions.views.impact import (
    ImpactEvidenceView,
    ImpactRateView,
    ImpactRegisterView,
    ImpactReviewSetView,
)
from actions.views.imports import ImportCheckView, ImportStartView, ImportTemplateView
from actions.views.lists import (
    AgencyActionsView,
    AllActionsView,
    MyActionsView,
    PlanDetailView,
    PlanListView,
)
from actions.views.plans import (
    ActionCreateView,
    PlanCreateView,
    PlanUpdateView,
    RecommendationCreateView,
)
from actions.views.reassign import ActionReassignView
from actions.views.steps import (
    ActionCloseView,
    ActionCompleteView,
    ActionDetailView,
    ActionEditView,
    ActionImpactView,
    ActionProgressView,
    ActionReturnView,
    ActionSignOffView,
    DateChangeDecideView,
    DateChangeRequestView,
)

__all__ = [
    "ActionCloseView", "ActionCompleteView", "ActionCreateView", "ActionDetailView",
    "ActionEditView", "ActionImpactView", "ActionProgressView", "ActionReassignView",
    "ActionReturnView",
    "ActionSignOffView",
    "AgencyActionsView", "AllActionsView", "CalendarView", "DateChangeDecideView",
    "DateChangeRequestView", "DecisionsView", "EvidenceDownloadView", "ImpactEvidenceView",
    "ImpactRateView", "ImpactRegisterView", "ImpactReviewSetView", "ImportCheckView",
    "ImportStartView", "ImportTemplateView", "MyActionsView",
    "PlanCreateView", "PlanDetailView", "PlanListView", "PlanUpdateView",
    "RecommendationCreateView", "actions_home", "calendar_feed",
]
