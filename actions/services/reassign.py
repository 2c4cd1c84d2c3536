"""Giving an action to another officer of its lead agency, with the reason kept in its change
history. The business unit reassigns any action (also through its full edit form); an agency
lead reassigns their own agency's actions, within their agency (``Ability.REASSIGN_ACTIONS``,
scope from ``actions.rules.may_update``). The new officer hears of it (``actions.notices``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from actions import rules, signals
from actions.models import FINISHED_STATUSES, Action
from actions.services._common import _check_version, _require, _save_action, _text
from scsp.permissions import Ability, may

#: The change history keeps a reason of up to 100 characters.
REASON_MAX = 100


@transaction.atomic
def action_reassign(*, by, action: Action, lead_officer, reason: str,
                    version: int | None = None) -> Action:
    """Make ``lead_officer`` (active, of the action's lead agency) the action's lead officer.
    Returns the action; raises ``PermissionDenied`` unless ``by`` may reassign this action,
    ``ValidationError`` keyed by field for another agency's officer, the same officer or no
    reason, and ``EditConflict`` when the action changed since ``version``."""
    _require(may(by, Ability.REASSIGN_ACTIONS) and rules.may_update(by, action),
             _("Only the business unit, or the safeguarding lead of the action's agency, "
               "gives an action to another officer."))
    seen = _check_version(action, version)
    reason = _text(reason)
    errors = {}
    if action.status in FINISHED_STATUSES:
        errors["__all__"] = [_("This action is finished; it can no longer be reassigned.")]
    if lead_officer is None:
        errors["lead_officer"] = _("Choose the officer who will lead the action.")
    elif lead_officer.agency_id != action.lead_agency_id:
        errors["lead_officer"] = _("%(name)s does not work for %(agency)s; an action is given "
                                   "to an officer of its lead agency.") % {
            "name": lead_officer, "agency": action.lead_agency.short_name}
    elif not lead_officer.is_active:
        errors["lead_officer"] = _("%(name)s can no longer sign in; choose someone else.") % {
            "name": lead_officer}
    elif lead_officer.pk == action.lead_officer_id:
        errors["lead_officer"] = _("%(name)s already leads this action.") % {"name": lead_officer}
    if not reason:
        errors["reason"] = _("Say why the action is given to someone else; the reason is kept "
                             "in its history.")
    elif len(reason) > REASON_MAX:
        errors["reason"] = _("Keep the reason to %(n)s characters.") % {"n": REASON_MAX}
    if errors:
        raise ValidationError(errors)
    previous = action.lead_officer
    action.lead_officer = lead_officer
    action._change_reason = reason  # the change history's own "reason" column
    _save_action(action, by=by, seen_version=seen, update_fields=["lead_officer"])
    signals.send("reassigned", action=action, by=by, previous_officer=previous, reason=reason)
    return action
