"""Audit pages. Thin: each fetches its objects through ``get_object_for_user`` (404 outside
the user's scope, 403 when visible but not theirs to change), calls one service and turns its
``ValidationError`` into form errors or a message (``scsp.generic``).

One module per record: ``lists`` (audits and the rota), ``audits`` (one audit), ``tools``
(sample and tool), ``returns``, ``findings`` (moderation, findings, actions) and ``results``
(results and the report); import the views from here."""

from audits.views.audits import (
    AuditCreateView,
    AuditDetailView,
    AuditTransitionView,
    AuditUpdateView,
    ParticipantsView,
    RotaPresentedView,
)
from audits.views.findings import FindingActionCreateView, FindingCreateView, ModerationView
from audits.views.lists import AuditListView, RotaView
from audits.views.results import ReportPdfView, ReportView, ResultsView
from audits.views.returns import (
    ReturnCaseUpdateView,
    ReturnDetailView,
    ReturnRatingsUpdateView,
    ReturnReopenView,
    ReturnSubmitView,
)
from audits.views.tools import (
    CaseListView,
    CaseRemoveView,
    ToolItemRemoveView,
    ToolItemUpdateView,
    ToolListView,
)

__all__ = [
    "AuditCreateView",
    "AuditDetailView",
    "AuditListView",
    "AuditTransitionView",
    "AuditUpdateView",
    "CaseListView",
    "CaseRemoveView",
    "FindingActionCreateView",
    "FindingCreateView",
    "ModerationView",
    "ParticipantsView",
    "ReportPdfView",
    "ReportView",
    "ResultsView",
    "ReturnCaseUpdateView",
    "ReturnDetailView",
    "ReturnRatingsUpdateView",
    "ReturnReopenView",
    "ReturnSubmitView",
    "RotaPresentedView",
    "RotaView",
    "ToolItemRemoveView",
    "ToolItemUpdateView",
    "ToolListView",
]
