"""The decisions that end (or reopen) an action: sign off, return for more evidence (the
co-ordinator or the chair), close without completion (the co-ordinator). Nobody who led,
updated or completed the action at any time takes them (``actions.rules``). Each is a
timeline entry (``ProgressUpdate`` of kind decision). Signing off schedules the action's first
impact review (``actions.services.impact``)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actions import rules, signals
from actions.models import FINISHED_STATUSES, ActionStatus, ProgressUpdate
from actions.services._common import _check_version, _now, _require, _save_action, _text
from actions.services.impact import impact_review_schedule
from scsp.permissions import Ability, may

SIGN_OFF_REFUSED = gettext_lazy(
    "Only the co-ordinator or the chair signs off or returns actions, and nobody who led, "
    "updated or completed an action decides on it.")

#: The event each decision sends (``actions.signals``).
DECISION_EVENTS = {ActionStatus.SIGNED_OFF: "signed_off", ActionStatus.RETURNED: "returned",
                   ActionStatus.CLOSED_NOT_COMPLETED: "closed"}


def _decision(*, by, action, seen, new_status, note, now, **fields) -> ProgressUpdate:
    old_status = action.status
    action.status = new_status
    for name, value in fields.items():
        setattr(action, name, value)
    _save_action(action, by=by, seen_version=seen)
    update = ProgressUpdate.objects.create(
        action=action, author=by, created_at=now, note=note, kind=ProgressUpdate.Kind.DECISION,
        status_from=old_status, status_to=new_status,
    )
    signals.send(DECISION_EVENTS[new_status], action=action, by=by, update=update)
    return update


@transaction.atomic
def _past_sign_off(*, by, action, signed_off_on: dt.date, now: dt.datetime):
    """``signed_off_at`` for a sign-off made on an earlier day, recorded now (README
    "References and past records"): only whoever records the past, never in the future nor
    before the action was completed. Noon of that day: the record does not know the hour."""
    today = timezone.localdate(now)
    if not may(by, Ability.RECORD_THE_PAST):
        raise PermissionDenied(_("Only the co-ordinator records a sign-off made on an "
                                 "earlier day; leave the date empty to sign off today."))
    if signed_off_on > today:
        raise ValidationError({"signed_off_on": _(
            "The date it was signed off cannot be in the future.")})
    if action.completed_on and signed_off_on < action.completed_on:
        raise ValidationError({"signed_off_on": _(
            "The action cannot have been signed off before it was completed, on %(d)s.")
            % {"d": date_format(action.completed_on, "j F Y")}})
    return timezone.make_aware(dt.datetime.combine(signed_off_on, dt.time(12)))


@transaction.atomic
def action_sign_off(*, by, action, version=None, note="", now=None, people=None,
                    signed_off_on: dt.date | None = None) -> ProgressUpdate:
    """Sign off a completed action on its evidence: the co-ordinator or the chair, never
    someone who led, updated or completed it; the action must be awaiting sign-off. Returns
    the timeline entry; raises ``EditConflict`` if the action (its evidence, say) changed
    since ``version``. ``people``: ``selectors.people_involved``'s answer for the action when
    the caller has it (bulk decisions read it once for all).

    ``signed_off_on``: the day it was signed off when that was before today (a business unit
    bringing in past years): ``Ability.RECORD_THE_PAST`` only, not in the future, not before
    ``completed_on``; the action then says the sign-off was entered after the event, by whom
    and when (``sign_off_entered_at``)."""
    _require(rules.can_sign_off(by, action, people), SIGN_OFF_REFUSED)
    if action.status != ActionStatus.AWAITING_SIGN_OFF:
        raise ValidationError(_("Only an action marked complete can be signed off."))
    seen = _check_version(action, version)
    if not action.completion_evidence:
        raise ValidationError(_("There is no evidence of completion to sign off."))
    now = _now(now)
    signed_at, entered_at = now, None
    if signed_off_on is not None and signed_off_on != timezone.localdate(now):
        signed_at, entered_at = _past_sign_off(by=by, action=action,
                                               signed_off_on=signed_off_on, now=now), now
    default_note = (_("Signed off on %(d)s, on the evidence of completion (entered after the "
                      "event).") % {"d": date_format(signed_off_on, "j F Y")} if entered_at
                    else _("Signed off on the evidence of completion."))
    update = _decision(by=by, action=action, seen=seen, new_status=ActionStatus.SIGNED_OFF,
                       note=_text(note) or default_note, now=now, signed_off_by=by,
                       signed_off_at=signed_at, sign_off_entered_at=entered_at)
    # The question that follows: did it make a difference? (actions/services/impact.py),
    # counted from the day it was signed off, which may be a past day entered after the event.
    impact_review_schedule(action=action, by=by, now=now,
                           signed_on=timezone.localtime(signed_at).date())
    return update


@transaction.atomic
def action_return(*, by, action, reason, version=None, now=None,
                  people=None) -> ProgressUpdate:
    """Return a completed action to its owner for more evidence, saying what is missing.
    Whoever may sign it off (``rules.can_sign_off``). Returns the timeline entry."""
    _require(rules.can_sign_off(by, action, people), SIGN_OFF_REFUSED)
    if action.status != ActionStatus.AWAITING_SIGN_OFF:
        raise ValidationError(_("Only an action marked complete can be returned."))
    seen = _check_version(action, version)
    reason = _text(reason)
    if not reason:
        raise ValidationError({"note": _("Say what more evidence is needed.")})
    return _decision(by=by, action=action, seen=seen, new_status=ActionStatus.RETURNED,
                     note=reason, now=_now(now), completed_on=None)


@transaction.atomic
def action_close(*, by, action, reason, version=None, now=None) -> ProgressUpdate:
    """Close an action without completing it, with the reason: the co-ordinator, never
    someone who led, updated or completed it (``rules.can_close``). Returns the timeline
    entry."""
    _require(rules.can_close(by, action), gettext_lazy(
        "Only the co-ordinator closes actions, and nobody who led, updated or completed an "
        "action closes it."))
    if action.status in FINISHED_STATUSES:
        raise ValidationError(_("This action is already finished."))
    seen = _check_version(action, version)
    reason = _text(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why the action is closed without completion.")})
    return _decision(by=by, action=action, seen=seen,
                     new_status=ActionStatus.CLOSED_NOT_COMPLETED,
                     note=_("Closed without completion: %(reason)s") % {"reason": reason},
                     now=_now(now), closed_reason=reason, at_risk=False, blocked=False)


