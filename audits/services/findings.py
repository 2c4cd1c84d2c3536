"""Findings and their actions. Each finding is a recommendation in the audit's own action plan
(created the first time), so recording one is the co-ordinator's: only the co-ordinator
changes action plans."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from actions import services as action_services
from audits.models import FINDINGS_STATUSES, Audit, Finding, Question, Standard
from audits.services._common import locked_audit, raise_if, require_status
from scsp.models import Agency
from scsp.permissions import Ability, require


def _ensure_plan(by, audit: Audit):
    if audit.action_plan_id:
        return audit.action_plan
    plan = action_services.plan_create(
        by=by, title=f"{audit.title} ({audit.get_kind_display()})"[:200],
        origin_kind=audit.kind, origin_reference=audit.reference, owner=audit.lead,
    )
    audit.action_plan = plan
    audit.save(update_fields=["action_plan"])
    return plan


def _finding_errors(audit: Audit, *, kind: str, text: str, agency, question, standard) -> dict:
    errors = {}
    if kind not in Finding.Kind.values:
        errors["kind"] = _("Say whether this is a strength or an area for improvement.")
    if not text:
        errors["text"] = _("Write the finding.")
    if question is not None and question.audit_id != audit.pk:
        errors["question"] = _("That question is not in this audit.")
    if standard is not None and standard.audit_id != audit.pk:
        errors["standard"] = _("That standard is not in this audit.")
    if agency is not None and not (
        agency.pk == audit.agency_id or audit.returns.filter(agency=agency).exists()
    ):
        errors["agency"] = _("%(agency)s did not take part in this audit.") % {
            "agency": agency.short_name}
    return errors


@transaction.atomic
def finding_add(
    *,
    by,
    audit: Audit,
    kind: str,
    text: str,
    agency: Agency | None = None,
    question: Question | None = None,
    standard: Standard | None = None,
) -> Finding:
    """Record a strength or area for improvement and add it to the audit's action plan as a
    recommendation (creating the plan the first time). Returns the finding; raises
    ``PermissionDenied`` for anyone but the co-ordinator and ``ValidationError`` (keyed by
    field) outside moderation or for bad input."""
    require(by, Ability.RECORD_FINDINGS, _("Findings go into the action plan, which the "
                                           "co-ordinator keeps: ask the co-ordinator to record "
                                           "them."))
    audit = locked_audit(audit)
    require_status(audit, FINDINGS_STATUSES, _(
        "Findings are recorded at moderation or after findings are agreed, not while the audit "
        "is “%(status)s”.") % {"status": audit.get_status_display()})
    text = (text or "").strip()
    raise_if(_finding_errors(audit, kind=kind, text=text, agency=agency, question=question,
                             standard=standard))
    finding = Finding(audit=audit, kind=kind, text=text, agency=agency, question=question,
                      standard=standard, created_by=by)
    plan = _ensure_plan(by, audit)
    finding.recommendation = action_services.recommendation_add(
        by=by, plan=plan, text=finding.recommendation_text,
        themes=list(audit.themes.filter(active=True)),
    )
    finding.save()
    return finding


@transaction.atomic
def finding_action_create(
    *,
    by,
    finding: Finding,
    description: str,
    success_measure: str,
    lead_agency: Agency,
    lead_officer,
    target_date: dt.date,
    today: dt.date,
):
    """Create a SMART action against a finding's recommendation in the audit's plan. It lands
    in the lead agency's action list. Returns the action; raises ``PermissionDenied`` for
    anyone but the co-ordinator and the actions service's ``ValidationError`` (keyed by
    field) for bad input."""
    require(by, Ability.RECORD_FINDINGS, _("Only the co-ordinator adds actions to an audit's "
                                           "plan."))
    audit = locked_audit(finding.audit)
    require_status(audit, FINDINGS_STATUSES, _(
        "Actions are added at moderation or after findings are agreed, not while the audit is "
        "“%(status)s”.") % {"status": audit.get_status_display()})
    if finding.recommendation_id is None:
        raise ValidationError(_("This finding is not in the action plan."))
    return action_services.action_create(
        by=by, plan=audit.action_plan, description=description,
        success_measure=success_measure, lead_agency=lead_agency, lead_officer=lead_officer,
        target_date=target_date, today=today, recommendation=finding.recommendation,
        themes=list(audit.themes.filter(active=True)),
    )
