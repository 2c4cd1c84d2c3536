"""Target dates: an owner asks for a new one, the co-ordinator agrees or refuses. The original
date stays, so slippage shows."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from actions import rules, signals
from actions.models import FINISHED_STATUSES, Action, TargetDateChange
from actions.services._common import _now, _raise_if, _require, _save_action, _text


@transaction.atomic
def action_request_date_change(*, by, action, new_date, reason, today,
                               now=None) -> TargetDateChange:
    """Ask the co-ordinator to move an action's target date, with the reason. One request
    may wait at a time. Returns the request."""
    _require(rules.may_update(by, action),
             _("You can read this action but not change it: it belongs to another agency."))
    if action.status in FINISHED_STATUSES:
        raise ValidationError(_("This action is finished; its target date cannot change."))
    errors = {}
    reason = _text(reason)
    if new_date is None:
        errors["new_date"] = _("Give the new target date.")
    elif new_date == action.target_date:
        errors["new_date"] = _("That is already the target date.")
    elif new_date < today:
        errors["new_date"] = _("The new target date cannot be in the past.")
    if not reason:
        errors["reason"] = _("Say why the date needs to change.")
    pending = action.date_changes.filter(decision=TargetDateChange.Decision.PENDING).first()
    if pending:
        errors.setdefault("__all__", []).append(_(
            "A request to move the date to %(date)s is already waiting for the co-ordinator."
        ) % {"date": pending.new_date.strftime("%d %b %Y")})
    _raise_if(errors)
    try:
        with transaction.atomic():
            change = TargetDateChange.objects.create(
                action=action, requested_by=by, requested_at=_now(now),
                old_date=action.target_date, new_date=new_date, reason=reason,
            )
    except IntegrityError:
        raise ValidationError(_("Another request for this action has just been made.")) from None
    signals.send("date_requested", action=action, by=by, change=change)
    return change


@transaction.atomic
def action_decide_date_change(*, by, change, agree, today, note="",
                              now=None) -> TargetDateChange:
    """Agree or refuse a request to move a target date (co-ordinator only; not their own
    request). Agreeing moves the action's target date; the original date stays, so the
    slippage shows. Every decision is kept. Returns the decided request."""
    _require(rules.can_decide(by), _("Only the co-ordinator decides target-date changes."))
    now = _now(now)
    note = _text(note)
    if change.requested_by_id == by.pk:
        raise ValidationError(_("You asked for this change, so another co-ordinator must "
                                "decide it."))
    action = Action.objects.get(pk=change.action_id)
    errors = {}
    if not agree and not note:
        errors["decision_note"] = _("Say why the request is refused.")
    if agree and change.new_date < today:
        errors["decision"] = _(
            "The date asked for (%(date)s) has passed. Refuse this request and ask for a new "
            "date.") % {"date": change.new_date.strftime("%d %b %Y")}
    if agree and action.status in FINISHED_STATUSES:
        errors["decision"] = _("This action is finished; its target date cannot change.")
    _raise_if(errors)
    decision = TargetDateChange.Decision.AGREED if agree else TargetDateChange.Decision.REFUSED
    claimed = TargetDateChange.objects.filter(
        pk=change.pk, decision=TargetDateChange.Decision.PENDING
    ).update(decision=decision, decided_by=by, decided_at=now, decision_note=note)
    if not claimed:
        raise ValidationError(_("This request has already been decided."))
    if agree:
        action.target_date = change.new_date
        _save_action(action, by=by, seen_version=action.version,
                     update_fields=["target_date"])
    change.refresh_from_db()
    signals.send("date_agreed" if agree else "date_refused", action=action, by=by,
                 change=change)
    return change


