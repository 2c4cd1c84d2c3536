"""SMART action plans: plans, recommendations, actions, progress updates, evidence and
target-date changes.

An action plan does not know what produced it. Reviews and audits own their plans (a one-to-one
from the review or audit to its ``ActionPlan``); ``origin_kind`` and ``origin_reference`` say
where a plan came from, so plans from Ofsted inspections, scrutiny challenges or young people's
pledges live here too. This app never imports ``reviews`` or ``audits``.

The models live in one module per record (``plans``, ``action``, ``updates``), with the
choices in ``choices`` and the RAG rule's values and SQL in ``rag``; import them from here.
"""

from actions.models.action import Action, ActionQuerySet, VersionConflict, edit_lookup
from actions.models.choices import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    ActionStatus,
    OriginKind,
    ScanStatus,
)
from actions.models.impact import (
    POSITIVE_RATINGS,
    EvidenceKind,
    ImpactEvidence,
    ImpactRating,
    ImpactReview,
    Rating,
)
from actions.models.imports import PlanImport, PlanImportQuerySet
from actions.models.plans import ActionPlan, ActionPlanQuerySet, Recommendation
from actions.models.rag import (
    RAG_DUE_SOON,
    RAG_RANK,
    RAG_STALE_AFTER,
    Rag,
    completed_late_q,
    end_of_day,
    rag_expression,
)
from actions.models.updates import (
    AppendOnlyMixin,
    Evidence,
    ProgressUpdate,
    TargetDateChange,
    evidence_upload_to,
)

__all__ = [
    "POSITIVE_RATINGS",
    "EvidenceKind",
    "ImpactEvidence",
    "ImpactRating",
    "ImpactReview",
    "Rating",
    "FINISHED_STATUSES",
    "OPEN_STATUSES",
    "RAG_DUE_SOON",
    "RAG_RANK",
    "RAG_STALE_AFTER",
    "Action",
    "ActionPlan",
    "ActionPlanQuerySet",
    "ActionQuerySet",
    "ActionStatus",
    "AppendOnlyMixin",
    "Evidence",
    "OriginKind",
    "PlanImport",
    "PlanImportQuerySet",
    "ProgressUpdate",
    "Rag",
    "Recommendation",
    "ScanStatus",
    "TargetDateChange",
    "VersionConflict",
    "edit_lookup",
    "end_of_day",
    "evidence_upload_to",
    "completed_late_q",
    "rag_expression",
]
