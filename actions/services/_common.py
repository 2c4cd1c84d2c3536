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


def _only_notes_since(action: Action, seen: int, *, lock: bool = False) -> int | None:
    """The version to build on when, after ``seen``, only progress notes were added (none of
    the action's own fields, ``CONFLICT_FIELDS``, changed): the current one. ``None`` when a
    field changed (or ``seen`` is unknown), so the change must be refused. ``lock`` holds the
    row to the end of the transaction, so the version cannot move again before the save.

    This is why many people can add notes to one busy action at once: a note never refuses
    another note, only a change to what the action says is refused."""
    rows = Action.objects.select_for_update() if lock else Action.objects
    fresh = rows.get(pk=action.pk)
    if fresh.version == seen:
        return seen
    if not action.history.filter(version=seen).exists():
        return None
    if action_changes_since(fresh, seen).fields:
        return None
    if fresh.last_update_at and (action.last_update_at is None
                                 or action.last_update_at < fresh.last_update_at):
        action.last_update_at = fresh.last_update_at
    return fresh.version


def _check_version(action: Action, version: int | None) -> int:
    """The version the caller's change is based on; fails early when the action's own fields
    changed after it (notes added meanwhile do not count)."""
    seen = action.version if version is None else int(version)
    if seen != action.version:
        current = _only_notes_since(action, seen)
        if current is None:
            raise _conflict(action, seen)
        return current
    return seen


def _save_action(action: Action, *, by, seen_version: int, update_fields=None) -> None:
    """Write ``action`` only if it is still at ``seen_version`` (see ``Action.save``), or if
    only notes were added since (then on top of them, with the row locked)."""
    action.version = seen_version
    action._history_user = by
    try:
        action.save(update_fields=update_fields)
        return
    except VersionConflict:
        current = _only_notes_since(action, seen_version, lock=True)
        if current is None:
            raise _conflict(action, seen_version) from None
    action.version = current
    try:
        action.save(update_fields=update_fields)
    except VersionConflict:  # pragma: no cover - the row is locked
        raise _conflict(action, seen_version) from None
