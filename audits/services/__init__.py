"""Every write to audits. Keyword-only, atomic; each raises ``ValidationError`` with a message a
busy professional can act on (a dict keyed by field when it is about one field) and
``PermissionDenied`` when ``by`` may not take the step at all (``scsp.permissions.may``).

Who does what (the role table in ``scsp.permissions``):

* ``Ability.MANAGE_AUDITS`` (the co-ordinator): create, edit, move status, edit
  the audit tool, the sample and the participants, record moderation, reopen a return;
* ``Ability.RECORD_FINDINGS`` (the co-ordinator): findings and actions, because they write to
  the audit's action plan and only the co-ordinator changes action plans;
* ``Ability.COMPLETE_AUDIT_RETURNS`` (agency leads and officers): complete and submit their
  own agency's return, nobody else's (``AgencyReturn.objects.editable_by``).

The services live in one module per record (``audits``, ``tools``, ``returns``,
``moderation``, ``findings``); import them from here.
"""

from audits.services._common import CASE_REFERENCE_RE
from audits.services.audits import (
    audit_create,
    audit_renumber_for_year,
    audit_transition,
    audit_update,
    participants_set,
)
from audits.services.findings import finding_action_create, finding_add
from audits.services.moderation import moderation_record, rota_record_presented
from audits.services.returns import (
    return_gaps,
    return_reopen,
    return_save_case,
    return_save_ratings,
    return_submit,
)
from audits.services.tools import (
    case_add,
    case_remove,
    tool_item_add,
    tool_item_remove,
    tool_item_update,
)

__all__ = [
    "CASE_REFERENCE_RE",
    "audit_create",
    "audit_renumber_for_year",
    "audit_transition",
    "audit_update",
    "case_add",
    "case_remove",
    "finding_action_create",
    "finding_add",
    "moderation_record",
    "participants_set",
    "return_gaps",
    "return_reopen",
    "return_save_case",
    "return_save_ratings",
    "return_submit",
    "rota_record_presented",
    "tool_item_add",
    "tool_item_remove",
    "tool_item_update",
]
