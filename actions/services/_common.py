"""What the action services share: the edit-conflict refusal, optimistic-locked saves and
small input helpers. Not an API: import services from ``actions.services``."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import Action, VersionConflict
from actions.selectors import ChangesSince, action_changes_since


class EditConflict(ValidationError):
    """The action changed after the person opened their form; nothing was saved.

    ``action`` is the action as it is now and ``changes`` (:class:`ChangesSince`) says what
    changed, when and by whom, so the form can show it."""

    def __init__(self, *, action: Action, changes: ChangesSince):
        who = changes.people_display or _("someone else")
        when = (
            timezone.localtime(changes.last_at).strftime("%H:%M on %d %b %Y")
            if changes.last_at else ""
        )
        if when:
            message = _(
                "Your changes were not saved: %(who)s changed this action at %(when)s, after "
                "you opened this page. Check what changed, then submit again if your changes "
                "still apply."
            ) % {"who": who, "when": when}
        else:
            message = _(
                "Your changes were not saved: %(who)s changed this action after you opened "
                "this page. Check what changed, then submit again if your changes still apply."
            ) % {"who": who}
        super().__init__(message, code="conflict")
        self.action = action
        self.changes = changes




def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _text(value) -> str:
    return (value or "").strip()


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _conflict(action: Action, seen_version: int) -> EditConflict:
    fresh = Action.objects.select_related("lead_agency", "lead_officer").get(pk=action.pk)
    return EditConflict(action=fresh, changes=action_changes_since(fresh, seen_version))


def _check_version(action: Action, version: int | None) -> int:
    """The version the caller's change is based on; fails early when it is already stale."""
    seen = action.version if version is None else int(version)
    if seen != action.version:
        raise _conflict(action, seen)
    return seen


def _save_action(action: Action, *, by, seen_version: int, update_fields=None) -> None:
    """Write ``action`` only if it is still at ``seen_version`` (see ``Action.save``)."""
    action.version = seen_version
    action._history_user = by
    try:
        action.save(update_fields=update_fields)
    except VersionConflict:
        raise _conflict(action, seen_version) from None

