"""Every write to cases, children, Rapid Reviews, referral decisions and practice reviews.

Each service is atomic, takes keyword arguments only, checks who is acting
(``PermissionDenied``) and what they asked for (``ValidationError``, keyed by field where it is
about a field), and changes nothing when it refuses. Dates that matter come in as ``today``;
working-day rules use the calendar passed as ``cal`` (built with ``scsp.workdays.calendar()``
when not given).

Action plans belong to the ``actions`` app: a Rapid Review and each practice review own one,
created here through ``actions.services``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from actions import services as action_services
from actions.models import OriginKind
from actions.uploads import check_upload
from reviews import clocks
from reviews.models import (
    MAX_CHILDREN,
    REVIEW_PREFIX,
    AgencySummary,
    Attendance,
    Attendee,
    BriefingFile,
    Case,
    CaseHarm,
    CaseStatus,
    Child,
    HarmCategory,
    LocalRoute,
    PracticeReview,
    ProgressCheck,
    PublicationOutcome,
    RapidReview,
    RapidReviewDecision,
    ReferralDecision,
    ReviewKind,
    ReviewStage,
    ReviewStatus,
    Route,
    SignOff,
    SpotlightReferral,
    StageKey,
)
from reviews.stages import default_stages
from scsp.models import Agency
from scsp.workdays import WorkingCalendar, calendar

log = logging.getLogger(__name__)

CASE_REFERENCE = re.compile(r"^SLPR-(\d{4})-(\d{3,4})$")

#: Which practice review a decision starts.
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


# --- helpers ------------------------------------------------------------------------------------


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _coordinator(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_coordinator)


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


# --- Cases --------------------------------------------------------------------------------------


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
                harm_categories=(), themes=(), reference=None,
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
        _require(_coordinator(by), _("Only the business unit logs notifications."))
    else:
        _require(can_refer(by),
                 _("Referrals are made by an agency's safeguarding lead or the business unit."))
        if not _coordinator(by):
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
    _require(_coordinator(by), _("Only the business unit changes cases."))
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
    _require(_coordinator(by), _("Only the business unit changes cases."))
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


# --- Rapid Reviews ------------------------------------------------------------------------------


@transaction.atomic
def rr_update(*, by, rr, today, meeting_date=None, facts_and_chronology="",
              key_practice_episodes="", good_practice="", immediate_safeguarding_actions="",
              learning_single_agency="", learning_multi_agency="", context="") -> RapidReview:
    """Record the panel meeting date (it may be planned ahead) and the Rapid Review's
    sections. Returns the Rapid Review."""
    _require(_coordinator(by), _("Only the business unit records Rapid Reviews."))
    errors: dict = {}
    case = rr.case
    if meeting_date and meeting_date < case.referral_received_on:
        _add(errors, "meeting_date",
             _("The panel cannot meet (%(meeting)s) before the referral was received "
               "(%(received)s).") % {"meeting": _d(meeting_date),
                                     "received": _d(case.referral_received_on)})
    if rr.decided_on and meeting_date and meeting_date > rr.decided_on:
        _add(errors, "meeting_date",
             _("The decision was recorded on %(decided)s; the meeting cannot be after it.")
             % {"decided": _d(rr.decided_on)})
    if rr.decision and meeting_date is None:
        _add(errors, "meeting_date", _("The decision has been recorded, so the meeting date "
                                       "is needed."))
    _raise_if(errors)
    rr.meeting_date = meeting_date
    rr.facts_and_chronology = _text(facts_and_chronology)
    rr.key_practice_episodes = _text(key_practice_episodes)
    rr.good_practice = _text(good_practice)
    rr.immediate_safeguarding_actions = _text(immediate_safeguarding_actions)
    rr.learning_single_agency = _text(learning_single_agency)
    rr.learning_multi_agency = _text(learning_multi_agency)
    rr.context = _text(context)
    _save(rr, by)
    return rr


@transaction.atomic
def rr_set_attendees(*, by, rr, attendees: list[dict]) -> list[Attendee]:
    """Replace the attendees and apologies (each: name, role, agency, attendance; ``id``
    updates an existing row). Returns them."""
    _require(_coordinator(by), _("Only the business unit records Rapid Reviews."))
    errors: dict = {}
    rows = [a for a in attendees if _text(a.get("name")) or a.get("id")]
    for row in rows:
        if not _text(row.get("name")) or not _text(row.get("role")) or row.get("agency") is None:
            _add(errors, "__all__", _("Give each person's name, role and agency."))
            break
        if row.get("attendance", Attendance.ATTENDED) not in Attendance.values:
            _add(errors, "__all__", _("Say whether each person attended or sent apologies."))
            break
    _raise_if(errors)
    existing = {a.pk: a for a in rr.attendees.all()}
    kept = []
    for row in rows:
        person = existing.pop(row.get("id"), None) or Attendee(rapid_review=rr)
        person.name, person.role = _text(row["name"]), _text(row["role"])
        person.agency = row["agency"]
        person.attendance = row.get("attendance") or Attendance.ATTENDED
        _save(person, by)
        kept.append(person)
    for person in existing.values():
        person._history_user = by
        person.delete()
    return kept


@transaction.atomic
def rr_set_agency_summaries(*, by, rr, today, summaries: list[dict]) -> list[AgencySummary]:
    """Replace the agency summaries requested (each: agency, requested_on, received_on;
    ``id`` updates an existing row). Returns them."""
    _require(_coordinator(by), _("Only the business unit records Rapid Reviews."))
    errors: dict = {}
    rows = [s for s in summaries if s.get("agency") is not None or s.get("id")]
    agencies = set()
    for row in rows:
        agency, requested, received = row.get("agency"), row.get("requested_on"), row.get(
            "received_on")
        if agency is None or requested is None:
            _add(errors, "__all__", _("Give the agency and the date its summary was asked for."))
            continue
        if agency.pk in agencies:
            _add(errors, "__all__", _("%(agency)s is listed twice.") % {"agency": agency.name})
        agencies.add(agency.pk)
        _not_future(errors, "__all__", requested, today,
                    _("The date %(agency)s was asked") % {"agency": agency.short_name})
        _not_future(errors, "__all__", received, today,
                    _("The date %(agency)s replied") % {"agency": agency.short_name})
        if received and received < requested:
            _add(errors, "__all__", _("%(agency)s's summary cannot arrive (%(received)s) before "
                                      "it was asked for (%(requested)s).")
                 % {"agency": agency.short_name, "received": _d(received),
                    "requested": _d(requested)})
    _raise_if(errors)
    existing = {s.pk: s for s in rr.agency_summaries.all()}
    # Remove first so that an agency moved between rows never trips the unique rule.
    wanted_ids = {row.get("id") for row in rows}
    for pk in list(existing):
        if pk not in wanted_ids:
            summary = existing.pop(pk)
            summary._history_user = by
            summary.delete()
    kept = []
    for row in rows:
        summary = existing.pop(row.get("id"), None) or AgencySummary(rapid_review=rr)
        summary.agency, summary.requested_on = row["agency"], row["requested_on"]
        summary.received_on = row.get("received_on")
        _save(summary, by)
        kept.append(summary)
    return kept


@transaction.atomic
def rr_decide(*, by, rr, today, decision, rationale, decided_on, local_route="",
              cal: WorkingCalendar | None = None) -> RapidReview:
    """Record the panel's decision and rationale. LCSPR, a Tabletop or Spotlight Review or a
    learning briefing starts that practice review, linked to the case and this Rapid Review.
    Returns the Rapid Review; raises ``ValidationError`` by field."""
    _require(_coordinator(by), _("Only the business unit records Rapid Review decisions."))
    errors: dict = {}
    if decision not in RapidReviewDecision.values:
        _add(errors, "decision", _("Choose the decision."))
    if decision == RapidReviewDecision.LOCAL_ROUTE:
        if local_route not in LocalRoute.values:
            _add(errors, "local_route", _("Choose the local learning route."))
    else:
        local_route = ""
    if not _text(rationale):
        _add(errors, "decision_rationale", _("Give the rationale for the decision."))
    if decided_on is None:
        _add(errors, "decided_on", _("Give the date of the decision."))
    else:
        _not_future(errors, "decided_on", decided_on, today, _("The date of the decision"))
        if rr.meeting_date is None:
            _add(errors, "decided_on",
                 _("Record the panel meeting date first: the decision comes from the meeting."))
        elif decided_on < rr.meeting_date:
            _add(errors, "decided_on",
                 _("The decision (%(decided)s) cannot be before the panel met (%(meeting)s).")
                 % {"decided": _d(decided_on), "meeting": _d(rr.meeting_date)})
    started = list(rr.practice_reviews.all())
    wanted_kind = RR_DECISION_REVIEW.get((decision, local_route))
    if started and any(r.kind != wanted_kind for r in started):
        _add(errors, "decision",
             _("%(review)s has already been started from this Rapid Review. Change it there "
               "before changing the decision.") % {"review": started[0].reference})
    _raise_if(errors)
    rr.decision, rr.local_route = decision, local_route
    rr.decision_rationale, rr.decided_on = _text(rationale), decided_on
    _save(rr, by)
    if wanted_kind and not started:
        case = rr.case
        review_create(
            by=by, kind=wanted_kind, title=_default_title(wanted_kind, case),
            decision_date=decided_on, cases=[case], today=today, rapid_review=rr,
            themes=list(case.themes.all()), cal=cal,
        )
    case_refresh_status(case=rr.case, by=by)
    return rr


def _default_title(kind, case) -> str:
    return _("%(kind)s: %(ref)s (%(children)s)") % {
        "kind": ReviewKind(kind).label, "ref": case.reference,
        "children": ", ".join(case.children.values_list("pseudonym", flat=True))}


def can_refer(user) -> bool:
    """Agency safeguarding leads refer cases; the business unit logs them too."""
    return bool(getattr(user, "is_authenticated", False)
                and (user.is_coordinator or user.is_agency_lead))


def can_sign_off(user) -> bool:
    """The co-ordinator records partners' sign-offs; the chair signs off themselves."""
    return bool(getattr(user, "is_authenticated", False)
                and (user.is_coordinator or user.is_chair))


@transaction.atomic
def rr_record_sign_off(*, by, rr, today, agency=None, name="", role="",
                       signed_on=None) -> SignOff:
    """Record a safeguarding partner's sign-off. The chair signs off in person (their own
    name, agency and today); the co-ordinator records a partner's sign-off given elsewhere.
    Returns the sign-off; raises ``ValidationError`` before the decision is made or when the
    partner has already signed off."""
    _require(can_sign_off(by), _("Only the chair and the business unit record sign-offs."))
    if by.is_chair:
        agency, name, role, signed_on = by.agency, by.full_name, by.job_title or _("Chair"), today
    errors: dict = {}
    if not rr.decision:
        _add(errors, "__all__", _("Record the decision before signing off."))
    if agency is None:
        _add(errors, "agency", _("Choose the partner signing off."))
    if not _text(name):
        _add(errors, "signed_by_name", _("Give the name of the person who signed off."))
    if not _text(role):
        _add(errors, "signed_by_role", _("Give their role."))
    if signed_on is None:
        _add(errors, "signed_on", _("Give the date of the sign-off."))
    else:
        _not_future(errors, "signed_on", signed_on, today, _("The sign-off date"))
        if rr.decided_on and signed_on < rr.decided_on:
            _add(errors, "signed_on", _("The sign-off cannot be before the decision (%(d)s).")
                 % {"d": _d(rr.decided_on)})
    if agency is not None and rr.sign_offs.filter(agency=agency).exists():
        _add(errors, "agency", _("%(agency)s has already signed off this Rapid Review.")
             % {"agency": agency.name})
    _raise_if(errors)
    sign_off = SignOff(
        rapid_review=rr, agency=agency, signed_by_name=_text(name), signed_by_role=_text(role),
        signed_on=signed_on, signed_by=by if by.is_chair else None, recorded_by=by,
    )
    _save(sign_off, by)
    return sign_off


@transaction.atomic
def rr_record_panel(*, by, rr, today, sent_to_panel_on=None, panel_response_on=None,
                    panel_response="", panel_comments="") -> RapidReview:
    """Record when the Rapid Review went to the National Panel and the Panel's response.
    Sending it stops the 15-working-day clock. Returns the Rapid Review."""
    _require(_coordinator(by), _("Only the business unit records what went to the Panel."))
    errors: dict = {}
    _not_future(errors, "sent_to_panel_on", sent_to_panel_on, today, _("The date sent"))
    _not_future(errors, "panel_response_on", panel_response_on, today,
                _("The date of the Panel's response"))
    if sent_to_panel_on and not rr.decision:
        _add(errors, "sent_to_panel_on", _("Record the decision before sending to the Panel."))
    if sent_to_panel_on and rr.decided_on and sent_to_panel_on < rr.decided_on:
        _add(errors, "sent_to_panel_on",
             _("It cannot have been sent (%(sent)s) before the decision (%(decided)s).")
             % {"sent": _d(sent_to_panel_on), "decided": _d(rr.decided_on)})
    if (panel_response or panel_response_on or _text(panel_comments)) and not sent_to_panel_on:
        _add(errors, "sent_to_panel_on",
             _("Give the date it was sent to the Panel before its response."))
    if panel_response and not panel_response_on:
        _add(errors, "panel_response_on", _("Give the date of the Panel's response."))
    if panel_response_on and not panel_response:
        _add(errors, "panel_response", _("Choose what the Panel said."))
    if panel_response_on and sent_to_panel_on and panel_response_on < sent_to_panel_on:
        _add(errors, "panel_response_on",
             _("The Panel cannot respond (%(resp)s) before it was sent the review (%(sent)s).")
             % {"resp": _d(panel_response_on), "sent": _d(sent_to_panel_on)})
    _raise_if(errors)
    rr.sent_to_panel_on, rr.panel_response_on = sent_to_panel_on, panel_response_on
    rr.panel_response, rr.panel_comments = panel_response or "", _text(panel_comments)
    _save(rr, by)
    return rr


def _ensure_rr_plan(rr, by):
    if rr.action_plan_id is None:
        rr.action_plan = _rr_plan(rr.case, by)
        _save(rr, by)
    return rr.action_plan


@transaction.atomic
def rr_add_action(*, by, rr, today, description, success_measure, lead_agency, lead_officer,
                  target_date, themes=()):
    """Add a "what, by whom, by when" action to the Rapid Review's action plan. Returns the
    action; raises as ``actions.services.action_create``."""
    _require(_coordinator(by), _("Only the business unit adds Rapid Review actions."))
    plan = _ensure_rr_plan(rr, by)
    return action_services.action_create(
        by=by, plan=plan, description=description, success_measure=success_measure,
        lead_agency=lead_agency, lead_officer=lead_officer, target_date=target_date,
        today=today, themes=themes,
    )


# --- Spotlight referral decisions ---------------------------------------------------------------


@transaction.atomic
def referral_decide(*, by, case, today, decision, rationale, decided_on,
                    cal: WorkingCalendar | None = None) -> SpotlightReferral:
    """Record the subgroup's decision on a partner referral. A learning briefing or a
    Spotlight Review starts that practice review. Returns the decision."""
    _require(_coordinator(by), _("Only the business unit records the subgroup's decisions."))
    errors: dict = {}
    if case.route != Route.REFERRAL:
        _add(errors, "__all__", _("Only partner referrals go to the subgroup for a decision; "
                                  "a notification has a Rapid Review."))
    if decision not in ReferralDecision.values:
        _add(errors, "decision", _("Choose the decision."))
    if not _text(rationale):
        _add(errors, "rationale", _("Give the rationale for the decision."))
    if decided_on is None:
        _add(errors, "decided_on", _("Give the date of the decision."))
    else:
        _not_future(errors, "decided_on", decided_on, today, _("The date of the decision"))
        if decided_on < case.referral_received_on:
            _add(errors, "decided_on",
                 _("The decision (%(decided)s) cannot be before the referral arrived "
                   "(%(received)s).") % {"decided": _d(decided_on),
                                         "received": _d(case.referral_received_on)})
    existing = SpotlightReferral.objects.filter(case=case).first()
    started = list(existing.practice_reviews.all()) if existing else []
    wanted_kind = REFERRAL_DECISION_REVIEW.get(decision)
    if started and any(r.kind != wanted_kind for r in started):
        _add(errors, "decision",
             _("%(review)s has already been started from this decision. Change it there "
               "first.") % {"review": started[0].reference})
    _raise_if(errors)
    record = existing or SpotlightReferral(case=case, recorded_by=by)
    record.decision, record.rationale, record.decided_on = decision, _text(rationale), decided_on
    _save(record, by)
    if wanted_kind and not started:
        review_create(
            by=by, kind=wanted_kind, title=_default_title(wanted_kind, case),
            decision_date=decided_on, cases=[case], today=today, referral=record,
            themes=list(case.themes.all()), cal=cal,
        )
    case_refresh_status(case=case, by=by)
    return record


# --- Practice reviews ---------------------------------------------------------------------------


@transaction.atomic
def review_create(*, by, kind, title, decision_date, cases, today, is_thematic=False,
                  rapid_review=None, referral=None, reviewer="", method="", themes=(),
                  cal: WorkingCalendar | None = None) -> PracticeReview:
    """Start a practice review with the default stages of its kind and its own action plan.
    Returns the review."""
    _require(_coordinator(by), _("Only the business unit starts practice reviews."))
    cal = cal or calendar()
    cases = list(cases)
    errors: dict = {}
    if kind not in ReviewKind.values:
        _add(errors, "kind", _("Choose the kind of review."))
    if not _text(title):
        _add(errors, "title", _("Give the review a title."))
    if decision_date is None:
        _add(errors, "decision_date", _("Give the date of the decision to initiate."))
    else:
        _not_future(errors, "decision_date", decision_date, today,
                    _("The date of the decision"))
    if not cases:
        _add(errors, "cases", _("Link at least one case."))
    if len(cases) > 1 and kind == ReviewKind.LCSPR:
        is_thematic = True
    _raise_if(errors)
    review = PracticeReview(
        kind=kind, reference_year=decision_date.year, title=_text(title),
        is_thematic=is_thematic, rapid_review=rapid_review, referral=referral,
        decision_date=decision_date, reviewer=_text(reviewer), method=_text(method),
        created_by=by,
    )
    prefix = REVIEW_PREFIX[kind]
    _with_number(
        review, by,
        next_number=lambda: (PracticeReview.objects.filter(kind=kind,
                                                           reference_year=decision_date.year)
                             .aggregate(n=Max("reference_number"))["n"] or 0) + 1,
        build_reference=lambda n: f"{prefix}-{decision_date.year}-{n:02d}",
    )
    review.cases.set(cases)
    review.themes.set(list(themes))
    for row in default_stages(kind, decision_date, cal):
        _save(ReviewStage(review=review, **row), by)
    review.action_plan = _review_plan(review, by)
    _save(review, by)
    for case in cases:
        case_refresh_status(case=case, by=by)
    return review


@transaction.atomic
def review_update(*, by, review, today, title, decision_date, cases, is_thematic=False,
                  reviewer="", method="", themes=(), summary="") -> PracticeReview:
    """Change a review's details, linked cases and themes. Returns the review."""
    _require(_coordinator(by), _("Only the business unit changes practice reviews."))
    cases = list(cases)
    errors: dict = {}
    if not _text(title):
        _add(errors, "title", _("Give the review a title."))
    if decision_date is None:
        _add(errors, "decision_date", _("Give the date of the decision to initiate."))
    else:
        _not_future(errors, "decision_date", decision_date, today, _("The date of the decision"))
    if not cases:
        _add(errors, "cases", _("Link at least one case."))
    if review.kind != ReviewKind.LCSPR and is_thematic:
        is_thematic = False
    _raise_if(errors)
    before = set(review.cases.all())
    review.title, review.decision_date = _text(title), decision_date
    review.is_thematic = is_thematic or (review.kind == ReviewKind.LCSPR and len(cases) > 1)
    review.reviewer, review.method = _text(reviewer), _text(method)
    review.summary = _text(summary)
    _save(review, by)
    review.cases.set(cases)
    review.themes.set(list(themes))
    for case in before | set(cases):
        case_refresh_status(case=case, by=by)
    return review


def _review_status(review: PracticeReview) -> str:
    if review.kind == ReviewKind.LCSPR:
        if review.outcome in (PublicationOutcome.PUBLISHED, PublicationOutcome.NOT_PUBLISHED):
            return ReviewStatus.COMPLETED
        if review.outcome == PublicationOutcome.EMBARGOED or review.ratified_on:
            return ReviewStatus.AWAITING_PUBLICATION
        return ReviewStatus.IN_PROGRESS
    return ReviewStatus.COMPLETED if review.completed_on else ReviewStatus.IN_PROGRESS


def review_refresh_status(*, review, by=None) -> str:
    """Store the status that the stages and outcome give, and update the linked cases."""
    review = PracticeReview.objects.prefetch_related("stages").get(pk=review.pk)
    status = _review_status(review)
    if status != review.status:
        review.status = status
        review._history_user = by
        review.save(update_fields=["status"])
    for case in review.cases.all():
        case_refresh_status(case=case, by=by)
    return status


MILESTONES_NEVER_SKIPPED = {StageKey.RATIFIED, StageKey.SENT_TO_PANEL, StageKey.PUBLISHED,
                            StageKey.COMPLETED}


def validate_stages(*, review, rows: list[dict], today) -> dict:
    """The stage rules: names required; dates not in the future nor before the decision;
    a stage with a date is not also "not needed"; milestone stages are kept and never "not
    needed"; and no stage is done while an earlier one is neither done nor marked not
    needed (no skipping). Returns errors keyed ``__all__``."""
    errors: dict = {}
    kept = [r for r in rows if not r.get("delete")]
    for row in rows:
        if row.get("delete") and row.get("key"):
            _add(errors, "__all__", _("“%(name)s” is a milestone the clocks read; it cannot be "
                                      "removed.") % {"name": row.get("name")})
    pending = None
    for row in kept:
        name = _text(row.get("name"))
        if not name:
            _add(errors, "__all__", _("Every stage needs a name."))
            continue
        actual = row.get("actual_date")
        _not_future(errors, "__all__", actual, today,
                    _("The date “%(name)s” was done") % {"name": name})
        if actual and actual < review.decision_date:
            _add(errors, "__all__", _("“%(name)s” cannot be done (%(date)s) before the decision "
                                      "to initiate (%(decision)s).")
                 % {"name": name, "date": _d(actual), "decision": _d(review.decision_date)})
        if actual and row.get("not_needed"):
            _add(errors, "__all__", _("“%(name)s” has a date, so it cannot also be not needed.")
                 % {"name": name})
        if row.get("not_needed") and row.get("key") in MILESTONES_NEVER_SKIPPED:
            _add(errors, "__all__", _("“%(name)s” cannot be marked not needed.")
                 % {"name": name})
        if actual and pending is not None:
            _add(errors, "__all__", _("“%(name)s” cannot be done before “%(earlier)s”: record "
                                      "that stage's date, or mark it not needed.")
                 % {"name": name, "earlier": pending})
        if not actual and not row.get("not_needed") and pending is None:
            pending = name
    return errors


@transaction.atomic
def review_set_stages(*, by, review, today, stages: list[dict]) -> list[ReviewStage]:
    """Replace the stage list: each row has ``id`` (or none for a new stage), ``name``,
    ``planned_date``, ``actual_date``, ``not_needed``, ``note`` and ``delete``, in order.
    Returns the stages; raises ``ValidationError`` (see :func:`validate_stages`)."""
    _require(_coordinator(by), _("Only the business unit changes review stages."))
    existing = {s.pk: s for s in review.stages.all()}
    rows = []
    for row in stages:
        stage = existing.get(row.get("id"))
        if row.get("id") and stage is None:
            raise ValidationError(_("A stage in the list does not belong to this review."))
        if stage is None and not _text(row.get("name")):
            continue  # an empty extra row
        rows.append({**row, "key": stage.key if stage else ""})
    _raise_if(validate_stages(review=review, rows=rows, today=today))
    kept = []
    order = 0
    for row in rows:
        stage = existing.pop(row.get("id"), None)
        if row.get("delete"):
            if stage is not None:
                stage._history_user = by
                stage.delete()
            continue
        order += 1
        stage = stage or ReviewStage(review=review)
        stage.order, stage.name = order, _text(row["name"])
        stage.planned_date, stage.actual_date = row.get("planned_date"), row.get("actual_date")
        stage.not_needed, stage.note = bool(row.get("not_needed")), _text(row.get("note"))
        _save(stage, by)
        kept.append(stage)
    for stage in existing.values():  # rows not sent at all are kept unchanged
        kept.append(stage)
    review_refresh_status(review=review, by=by)
    return kept


@transaction.atomic
def review_add_progress_check(*, by, review, today, checked_on, note, on_track=True,
                              drafts_requested=False) -> ProgressCheck:
    """Record a check on a review's time and quality. Returns the check."""
    _require(_coordinator(by), _("Only the business unit records progress checks."))
    errors: dict = {}
    if checked_on is None:
        _add(errors, "checked_on", _("Give the date of the check."))
    else:
        _not_future(errors, "checked_on", checked_on, today, _("The date of the check"))
        if checked_on < review.decision_date:
            _add(errors, "checked_on", _("The check cannot be before the review began (%(d)s).")
                 % {"d": _d(review.decision_date)})
    if not _text(note):
        _add(errors, "note", _("Say what the check found."))
    _raise_if(errors)
    check = ProgressCheck(review=review, checked_on=checked_on, note=_text(note),
                          on_track=on_track, drafts_requested=drafts_requested, recorded_by=by)
    _save(check, by)
    return check


@transaction.atomic
def review_add_recommendation(*, by, review, text, themes=()):
    """Add a recommendation to the review's action plan (actions then answer it). Returns
    the recommendation."""
    _require(_coordinator(by), _("Only the business unit adds recommendations."))
    if review.action_plan_id is None:
        review.action_plan = _review_plan(review, by)
        _save(review, by)
    return action_services.recommendation_add(by=by, plan=review.action_plan, text=text,
                                              themes=themes)


def _set_stage_date(review, key, day, by):
    stage = review.stages.filter(key=key).first()
    if stage is None:
        return
    stage.actual_date, stage.not_needed = day, False
    _save(stage, by)


@transaction.atomic
def review_record_outcome(*, by, review, today, outcome="", published_on=None,
                          published_url="", embargo_reason="", embargo_proceeding="",
                          embargo_proceeding_detail="", embargo_expected_end=None,
                          embargo_next_review=None, not_published_reason="",
                          published_instead="", completed_on=None,
                          summary=None) -> PracticeReview:
    """Record how a review ended. An LCSPR, once ratified, is published (date and link),
    embargoed (reason, proceeding, expected end, next review) or not published (reason and
    what was published instead). Other kinds record the date they were completed. Returns the
    review; raises ``ValidationError`` by field."""
    _require(_coordinator(by), _("Only the business unit records outcomes."))
    review = PracticeReview.objects.prefetch_related("stages").get(pk=review.pk)
    errors: dict = {}
    if review.kind == ReviewKind.LCSPR:
        if outcome not in PublicationOutcome.values:
            _add(errors, "outcome", _("Choose the publication outcome."))
        if not review.ratified_on:
            _add(errors, "outcome", _("Record the date the partnership ratified the report (on "
                                      "the stages page) before its publication outcome."))
        if outcome == PublicationOutcome.PUBLISHED:
            if published_on is None:
                _add(errors, "published_on", _("Give the publication date."))
            else:
                _not_future(errors, "published_on", published_on, today,
                            _("The publication date"))
                if review.ratified_on and published_on < review.ratified_on:
                    _add(errors, "published_on",
                         _("It cannot be published before it was ratified (%(d)s).")
                         % {"d": _d(review.ratified_on)})
            if not _text(published_url):
                _add(errors, "published_url", _("Give the link to the published report."))
            elif not _text(published_url).lower().startswith(("https://", "http://")):
                _add(errors, "published_url", _("The link must start with https://."))
        elif outcome == PublicationOutcome.EMBARGOED:
            if not _text(embargo_reason):
                _add(errors, "embargo_reason", _("Give the reason for the embargo."))
            if not embargo_proceeding:
                _add(errors, "embargo_proceeding", _("Choose the parallel proceeding."))
            if embargo_expected_end is None:
                _add(errors, "embargo_expected_end",
                     _("Give the expected end of the proceedings (an estimate is fine)."))
            if embargo_next_review is None:
                _add(errors, "embargo_next_review",
                     _("Give the date the embargo will next be reviewed."))
            elif review.ratified_on and embargo_next_review < review.ratified_on:
                _add(errors, "embargo_next_review",
                     _("The next review of the embargo cannot be before ratification."))
        elif outcome == PublicationOutcome.NOT_PUBLISHED:
            if not _text(not_published_reason):
                _add(errors, "not_published_reason", _("Give the exceptional reason for not "
                                                       "publishing."))
            if not _text(published_instead):
                _add(errors, "published_instead",
                     _("Say what was published instead (for example the improvements made)."))
        _raise_if(errors)
        review.outcome = outcome
        if outcome == PublicationOutcome.PUBLISHED:
            review.published_url = _text(published_url)
            _set_stage_date(review, StageKey.PUBLISHED, published_on, by)
        elif outcome == PublicationOutcome.EMBARGOED:
            review.embargo_reason = _text(embargo_reason)
            review.embargo_proceeding = embargo_proceeding
            review.embargo_proceeding_detail = _text(embargo_proceeding_detail)
            review.embargo_expected_end = embargo_expected_end
            review.embargo_next_review = embargo_next_review
        else:
            review.not_published_reason = _text(not_published_reason)
            review.published_instead = _text(published_instead)
    else:
        if completed_on is None:
            _add(errors, "completed_on", _("Give the date it was completed."))
        else:
            _not_future(errors, "completed_on", completed_on, today, _("The completion date"))
            if completed_on < review.decision_date:
                _add(errors, "completed_on",
                     _("It cannot be completed before the decision (%(d)s).")
                     % {"d": _d(review.decision_date)})
        _raise_if(errors)
        stage = review.stage(StageKey.COMPLETED)
        rows = [{"name": s.name, "key": s.key, "not_needed": s.not_needed,
                 "actual_date": completed_on if s is stage else s.actual_date}
                for s in review.stages.all()]
        _raise_if(validate_stages(review=review, rows=rows, today=today))
        _set_stage_date(review, StageKey.COMPLETED, completed_on, by)
    if summary is not None:
        review.summary = _text(summary)
    _save(review, by)
    review_refresh_status(review=review, by=by)
    return review


@transaction.atomic
def review_upload_briefing(*, by, review, upload) -> BriefingFile:
    """Store a learning briefing file after the same content checks as evidence (allow-list
    by content, 10 MB, virus-check hook), under a random private name. Returns the record;
    raises ``ValidationError`` keyed ``file``."""
    _require(_coordinator(by), _("Only the business unit uploads learning briefings."))
    try:
        checked = check_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    record = BriefingFile(review=review, original_name=checked.original_name,
                          content_type=checked.content_type, size=checked.size,
                          sha256=checked.sha256, uploaded_by=by)
    checked.file.seek(0)
    record.file.save(checked.original_name, checked.file, save=False)
    try:
        _save(record, by)
    except Exception:
        BriefingFile.file.field.storage.delete(record.file.name)
        raise
    return record


def statutory_partners():
    """The safeguarding partners who sign off a Rapid Review (statutory agencies)."""
    return Agency.objects.active().filter(kind=Agency.Kind.STATUTORY).order_by("name")
