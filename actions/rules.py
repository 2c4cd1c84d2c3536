"""Who may take which step on an action plan or action.

The querysets' ``visible_to`` / ``editable_by`` decide the scope (404 outside it, 403 when
read-only). These predicates narrow ``editable_by`` for the steps only some roles take, and
are what views, templates and services all ask, so a button is shown exactly when its POST
would be accepted:

============================  ==============================================================
Step                          Who
============================  ==============================================================
create plans, actions,        the co-ordinator
recommendations; edit them
add progress, ask for a new   the co-ordinator, and agency leads and officers of the
date, add impact evidence     action's lead agency
agree or refuse a new date    the co-ordinator
sign off / return / close     the co-ordinator, never on an action they lead themselves
============================  ==============================================================

The chair and the scrutineer read everything and change nothing.
"""

from __future__ import annotations

from actions.models import FINISHED_STATUSES, Action, ActionPlan, ActionStatus


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_manage_plans(user) -> bool:
    """Create and edit plans, recommendations and actions."""
    return _active(user) and user.is_coordinator


def can_edit_plan(user, plan: ActionPlan) -> bool:
    return can_manage_plans(user)


def may_update(user, action: Action) -> bool:
    """The same rule as ``Action.objects.editable_by(user)``, for one action in hand."""
    if not _active(user):
        return False
    if user.is_coordinator:
        return True
    if user.is_agency_lead or user.is_agency_officer:
        return action.lead_agency_id == user.agency_id
    return False


def can_add_progress(user, action: Action) -> bool:
    """Progress notes go on actions that are not finished (signed off or closed)."""
    return may_update(user, action) and action.status not in FINISHED_STATUSES


def can_request_date_change(user, action: Action) -> bool:
    return may_update(user, action) and action.status not in FINISHED_STATUSES


def can_record_impact(user, action: Action) -> bool:
    """Impact is evidenced once the work is done: awaiting sign-off or signed off."""
    return may_update(user, action) and action.status in (
        ActionStatus.AWAITING_SIGN_OFF, ActionStatus.SIGNED_OFF,
    )


def can_decide(user) -> bool:
    """Agree or refuse target-date changes."""
    return _active(user) and user.is_coordinator


def is_own_action(user, action: Action) -> bool:
    return action.lead_officer_id == getattr(user, "pk", None)


def can_sign_off(user, action: Action) -> bool:
    """The co-ordinator signs off or returns, but never an action they lead themselves."""
    return _active(user) and user.is_coordinator and not is_own_action(user, action)


def can_close(user, action: Action) -> bool:
    """Closing without completion is the co-ordinator's decision, as signing off is."""
    return can_sign_off(user, action)


def can_edit_details(user, action: Action) -> bool:
    """Change the SMART details (what, measure, who, themes)."""
    return can_manage_plans(user) and action.status not in FINISHED_STATUSES
