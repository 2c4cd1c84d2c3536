"""What every review service shares: date and error helpers, reference numbering, the action
plans reviews own and the statutory partners who sign off. Who may take which step is the role
table's business (``scsp.permissions``)."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from actions import services as action_services
from actions.models import OriginKind
from reviews.models import (
    Case,
    LocalRoute,
    PracticeReview,
    RapidReviewDecision,
    ReferralDecision,
    ReviewKind,
)
from scsp.models import Agency

log = logging.getLogger(__name__)


RR_DECISION_REVIEW = {
    (RapidReviewDecision.LCSPR, ""): ReviewKind.LCSPR,
    (RapidReviewDecision.LOCAL_ROUTE, LocalRoute.TABLETOP): ReviewKind.TABLETOP,
    (RapidReviewDecision.LOCAL_ROUTE, LocalRoute.SPOTLIGHT): ReviewKind.SPOTLIGHT,
    (RapidReviewDecision.LOCAL_ROUTE, LocalRoute.LEARNING_BRIEFING): ReviewKind.LEARNING_BRIEFING,
}


REFERRAL_DECISION_REVIEW = {
    ReferralDecision.LEARNING_BRIEFING: ReviewKind.LEARNING_BRIEFING,
    ReferralDecision.SPOTLIGHT: ReviewKind.SPOTLIGHT,
}


PLAN_ORIGIN = {
    ReviewKind.LCSPR: OriginKind.LCSPR,
    ReviewKind.SPOTLIGHT: OriginKind.SPOTLIGHT,
    ReviewKind.TABLETOP: OriginKind.TABLETOP,
    ReviewKind.LEARNING_BRIEFING: OriginKind.LEARNING_BRIEFING,
}


def _raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _text(value) -> str:
    return (value or "").strip()


def _d(day: dt.date) -> str:
    return date_format(day, "j F Y")


def _add(errors: dict, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _not_future(errors: dict, field: str, value, today: dt.date, what: str) -> None:
    if value is not None and value > today:
        _add(errors, field, _("%(what)s cannot be in the future (%(date)s).")
             % {"what": what, "date": _d(value)})


def _save(obj, by) -> None:
    obj._history_user = by
    obj.save()


def new_version(rr, by, now=None) -> None:
    """The Rapid Review's content changed: a new version, so every sign-off given for an
    earlier one is asked again (``SignOff.is_current``)."""
    from django.utils import timezone

    rr.version_at = now or timezone.now()
    _save(rr, by)


def _with_number(obj, by, *, next_number, build_reference) -> None:
    """Save ``obj`` with the next free reference number; retry if someone took it first."""
    for _attempt in range(5):
        obj.reference_number = next_number()
        obj.reference = build_reference(obj.reference_number)
        try:
            with transaction.atomic():
                _save(obj, by)
            return
        except IntegrityError:
            log.info("reference %s taken; trying the next number", obj.reference)
    raise ValidationError(_("Could not number the record; please try again."))


def statutory_partners():
    """The safeguarding partners who sign off a Rapid Review (statutory agencies)."""
    return Agency.objects.active().filter(kind=Agency.Kind.STATUTORY).order_by("name")


def _rr_plan(case: Case, by):
    """The Rapid Review's action plan, referenced after the case (AP-SLPR-2026-004)."""
    return action_services.plan_create(
        by=by, title=_("Rapid Review %(ref)s") % {"ref": case.reference},
        origin_kind=OriginKind.RAPID_REVIEW, origin_reference=case.reference,
        reference=f"AP-{case.reference}",
    )


def _review_plan(review: PracticeReview, by):
    return action_services.plan_create(
        by=by, title=review.title, origin_kind=PLAN_ORIGIN[review.kind],
        origin_reference=review.reference, reference=f"AP-{review.reference}",
    )


def _default_title(kind, case) -> str:
    return _("%(kind)s: %(ref)s (%(children)s)") % {
        "kind": ReviewKind(kind).label, "ref": case.reference,
        "children": ", ".join(case.children.values_list("pseudonym", flat=True))}
