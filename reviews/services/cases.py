"""Cases: logging notifications and referrals, their dates and children, and the status a
case takes from its Rapid Review, referral decision and practice reviews."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews import clocks
from reviews.models import (
    MAX_CHILDREN,
    Case,
    CaseHarm,
    CaseStatus,
    Child,
    HarmCategory,
    RapidReview,
    RapidReviewDecision,
    ReviewStatus,
    Route,
    SpotlightReferral,
)
from reviews.services._common import (
    _add,
    _d,
    _not_future,
    _raise_if,
    _rr_plan,
    _save,
    _text,
    _with_number,
)
from reviews.services.renumber import case_renumber_for_year
from scsp.audit import Kind, record_access
from scsp.permissions import Ability, may, require
from scsp.workdays import WorkingCalendar, calendar

CASE_REFERENCE = re.compile(r"^SLPR-(\d{4})-(\d{3,4})$")


def validate_case_dates(*, route, incident_date, became_aware_on, notification_submitted_on,
                        referral_received_on, late_notification_reason, today,
                        cal: WorkingCalendar) -> dict:
    """The date rules of a case (DOMAIN.md section 1). Returns errors keyed by field."""
    errors: dict = {}
    _not_future(errors, "incident_date", incident_date, today, _("The incident date"))
    _not_future(errors, "became_aware_on", became_aware_on, today,
                _("The date the local authority became aware"))
    _not_future(errors, "notification_submitted_on", notification_submitted_on, today,
                _("The date the notification was submitted"))
    _not_future(errors, "referral_received_on", referral_received_on, today,
                _("The date the referral was received"))
    if referral_received_on is None:
        _add(errors, "referral_received_on",
             _("Give the date the business unit received the referral."))
    if route == Route.NOTIFICATION and became_aware_on is None:
        _add(errors, "became_aware_on",
             _("Give the date the local authority became aware: the notification deadline "
               "counts from it."))
    if route == Route.REFERRAL and notification_submitted_on is not None:
        _add(errors, "notification_submitted_on",
             _("A partner referral has no notification date. If the case was notified to "
               "the Panel, choose the notification route."))
    if incident_date and became_aware_on and became_aware_on < incident_date:
        _add(errors, "became_aware_on",
             _("The local authority cannot have become aware (%(aware)s) before the incident "
               "(%(incident)s).") % {"aware": _d(became_aware_on), "incident": _d(incident_date)})
    if became_aware_on and notification_submitted_on and notification_submitted_on < became_aware_on:
        _add(errors, "notification_submitted_on",
             _("The notification (%(notified)s) cannot be before the local authority became "
               "aware (%(aware)s).")
             % {"notified": _d(notification_submitted_on), "aware": _d(became_aware_on)})
    if incident_date and referral_received_on and referral_received_on < incident_date:
        _add(errors, "referral_received_on",
             _("The referral cannot have been received (%(received)s) before the incident "
               "(%(incident)s).") % {"received": _d(referral_received_on),
                                     "incident": _d(incident_date)})
    if (route == Route.NOTIFICATION and "notification_submitted_on" not in errors
            and clocks.notification_is_late(became_aware_on, notification_submitted_on, cal)
            and not _text(late_notification_reason)):
        due = clocks.notification_due(became_aware_on, cal)
        _add(errors, "late_notification_reason",
             _("The notification was made on %(notified)s, after its deadline of %(due)s "
               "(5 working days after the local authority became aware). Say why it was late.")
             % {"notified": _d(notification_submitted_on), "due": _d(due)})
    return errors


def _validate_children(children: list[dict]) -> dict:
    errors: dict = {}
    if not children:
        _add(errors, "children", _("Add at least one child (a pseudonym is enough)."))
    if len(children) > MAX_CHILDREN:
        _add(errors, "children",
             _("A case covers at most %(n)d children; this one has %(count)d. Log a separate "
               "case for the others.") % {"n": MAX_CHILDREN, "count": len(children)})
    seen = set()
    for row in children:
        name = _text(row.get("pseudonym"))
        if not name:
            _add(errors, "children", _("Every child needs a pseudonym, such as “Child 4”."))
        elif name.lower() in seen:
            _add(errors, "children", _("Two children have the pseudonym “%(name)s”.")
                 % {"name": name})
        seen.add(name.lower())
    return errors


def _validate_case_fields(*, route, referring_agency, incident_type, case_outline, agencies,
                          harm_categories) -> dict:
    errors: dict = {}
    if route not in Route.values:
        _add(errors, "route", _("Choose how the case reached the business unit."))
    if route == Route.REFERRAL and referring_agency is None:
        _add(errors, "referring_agency", _("Choose the agency making the referral."))
    if not incident_type:
        _add(errors, "incident_type", _("Choose the type of incident."))
    if not _text(case_outline):
        _add(errors, "case_outline", _("Give a short outline of the case."))
    if not agencies:
        _add(errors, "agencies_involved", _("Choose at least one agency involved."))
    unknown = set(harm_categories) - set(HarmCategory.values)
    if unknown:
        _add(errors, "harm_categories", _("Unknown harm category."))
    return errors


def _set_children(case: Case, children: list[dict], by) -> None:
    """Write the children in order: rows with the ``id`` of one of this case's children
    update it, other rows create a child, and children not in the list are removed."""
    existing = {child.pk: child for child in case.children.all()}
    rows = [row for row in children if _text(row.get("pseudonym"))]
    kept = {row.get("id") for row in rows if row.get("id") in existing}
    for pk, child in existing.items():
        if pk not in kept:
            child._history_user = by
            child.delete()
    # Existing children keep their relative order (the form cannot reorder them), so
    # renumbering upwards from 1 never lands on a position another child still holds.
    old = sorted((row for row in rows if row.get("id") in kept),
                 key=lambda row: existing[row["id"]].position)
    new = [row for row in rows if row.get("id") not in kept]
    for index, row in enumerate(old + new, start=1):
        child = existing.get(row.get("id")) if row.get("id") in kept else Child(case=case)
        child.position = index
        child.pseudonym = _text(row["pseudonym"])
        for field in ("age_band", "sex", "ethnicity", "disability", "legal_status"):
            setattr(child, field, row.get(field) or "")
        _save(child, by)
        child.agencies_known_to.set(row.get("agencies_known_to") or [])


def _set_harms(case: Case, categories: Iterable[str]) -> None:
    wanted = set(categories)
    case.harms.exclude(category__in=wanted).delete()
    have = set(case.harms.values_list("category", flat=True))
    CaseHarm.objects.bulk_create(
        [CaseHarm(case=case, category=c) for c in sorted(wanted - have)]
    )


@transaction.atomic
def case_create(*, by, route, today, referral_received_on, incident_type, case_outline,
                agencies_involved, children, incident_date=None, became_aware_on=None,
                notification_submitted_on=None, late_notification_reason="",
                referral_reason="", referring_agency=None, location="in_area",
                police_investigation="unknown", immediate_safeguarding_actions="",
                harm_categories=(), themes=(), reference=None, entered_after_event=False,
                cal: WorkingCalendar | None = None) -> Case:
    """Log a serious incident notification (co-ordinator) or a partner referral (co-ordinator
    or an agency safeguarding lead, for their own agency). A notification gets its Rapid
    Review and that review's action plan at once. ``reference`` keeps the reference of a case
    brought over from earlier records (``SLPR-2022-004``); otherwise the next one of the year
    the referral was received is given. Returns the case.

    Raises ``PermissionDenied`` for anyone else, ``ValidationError`` by field for bad dates
    (see :func:`validate_case_dates`), a missing outline, agency or child, or more than 4
    children."""
    if route == Route.NOTIFICATION:
        require(by, Ability.LOG_NOTIFICATIONS, _("Only the business unit logs notifications."))
    else:
        require(by, Ability.REFER_CASES,
                _("Referrals are made by an agency's safeguarding lead or the business unit."))
        if not may(by, Ability.LOG_NOTIFICATIONS):
            # An agency lead refers for their own agency, received today.
            referring_agency = by.agency
            referral_received_on = today
    cal = cal or calendar()
    agencies = list(agencies_involved)
    if route == Route.REFERRAL and referring_agency and referring_agency not in agencies:
        agencies.append(referring_agency)
    children = list(children)
    errors = _validate_case_fields(
        route=route, referring_agency=referring_agency, incident_type=incident_type,
        case_outline=case_outline, agencies=agencies, harm_categories=harm_categories,
    )
    errors.update(validate_case_dates(
        route=route, incident_date=incident_date, became_aware_on=became_aware_on,
        notification_submitted_on=notification_submitted_on,
        referral_received_on=referral_received_on,
        late_notification_reason=late_notification_reason, today=today, cal=cal,
    ))
    for key, value in _validate_children(children).items():
        errors.setdefault(key, []).extend(value)
    number = None
    if reference is not None:
        match = CASE_REFERENCE.match(reference or "")
        if not match:
            _add(errors, "reference", _("A case reference looks like SLPR-2026-004."))
        elif Case.objects.filter(reference=reference).exists():
            _add(errors, "reference", _("%(ref)s is already in use.") % {"ref": reference})
        elif referral_received_on and int(match.group(1)) != referral_received_on.year:
            _add(errors, "reference", _("The reference's year must be the year the referral "
                                        "was received."))
        else:
            number = int(match.group(2))
    _raise_if(errors)

    year = referral_received_on.year
    case = Case(
        reference_year=year, route=route,
        status=CaseStatus.RAPID_REVIEW if route == Route.NOTIFICATION
        else CaseStatus.AWAITING_DECISION,
        referring_agency=referring_agency, incident_date=incident_date,
        became_aware_on=became_aware_on, notification_submitted_on=notification_submitted_on,
        referral_received_on=referral_received_on,
        late_notification_reason=_text(late_notification_reason),
        referral_reason=_text(referral_reason), incident_type=incident_type, location=location,
        case_outline=_text(case_outline), police_investigation=police_investigation,
        immediate_safeguarding_actions=_text(immediate_safeguarding_actions), created_by=by,
    )
    if entered_after_event:
        require(by, Ability.RECORD_THE_PAST,
                _("Only the business unit records cases after the event."))
        case.mark_entered_after_event(by=by, now=timezone.now())
    _with_number(
        case, by,
        next_number=lambda: number or (Case.objects.filter(reference_year=year)
                                       .aggregate(n=Max("reference_number"))["n"] or 0) + 1,
        build_reference=lambda n: f"SLPR-{year}-{n:03d}",
    )
    case.agencies_involved.set(agencies)
    case.themes.set(list(themes))
    _set_harms(case, harm_categories)
    _set_children(case, children, by)
    if route == Route.NOTIFICATION:
        _start_rapid_review(case, by)
    return case


def _start_rapid_review(case: Case, by) -> RapidReview:
    rr = RapidReview(case=case, action_plan=_rr_plan(case, by))
    _save(rr, by)
    return rr


@transaction.atomic
def case_update(*, by, case, today, referral_received_on, incident_type, case_outline,
                agencies_involved, route=None, incident_date=None, became_aware_on=None,
                notification_submitted_on=None, late_notification_reason="",
                referral_reason="", referring_agency=None, location="in_area",
                police_investigation="unknown", immediate_safeguarding_actions="",
                harm_categories=(), themes=(), cal: WorkingCalendar | None = None) -> Case:
    """Change a case's details (co-ordinator only). A partner referral changed to a
    notification gets its Rapid Review. Returns the case; raises as :func:`case_create`."""
    require(by, Ability.MANAGE_REVIEWS, _("Only the business unit changes cases."))
    cal = cal or calendar()
    route = route or case.route
    if route == Route.REFERRAL and case.route == Route.NOTIFICATION:
        raise ValidationError({"route": _(
            "A notified case keeps its Rapid Review and cannot become a partner referral.")})
    agencies = list(agencies_involved)
    errors = _validate_case_fields(
        route=route, referring_agency=referring_agency, incident_type=incident_type,
        case_outline=case_outline, agencies=agencies, harm_categories=harm_categories,
    )
    errors.update(validate_case_dates(
        route=route, incident_date=incident_date, became_aware_on=became_aware_on,
        notification_submitted_on=notification_submitted_on,
        referral_received_on=referral_received_on,
        late_notification_reason=late_notification_reason, today=today, cal=cal,
    ))
    _raise_if(errors)
    became_notification = route == Route.NOTIFICATION and case.route == Route.REFERRAL
    case.route = route
    case.referring_agency = referring_agency
    case.incident_date, case.became_aware_on = incident_date, became_aware_on
    case.notification_submitted_on = notification_submitted_on
    case.referral_received_on = referral_received_on
    case.late_notification_reason = _text(late_notification_reason)
    case.referral_reason = _text(referral_reason)
    case.incident_type, case.location = incident_type, location
    case.case_outline = _text(case_outline)
    case.police_investigation = police_investigation
    case.immediate_safeguarding_actions = _text(immediate_safeguarding_actions)
    if not case_renumber_for_year(case, by):
        _save(case, by)
    case.agencies_involved.set(agencies)
    case.themes.set(list(themes))
    _set_harms(case, harm_categories)
    if became_notification and not RapidReview.objects.filter(case=case).exists():
        _start_rapid_review(case, by)
    case_refresh_status(case=case, by=by)
    return case


@transaction.atomic
def case_set_children(*, by, case, children: list[dict]) -> list[Child]:
    """Replace the list of children (1 to 4, each with a pseudonym). Rows with an ``id``
    update that child. Returns the children in order."""
    require(by, Ability.MANAGE_REVIEWS, _("Only the business unit changes cases."))
    children = [row for row in children if _text(row.get("pseudonym")) or row.get("id")]
    _raise_if(_validate_children(children))
    _set_children(case, children, by)
    return list(case.children.order_by("position"))


def case_refresh_status(*, case, by=None) -> str:
    """Work out and store the case's status from its Rapid Review, referral decision and
    practice reviews. Returns the status."""
    reviews = list(case.practice_reviews.all())
    open_reviews = any(r.status != ReviewStatus.COMPLETED for r in reviews)
    if open_reviews:
        status = CaseStatus.IN_REVIEW
    elif case.route == Route.NOTIFICATION:
        rr = RapidReview.objects.filter(case=case).first()
        if rr is None or not rr.decision:
            status = CaseStatus.RAPID_REVIEW
        elif rr.decision == RapidReviewDecision.NATIONAL:
            status = CaseStatus.NATIONAL_REVIEW
        else:
            status = CaseStatus.CLOSED
    else:
        decision = SpotlightReferral.objects.filter(case=case).first()
        status = CaseStatus.CLOSED if (decision or reviews) else CaseStatus.AWAITING_DECISION
    if status != case.status:
        case.status = status
        case._history_user = by
        case.save(update_fields=["status"])
    return status


@transaction.atomic
def case_set_legal_hold(*, by, case: Case, hold: bool, reason: str, now,
                        request=None) -> Case:
    """Put ``case`` on legal hold (its records are kept past every retention period) or lift
    the hold, with the reason: the case's history keeps both, and the access log records who
    did it (not the reason)."""
    require(by, Ability.PLACE_LEGAL_HOLD)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    if case.legal_hold == hold:
        raise ValidationError(_("%(ref)s is already %(state)s.") % {
            "ref": case.reference,
            "state": _("on legal hold") if hold else _("not on legal hold")})
    case.legal_hold = hold
    case.legal_hold_reason = reason
    case.legal_hold_since = now if hold else None
    case._change_reason = reason
    case.save(update_fields=["legal_hold", "legal_hold_reason", "legal_hold_since"])
    record_access(user=by, kind=Kind.LEGAL_HOLD, obj=case,
                  detail="legal hold set" if hold else "legal hold lifted", request=request)
    return case
