"""An agency's return: its answers about each sampled case (MACFA) or its self-ratings against
each standard (Section 11 / 175), what is still missing, submitting and reopening it.

Only the agency's own lead and officers write their return, and only while the audit is in
progress; the co-ordinator reopens a submitted one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.models import (
    AgencyReturn,
    Answer,
    AnswerChoice,
    AuditCase,
    AuditStatus,
    Grade,
    RagRating,
    StandardRating,
)
from audits.services._common import raise_if, require_manager


def _require_own_open_return(by, agency_return: AgencyReturn) -> AgencyReturn:
    """The return, re-read under a row lock. Raises ``PermissionDenied`` unless it is
    ``by``'s agency's, and ``ValidationError`` unless it is open (in progress, not
    submitted)."""
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


# --- MACFA answers ---------------------------------------------------------------------------

def _answer_errors(qid: int, number: int, answer: str, grade: str) -> dict:
    errors = {}
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
    return errors


def _clean_answers(questions: dict, answers: Mapping[int, Mapping[str, str]]) -> dict:
    """``answers`` as ``{question id: (answer, grade, narrative)}``. Raises
    ``ValidationError`` keyed ``q<id>_<field>``."""
    errors = {}
    cleaned = {}
    for qid, data in answers.items():
        if qid not in questions:
            raise ValidationError(_("That question is not in this audit's tool."))
        answer = data.get("answer", "") or ""
        grade = data.get("grade", "") or ""
        errors.update(_answer_errors(qid, questions[qid].number, answer, grade))
        cleaned[qid] = (answer, grade, (data.get("narrative", "") or "").strip())
    raise_if(errors)
    return cleaned


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
    return; raises ``PermissionDenied`` unless it is ``by``'s agency's, ``ValidationError``
    unless it is open or for an answer, case or question that does not fit."""
    agency_return = _require_own_open_return(by, agency_return)
    audit = agency_return.audit
    if case.audit_id != audit.pk:
        raise ValidationError(_("That case is not in this audit's sample."))
    cleaned = _clean_answers({q.pk: q for q in audit.questions.all()}, answers)
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


# --- Section 11 / 175 self-ratings -----------------------------------------------------------

def _clean_ratings(standards: dict, ratings: Mapping[int, Mapping[str, str]]) -> dict:
    """``ratings`` as ``{standard id: (rag, evidence, improvement)}``. Raises
    ``ValidationError`` keyed ``s<id>_rag``."""
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
    raise_if(errors)
    return cleaned


@transaction.atomic
def return_save_ratings(
    *,
    by,
    agency_return: AgencyReturn,
    ratings: Mapping[int, Mapping[str, str]],
    now: dt.datetime | None = None,
) -> AgencyReturn:
    """Save a Section 11 / 175 self-assessment. ``ratings`` maps standard id to
    ``{"rag", "evidence", "improvement"}``. Returns the return; raises ``PermissionDenied``
    unless it is ``by``'s agency's, ``ValidationError`` (keyed ``s<id>_<field>``) unless it is
    open or for a rating or standard that does not fit."""
    agency_return = _require_own_open_return(by, agency_return)
    cleaned = _clean_ratings({s.pk: s for s in agency_return.audit.standards.all()}, ratings)
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


# --- complete? -------------------------------------------------------------------------------

def _macfa_gaps(agency_return: AgencyReturn) -> list[str]:
    audit = agency_return.audit
    questions = list(audit.questions.all())
    answers = {(a.case_id, a.question_id): a for a in agency_return.answers.all()}
    words = {"answer": _("an answer"), "grade": _("a grade"), "narrative": _("a narrative")}
    gaps = []
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
        for part, numbers in missing.items():
            if numbers:
                gaps.append(_("%(case)s: question %(numbers)s needs %(what)s.") % {
                    "case": case.reference, "numbers": ", ".join(str(n) for n in numbers),
                    "what": words[part]})
    return gaps


def _standards_gaps(agency_return: AgencyReturn) -> list[str]:
    ratings = {r.standard_id: r for r in agency_return.ratings.all()}
    gaps = []
    for s in agency_return.audit.standards.all():
        r = ratings.get(s.pk)
        if r is None or not r.rag:
            gaps.append(_("Standard %(n)s needs a RAG self-rating.") % {"n": s.number})
        elif not r.evidence.strip():
            gaps.append(_("Standard %(n)s needs evidence.") % {"n": s.number})
        elif r.rag != RagRating.GREEN and not r.improvement.strip():
            gaps.append(_("Standard %(n)s is rated %(rag)s: say what you will do to meet "
                          "it.") % {"n": s.number, "rag": r.get_rag_display().split(":")[0]})
    return gaps


def return_gaps(agency_return: AgencyReturn) -> list[str]:
    """What is missing before ``agency_return`` can be submitted, in plain words (empty when
    it is complete). Two or three queries whatever the size of the audit."""
    if agency_return.audit.is_macfa:
        return _macfa_gaps(agency_return)
    if agency_return.audit.uses_standards:
        return _standards_gaps(agency_return)
    return []


# --- submit and reopen -----------------------------------------------------------------------

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
    """Reopen a submitted return so its agency can correct it. Returns the return; raises
    ``ValidationError`` unless the audit is in progress and the return submitted."""
    require_manager(by)
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
