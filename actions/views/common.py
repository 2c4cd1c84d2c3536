"""What the action pages share: merging newer values into a refused form, where each role
starts, and which controls to show. (A service's refusal becomes form errors through
``scsp.generic``.)"""

from __future__ import annotations

from django import forms
from django.shortcuts import redirect
from django.urls import reverse

from actions import rules, selectors
from actions.models import ActionStatus
from scsp.permissions import Ability, may


def _raw(value):
    value = getattr(value, "pk", value)
    if isinstance(value, str):
        value = value.strip()
    return None if value in ("", None) else value


def merge_newer_values(form, changes) -> None:
    """After a refused save, bring the other person's changes into the form wherever this
    person left the field as they found it, so a second submit cannot quietly undo them;
    where both changed a field, keep this person's value and say so. The hidden version moves
    to the current one, so the second submit is a deliberate choice."""
    data = form.data.copy()
    cleaned = getattr(form, "cleaned_data", {})
    for change in changes.fields:
        field = form.fields.get(change.name)
        if field is None or change.name not in cleaned:
            continue
        if _raw(cleaned[change.name]) == _raw(change.after_raw):
            change.outcome = "same"
        elif _raw(cleaned[change.name]) == _raw(change.before_raw):
            if isinstance(field.widget, forms.CheckboxInput):
                if change.after_raw:
                    data[change.name] = "on"
                else:
                    data.pop(change.name, None)
            else:
                data[change.name] = "" if change.after_raw is None else str(change.after_raw)
            change.outcome = "updated"
        else:
            change.outcome = "yours"
    if "version" in form.fields:
        data["version"] = str(changes.current_version)
    form.data = data


def default_list_url(user) -> str:
    """An officer starts at "My actions", an agency lead at "My agency's actions", the
    business unit at "All actions"."""
    if user.sees_everything:
        return reverse("actions:all_actions")
    if user.is_agency_lead:
        return reverse("actions:agency_actions")
    return reverse("actions:my_actions")


def actions_home(request):
    return redirect(default_list_url(request.user))


ACTION_RELATED = ("plan", "lead_agency", "lead_officer", "recommendation", "signed_off_by",
                  "created_by")


def action_permissions(user, action) -> dict:
    """What the person may do on this action now: the page shows exactly these controls.
    Who took part in the action is read (one query, whatever its state, so the page's count
    is steady) only for someone whose role takes the decisions that end an action."""
    awaiting = action.status == ActionStatus.AWAITING_SIGN_OFF
    deciding = may(user, Ability.SIGN_OFF_ACTIONS) or may(user, Ability.DECIDE_ACTIONS)
    people = selectors.people_involved([action])[action.pk] if deciding else ()
    return {
        "progress": rules.can_add_progress(user, action),
        "complete": rules.can_mark_complete(user, action),
        "date_change": rules.can_request_date_change(user, action),
        "impact": rules.can_record_impact(user, action),
        "edit": rules.can_edit_details(user, action),
        "reassign": (may(user, Ability.REASSIGN_ACTIONS) and action.is_open
                     and rules.may_update(user, action)),
        "sign_off": awaiting and rules.can_sign_off(user, action, people),
        "close": action.is_open and rules.can_close(user, action, people),
        "decide": rules.can_decide(user),
        "impact_set": may(user, Ability.SCHEDULE_IMPACT_REVIEWS),
        "impact_evidence": (may(user, Ability.ADD_IMPACT_EVIDENCE)
                            and rules.may_update(user, action)),
        "impact_rate": may(user, Ability.RATE_IMPACT),
        "involved": deciding and rules.involved_in(user, action, people),
    }
