"""Every write to action plans, actions, progress, evidence and target dates.

Services are the only code that changes these records. Each one is atomic, takes keyword
arguments only, checks who is acting (``PermissionDenied``) and what they asked for
(``ValidationError``, keyed by field where it is about a field), and changes nothing when it
refuses. Dates that matter come in as ``today``; record timestamps default to now.

Changes to an action are optimistic-locked: a caller passes the ``version`` the person saw,
and a save based on an older version raises :class:`EditConflict` (a ``ValidationError``)
that carries what changed meanwhile, instead of silently overwriting it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from actions import rules, signals
from actions.models import (
    FINISHED_STATUSES,
    Action,
    ActionPlan,
    ActionStatus,
    Evidence,
    OriginKind,
    ProgressUpdate,
    Recommendation,
    TargetDateChange,
    VersionConflict,
)
from actions.selectors import ChangesSince, action_changes_since
from actions.uploads import CheckedFile, check_upload

log = logging.getLogger(__name__)

#: The status changes an action's owner may make with a progress update. Signing off,
#: returning and closing are the co-ordinator's (see ``rules``).
OWNER_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ActionStatus.NOT_STARTED: (ActionStatus.IN_PROGRESS, ActionStatus.AWAITING_SIGN_OFF),
    ActionStatus.IN_PROGRESS: (ActionStatus.AWAITING_SIGN_OFF,),
    ActionStatus.RETURNED: (ActionStatus.IN_PROGRESS, ActionStatus.AWAITING_SIGN_OFF),
    ActionStatus.AWAITING_SIGN_OFF: (ActionStatus.IN_PROGRESS,),
}


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


# --- helpers ---------------------------------------------------------------------------------


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
        record = Evidence(
            action=action, update=update, original_name=item.original_name,
            content_type=item.content_type, size=item.size, sha256=item.sha256,
            uploaded_by=by, uploaded_at=now,
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


def _validate_people(*, lead_agency, lead_officer) -> dict:
    errors = {}
    if lead_agency is None:
        errors["lead_agency"] = _("Choose the lead agency.")
    elif not lead_agency.active:
        errors["lead_agency"] = _("%(agency)s is no longer active in the partnership.") % {
            "agency": lead_agency.name}
    if lead_officer is None:
        errors["lead_officer"] = _("Choose the lead officer.")
    elif not lead_officer.is_active:
        errors["lead_officer"] = _("%(name)s can no longer sign in; choose someone else.") % {
            "name": lead_officer}
    elif lead_agency is not None and lead_officer.agency_id != lead_agency.pk:
        errors["lead_officer"] = _(
            "%(name)s works for %(their)s, not %(lead)s. The lead officer must belong to the "
            "lead agency."
        ) % {"name": lead_officer, "their": lead_officer.agency.short_name,
             "lead": lead_agency.short_name}
    return errors


def _validate_themes(themes) -> dict:
    retired = [t.name for t in themes if not t.active]
    if retired:
        return {"themes": _("These themes are retired and cannot be chosen: %(names)s.")
                % {"names": ", ".join(retired)}}
    return {}


# --- plans -----------------------------------------------------------------------------------

PLAN_REFERENCE = re.compile(r"^AP-(\d{4})-(\d+)$")


def _next_plan_reference(now: dt.datetime) -> str:
    year = timezone.localtime(now).year
    prefix = f"AP-{year}-"
    numbers = [
        int(m.group(2))
        for ref in ActionPlan.objects.filter(reference__startswith=prefix)
        .values_list("reference", flat=True)
        if (m := PLAN_REFERENCE.match(ref))
    ]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


@transaction.atomic
def plan_create(*, by, title, origin_kind, origin_reference="", owner=None, reference=None,
                status=ActionPlan.Status.ACTIVE, now=None) -> ActionPlan:
    """Create an action plan. ``reference`` is generated (``AP-2026-007``) when ``None``;
    ``owner`` defaults to ``by``. Returns the plan; raises ``PermissionDenied`` unless ``by``
    is the co-ordinator and ``ValidationError`` for a missing title, an unknown origin or a
    reference already in use."""
    _require(rules.can_manage_plans(by), _("Only the co-ordinator creates action plans."))
    now = _now(now)
    owner = owner or by
    errors = {}
    title = _text(title)
    if not title:
        errors["title"] = _("Give the plan a title.")
    if origin_kind not in OriginKind.values:
        errors["origin_kind"] = _("Choose where the plan came from.")
    if not owner.is_active:
        errors["owner"] = _("%(name)s can no longer sign in; choose another owner.") % {
            "name": owner}
    if reference is not None:
        reference = _text(reference)
        if not reference:
            errors["reference"] = _("Give the plan a reference, or leave it to be generated.")
        elif ActionPlan.objects.filter(reference__iexact=reference).exists():
            errors["reference"] = _("There is already a plan with the reference %(ref)s.") % {
                "ref": reference}
    _raise_if(errors)
    fields = {"title": title, "origin_kind": origin_kind, "status": status,
              "origin_reference": _text(origin_reference), "owner": owner, "created_at": now}
    for _attempt in range(5):
        plan = ActionPlan(reference=reference or _next_plan_reference(now), **fields)
        plan._history_user = by
        try:
            with transaction.atomic():
                plan.save()
            return plan
        except IntegrityError:
            if reference is not None:
                raise ValidationError({"reference": _("That reference was just taken.")}) from None
    raise ValidationError(_("Could not number the plan; please try again."))


@transaction.atomic
def plan_update(*, by, plan, title, origin_kind, origin_reference, owner, status) -> ActionPlan:
    """Change a plan's title, origin, owner or status (co-ordinator only). Returns the plan."""
    _require(rules.can_edit_plan(by, plan), _("Only the co-ordinator changes action plans."))
    errors = {}
    title = _text(title)
    if not title:
        errors["title"] = _("Give the plan a title.")
    if origin_kind not in OriginKind.values:
        errors["origin_kind"] = _("Choose where the plan came from.")
    if status not in ActionPlan.Status.values:
        errors["status"] = _("Choose a status.")
    if owner is None or not owner.is_active:
        errors["owner"] = _("Choose an owner who can sign in.")
    _raise_if(errors)
    plan.title, plan.origin_kind, plan.origin_reference = title, origin_kind, _text(
        origin_reference)
    plan.owner, plan.status = owner, status
    plan._history_user = by
    plan.save()
    return plan


@transaction.atomic
def recommendation_add(*, by, plan, text, themes=()) -> Recommendation:
    """Add a recommendation (learning point) to ``plan``, numbered next in the plan. Returns
    it; raises ``PermissionDenied`` unless ``by`` is the co-ordinator."""
    _require(rules.can_edit_plan(by, plan), _("Only the co-ordinator changes action plans."))
    themes = list(themes)
    errors = {}
    text = _text(text)
    if not text:
        errors["text"] = _("Write the recommendation or learning point.")
    errors.update(_validate_themes(themes))
    _raise_if(errors)
    locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    number = (locked.recommendations.aggregate(n=Max("number"))["n"] or 0) + 1
    rec = Recommendation(plan=locked, number=number, text=text)
    rec._history_user = by
    rec.save()
    if themes:
        rec.themes.set(themes)
    return rec


# --- actions ---------------------------------------------------------------------------------


def action_errors(*, plan, description, success_measure, lead_agency, lead_officer,
                  target_date, today, recommendation=None, themes=()) -> dict:
    """What is wrong with a new action, by field (empty when nothing is). The rules of
    :func:`action_create`; forms call it too, so every problem shows at once."""
    errors = {}
    if not _text(description):
        errors["description"] = _("Say what will be done.")
    if not _text(success_measure):
        errors["success_measure"] = _(
            "Say how you will know the action has worked: a success measure is required."
        )
    errors.update(_validate_people(lead_agency=lead_agency, lead_officer=lead_officer))
    if target_date is None:
        errors["target_date"] = _("Give a target date.")
    elif target_date < today:
        errors["target_date"] = _("The target date cannot be in the past.")
    if recommendation is not None and recommendation.plan_id != plan.pk:
        errors["recommendation"] = _("That recommendation belongs to another plan.")
    errors.update(_validate_themes(list(themes)))
    if plan.status == ActionPlan.Status.CLOSED:
        errors["__all__"] = [_("This plan is closed; reopen it first.")]
    return errors


@transaction.atomic
def action_create(*, by, plan, description, success_measure, lead_agency, lead_officer,
                  target_date, today, recommendation=None, themes=(), title="",
                  now=None) -> Action:
    """Add a SMART action to ``plan``, numbered next (reference ``<plan ref>-01``), with its
    original target date kept. ``title`` is an optional short label with no case detail
    (reminders and calendar feeds show it; they never show the description). Returns the
    action.

    Raises ``PermissionDenied`` unless ``by`` is the co-ordinator, and ``ValidationError``
    keyed by field for an empty action or success measure, a lead officer from another
    agency, a target date before ``today``, a recommendation from another plan or a retired
    theme."""
    _require(rules.can_edit_plan(by, plan), _("Only the co-ordinator adds actions."))
    now = _now(now)
    themes = list(themes)
    description, success_measure = _text(description), _text(success_measure)
    _raise_if(action_errors(
        plan=plan, description=description, success_measure=success_measure,
        lead_agency=lead_agency, lead_officer=lead_officer, target_date=target_date,
        today=today, recommendation=recommendation, themes=themes))
    locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    number = (locked.actions.aggregate(n=Max("number"))["n"] or 0) + 1
    action = Action(
        plan=locked, recommendation=recommendation, number=number,
        reference=f"{locked.reference}-{number:02d}", title=_text(title)[:120],
        description=description,
        success_measure=success_measure, lead_agency=lead_agency, lead_officer=lead_officer,
        target_date=target_date, original_target_date=target_date, created_by=by,
        created_at=now,
    )
    action._history_user = by
    action.save()
    if themes:
        action.themes.set(themes)
    signals.send("created", action=action, by=by)
    return action


@transaction.atomic
def action_update(*, by, action, description, success_measure, lead_agency, lead_officer,
                  recommendation=None, themes=(), title=None, version=None) -> Action:
    """Change an action's SMART details (not its dates or status: those have their own
    steps). Co-ordinator only. Returns the action; raises ``EditConflict`` if it changed
    since ``version``."""
    _require(rules.can_manage_plans(by), _("Only the co-ordinator changes an action's details."))
    if action.status in FINISHED_STATUSES:
        raise ValidationError(_("This action is finished; its details can no longer change."))
    seen = _check_version(action, version)
    themes = list(themes)
    errors = {}
    description, success_measure = _text(description), _text(success_measure)
    if not description:
        errors["description"] = _("Say what will be done.")
    if not success_measure:
        errors["success_measure"] = _(
            "Say how you will know the action has worked: a success measure is required."
        )
    errors.update(_validate_people(lead_agency=lead_agency, lead_officer=lead_officer))
    if recommendation is not None and recommendation.plan_id != action.plan_id:
        errors["recommendation"] = _("That recommendation belongs to another plan.")
    errors.update(_validate_themes([t for t in themes if t not in set(action.themes.all())]))
    _raise_if(errors)
    action.description, action.success_measure = description, success_measure
    if title is not None:
        action.title = _text(title)[:120]
    action.lead_agency, action.lead_officer = lead_agency, lead_officer
    action.recommendation = recommendation
    _save_action(action, by=by, seen_version=seen)
    action.themes.set(themes)
    signals.send("updated", action=action, by=by)
    return action


@transaction.atomic
def action_record_progress(*, by, action, note, today, version=None, status="", at_risk=None,
                           blocked=None, completion_evidence=None, files=(),
                           now=None) -> ProgressUpdate:
    """Append a dated progress update by ``by``, optionally changing the status (the owner's
    moves only: see ``OWNER_TRANSITIONS``), the at-risk and blocked flags and the evidence of
    completion, with evidence files. Marking the action complete needs evidence of
    completion. Returns the update.

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
    try:
        checked = _check_files(files)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    _raise_if(errors)

    changed = status and status != old_status
    if changed:
        action.status = status
        if completing:
            action.completed_on = today
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
def action_sign_off(*, by, action, version=None, note="", now=None) -> ProgressUpdate:
    """Sign off a completed action on its evidence. Co-ordinator only, never their own
    action; the action must be awaiting sign-off. Returns the timeline entry; raises
    ``EditConflict`` if the action (its evidence, say) changed since ``version``."""
    _require(rules.can_sign_off(by, action), _(
        "Only the co-ordinator signs actions off, and nobody signs off an action they lead."))
    if action.status != ActionStatus.AWAITING_SIGN_OFF:
        raise ValidationError(_("Only an action marked complete can be signed off."))
    seen = _check_version(action, version)
    if not action.completion_evidence:
        raise ValidationError(_("There is no evidence of completion to sign off."))
    now = _now(now)
    return _decision(by=by, action=action, seen=seen, new_status=ActionStatus.SIGNED_OFF,
                     note=_text(note) or _("Signed off on the evidence of completion."),
                     now=now, signed_off_by=by, signed_off_at=now)


@transaction.atomic
def action_return(*, by, action, reason, version=None, now=None) -> ProgressUpdate:
    """Return a completed action to its owner for more evidence, saying what is missing.
    Co-ordinator only, never their own action. Returns the timeline entry."""
    _require(rules.can_sign_off(by, action), _(
        "Only the co-ordinator returns actions, and nobody decides on an action they lead."))
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
    """Close an action without completing it, with the reason (co-ordinator only, never
    their own). Returns the timeline entry."""
    _require(rules.can_close(by, action), _(
        "Only the co-ordinator closes actions, and nobody decides on an action they lead."))
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


# --- target dates ----------------------------------------------------------------------------


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


# --- calendar --------------------------------------------------------------------------------


@transaction.atomic
def calendar_token_regenerate(*, user) -> str:
    """Give ``user`` a new secret calendar-feed address; the old one stops working at once.
    Returns the new token."""
    user.regenerate_calendar_token()
    return user.calendar_token
