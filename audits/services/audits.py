"""Planning and running an audit: create it (with its default tool, returns and sample),
change its details, move it through its statuses, and choose the participating agencies."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from actions import services as action_services
from audits import defaults
from audits.models import (
    REFERENCE_PREFIX,
    AgencyReturn,
    Audit,
    AuditCase,
    AuditKind,
    AuditStatus,
    Question,
    Standard,
    first_of_month,
)
from audits.services._common import (
    clean_case_reference,
    locked_audit,
    one_line,
    raise_if,
    require_manager,
    require_status,
)
from scsp.models import Agency

#: The default tool of each kind: (model, items).
DEFAULT_TOOLS = {
    AuditKind.MACFA: (Question, defaults.MACFA_QUESTIONS),
    AuditKind.SECTION_11: (Standard, defaults.SECTION_11_STANDARDS),
    AuditKind.SECTION_175: (Standard, defaults.SECTION_175_STANDARDS),
}

# --- create ----------------------------------------------------------------------------------

def _next_reference(kind: str, year: int) -> str:
    prefix = f"{REFERENCE_PREFIX[kind]}-{year}-"
    taken = Audit.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
    numbers = [int(r[len(prefix):]) for r in taken if r[len(prefix):].isdigit()]
    return f"{prefix}{(max(numbers, default=0) + 1):02d}"


#: The year in an audit's reference (MACFA-2026-01, SAA-2027-04).
YEAR_IN_REFERENCE = re.compile(r"-(\d{4})-\d+$")


def audit_renumber_for_year(audit: Audit, by) -> bool:
    """An audit's reference takes its year from its planned start (a rota slot's: the month
    it is due), as at creation (README "References and past records"). When that date moves
    into another year the audit takes the next reference of that year; the plan made from its
    findings names the new one (``actions.services.plan_follow_owner_reference``). The old
    reference stays in the audit's history, and "Find by reference" still reaches the audit
    by it (``audits.selectors.find_reference``). Returns whether it changed."""
    about = audit.planned_start or audit.month_due
    if about is None:
        return False
    found = YEAR_IN_REFERENCE.search(audit.reference)
    if found and int(found.group(1)) == about.year:
        return False
    old = audit.reference
    audit._history_user = by
    _save_with_next_reference(audit, about.year)
    action_services.plan_follow_owner_reference(plan=audit.action_plan, old=old,
                                                new=audit.reference, by=by)
    return True


def _check_dates(planned_start, planned_end, actual_start=None, actual_end=None) -> None:
    errors = {}
    if planned_start and planned_end and planned_end < planned_start:
        errors["planned_end"] = _("The planned finish must be on or after the planned start.")
    if actual_start and actual_end and actual_end < actual_start:
        errors["actual_end"] = _("The actual finish must be on or after the actual start.")
    raise_if(errors)


def _details_errors(title: str, lead) -> dict:
    errors = {}
    if not title:
        errors["title"] = _("Give the audit a title: its theme or topic.")
    if lead is None or not lead.is_active:
        errors["lead"] = _("Choose an active person to lead the audit.")
    return errors


def _plan_errors(*, kind: str, title: str, lead, agencies: list, agency, month_due) -> dict:
    """What is wrong with a new audit's details, keyed by field."""
    errors = {}
    if kind not in AuditKind.values:
        errors["kind"] = _("Choose the kind of audit.")
    errors.update(_details_errors(title, lead))
    if kind == AuditKind.SINGLE_AGENCY:
        if agency is None:
            errors["agency"] = _("Choose the agency that presents this audit.")
        if month_due is None:
            errors["month_due"] = _("Give the month the agency is due to present.")
    elif kind in AuditKind.values and agencies and any(a.is_business_unit for a in agencies):
        errors["agencies"] = _("The business unit runs audits; it does not take part in them.")
    return errors


def _sample_references(case_references: Iterable[str]) -> list[str]:
    """A MACFA's sample, cleaned; raises ``ValidationError`` (keyed ``case_references``) for
    a reference that is not one or is listed twice."""
    references = []
    for raw in case_references:
        if not raw.strip():
            continue
        try:
            ref = clean_case_reference(raw)
        except ValidationError as exc:
            raise ValidationError({"case_references": exc.message_dict["reference"]}) from None
        if ref in references:
            raise ValidationError({"case_references": _(
                "%(ref)s is listed twice.") % {"ref": ref}})
        references.append(ref)
    return references


def _save_with_next_reference(audit: Audit, year: int) -> None:
    audit.reference = _next_reference(audit.kind, year)
    try:
        with transaction.atomic():
            audit.save()
    except IntegrityError:
        # Someone took the same reference between our read and write: take the next one.
        audit.reference = _next_reference(audit.kind, year)
        audit.save()


def _add_default_tool(audit: Audit) -> None:
    if audit.kind not in DEFAULT_TOOLS:
        return
    model, items = DEFAULT_TOOLS[audit.kind]
    for number, (label, text) in enumerate(items, start=1):
        model.objects.create(audit=audit, number=number, short_label=str(label), text=str(text))


@transaction.atomic
def audit_create(
    *,
    by,
    kind: str,
    title: str,
    lead,
    today: dt.date,
    description: str = "",
    themes: Iterable = (),
    planned_start: dt.date | None = None,
    planned_end: dt.date | None = None,
    agencies: Iterable[Agency] = (),
    case_references: Iterable[str] = (),
    agency: Agency | None = None,
    month_due: dt.date | None = None,
) -> Audit:
    """Create an audit with its default tool (MACFA questions, or Section 11 / 175
    standards), one return per participating agency and, for a MACFA, its sample of cases.
    A single-agency audit is a rota slot: it needs the presenting ``agency`` and the
    ``month_due``. Returns the audit; raises ``ValidationError`` keyed by field."""
    require_manager(by)
    title = one_line(title)
    agencies = list(dict.fromkeys(agencies))
    raise_if(_plan_errors(kind=kind, title=title, lead=lead, agencies=agencies, agency=agency,
                          month_due=month_due))
    _check_dates(planned_start, planned_end)
    references = _sample_references(case_references) if kind == AuditKind.MACFA else []
    audit = Audit(kind=kind, title=title, description=description.strip(), lead=lead,
                  planned_start=planned_start, planned_end=planned_end, created_by=by)
    if kind == AuditKind.SINGLE_AGENCY:
        audit.agency = agency
        audit.month_due = audit.original_month_due = first_of_month(month_due)
    _save_with_next_reference(audit, (planned_start or month_due or today).year)
    audit.themes.set(themes)
    _add_default_tool(audit)
    if kind != AuditKind.SINGLE_AGENCY:
        for participant in agencies:
            AgencyReturn.objects.create(audit=audit, agency=participant)
    for ref in references:
        AuditCase.objects.create(audit=audit, reference=ref)
    return audit


# --- change details --------------------------------------------------------------------------

def _rota_month_errors(audit: Audit, month_due: dt.date | None, reason: str) -> dict:
    """What stops a rota slot moving to ``month_due``, keyed by field."""
    if month_due is None:
        return {"month_due": _("Give the month the agency is due to present.")}
    if first_of_month(month_due) == audit.month_due:
        return {}
    if audit.date_presented:
        return {"month_due": _("This audit has been presented; its month cannot move.")}
    if not reason:
        return {"reschedule_reason": _(
            "Say why the slot is moving (for example, agreed at the QPPA meeting).")}
    return {}


@transaction.atomic
def audit_update(
    *,
    by,
    audit: Audit,
    title: str,
    lead,
    description: str = "",
    themes: Iterable = (),
    planned_start: dt.date | None = None,
    planned_end: dt.date | None = None,
    actual_start: dt.date | None = None,
    actual_end: dt.date | None = None,
    month_due: dt.date | None = None,
    reschedule_reason: str = "",
) -> Audit:
    """Change an audit's details. Moving a rota slot to another month needs a reason, and the
    month first agreed is kept so slippage shows. Returns the audit; raises
    ``ValidationError`` (keyed by field) and refuses a closed audit."""
    require_manager(by)
    audit = locked_audit(audit)
    if audit.status == AuditStatus.CLOSED:
        raise ValidationError(_("This audit is closed; its details can no longer change."))
    title = one_line(title)
    reschedule_reason = one_line(reschedule_reason)
    errors = _details_errors(title, lead)
    if audit.is_rota:
        errors.update(_rota_month_errors(audit, month_due, reschedule_reason))
    raise_if(errors)
    _check_dates(planned_start, planned_end, actual_start, actual_end)
    audit.title = title
    audit.lead = lead
    audit.description = (description or "").strip()
    audit.planned_start, audit.planned_end = planned_start, planned_end
    audit.actual_start, audit.actual_end = actual_start, actual_end
    if audit.is_rota and first_of_month(month_due) != audit.month_due:
        audit.month_due = first_of_month(month_due)
        audit.reschedule_reason = reschedule_reason
    audit.save()
    audit.themes.set(themes)
    audit_renumber_for_year(audit, by)
    return audit


# --- move ------------------------------------------------------------------------------------

def _problems_starting(audit: Audit) -> list[str]:
    if audit.status != AuditStatus.PLANNED:
        return []  # back from moderation to correct a return: nothing to check
    problems = []
    if audit.has_returns and not audit.returns.exists():
        problems.append(_("Add at least one participating agency first."))
    if audit.is_macfa:
        if not audit.cases.exists():
            problems.append(_("Add at least one case to the sample first."))
        if not audit.questions.exists():
            problems.append(_("The audit tool has no questions: add at least one."))
    if audit.uses_standards and not audit.standards.exists():
        problems.append(_("The self-assessment has no standards: add at least one."))
    return problems


def _problems_moderating(audit: Audit) -> list[str]:
    if audit.is_rota:
        if not audit.date_presented:
            return [_("Record the date the agency presented its audit first.")]
        return []
    if not audit.returns.filter(status=AgencyReturn.Status.SUBMITTED).exists():
        return [_("No agency has submitted its %(noun)s yet.") % {"noun": audit.return_noun}]
    return []


def _problems_agreeing(audit: Audit) -> list[str]:
    if not audit.findings.exists():
        return [_("Record at least one finding (a strength or an area for improvement) "
                  "first.")]
    return []


#: What to check before each move (the others need nothing).
TRANSITION_CHECKS = {
    AuditStatus.IN_PROGRESS: _problems_starting,
    AuditStatus.MODERATION: _problems_moderating,
    AuditStatus.FINDINGS_AGREED: _problems_agreeing,
}


@transaction.atomic
def audit_transition(*, by, audit: Audit, to_status: str, today: dt.date) -> Audit:
    """Move an audit one step through planned -> in progress -> moderation -> findings agreed
    -> closed (or from moderation back to in progress, to correct a return). Sets the actual
    start and finish dates. Returns the audit; raises ``ValidationError`` naming what is
    missing."""
    require_manager(by)
    audit = locked_audit(audit)
    if to_status not in audit.next_statuses():
        raise ValidationError(
            _("An audit that is “%(now)s” cannot move to “%(to)s”.")
            % {"now": audit.get_status_display(),
               "to": dict(AuditStatus.choices).get(to_status, to_status)}
        )
    check = TRANSITION_CHECKS.get(to_status)
    problems = check(audit) if check else []
    if problems:
        raise ValidationError(problems)
    audit.status = to_status
    if to_status == AuditStatus.IN_PROGRESS and audit.actual_start is None:
        audit.actual_start = today
    if to_status == AuditStatus.CLOSED:
        audit.actual_end = max(today, audit.actual_start or today)
    audit.save()
    return audit


# --- participants ----------------------------------------------------------------------------

@transaction.atomic
def participants_set(*, by, audit: Audit, agencies: Iterable[Agency]) -> Audit:
    """Make ``agencies`` the audit's participants: add returns for new ones, remove returns
    of agencies no longer listed. Returns the audit; raises ``ValidationError`` when an
    agency to remove has started its return, or after moderation has started."""
    require_manager(by)
    audit = locked_audit(audit)
    if not audit.has_returns:
        raise ValidationError(_("A single-agency audit has one presenting agency, set on the "
                                "audit itself."))
    require_status(audit, (AuditStatus.PLANNED, AuditStatus.IN_PROGRESS), _(
        "Participants can change only before moderation."))
    wanted = {a.pk: a for a in agencies}
    if any(a.is_business_unit for a in wanted.values()):
        raise ValidationError({"agencies": _("The business unit runs audits; it does not take "
                                             "part in them.")})
    current = {r.agency_id: r for r in audit.returns.select_related("agency")}
    dropping = [r for agency_id, r in current.items() if agency_id not in wanted]
    started = [r.agency.short_name for r in dropping
               if r.status != AgencyReturn.Status.NOT_STARTED]
    if started:
        raise ValidationError({"agencies": _(
            "%(agencies)s already started their %(noun)s, so they cannot be removed.")
            % {"agencies": ", ".join(started), "noun": audit.return_noun}})
    for r in dropping:
        r.delete()
    for agency_id, agency in wanted.items():
        if agency_id not in current:
            AgencyReturn.objects.create(audit=audit, agency=agency)
    return audit
