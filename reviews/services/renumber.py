"""References take their year from the date the record is about: a case from the day its
referral was received, a practice review from the decision to initiate (an action plan from
the day it was agreed, ``actions.services.plans``). When that date is corrected into another
year, the record is renumbered in that year, and the action plan it owns (``AP-<ref>``) and
that plan's actions (``AP-<ref>-01``) follow. The old reference stays in the record's change
history, and a case is still found by it (:func:`reviews.selectors.case_links`)."""

from __future__ import annotations

from django.db.models import Max

from actions import services as action_services
from actions.models import ActionPlan
from reviews.models import REVIEW_PREFIX, Case, PracticeReview
from reviews.services._common import _with_number


def _rename_plan(plan: ActionPlan | None, old: str, new: str, by) -> None:
    """``AP-<old>`` becomes ``AP-<new>``; its actions' references follow (the rule lives in
    ``actions.services.plan_follow_owner_reference``, shared with audits)."""
    action_services.plan_follow_owner_reference(plan=plan, old=old, new=new, by=by)


def case_renumber_for_year(case: Case, by) -> bool:
    """Give ``case`` the next reference of its received year when its reference is of another
    year. Returns whether it changed."""
    year = case.referral_received_on.year
    if case.reference_year == year:
        return False
    old = case.reference
    case.reference_year = year
    _with_number(
        case, by,
        next_number=lambda: (Case.objects.filter(reference_year=year)
                             .aggregate(n=Max("reference_number"))["n"] or 0) + 1,
        build_reference=lambda n: f"SLPR-{year}-{n:03d}",
    )
    rr = getattr(case, "rapid_review", None)
    _rename_plan(rr.action_plan if rr is not None else None, old, case.reference, by)
    return True


def review_renumber_for_year(review: PracticeReview, by) -> bool:
    """Give ``review`` the next reference of its decision's year when its reference is of
    another year. Returns whether it changed."""
    year = review.decision_date.year
    if review.reference_year == year:
        return False
    old, kind = review.reference, review.kind
    prefix = REVIEW_PREFIX[kind]
    review.reference_year = year
    _with_number(
        review, by,
        next_number=lambda: (PracticeReview.objects.filter(kind=kind, reference_year=year)
                             .aggregate(n=Max("reference_number"))["n"] or 0) + 1,
        build_reference=lambda n: f"{prefix}-{year}-{n:02d}",
    )
    _rename_plan(review.action_plan, old, review.reference, by)
    return True
