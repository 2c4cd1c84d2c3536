"""The subgroup's challenge of an audit: the moderation meeting of a multi-agency audit (agreed
grades per case and question, and per return), or a rota slot's presentation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audits.models import Audit, AuditStatus, Grade, ModerationGrade
from audits.services._common import locked_audit, require_manager, require_status


def _check_moderation_input(audit: Audit, case_grades: Mapping, return_grades: Mapping) -> None:
    for grade in [*case_grades.values(), *return_grades.values()]:
        if grade and grade not in Grade.values:
            raise ValidationError(_("Choose Outstanding, Good, Requires improvement or "
                                    "Inadequate."))
    cases = set(audit.cases.values_list("pk", flat=True))
    questions = set(audit.questions.values_list("pk", flat=True))
    if any(c not in cases or q not in questions for c, q in case_grades):
        raise ValidationError(_("That case or question is not in this audit."))


#: "Leave it as it is": the default of every field ``moderation_record`` may change.
UNCHANGED = object()


def _save_case_grades(audit: Audit, case_grades: Mapping[tuple[int, int], str]) -> None:
    """Create, change or (for a blank grade) delete each agreed grade named; a case and
    question not named keeps its grade."""
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


def _save_return_grades(audit: Audit, grades: Mapping[int, str], notes: Mapping[int, str]):
    """Each return's agreed grade and note; a grade or note not named keeps what it has."""
    for ret in audit.returns.all():
        grade = grades.get(ret.pk, ret.agreed_grade) or ""
        note = (notes.get(ret.pk, ret.moderation_note) or "").strip()
        if (grade, note) != (ret.agreed_grade, ret.moderation_note):
            ret.agreed_grade, ret.moderation_note = grade, note
            ret.save()


@transaction.atomic
def moderation_record(
    *,
    by,
    audit: Audit,
    today: dt.date,
    meeting_date: dt.date | None = UNCHANGED,
    notes: str = UNCHANGED,
    case_grades: Mapping[tuple[int, int], str] | None = None,
    return_grades: Mapping[int, str] | None = None,
    return_notes: Mapping[int, str] | None = None,
) -> Audit:
    """Record the moderation meeting: its date and notes, the grade agreed for each case and
    question (``case_grades`` keyed ``(case_id, question_id)``) and the overall grade and
    note agreed for each agency's return (keyed by return id).

    Only what is given changes: a field not given (``UNCHANGED``, a key missing from a
    mapping) keeps its value; a blank given clears it. Returns the audit; raises
    ``ValidationError`` outside moderation or for a grade, case or question not in it."""
    require_manager(by)
    audit = locked_audit(audit)
    if not audit.has_returns:
        raise ValidationError(_("A single-agency audit is presented, not moderated."))
    require_status(audit, (AuditStatus.MODERATION, AuditStatus.FINDINGS_AGREED),
                   _("Moderation is recorded once the audit reaches moderation."))
    if meeting_date is not UNCHANGED and meeting_date and meeting_date > today:
        raise ValidationError({"meeting_date": _("The meeting date cannot be in the future.")})
    case_grades = case_grades or {}
    return_grades = return_grades or {}
    _check_moderation_input(audit, case_grades, return_grades)
    if meeting_date is not UNCHANGED:
        audit.moderation_date = meeting_date
    if notes is not UNCHANGED:
        audit.moderation_notes = (notes or "").strip()
    audit.save()
    _save_case_grades(audit, case_grades)
    _save_return_grades(audit, return_grades, return_notes or {})
    return audit


@transaction.atomic
def rota_record_presented(*, by, audit: Audit, date_presented: dt.date, today: dt.date) -> Audit:
    """Record that the agency presented its single-agency audit to the subgroup; the audit
    moves to moderation (the subgroup's challenge of the findings). Returns the audit;
    raises ``ValidationError`` for a missing or future date, or an audit past moderation."""
    require_manager(by)
    audit = locked_audit(audit)
    if not audit.is_rota:
        raise ValidationError(_("Only a single-agency audit is presented on the rota."))
    if date_presented is None:
        raise ValidationError({"date_presented": _("Give the date of the QPPA meeting.")})
    if date_presented > today:
        raise ValidationError({"date_presented": _("The date presented cannot be in the "
                                                   "future.")})
    require_status(audit, (AuditStatus.PLANNED, AuditStatus.IN_PROGRESS, AuditStatus.MODERATION),
                   _("This audit is past moderation; its presentation date is settled."))
    audit.date_presented = date_presented
    if audit.actual_start is None:
        audit.actual_start = date_presented
    if audit.status in (AuditStatus.PLANNED, AuditStatus.IN_PROGRESS):
        audit.status = AuditStatus.MODERATION
    audit.save()
    return audit
