"""What an audit examines: a MACFA's sample of cases and the audit tool (its questions, or a
self-assessment's standards). Both are fixed once a return is in or moderation starts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from audits.models import Audit, AuditCase, Question, Standard
from audits.services._common import (
    clean_case_reference,
    locked_audit,
    one_line,
    require_manager,
)


def _require_open_tool(audit: Audit, what: str) -> None:
    if audit.tool_is_locked():
        raise ValidationError(
            _("The %(what)s cannot change now: a return has been submitted or moderation has "
              "started, and every agency must answer the same %(what)s.") % {"what": what}
        )


# --- the sample ------------------------------------------------------------------------------

@transaction.atomic
def case_add(*, by, audit: Audit, reference: str, summary: str = "") -> AuditCase:
    """Add a case to a MACFA's sample by its pseudonymised reference. Returns the case;
    raises ``ValidationError`` for a bad or duplicate reference or a locked sample."""
    require_manager(by)
    audit = locked_audit(audit)
    if not audit.is_macfa:
        raise ValidationError(_("Only a MACFA has a sample of cases."))
    _require_open_tool(audit, _("sample"))
    reference = clean_case_reference(reference)
    if audit.cases.filter(reference__iexact=reference).exists():
        raise ValidationError({"reference": _("%(ref)s is already in the sample.")
                               % {"ref": reference}})
    return AuditCase.objects.create(audit=audit, reference=reference, summary=one_line(summary))


@transaction.atomic
def case_remove(*, by, case: AuditCase) -> None:
    """Take a case out of the sample. Raises ``ValidationError`` once any agency has answered
    about it, or when the sample is locked."""
    require_manager(by)
    audit = locked_audit(case.audit)
    _require_open_tool(audit, _("sample"))
    if case.answers.exists():
        raise ValidationError(_("An agency has already answered about %(ref)s, so it stays in "
                                "the sample.") % {"ref": case.reference})
    case.delete()


# --- the tool --------------------------------------------------------------------------------

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
    return text, one_line(short_label)


@transaction.atomic
def tool_item_add(*, by, audit: Audit, text: str, short_label: str = ""):
    """Add a question (MACFA) or standard (Section 11 / 175) at the end of the tool.
    Returns the new item; raises ``ValidationError`` when the tool is locked."""
    require_manager(by)
    audit = locked_audit(audit)
    model, what = _item_model(audit)
    _require_open_tool(audit, what)
    text, short_label = _clean_item(text, short_label)
    number = (model.objects.filter(audit=audit).aggregate(n=Max("number"))["n"] or 0) + 1
    return model.objects.create(audit=audit, number=number, text=text, short_label=short_label)


@transaction.atomic
def tool_item_update(*, by, item, text: str, short_label: str = ""):
    """Reword a question or standard. Returns the item; raises ``ValidationError`` when the
    tool is locked."""
    require_manager(by)
    audit = locked_audit(item.audit)
    _model, what = _item_model(audit)
    _require_open_tool(audit, what)
    item.text, item.short_label = _clean_item(text, short_label)
    item.save()
    return item


@transaction.atomic
def tool_item_remove(*, by, item) -> None:
    """Remove a question or standard and renumber the rest. Raises ``ValidationError`` once
    an agency has answered it, or when the tool is locked."""
    require_manager(by)
    audit = locked_audit(item.audit)
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
