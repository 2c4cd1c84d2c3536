"""Impact reviews: scheduled when an action is signed off, evidenced by the lead agency,
rated by the co-ordinator or the chair for the SLPR group.

Every step is a timeline entry on the action (a ``ProgressUpdate``: kind impact for evidence,
kind decision for the schedule and the rating), so the action's page tells the whole story;
the records themselves keep their history (django-simple-history).

* :func:`impact_review_schedule` runs inside ``action_sign_off``: the first review is due
  the plan's ``impact_review_months`` after the sign-off day.
* :func:`impact_review_set`: the co-ordinator moves the date, or marks the review not needed
  with a reason (a purely administrative action), or schedules it again.
* :func:`impact_evidence_add`: the lead agency (or the co-ordinator) adds evidence with
  optional figures and files (the ordinary upload checks and virus scan).
* :func:`impact_rate`: evident / partly evident end the question; "not yet evident"
  schedules the next review; "not evident" opens a linked follow-up action or reopens the
  plan, with a reason.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import (
    Action,
    ActionPlan,
    EvidenceKind,
    ImpactEvidence,
    ImpactRating,
    ImpactReview,
    ProgressUpdate,
    Rating,
)
from actions.services._common import _now, _raise_if, _require, _text
from actions.services.progress import _check_files, _remove_stored, _store_files
from scsp.permissions import Ability, may

#: The longest a review may be put off, in months from today.
MAX_MONTHS_AHEAD = 36


def _day(value: dt.date) -> str:
    return value.strftime("%-d %B %Y")


def _entry(*, action, by, now, note, kind=ProgressUpdate.Kind.DECISION) -> ProgressUpdate:
    return ProgressUpdate.objects.create(action=action, author=by, created_at=now, note=note,
                                         kind=kind)


def impact_review_schedule(*, action: Action, by, now: dt.datetime,
                           signed_on: dt.date | None = None) -> ImpactReview:
    """Schedule the first impact review of ``action`` (just signed off): due the plan's
    ``impact_review_months`` after the sign-off day (``signed_on``: a past day when the
    sign-off is entered after the event; today by default). Called by ``action_sign_off`` in
    its transaction; not a step of its own."""
    signed_on = signed_on or timezone.localtime(now).date()
    months = action.plan.impact_review_months
    review = ImpactReview(action=action, number=1,
                          due_on=signed_on + relativedelta(months=months),
                          scheduled_at=now, scheduled_by=by)
    review._history_user = by
    review.save()
    _entry(action=action, by=by, now=now, note=_(
        "Impact review scheduled for %(day)s (%(months)s months after sign-off).") % {
        "day": _day(review.due_on), "months": months})
    return review


def _check_due(due_on, today, field="due_on") -> dict:
    if due_on is None:
        return {field: _("Enter the date of the impact review.")}
    if due_on < today:
        return {field: _("The impact review date must be today or in the future.")}
    if due_on > today + relativedelta(months=MAX_MONTHS_AHEAD):
        return {field: _("The impact review date must be within %(n)s months of today.")
                % {"n": MAX_MONTHS_AHEAD}}
    return {}


@transaction.atomic
def impact_review_set(*, by, review: ImpactReview, today: dt.date, due_on=None,
                      not_needed=False, reason="", now=None) -> ImpactReview:
    """The co-ordinator's say on one review: a new date (``due_on``, schedules it again if it
    was marked not needed), or ``not_needed`` with a ``reason``. A rated review is closed."""
    _require(may(by, Ability.SCHEDULE_IMPACT_REVIEWS),
             _("Only the co-ordinator sets impact review dates."))
    review = ImpactReview.objects.select_for_update().select_related("action").get(pk=review.pk)
    if review.status == ImpactReview.Status.RATED:
        raise ValidationError(_("This impact review has been rated; it can no longer change."))
    now = _now(now)
    reason = _text(reason)
    if not_needed:
        if not reason:
            raise ValidationError({"reason": _(
                "Say why no impact review is needed, for example that the action was purely "
                "administrative.")})
        review.status = ImpactReview.Status.NOT_NEEDED
        review.not_needed_reason = reason
        note = _("No impact review needed: %(reason)s") % {"reason": reason}
    else:
        _raise_if(_check_due(due_on, today))
        old = review.due_on
        review.status = ImpactReview.Status.SCHEDULED
        review.not_needed_reason = ""
        review.due_on = due_on
        note = _("Impact review date set to %(day)s (was %(old)s).") % {
            "day": _day(due_on), "old": _day(old)}
        if reason:
            note = f"{note} {reason}"
    review._history_user = by
    review.save()
    _entry(action=review.action, by=by, now=now, note=note)
    return review


@transaction.atomic
def impact_evidence_add(*, by, review: ImpactReview, kind, summary, measure="", before="",
                        after="", period="", files=(), now=None) -> ImpactEvidence:
    """Add evidence to a review that is due: agency staff of the action's lead agency, or the
    business unit. ``before``/``after`` need a ``measure``. Files go through the upload
    checks and the virus scan, as all evidence does."""
    review = (ImpactReview.objects.evidence_addable_by(by).select_for_update()
              .select_related("action").filter(pk=review.pk).first())
    _require(review is not None, _("Only the action's lead agency (or the co-ordinator) adds "
                                   "impact evidence."))
    if review.status != ImpactReview.Status.SCHEDULED:
        raise ValidationError(_("This impact review is %(status)s; it takes no more evidence.")
                              % {"status": review.get_status_display().lower()})
    now = _now(now)
    summary, measure = _text(summary), _text(measure)
    before, after, period = _text(before), _text(after), _text(period)
    errors = {}
    if kind not in EvidenceKind.values:
        errors["kind"] = _("Choose the kind of evidence.")
    if not summary:
        errors["summary"] = _("Summarise the evidence: what it shows about practice and "
                              "about children and families.")
    if (before or after) and not measure:
        errors["measure"] = _("Say what the figures measure, for example “% of strategy "
                              "discussions held within 1 working day”.")
    if kind == EvidenceKind.DATA_TREND and not (before and after):
        if not before:
            errors["before"] = _("Enter the figure before the action, for a data trend.")
        if not after:
            errors["after"] = _("Enter the figure after the action, for a data trend.")
    try:
        checked = _check_files(files)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    _raise_if(errors)
    action = review.action
    label = EvidenceKind(kind).label
    note = f"{label}: {summary}"
    if measure:
        note += "\n" + _("%(measure)s: before %(before)s, after %(after)s%(period)s") % {
            "measure": measure, "before": before or "—", "after": after or "—",
            "period": f" ({period})" if period else ""}
    update = _entry(action=action, by=by, now=now, note=note, kind=ProgressUpdate.Kind.IMPACT)
    evidence = ImpactEvidence(review=review, update=update, kind=kind, summary=summary,
                              measure=measure, before=before, after=after, period=period,
                              added_by=by, added_at=now)
    evidence._history_user = by
    evidence.save()
    stored: list[str] = []
    try:
        _store_files(action=action, update=update, checked=checked, by=by, now=now,
                     stored=stored)
    except BaseException:
        _remove_stored(stored)
        raise
    return evidence


def _follow_up(*, by, action: Action, description, success_measure, target_date, today,
               now) -> Action:
    plan = ActionPlan.objects.select_for_update().get(pk=action.plan_id)
    number = (plan.actions.aggregate(n=Max("number"))["n"] or 0) + 1
    follow = Action(
        plan=plan, recommendation=action.recommendation, number=number,
        reference=f"{plan.reference}-{number:02d}", title=action.title,
        description=description, success_measure=success_measure,
        lead_agency=action.lead_agency, lead_officer=action.lead_officer,
        target_date=target_date, original_target_date=target_date, created_by=by,
        created_at=now)
    follow._history_user = by
    follow.save()
    follow.themes.set(action.themes.all())
    if plan.status == ActionPlan.Status.CLOSED:
        plan.status = ActionPlan.Status.ACTIVE
        plan._history_user = by
        plan.save(update_fields=["status"])
    return follow


@transaction.atomic
def impact_rate(*, by, review: ImpactReview, rating, rationale, meeting_date, today: dt.date,
                next_due_on=None, consequence="", reason="", follow_up_description="",
                follow_up_success_measure="", follow_up_target_date=None,
                now=None) -> ImpactRating:
    """Record the SLPR group's judgement on a review that is due (the co-ordinator or the
    chair). "Not yet evident" needs ``next_due_on`` (the next review is scheduled); "not
    evident" needs a ``consequence`` ("follow_up" with the follow-up action's description,
    success measure and target date, or "reopen_plan" for a closed plan) and a ``reason``."""
    _require(may(by, Ability.RATE_IMPACT),
             _("Only the co-ordinator or the chair records impact ratings."))
    review = (ImpactReview.objects.visible_to(by).select_for_update()
              .select_related("action", "action__plan").get(pk=review.pk))
    if review.status != ImpactReview.Status.SCHEDULED:
        raise ValidationError(_("This impact review is %(status)s; it cannot be rated now.")
                              % {"status": review.get_status_display().lower()})
    now = _now(now)
    rationale, reason = _text(rationale), _text(reason)
    errors = {}
    if rating not in Rating.values:
        errors["rating"] = _("Choose the SLPR group's rating.")
    if not rationale:
        errors["rationale"] = _("Give the rationale: what in the evidence led to the rating.")
    if meeting_date is None:
        errors["meeting_date"] = _("Enter the date of the SLPR meeting that judged it.")
    elif meeting_date > today:
        errors["meeting_date"] = _("The meeting date must be today or in the past.")
    action = review.action
    if rating == Rating.NOT_YET:
        errors.update(_check_due(next_due_on, today, field="next_due_on"))
        if next_due_on is not None and next_due_on == today and "next_due_on" not in errors:
            errors["next_due_on"] = _("The next impact review must be after today.")
    if rating == Rating.NOT_EVIDENT:
        if consequence not in (ImpactRating.Consequence.FOLLOW_UP,
                               ImpactRating.Consequence.REOPEN_PLAN):
            errors["consequence"] = _("Choose what follows: a follow-up action, or reopen "
                                      "the plan.")
        if not reason:
            errors["reason"] = _("Give the reason for what follows.")
        if consequence == ImpactRating.Consequence.FOLLOW_UP:
            if not _text(follow_up_description):
                errors["follow_up_description"] = _("Describe the follow-up action.")
            if not _text(follow_up_success_measure):
                errors["follow_up_success_measure"] = _(
                    "Give the follow-up action's success measure.")
            if follow_up_target_date is None:
                errors["follow_up_target_date"] = _("Enter the follow-up action's target date.")
            elif follow_up_target_date < today:
                errors["follow_up_target_date"] = _("The target date must be today or later.")
            if not action.lead_officer.is_active:
                errors["consequence"] = _(
                    "The action's lead officer can no longer sign in: the co-ordinator "
                    "reassigns it first, or reopen the plan instead.")
        if (consequence == ImpactRating.Consequence.REOPEN_PLAN
                and action.plan.status != ActionPlan.Status.CLOSED):
            errors["consequence"] = _("The plan is still open, so it cannot be reopened: "
                                      "open a follow-up action instead.")
    _raise_if(errors)

    label = Rating(rating).label
    note = _("SLPR group's rating (meeting of %(day)s): %(rating)s. %(rationale)s") % {
        "day": _day(meeting_date), "rating": label, "rationale": rationale}
    fields = {"consequence": "", "consequence_reason": ""}
    if rating == Rating.NOT_YET:
        nxt = ImpactReview(action=action, number=review.number + 1, due_on=next_due_on,
                           scheduled_at=now, scheduled_by=by)
        fields.update(consequence=ImpactRating.Consequence.NEXT_REVIEW, next_review=nxt)
        note += " " + _("Next impact review: %(day)s.") % {"day": _day(next_due_on)}
    elif rating == Rating.NOT_EVIDENT:
        fields.update(consequence=consequence, consequence_reason=reason)
        if consequence == ImpactRating.Consequence.FOLLOW_UP:
            follow = _follow_up(by=by, action=action,
                                description=_text(follow_up_description),
                                success_measure=_text(follow_up_success_measure),
                                target_date=follow_up_target_date, today=today, now=now)
            fields["follow_up_action"] = follow
            note += " " + _("Follow-up action %(ref)s opened: %(reason)s") % {
                "ref": follow.reference, "reason": reason}
        else:
            plan = action.plan
            plan.status = ActionPlan.Status.ACTIVE
            plan._history_user = by
            plan.save(update_fields=["status"])
            note += " " + _("Action plan %(ref)s reopened: %(reason)s") % {
                "ref": plan.reference, "reason": reason}
    review.status = ImpactReview.Status.RATED
    review._history_user = by
    review.save()
    if rating == Rating.NOT_YET:
        fields["next_review"]._history_user = by
        fields["next_review"].save()
    update = _entry(action=action, by=by, now=now, note=note)
    record = ImpactRating(review=review, update=update, rating=rating, rationale=rationale,
                          meeting_date=meeting_date, rated_by=by, rated_at=now, **fields)
    record._history_user = by
    record.save()
    return record

