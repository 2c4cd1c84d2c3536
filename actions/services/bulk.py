"""Sign off or return several completed actions at once, from "Decisions waiting", with one
comment.

Each action is still decided by the one-action service (``action_sign_off`` /
``action_return``), so each is checked by the same rules (``actions.rules.can_sign_off``:
nobody who led, updated or completed it), must still be awaiting sign-off, must have
evidence to be signed off, and must not have changed since the person opened the page (its
``version``).

**Partial, not all-or-nothing.** Each action is its own decision on its own evidence: one
that fails a rule (the person took part in it, someone changed its evidence meanwhile, it
was already decided) stays exactly as it was and is named with the reason; the others are
decided. Each action is decided in its own savepoint, so a refusal half-way through one
undoes only that one. A refusal of the whole request (a role that does not sign off, a
return without a comment) changes nothing at all.

Reads are shared: the actions in one query, who took part in each in one more
(``selectors.people_involved``). The writes are those of the one-action service for each
action (the action, its history row, the timeline entry, the notices), so they grow with
the number decided: nothing is written behind the history's or the notices' back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from actions import rules, selectors
from actions.models import Action, ActionStatus
from actions.services._common import EditConflict, _now, _require, _text
from actions.services.decisions import SIGN_OFF_REFUSED, action_return, action_sign_off
from scsp.permissions import Ability, may

SIGN_OFF = "sign_off"
RETURN = "return"
DECISIONS = (SIGN_OFF, RETURN)


@dataclass
class BulkOutcome:
    """What a bulk decision did: ``done`` the actions decided, ``refused`` (action, reason)
    for those left as they were, ``missing`` how many of the chosen ids name no action the
    person may see (never named: a hidden action and a missing one read the same)."""

    decision: str
    done: list[Action] = field(default_factory=list)
    refused: list[tuple[Action, str]] = field(default_factory=list)
    missing: int = 0


def _reason(error: Exception) -> str:
    if isinstance(error, EditConflict):
        return _("it changed after you opened the page; open it to check what changed")
    if isinstance(error, ValidationError):
        return " ".join(str(m) for m in error.messages)
    return str(error)


@transaction.atomic
def actions_decide_in_bulk(*, by, decision: str, versions: dict[int, int | None], note="",
                           now=None) -> BulkOutcome:
    """Sign off (``decision="sign_off"``) or return (``"return"``) the actions whose ids are
    the keys of ``versions`` (the value: the version the person saw, or ``None``), with one
    comment ``note`` (needed to return). See the module's docstring for what happens to an
    action that fails a rule."""
    if decision not in DECISIONS:
        raise ValueError(f"Unknown bulk decision {decision!r}")
    _require(may(by, Ability.SIGN_OFF_ACTIONS), SIGN_OFF_REFUSED)
    note = _text(note)
    if decision == RETURN and not note:
        raise ValidationError({"note": _("Say what more evidence is needed.")})
    if not versions:
        raise ValidationError({"actions": _("Select the actions to sign off or return.")})
    now = _now(now)
    actions = list(
        Action.objects.visible_to(by).filter(pk__in=list(versions))
        .select_related("plan", "lead_agency", "lead_officer").order_by("reference", "pk"))
    outcome = BulkOutcome(decision=decision, missing=len(set(versions)) - len(actions))
    people = selectors.people_involved(actions)
    for action in actions:
        if action.status != ActionStatus.AWAITING_SIGN_OFF:
            outcome.refused.append((action, _(
                "it is no longer waiting for sign-off (it is now %(status)s)")
                % {"status": action.get_status_display().lower()}))
            continue
        if rules.involved_in(by, action, people[action.pk]):
            outcome.refused.append((action, _(
                "you led, updated or completed it: the chair or another co-ordinator "
                "decides")))
            continue
        try:
            with transaction.atomic():
                if decision == SIGN_OFF:
                    action_sign_off(by=by, action=action, version=versions[action.pk],
                                    note=note, now=now, people=people[action.pk])
                else:
                    action_return(by=by, action=action, version=versions[action.pk],
                                  reason=note, now=now, people=people[action.pk])
        except (ValidationError, PermissionDenied) as refused:
            action.refresh_from_db()
            outcome.refused.append((action, _reason(refused)))
        else:
            outcome.done.append(action)
    return outcome
