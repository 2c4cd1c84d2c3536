"""The words audits are made of: kinds, statuses and the moves between them, grades, answers
and RAG self-ratings. No models here, so every audit module can import it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditKind(models.TextChoices):
    """The four kinds of audit. Values match ``actions.models.OriginKind`` so an audit's plan
    carries the same word as its origin."""

    MACFA = "macfa", _("Multi-agency case file audit (MACFA)")
    SINGLE_AGENCY = "single_agency_audit", _("Single-agency audit")
    SECTION_11 = "section_11", _("Section 11 audit")
    SECTION_175 = "section_175", _("Section 175 audit")


#: Reference prefixes, e.g. MACFA-2026-01.
REFERENCE_PREFIX = {
    AuditKind.MACFA: "MACFA",
    AuditKind.SINGLE_AGENCY: "SAA",
    AuditKind.SECTION_11: "S11",
    AuditKind.SECTION_175: "S175",
}

#: How often a self-assessment round recurs, in years (DOMAIN.md section 5: Section 11 every
#: two years in Sandwell, Section 175 every year).
ROUND_YEARS = {AuditKind.SECTION_11: 2, AuditKind.SECTION_175: 1}
#: Kinds in which several agencies each complete a return.
MULTI_AGENCY_KINDS = (AuditKind.MACFA, AuditKind.SECTION_11, AuditKind.SECTION_175)
#: Kinds that are self-assessments against a list of standards.
STANDARDS_KINDS = (AuditKind.SECTION_11, AuditKind.SECTION_175)


class AuditStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    MODERATION = "moderation", _("Moderation")
    FINDINGS_AGREED = "findings_agreed", _("Findings agreed")
    CLOSED = "closed", _("Closed")


#: The only moves the services allow. Moderation may go back to "in progress" so a return
#: can be corrected; nothing else goes backwards.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    AuditStatus.PLANNED: (AuditStatus.IN_PROGRESS,),
    AuditStatus.IN_PROGRESS: (AuditStatus.MODERATION,),
    AuditStatus.MODERATION: (AuditStatus.FINDINGS_AGREED, AuditStatus.IN_PROGRESS),
    AuditStatus.FINDINGS_AGREED: (AuditStatus.CLOSED,),
    AuditStatus.CLOSED: (),
}

#: From moderation on, participating agencies may read each other's returns and the results.
SHARED_STATUSES = (AuditStatus.MODERATION, AuditStatus.FINDINGS_AGREED, AuditStatus.CLOSED)
#: Findings and actions are recorded in these statuses.
FINDINGS_STATUSES = (AuditStatus.MODERATION, AuditStatus.FINDINGS_AGREED)


class Grade(models.TextChoices):
    """The four Ofsted-style grades, best first."""

    OUTSTANDING = "outstanding", _("Outstanding")
    GOOD = "good", _("Good")
    REQUIRES_IMPROVEMENT = "requires_improvement", _("Requires improvement")
    INADEQUATE = "inadequate", _("Inadequate")


#: Best (0) to worst (3); used to break ties towards the more cautious grade.
GRADE_ORDER = {g.value: i for i, g in enumerate(Grade)}


class AnswerChoice(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
    NOT_APPLICABLE = "na", _("Not applicable: no involvement at this point")


class RagRating(models.TextChoices):
    """A self-rating against a standard. Words always travel with the colour."""

    GREEN = "green", _("Green: standard met")
    AMBER = "amber", _("Amber: partly met")
    RED = "red", _("Red: not met")


class ReturnStatus(models.TextChoices):
    """Where an agency's return stands (``AgencyReturn.Status``)."""

    NOT_STARTED = "not_started", _("Not started")
    DRAFT = "draft", _("Started, not submitted")
    SUBMITTED = "submitted", _("Submitted")
