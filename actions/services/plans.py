"""The co-ordinator's editing: action plans, their recommendations and the SMART details of
their actions."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from actions import rules, signals
from actions.models import (
    FINISHED_STATUSES,
    Action,
    ActionPlan,
    OriginKind,
    Recommendation,
)
from actions.services._common import (
    _check_version,
    _now,
    _raise_if,
    _require,
    _save_action,
    _text,
)
from scsp.permissions import Ability, may


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


def _next_plan_reference(now: dt.datetime, agreed_on: dt.date | None = None) -> str:
    """The next ``AP-<year>-NNN``: the year the plan was agreed (the date the record is
    about), or this year when that is not given."""
    year = agreed_on.year if agreed_on else timezone.localtime(now).year
    prefix = f"AP-{year}-"
    numbers = [
        int(m.group(2))
        for ref in ActionPlan.objects.filter(reference__startswith=prefix)
        .values_list("reference", flat=True)
        if (m := PLAN_REFERENCE.match(ref))
    ]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


@transaction.atomic
def _months_errors(months) -> dict:
    if months is None or not 1 <= months <= 36:
        return {"impact_review_months": _(
            "Enter the months from sign-off to the impact review as a whole number from 1 "
            "to 36, for example 6.")}
    return {}


def plan_create(*, by, title, origin_kind, origin_reference="", owner=None, reference=None,
                status=ActionPlan.Status.ACTIVE, now=None, agreed_on=None,
                entered_after_event=False, impact_review_months=None) -> ActionPlan:
    """Create an action plan. ``reference`` is generated (``AP-2026-007``) when ``None``;
    ``owner`` defaults to ``by``. Returns the plan; raises ``PermissionDenied`` unless ``by``
    is the co-ordinator and ``ValidationError`` for a missing title, an unknown origin or a
    reference already in use. ``agreed_on`` (not in the future) gives the reference its year;
    ``entered_after_event`` marks a plan brought in from before (who, when)."""
    _require(rules.can_manage_plans(by), _("Only the co-ordinator creates action plans."))
    now = _now(now)
    if entered_after_event:
        _require(may(by, Ability.RECORD_THE_PAST),
                 _("Only the business unit records plans after the event."))
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
    if impact_review_months is None:
        impact_review_months = ActionPlan._meta.get_field("impact_review_months").default
    errors.update(_months_errors(impact_review_months))
    if agreed_on is not None and agreed_on > timezone.localtime(now).date():
        errors["agreed_on"] = _("The date the plan was agreed cannot be in the future.")
    if reference is not None:
        reference = _text(reference)
        if not reference:
            errors["reference"] = _("Give the plan a reference, or leave it to be generated.")
        elif ActionPlan.objects.filter(reference__iexact=reference).exists():
            errors["reference"] = _("There is already a plan with the reference %(ref)s.") % {
                "ref": reference}
    _raise_if(errors)
    fields = {"title": title, "origin_kind": origin_kind, "status": status,
              "origin_reference": _text(origin_reference), "owner": owner, "created_at": now,
              "agreed_on": agreed_on, "impact_review_months": impact_review_months}
    for _attempt in range(5):
        plan = ActionPlan(reference=reference or _next_plan_reference(now, agreed_on), **fields)
        if entered_after_event:
            plan.mark_entered_after_event(by=by, now=now)
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
def plan_update(*, by, plan, title, origin_kind, origin_reference, owner, status,
                impact_review_months=None) -> ActionPlan:
    """Change a plan's title, origin, owner, status or the months from an action's sign-off to
    its impact review (``None``: unchanged; reviews already scheduled keep their dates).
    Co-ordinator only. Returns the plan."""
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
    if impact_review_months is not None:
        errors.update(_months_errors(impact_review_months))
    _raise_if(errors)
    if impact_review_months is not None:
        plan.impact_review_months = impact_review_months
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
                  target_date, today, recommendation=None, themes=(), by=None,
                  entered_after_event=False) -> dict:
    """What is wrong with a new action, by field (empty when nothing is). The rules of
    :func:`action_create`; forms call it too, so every problem shows at once. A target date
    in the past is only for an action the business unit brings in after the event
    (``entered_after_event``, ``Ability.RECORD_THE_PAST``)."""
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
    elif target_date < today and not (entered_after_event and by is not None
                                      and may(by, Ability.RECORD_THE_PAST)):
        if by is not None and may(by, Ability.RECORD_THE_PAST):
            errors["target_date"] = _(
                "The target date cannot be in the past. To bring in an action agreed before, "
                "tick “Entered after the event” on the plan's “Add an action” page.")
        else:
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
                  now=None, entered_after_event=False) -> Action:
    """Add a SMART action to ``plan``, numbered next (reference ``<plan ref>-01``), with its
    original target date kept. ``title`` is an optional short label with no case detail
    (reminders and calendar feeds show it; they never show the description). Returns the
    action.

    Raises ``PermissionDenied`` unless ``by`` is the co-ordinator, and ``ValidationError``
    keyed by field for an empty action or success measure, a lead officer from another
    agency, a target date before ``today`` (unless the business unit brings the action in after
    the event: ``entered_after_event``, then marked who and when), a recommendation from
    another plan or a retired theme."""
    _require(rules.can_edit_plan(by, plan), _("Only the co-ordinator adds actions."))
    if entered_after_event:
        _require(may(by, Ability.RECORD_THE_PAST),
                 _("Only the business unit records actions after the event."))
    now = _now(now)
    themes = list(themes)
    description, success_measure = _text(description), _text(success_measure)
    _raise_if(action_errors(
        plan=plan, description=description, success_measure=success_measure,
        lead_agency=lead_agency, lead_officer=lead_officer, target_date=target_date,
        today=today, recommendation=recommendation, themes=themes, by=by,
        entered_after_event=entered_after_event))
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
    if entered_after_event:
        action.mark_entered_after_event(by=by, now=now)
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
    previous = action.lead_officer
    action.lead_agency, action.lead_officer = lead_agency, lead_officer
    action.recommendation = recommendation
    _save_action(action, by=by, seen_version=seen)
    action.themes.set(themes)
    signals.send("updated", action=action, by=by)
    if previous is not None and previous.pk != lead_officer.pk:
        signals.send("reassigned", action=action, by=by, previous_officer=previous, reason="")
    return action



def plan_follow_owner_reference(*, plan: ActionPlan | None, old: str, new: str, by) -> None:
    """The record that owns ``plan`` (a case, a review, an audit) was renumbered from ``old``
    to ``new`` (README "References and past records"): a plan named after it
    (``AP-<old>``) becomes ``AP-<new>`` and its actions' references follow; a plan that names
    it as its origin names the new reference. The old ones stay in the history."""
    if plan is None:
        return
    changed = False
    if plan.origin_reference == old:
        plan.origin_reference = new
        changed = True
    old_prefix = plan.reference
    renamed = plan.reference.startswith(f"AP-{old}")
    if renamed:
        plan.reference = plan.reference.replace(f"AP-{old}", f"AP-{new}", 1)
        changed = True
    if changed:
        plan._history_user = by
        plan.save()
    if not renamed:
        return
    for action in Action.objects.filter(plan=plan).order_by("number"):
        if action.reference.startswith(old_prefix):
            action.reference = plan.reference + action.reference[len(old_prefix):]
            action._history_user = by
            action.save(update_fields=["reference"])
