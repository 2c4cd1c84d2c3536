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

"Who" is the role table (``scsp.permissions.ROLE_TABLE``: ``Ability.MANAGE_PLANS``,
``UPDATE_ACTIONS``, ``DECIDE_ACTIONS``) plus, for the owners' steps, the action's lead agency
(:func:`may_update`, the same lookup as ``Action.objects.editable_by``).
"""

from __future__ import annotations

from actions.models import FINISHED_STATUSES, Action, ActionPlan, ActionStatus, edit_lookup
from scsp.permissions import Ability, may


def can_manage_plans(user) -> bool:
    """Create and edit plans, recommendations and actions."""
    return may(user, Ability.MANAGE_PLANS)


def can_edit_plan(user, plan: ActionPlan) -> bool:
    return can_manage_plans(user)


def may_update(user, action: Action) -> bool:
    """Whether ``action`` is one ``user`` may change: the rule of
    ``Action.objects.editable_by(user)`` (both read ``actions.models.edit_lookup``), asked of
    the action in hand without a query."""
    lookup = edit_lookup(user)
    return lookup is not None and all(
        getattr(action, field) == value for field, value in lookup.items())


def _owner_step(user, action: Action) -> bool:
    """An owner's step (progress, dates, impact): the role has it and the action is theirs."""
    return may(user, Ability.UPDATE_ACTIONS) and may_update(user, action)


def can_add_progress(user, action: Action) -> bool:
    """Progress notes go on actions that are not finished (signed off or closed)."""
    return _owner_step(user, action) and action.status not in FINISHED_STATUSES


def can_request_date_change(user, action: Action) -> bool:
    return _owner_step(user, action) and action.status not in FINISHED_STATUSES


def can_record_impact(user, action: Action) -> bool:
    """Impact is evidenced once the work is done: awaiting sign-off or signed off."""
    return _owner_step(user, action) and action.status in (
        ActionStatus.AWAITING_SIGN_OFF, ActionStatus.SIGNED_OFF,
    )


def can_decide(user) -> bool:
    """Agree or refuse target-date changes."""
    return may(user, Ability.DECIDE_ACTIONS)


def is_own_action(user, action: Action) -> bool:
    return action.lead_officer_id == getattr(user, "pk", None)


def can_sign_off(user, action: Action) -> bool:
    """The co-ordinator signs off or returns, but never an action they lead themselves."""
    return may(user, Ability.DECIDE_ACTIONS) and not is_own_action(user, action)


def can_close(user, action: Action) -> bool:
    """Closing without completion is the co-ordinator's decision, as signing off is."""
    return can_sign_off(user, action)


def can_edit_details(user, action: Action) -> bool:
    """Change the SMART details (what, measure, who, themes)."""
    return can_manage_plans(user) and action.status not in FINISHED_STATUSES
