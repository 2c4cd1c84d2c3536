"""Every write to audits. Keyword-only, atomic; each raises ``ValidationError`` with a message a
busy professional can act on (a dict keyed by field when it is about one field) and
``PermissionDenied`` when ``by`` may not take the step at all.

Who does what:

* the co-ordinator and the chair manage audits: create, edit, move status, edit the audit tool,
  the sample and the participants, record moderation;
* the co-ordinator records findings and actions, because they write to the audit's action
  plan and only the co-ordinator changes action plans (``actions.rules``);
* an agency's lead and officers complete and submit their own agency's return, nobody else.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from actions import services as action_services
from audits import defaults
from audits.models import (
    REFERENCE_PREFIX,
    AgencyReturn,
    Answer,
    AnswerChoice,
    Audit,
    AuditCase,
    AuditKind,
    AuditStatus,
    Finding,
    Grade,
    ModerationGrade,
    Question,
    RagRating,
    Standard,
    StandardRating,
    first_of_month,
)
from scsp.models import Agency

#: A pseudonymised case reference: letters, digits, spaces, hyphens and slashes.
CASE_REFERENCE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 /\-]{0,39}$")


# --- who may ---------------------------------------------------------------------------------

def can_manage(user) -> bool:
    """Create, edit and move audits: the co-ordinator and the chair."""
    return bool(getattr(user, "is_active", False)
                and (getattr(user, "is_coordinator", False) or getattr(user, "is_chair", False)))


def can_record_findings(user) -> bool:
    """Findings and their actions write to the action plan: the co-ordinator only."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_coordinator", False))


def _require_manager(by) -> None:
    if not can_manage(by):
        raise PermissionDenied(_("Only the co-ordinator or the chair can manage audits."))


def _require_status(audit: Audit, allowed: Iterable[str], message: str) -> None:
    if audit.status not in allowed:
        raise ValidationError(message)


def _locked_audit(audit: Audit) -> Audit:
    """Re-read the audit under a row lock so two people cannot move it at once."""
    return Audit.objects.select_for_update().get(pk=audit.pk)


# --- audits ----------------------------------------------------------------------------------

def _next_reference(kind: str, year: int) -> str:
    prefix = f"{REFERENCE_PREFIX[kind]}-{year}-"
    taken = Audit.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
    numbers = [int(r[len(prefix):]) for r in taken if r[len(prefix):].isdigit()]
    return f"{prefix}{(max(numbers, default=0) + 1):02d}"


def _clean_case_reference(reference: str) -> str:
    reference = " ".join((reference or "").split())
    if not CASE_REFERENCE_RE.match(reference):
        raise ValidationError(
            {"reference": _("“%(ref)s” is not a case reference. Use letters, numbers and "
                            "hyphens, for example SLPR-2026-004 or MACFA-NP-01 (at most 40 "
                            "characters), and never a child's name.") % {"ref": reference[:60]}}
        )
    return reference.upper()


def _check_dates(planned_start, planned_end, actual_start=None, actual_end=None) -> None:
    errors = {}
    if planned_start and planned_end and planned_end < planned_start:
        errors["planned_end"] = _("The planned finish must be on or after the planned start.")
    if actual_start and actual_end and actual_end < actual_start:
        errors["actual_end"] = _("The actual finish must be on or after the actual start.")
    if errors:
        raise ValidationError(errors)


def _add_default_tool(audit: Audit) -> None:
    if audit.kind == AuditKind.MACFA:
        items, model = defaults.MACFA_QUESTIONS, Question
    elif audit.kind == AuditKind.SECTION_11:
        items, model = defaults.SECTION_11_STANDARDS, Standard
    elif audit.kind == AuditKind.SECTION_175:
        items, model = defaults.SECTION_175_STANDARDS, Standard
    else:
        return
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
    ``month_due``. Returns the audit."""
    _require_manager(by)
    title = " ".join((title or "").split())
    errors = {}
    if kind not in AuditKind.values:
        errors["kind"] = _("Choose the kind of audit.")
    if not title:
        errors["title"] = _("Give the audit a title: its theme or topic.")
    if lead is None or not lead.is_active:
        errors["lead"] = _("Choose an active person to lead the audit.")
    agencies = list(dict.fromkeys(agencies))
    if kind == AuditKind.SINGLE_AGENCY:
        if agency is None:
            errors["agency"] = _("Choose the agency that presents this audit.")
        if month_due is None:
            errors["month_due"] = _("Give the month the agency is due to present.")
    elif kind in AuditKind.values and agencies and any(a.is_business_unit for a in agencies):
        errors["agencies"] = _("The business unit runs audits; it does not take part in them.")
    if errors:
        raise ValidationError(errors)
    _check_dates(planned_start, planned_end)
    references = []
    if kind == AuditKind.MACFA:
        for raw in case_references:
            if not raw.strip():
                continue
            try:
                ref = _clean_case_reference(raw)
            except ValidationError as exc:
                raise ValidationError({"case_references": exc.message_dict["reference"]}) from None
            if ref in references:
                raise ValidationError({"case_references": _(
                    "%(ref)s is listed twice.") % {"ref": ref}})
            references.append(ref)
    year = (planned_start or month_due or today).year
    audit = Audit(
        kind=kind, title=title, description=description.strip(), lead=lead,
        planned_start=planned_start, planned_end=planned_end, created_by=by,
        reference=_next_reference(kind, year),
    )
    if kind == AuditKind.SINGLE_AGENCY:
        audit.agency = agency
        audit.month_due = audit.original_month_due = first_of_month(month_due)
    try:
        with transaction.atomic():
            audit.save()
    except IntegrityError:
        # Someone took the same reference between our read and write: take the next one.
        audit.reference = _next_reference(kind, year)
        audit.save()
    audit.themes.set(themes)
    _add_default_tool(audit)
    if kind != AuditKind.SINGLE_AGENCY:
        for participant in agencies:
            AgencyReturn.objects.create(audit=audit, agency=participant)
    for ref in references:
        AuditCase.objects.create(audit=audit, reference=ref)
    return audit


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
    month first agreed is kept so slippage shows. Returns the audit."""
    _require_manager(by)
    audit = _locked_audit(audit)
    if audit.status == AuditStatus.CLOSED:
        raise ValidationError(_("This audit is closed; its details can no longer change."))
    title = " ".join((title or "").split())
    errors = {}
    if not title:
        errors["title"] = _("Give the audit a title: its theme or topic.")
    if lead is None or not lead.is_active:
        errors["lead"] = _("Choose an active person to lead the audit.")
    reschedule_reason = " ".join((reschedule_reason or "").split())
    if audit.is_rota:
        if month_due is None:
            errors["month_due"] = _("Give the month the agency is due to present.")
        elif first_of_month(month_due) != audit.month_due:
            if audit.date_presented:
                errors["month_due"] = _("This audit has been presented; its month cannot move.")
            elif not reschedule_reason:
                errors["reschedule_reason"] = _(
                    "Say why the slot is moving (for example, agreed at the QPPA meeting).")
    if errors:
        raise ValidationError(errors)
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
    return audit


def _transition_problems(audit: Audit, to_status: str) -> list[str]:
    """What stops ``audit`` moving to ``to_status`` (empty when it may)."""
    problems = []
    if to_status == AuditStatus.IN_PROGRESS and audit.status == AuditStatus.PLANNED:
        if audit.has_returns and not audit.returns.exists():
            problems.append(_("Add at least one participating agency first."))
        if audit.is_macfa:
            if not audit.cases.exists():
                problems.append(_("Add at least one case to the sample first."))
            if not audit.questions.exists():
                problems.append(_("The audit tool has no questions: add at least one."))
        if audit.uses_standards and not audit.standards.exists():
            problems.append(_("The self-assessment has no standards: add at least one."))
    elif to_status == AuditStatus.MODERATION:
        if audit.is_rota:
            if not audit.date_presented:
                problems.append(_("Record the date the agency presented its audit first."))
        elif not audit.returns.filter(status=AgencyReturn.Status.SUBMITTED).exists():
            problems.append(_("No agency has submitted its %(noun)s yet.")
                            % {"noun": audit.return_noun})
    elif to_status == AuditStatus.FINDINGS_AGREED:
        if not audit.findings.exists():
            problems.append(_("Record at least one finding (a strength or an area for "
                              "improvement) first."))
    return problems


@transaction.atomic
def audit_transition(*, by, audit: Audit, to_status: str, today: dt.date) -> Audit:
    """Move an audit one step through planned -> in progress -> moderation -> findings agreed
    -> closed (or from moderation back to in progress, to correct a return). Sets the actual
    start and finish dates. Returns the audit; raises ``ValidationError`` naming what is
    missing."""
    _require_manager(by)
    audit = _locked_audit(audit)
    if to_status not in audit.next_statuses():
        raise ValidationError(
            _("An audit that is “%(now)s” cannot move to “%(to)s”.")
            % {"now": audit.get_status_display(),
               "to": dict(AuditStatus.choices).get(to_status, to_status)}
        )
    problems = _transition_problems(audit, to_status)
    if problems:
        raise ValidationError(problems)
    audit.status = to_status
    if to_status == AuditStatus.IN_PROGRESS and audit.actual_start is None:
        audit.actual_start = today
    if to_status == AuditStatus.CLOSED:
        audit.actual_end = max(today, audit.actual_start or today)
    audit.save()
    return audit


@transaction.atomic
def participants_set(*, by, audit: Audit, agencies: Iterable[Agency]) -> Audit:
    """Make ``agencies`` the audit's participants: add returns for new ones, remove returns
    of agencies no longer listed (refused when that agency has started its return)."""
    _require_manager(by)
    audit = _locked_audit(audit)
    if not audit.has_returns:
        raise ValidationError(_("A single-agency audit has one presenting agency, set on the "
                                "audit itself."))
    _require_status(audit, (AuditStatus.PLANNED, AuditStatus.IN_PROGRESS), _(
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


# --- the sample and the tool -----------------------------------------------------------------

def _require_open_tool(audit: Audit, what: str) -> None:
    if audit.tool_is_locked():
        raise ValidationError(
            _("The %(what)s cannot change now: a return has been submitted or moderation has "
              "started, and every agency must answer the same %(what)s.") % {"what": what}
        )


@transaction.atomic
def case_add(*, by, audit: Audit, reference: str, summary: str = "") -> AuditCase:
    """Add a case to a MACFA's sample by its pseudonymised reference. Returns the case."""
    _require_manager(by)
    audit = _locked_audit(audit)
    if not audit.is_macfa:
        raise ValidationError(_("Only a MACFA has a sample of cases."))
    _require_open_tool(audit, _("sample"))
    reference = _clean_case_reference(reference)
    if audit.cases.filter(reference__iexact=reference).exists():
        raise ValidationError({"reference": _("%(ref)s is already in the sample.")
                               % {"ref": reference}})
    return AuditCase.objects.create(audit=audit, reference=reference,
                                    summary=" ".join((summary or "").split()))


@transaction.atomic
def case_remove(*, by, case: AuditCase) -> None:
    """Take a case out of the sample (refused once any agency has answered about it)."""
    _require_manager(by)
    audit = _locked_audit(case.audit)
    _require_open_tool(audit, _("sample"))
    if case.answers.exists():
        raise ValidationError(_("An agency has already answered about %(ref)s, so it stays in "
                                "the sample.") % {"ref": case.reference})
    case.delete()


def _item_model(audit: Audit):
    if audit.is_macfa:
        return Question, _("question set")
    if audit.uses_standards:
        return Standard, _("standards list")
    raise ValidationError(_("A single-agency audit has no audit tool here: the agency uses "
                            "its own."))


def _clean_item(text: str, short_label: str) -> tuple[str, str]:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the wording.")})
    return text, " ".join((short_label or "").split())


@transaction.atomic
def tool_item_add(*, by, audit: Audit, text: str, short_label: str = ""):
    """Add a question (MACFA) or standard (Section 11 / 175) at the end of the tool.
    Returns the new item."""
    _require_manager(by)
    audit = _locked_audit(audit)
    model, what = _item_model(audit)
    _require_open_tool(audit, what)
    text, short_label = _clean_item(text, short_label)
    number = (model.objects.filter(audit=audit).aggregate(n=Max("number"))["n"] or 0) + 1
    return model.objects.create(audit=audit, number=number, text=text, short_label=short_label)


@transaction.atomic
def tool_item_update(*, by, item, text: str, short_label: str = ""):
    """Reword a question or standard. Returns the item."""
    _require_manager(by)
    audit = _locked_audit(item.audit)
    _model, what = _item_model(audit)
    _require_open_tool(audit, what)
    item.text, item.short_label = _clean_item(text, short_label)
    item.save()
    return item


@transaction.atomic
def tool_item_remove(*, by, item) -> None:
    """Remove a question or standard and renumber the rest (refused once answered)."""
    _require_manager(by)
    audit = _locked_audit(item.audit)
    model, what = _item_model(audit)
    _require_open_tool(audit, what)
    used = item.answers.exists() if model is Question else item.ratings.exists()
    if used:
        raise ValidationError(_("An agency has already answered %(item)s, so it stays. Reword "
                                "it instead.") % {"item": str(item)})
    item.delete()
    for number, other in enumerate(model.objects.filter(audit=audit).order_by("number"), 1):
        if other.number != number:
            other.number = number
            other.save(update_fields=["number"])


# --- returns ---------------------------------------------------------------------------------

def _require_own_open_return(by, agency_return: AgencyReturn) -> AgencyReturn:
    if not AgencyReturn.objects.editable_by(by).filter(pk=agency_return.pk).exists():
        raise PermissionDenied(_("Only %(agency)s's own lead and officers complete its return.")
                               % {"agency": agency_return.agency.short_name})
    agency_return = (AgencyReturn.objects.select_for_update().select_related("audit", "agency")
                     .get(pk=agency_return.pk))
    if agency_return.audit.status != AuditStatus.IN_PROGRESS:
        raise ValidationError(_("Returns can be completed only while the audit is in progress "
                                "(it is “%(status)s”).")
                              % {"status": agency_return.audit.get_status_display()})
    if agency_return.is_submitted:
        raise ValidationError(_("This %(noun)s was submitted on %(when)s. Ask the co-ordinator "
                                "to reopen it if something must change.")
                              % {"noun": agency_return.audit.return_noun,
                                 "when": timezone.localtime(agency_return.submitted_at)
                                 .strftime("%d %b %Y")})
    return agency_return


def _touch(agency_return: AgencyReturn, by, now: dt.datetime | None) -> None:
    agency_return.status = AgencyReturn.Status.DRAFT
    agency_return.updated_at = now or timezone.now()
    agency_return.updated_by = by
    agency_return.save()


@transaction.atomic
def return_save_case(
    *,
    by,
    agency_return: AgencyReturn,
    case: AuditCase,
    answers: Mapping[int, Mapping[str, str]],
    now: dt.datetime | None = None,
) -> AgencyReturn:
    """Save an agency's answers about one case. ``answers`` maps question id to
    ``{"answer", "grade", "narrative"}``; blanks are allowed in a draft. Errors are keyed
    ``q<id>_<field>``. ``now`` (default: the current time) stamps the save. Returns the
    return."""
    agency_return = _require_own_open_return(by, agency_return)
    audit = agency_return.audit
    if case.audit_id != audit.pk:
        raise ValidationError(_("That case is not in this audit's sample."))
    questions = {q.pk: q for q in audit.questions.all()}
    errors = {}
    cleaned = {}
    for qid, data in answers.items():
        if qid not in questions:
            raise ValidationError(_("That question is not in this audit's tool."))
        answer = data.get("answer", "") or ""
        grade = data.get("grade", "") or ""
        narrative = (data.get("narrative", "") or "").strip()
        number = questions[qid].number
        if answer and answer not in AnswerChoice.values:
            errors[f"q{qid}_answer"] = _("Choose Yes, Partly, No or Not applicable.")
        if grade and grade not in Grade.values:
            errors[f"q{qid}_grade"] = _("Choose Outstanding, Good, Requires improvement or "
                                        "Inadequate.")
        if answer == AnswerChoice.NOT_APPLICABLE and grade:
            errors[f"q{qid}_grade"] = _(
                "You answered “Not applicable” to question %(n)s, so leave its grade blank."
            ) % {"n": number}
        if grade and not answer:
            errors[f"q{qid}_answer"] = _("Give an answer to question %(n)s as well as a "
                                         "grade.") % {"n": number}
        cleaned[qid] = (answer, grade, narrative)
    if errors:
        raise ValidationError(errors)
    existing = {a.question_id: a for a in
                Answer.objects.filter(agency_return=agency_return, case=case)}
    for qid, (answer, grade, narrative) in cleaned.items():
        row = existing.get(qid)
        if row is None:
            if answer or grade or narrative:
                Answer.objects.create(agency_return=agency_return, case=case,
                                      question_id=qid, answer=answer, grade=grade,
                                      narrative=narrative)
        elif (row.answer, row.grade, row.narrative) != (answer, grade, narrative):
            row.answer, row.grade, row.narrative = answer, grade, narrative
            row.save()
    _touch(agency_return, by, now)
    return agency_return


@transaction.atomic
def return_save_ratings(
    *,
    by,
    agency_return: AgencyReturn,
    ratings: Mapping[int, Mapping[str, str]],
    now: dt.datetime | None = None,
) -> AgencyReturn:
    """Save a Section 11 / 175 self-assessment. ``ratings`` maps standard id to
    ``{"rag", "evidence", "improvement"}``; errors are keyed ``s<id>_<field>``. Returns the
    return."""
    agency_return = _require_own_open_return(by, agency_return)
    standards = {s.pk: s for s in agency_return.audit.standards.all()}
    errors = {}
    cleaned = {}
    for sid, data in ratings.items():
        if sid not in standards:
            raise ValidationError(_("That standard is not in this self-assessment."))
        rag = data.get("rag", "") or ""
        if rag and rag not in RagRating.values:
            errors[f"s{sid}_rag"] = _("Choose green, amber or red.")
        cleaned[sid] = (rag, (data.get("evidence", "") or "").strip(),
                        (data.get("improvement", "") or "").strip())
    if errors:
        raise ValidationError(errors)
    existing = {r.standard_id: r for r in agency_return.ratings.all()}
    for sid, (rag, evidence, improvement) in cleaned.items():
        row = existing.get(sid)
        if row is None:
            if rag or evidence or improvement:
                StandardRating.objects.create(agency_return=agency_return, standard_id=sid,
                                              rag=rag, evidence=evidence,
                                              improvement=improvement)
        elif (row.rag, row.evidence, row.improvement) != (rag, evidence, improvement):
            row.rag, row.evidence, row.improvement = rag, evidence, improvement
            row.save()
    _touch(agency_return, by, now)
    return agency_return


def return_gaps(agency_return: AgencyReturn) -> list[str]:
    """What is missing before ``agency_return`` can be submitted, in plain words (empty when
    it is complete). Two or three queries whatever the size of the audit."""
    audit = agency_return.audit
    gaps = []
    if audit.is_macfa:
        questions = list(audit.questions.all())
        answers = {(a.case_id, a.question_id): a for a in agency_return.answers.all()}
        for case in audit.cases.all():
            missing = {"answer": [], "grade": [], "narrative": []}
            for q in questions:
                a = answers.get((case.pk, q.pk))
                if a is None or not a.answer:
                    missing["answer"].append(q.number)
                elif a.answer != AnswerChoice.NOT_APPLICABLE:
                    if not a.grade:
                        missing["grade"].append(q.number)
                    if not a.narrative.strip():
                        missing["narrative"].append(q.number)
            words = {"answer": _("an answer"), "grade": _("a grade"),
                     "narrative": _("a narrative")}
            for field, numbers in missing.items():
                if numbers:
                    gaps.append(_("%(case)s: question %(numbers)s needs %(what)s.") % {
                        "case": case.reference,
                        "numbers": ", ".join(str(n) for n in numbers),
                        "what": words[field]})
    elif audit.uses_standards:
        ratings = {r.standard_id: r for r in agency_return.ratings.all()}
        for s in audit.standards.all():
            r = ratings.get(s.pk)
            if r is None or not r.rag:
                gaps.append(_("Standard %(n)s needs a RAG self-rating.") % {"n": s.number})
            elif not r.evidence.strip():
                gaps.append(_("Standard %(n)s needs evidence.") % {"n": s.number})
            elif r.rag != RagRating.GREEN and not r.improvement.strip():
                gaps.append(_("Standard %(n)s is rated %(rag)s: say what you will do to meet "
                              "it.") % {"n": s.number, "rag": r.get_rag_display().split(":")[0]})
    return gaps


@transaction.atomic
def return_submit(*, by, agency_return: AgencyReturn,
                  now: dt.datetime | None = None) -> AgencyReturn:
    """Submit a complete return. Every question about every case needs an answer, and every
    graded answer a grade and a narrative (the annual report asks for consistent narrative);
    every standard needs a rating and evidence, and an improvement when not green.
    Returns the return; raises ``ValidationError`` listing every gap."""
    agency_return = _require_own_open_return(by, agency_return)
    gaps = return_gaps(agency_return)
    if gaps:
        raise ValidationError(gaps)
    agency_return.status = AgencyReturn.Status.SUBMITTED
    agency_return.submitted_at = now or timezone.now()
    agency_return.submitted_by = by
    agency_return.save()
    return agency_return


@transaction.atomic
def return_reopen(*, by, agency_return: AgencyReturn) -> AgencyReturn:
    """Reopen a submitted return so its agency can correct it (audit in progress only)."""
    _require_manager(by)
    agency_return = AgencyReturn.objects.select_for_update().select_related("audit").get(
        pk=agency_return.pk)
    if agency_return.audit.status != AuditStatus.IN_PROGRESS:
        raise ValidationError(_("Returns can be reopened only while the audit is in progress. "
                                "Move it back from moderation first."))
    if not agency_return.is_submitted:
        raise ValidationError(_("This return has not been submitted, so it is already open."))
    agency_return.status = AgencyReturn.Status.DRAFT
    agency_return.submitted_at = None
    agency_return.submitted_by = None
    agency_return.save()
    return agency_return


# --- moderation and findings -----------------------------------------------------------------

@transaction.atomic
def moderation_record(
    *,
    by,
    audit: Audit,
    meeting_date: dt.date | None,
    notes: str,
    today: dt.date,
    case_grades: Mapping[tuple[int, int], str] = None,
    return_grades: Mapping[int, str] = None,
    return_notes: Mapping[int, str] = None,
) -> Audit:
    """Record the moderation meeting: its date and notes, the grade agreed for each case and
    question (``case_grades`` keyed ``(case_id, question_id)``; blank clears it) and the
    overall grade agreed for each agency's return. Returns the audit."""
    _require_manager(by)
    audit = _locked_audit(audit)
    if not audit.has_returns:
        raise ValidationError(_("A single-agency audit is presented, not moderated."))
    _require_status(audit, (AuditStatus.MODERATION, AuditStatus.FINDINGS_AGREED),
                    _("Moderation is recorded once the audit reaches moderation."))
    if meeting_date and meeting_date > today:
        raise ValidationError({"meeting_date": _("The meeting date cannot be in the future.")})
    case_grades = case_grades or {}
    return_grades = return_grades or {}
    return_notes = return_notes or {}
    for grade in [*case_grades.values(), *return_grades.values()]:
        if grade and grade not in Grade.values:
            raise ValidationError(_("Choose Outstanding, Good, Requires improvement or "
                                    "Inadequate."))
    cases = set(audit.cases.values_list("pk", flat=True))
    questions = set(audit.questions.values_list("pk", flat=True))
    if any(c not in cases or q not in questions for c, q in case_grades):
        raise ValidationError(_("That case or question is not in this audit."))
    audit.moderation_date = meeting_date
    audit.moderation_notes = (notes or "").strip()
    audit.save()
    existing = {(g.case_id, g.question_id): g
                for g in ModerationGrade.objects.filter(case__audit=audit)}
    for key, grade in case_grades.items():
        row = existing.get(key)
        if grade and row is None:
            ModerationGrade.objects.create(case_id=key[0], question_id=key[1], grade=grade)
        elif grade and row.grade != grade:
            row.grade = grade
            row.save()
        elif not grade and row is not None:
            row.delete()
    for ret in audit.returns.all():
        grade = return_grades.get(ret.pk, ret.agreed_grade) or ""
        note = (return_notes.get(ret.pk, ret.moderation_note) or "").strip()
        if (grade, note) != (ret.agreed_grade, ret.moderation_note):
            ret.agreed_grade, ret.moderation_note = grade, note
            ret.save()
    return audit


@transaction.atomic
def rota_record_presented(*, by, audit: Audit, date_presented: dt.date, today: dt.date) -> Audit:
    """Record that the agency presented its single-agency audit to the subgroup; the audit
    moves to moderation (the subgroup's challenge of the findings). Returns the audit."""
    _require_manager(by)
    audit = _locked_audit(audit)
    if not audit.is_rota:
        raise ValidationError(_("Only a single-agency audit is presented on the rota."))
    if date_presented is None:
        raise ValidationError({"date_presented": _("Give the date of the QPPA meeting.")})
    if date_presented > today:
        raise ValidationError({"date_presented": _("The date presented cannot be in the "
                                                   "future.")})
    _require_status(audit, (AuditStatus.PLANNED, AuditStatus.IN_PROGRESS, AuditStatus.MODERATION),
                    _("This audit is past moderation; its presentation date is settled."))
    audit.date_presented = date_presented
    if audit.actual_start is None:
        audit.actual_start = date_presented
    if audit.status in (AuditStatus.PLANNED, AuditStatus.IN_PROGRESS):
        audit.status = AuditStatus.MODERATION
    audit.save()
    return audit


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
    recommendation (creating the plan the first time). Returns the finding."""
    if not can_record_findings(by):
        raise PermissionDenied(_("Findings go into the action plan, which the co-ordinator "
                                 "keeps: ask the co-ordinator to record them."))
    audit = _locked_audit(audit)
    _require_status(audit, (AuditStatus.MODERATION, AuditStatus.FINDINGS_AGREED), _(
        "Findings are recorded at moderation or after findings are agreed, not while the audit "
        "is “%(status)s”.") % {"status": audit.get_status_display()})
    text = (text or "").strip()
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
    if errors:
        raise ValidationError(errors)
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
    in the lead agency's action list. Returns the action; raises the actions service's
    ``ValidationError`` (keyed by field) for bad input."""
    if not can_record_findings(by):
        raise PermissionDenied(_("Only the co-ordinator adds actions to an audit's plan."))
    audit = _locked_audit(finding.audit)
    _require_status(audit, (AuditStatus.MODERATION, AuditStatus.FINDINGS_AGREED), _(
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

