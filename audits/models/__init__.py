"""Audits run by the QPPA subgroup: multi-agency case file audits (MACFAs), the single-agency
audit rota, and the Section 11 (agencies) and Section 175 (schools) self-assessments.

Shape of the data:

* :class:`Audit` is one audit of any kind, with its status, dates and its own action plan.
* :class:`AgencyReturn` is one agency's part in an audit: its MACFA return, or its Section 11 /
  Section 175 self-assessment. An agency sees the audits it has a return in (and its own
  single-agency audits); it sees other agencies' returns only from the moderation stage.
* A MACFA has a sample of :class:`AuditCase` (pseudonymised references only) and an editable
  tool of :class:`Question`; each return holds one :class:`Answer` per case per question.
* A Section 11 / 175 audit has a list of :class:`Standard`; each return holds one
  :class:`StandardRating` (RAG and evidence) per standard.
* Moderation agrees grades (:class:`ModerationGrade` per case and question, and an overall grade
  per return); :class:`Finding` rows become recommendations in the audit's action plan.

One module per record: ``audits`` (the audit, its scope and the rota's months), ``tools``
(sample and tool), ``returns`` (returns, answers, ratings), ``moderation`` (agreed grades and
findings), and the ``choices`` they share. Import them from here.
"""

from audits.models.audits import (
    Audit,
    AuditQuerySet,
    first_of_month,
    last_of_month,
    months_between,
)
from audits.models.choices import (
    FINDINGS_STATUSES,
    GRADE_ORDER,
    MULTI_AGENCY_KINDS,
    REFERENCE_PREFIX,
    ROUND_YEARS,
    SHARED_STATUSES,
    STANDARDS_KINDS,
    TRANSITIONS,
    AnswerChoice,
    AuditKind,
    AuditStatus,
    Grade,
    RagRating,
    ReturnStatus,
)
from audits.models.moderation import (
    Finding,
    ModerationGrade,
)
from audits.models.returns import (
    AgencyReturn,
    AgencyReturnQuerySet,
    Answer,
    StandardRating,
)
from audits.models.tools import (
    AuditCase,
    Question,
    Standard,
    ToolItem,
)

__all__ = [
    "AgencyReturn",
    "AgencyReturnQuerySet",
    "Answer",
    "AnswerChoice",
    "Audit",
    "AuditCase",
    "AuditKind",
    "AuditQuerySet",
    "AuditStatus",
    "FINDINGS_STATUSES",
    "Finding",
    "GRADE_ORDER",
    "Grade",
    "MULTI_AGENCY_KINDS",
    "ModerationGrade",
    "Question",
    "REFERENCE_PREFIX",
    "ROUND_YEARS",
    "RagRating",
    "ReturnStatus",
    "SHARED_STATUSES",
    "STANDARDS_KINDS",
    "Standard",
    "StandardRating",
    "TRANSITIONS",
    "ToolItem",
    "first_of_month",
    "last_of_month",
    "months_between",
]
