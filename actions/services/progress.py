"""The owner's steps on an action: progress updates (with the owner's status moves) and the
evidence of impact, each with evidence files."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from actions import rules, signals
from actions.models import (
    FINISHED_STATUSES,
    Action,
    ActionStatus,
    Evidence,
    ProgressUpdate,
    ScanStatus,
)
from actions.services._common import (
    _check_version,
    _now,
    _raise_if,
    _require,
    _save_action,
    _text,
)
from actions.uploads import CheckedFile, check_upload

log = logging.getLogger("actions.services")

#: The status changes an action's owner may make with a progress update. Signing off,
#: returning and closing are the co-ordinator's (see ``rules``).
OWNER_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ActionStatus.NOT_STARTED: (ActionStatus.IN_PROGRESS, ActionStatus.AWAITING_SIGN_OFF),
    ActionStatus.IN_PROGRESS: (ActionStatus.AWAITING_SIGN_OFF,),
    ActionStatus.RETURNED: (ActionStatus.IN_PROGRESS, ActionStatus.AWAITING_SIGN_OFF),
    ActionStatus.AWAITING_SIGN_OFF: (ActionStatus.IN_PROGRESS,),
}


def _check_files(files: Iterable) -> list[CheckedFile]:
    checked, problems = [], []
    for upload in files or ():
        try:
            checked.append(check_upload(upload))
        except ValidationError as exc:
            problems.extend(exc.messages)
    if problems:
        raise ValidationError({"files": problems})
    return checked


def _store_files(*, action: Action, update: ProgressUpdate | None, checked: list[CheckedFile],
                 by, now: dt.datetime, stored: list[str]) -> list[Evidence]:
    """Save checked files under random names in the default (private) storage. ``stored``
    collects the names so a failed transaction can remove them."""
    evidence = []
    for item in checked:
        clean = item.scan_status == ScanStatus.CLEAN
        record = Evidence(
            action=action, update=update, original_name=item.original_name,
            content_type=item.content_type, size=item.size, sha256=item.sha256,
            uploaded_by=by, uploaded_at=now, scan_status=item.scan_status,
            scanned_at=now if clean else None,
        )
        item.file.seek(0)
        record.file.save(item.original_name, item.file, save=False)
        stored.append(record.file.name)
        record.save()
        evidence.append(record)
    return evidence


def _remove_stored(stored: list[str]) -> None:
    for name in stored:
        try:
            Evidence.file.field.storage.delete(name)
        except OSError:  # pragma: no cover - best effort; the row was never committed
            log.warning("could not remove orphaned evidence file %s", name)



@transaction.atomic
def action_record_progress(*, by, action, note, today, version=None, status="", at_risk=None,
                           blocked=None, completion_evidence=None, files=(),
                           completed_on=None, now=None) -> ProgressUpdate:
    """Append a dated progress update by ``by``, optionally changing the status (the owner's
    moves only: see ``OWNER_TRANSITIONS``), the at-risk and blocked flags and the evidence of
    completion, with evidence files. Marking the action complete needs evidence of
    completion; ``completed_on`` (today when not given, never in the future) is the day it
    was done. Returns the update.

    Raises ``PermissionDenied`` when ``by`` may not update this action, ``ValidationError``
    (by field) for bad input, and ``EditConflict`` when the action changed since
    ``version``."""
    _require(rules.may_update(by, action),
             _("You can read this action but not update it: it belongs to another agency."))
    if action.status in FINISHED_STATUSES:
        raise ValidationError(_(
            "This action is %(status)s, so it takes no more progress updates. You can add "
            "evidence of impact instead."
        ) % {"status": action.get_status_display().lower()})
    seen = _check_version(action, version)
    now = _now(now)
    errors = {}
    note = _text(note)
    if not note:
        errors["note"] = _("Write what has happened since the last update.")
    status = status or ""
    old_status = action.status
    if status and status != old_status and status not in OWNER_TRANSITIONS.get(old_status, ()):
        errors["status"] = _("An action that is %(old)s cannot be moved to %(new)s here.") % {
            "old": action.get_status_display().lower(),
            "new": ActionStatus(status).label.lower() if status in ActionStatus.values
            else status}
    new_evidence = None if completion_evidence is None else _text(completion_evidence)
    completing = status == ActionStatus.AWAITING_SIGN_OFF and old_status != status
    if completing and not (new_evidence or action.completion_evidence):
        errors["completion_evidence"] = _(
            "Describe the evidence that the action is complete before marking it complete."
        )
    if completing and completed_on is not None and completed_on > today:
        errors["completed_on"] = _("The date it was completed must be today or in the past.")
    try:
        checked = _check_files(files)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    _raise_if(errors)

    changed = status and status != old_status
    if changed:
        action.status = status
        if completing:
            action.completed_on = completed_on or today
            action.at_risk = action.blocked = False
        elif old_status == ActionStatus.AWAITING_SIGN_OFF:
            action.completed_on = None
    if new_evidence is not None and new_evidence:
        action.completion_evidence = new_evidence
    if at_risk is not None and not completing:
        action.at_risk = bool(at_risk)
    if blocked is not None and not completing:
        action.blocked = bool(blocked)
    action.last_update_at = now
    _save_action(action, by=by, seen_version=seen)
    update = ProgressUpdate.objects.create(
        action=action, author=by, created_at=now, note=note, kind=ProgressUpdate.Kind.PROGRESS,
        status_from=old_status if changed else "", status_to=status if changed else "",
    )
    stored: list[str] = []
    try:
        _store_files(action=action, update=update, checked=checked, by=by, now=now,
                     stored=stored)
        signals.send("completed" if completing else "progress", action=action, by=by,
                     update=update)
    except BaseException:
        _remove_stored(stored)
        raise
    return update


@transaction.atomic
def action_record_impact(*, by, action, impact_evidence, version=None, files=(),
                         now=None) -> ProgressUpdate:
    """Record the evidence of impact (what changed for children and families), once the
    action is complete: awaiting sign-off or signed off. Returns the timeline entry."""
    _require(rules.may_update(by, action),
             _("You can read this action but not update it: it belongs to another agency."))
    if action.status not in (ActionStatus.AWAITING_SIGN_OFF, ActionStatus.SIGNED_OFF):
        raise ValidationError(_(
            "Impact can be evidenced once the action is complete. Mark it complete first."
        ))
    seen = _check_version(action, version)
    now = _now(now)
    errors = {}
    impact = _text(impact_evidence)
    if not impact:
        errors["impact_evidence"] = _("Describe the impact: what is different for children "
                                      "and families, and how you know.")
    try:
        checked = _check_files(files)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    _raise_if(errors)
    action.impact_evidence = impact
    action.impact_recorded_at = now
    action.last_update_at = now
    _save_action(action, by=by, seen_version=seen)
    update = ProgressUpdate.objects.create(
        action=action, author=by, created_at=now, note=impact, kind=ProgressUpdate.Kind.IMPACT,
    )
    stored: list[str] = []
    try:
        _store_files(action=action, update=update, checked=checked, by=by, now=now,
                     stored=stored)
        signals.send("impact", action=action, by=by, update=update)
    except BaseException:
        _remove_stored(stored)
        raise
    return update


