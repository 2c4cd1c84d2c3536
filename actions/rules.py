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
sign off / return a           the co-ordinator or the chair, but nobody who led, updated or
completed action              completed the action at any time
close without completion      the co-ordinator, but nobody who led, updated or completed
                              the action at any time
============================  ==============================================================

"Led, updated or completed at any time" (:func:`involved_in`) is read from the action's
history in one query (``actions.selectors.people_involved``): every lead officer it has had,
the authors of its progress and impact updates (so whoever marked it complete), and whoever
set its completion date. Changing the lead officer first does not help. So a co-ordinator's
own action is signed off by the chair or another co-ordinator. The services ask the same
predicates, so a forged POST is refused there too.

The scrutineer reads everything and changes nothing; the chair changes nothing but signs off
and returns completed actions.

"Who" is the role table (``scsp.permissions.ROLE_TABLE``: ``Ability.MANAGE_PLANS``,
``UPDATE_ACTIONS``, ``DECIDE_ACTIONS``, ``SIGN_OFF_ACTIONS``) plus, for the owners' steps, the
action's lead agency (:func:`may_update`, the same lookup as ``Action.objects.editable_by``)
and, for the decisions that end an action, who took part in it (:func:`involved_in`).
"""

from __future__ import annotations

from collections.abc import Collection

from actions import selectors
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


def can_mark_complete(user, action: Action) -> bool:
    """The owner marks an open action complete (then the co-ordinator or chair signs it off)."""
    from actions.services import OWNER_TRANSITIONS

    return can_add_progress(user, action) and ActionStatus.AWAITING_SIGN_OFF in (
        OWNER_TRANSITIONS.get(action.status, ()))


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


def involved_in(user, action: Action, people: Collection[int] | None = None) -> bool:
    """Whether ``user`` led, updated or completed ``action`` at any time (see the module's
    docstring). ``people`` is ``selectors.people_involved``'s answer for this action when the
    caller already has it; otherwise it is fetched (one query)."""
    if people is None:
        people = selectors.people_involved([action])[action.pk]
    return getattr(user, "pk", None) in people


def can_sign_off(user, action: Action, people: Collection[int] | None = None) -> bool:
    """Sign off or return a completed action: the co-ordinator or the chair, never one they
    led, updated or completed."""
    return may(user, Ability.SIGN_OFF_ACTIONS) and not involved_in(user, action, people)


def can_close(user, action: Action, people: Collection[int] | None = None) -> bool:
    """Close without completion: the co-ordinator, never on an action they led, updated or
    completed (as for signing off)."""
    return may(user, Ability.DECIDE_ACTIONS) and not involved_in(user, action, people)


def can_edit_details(user, action: Action) -> bool:
    """Change the SMART details (what, measure, who, themes)."""
    return can_manage_plans(user) and action.status not in FINISHED_STATUSES
