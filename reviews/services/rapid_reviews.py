"""Rapid Reviews (meeting, attendees, agency summaries, decision, sign-off, the Panel,
actions) and the subgroup's decisions on partner referrals."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actions import services as action_services
from reviews.models import (
    AgencySummary,
    Attendance,
    Attendee,
    LocalRoute,
    RapidReview,
    RapidReviewDecision,
    ReferralDecision,
    Route,
    SignOff,
    SpotlightReferral,
    SummaryStatus,
)
from reviews.services._common import (
    REFERRAL_DECISION_REVIEW,
    RR_DECISION_REVIEW,
    _add,
    _d,
    _default_title,
    _not_future,
    _raise_if,
    _rr_plan,
    _save,
    _text,
    new_version,
)
from reviews.services.cases import case_refresh_status
from reviews.services.practice_reviews import review_create
from scsp.permissions import Ability, require
from scsp.workdays import WorkingCalendar


@transaction.atomic
def rr_update(*, by, rr, today, meeting_date=None, facts_and_chronology="",
              key_practice_episodes="", good_practice="", immediate_safeguarding_actions="",
              learning_single_agency="", learning_multi_agency="", context="") -> RapidReview:
    """Record the panel meeting date (it may be planned ahead) and the Rapid Review's
    sections. Returns the Rapid Review."""
    require(by, Ability.MANAGE_REVIEWS, _("Only the business unit records Rapid Reviews."))
    errors: dict = {}
    case = rr.case
    if meeting_date and meeting_date < case.referral_received_on:
        _add(errors, "meeting_date",
             _("The Rapid Review panel cannot meet (%(meeting)s) before the referral was received "
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
    new_version(rr, by)
    return rr


@transaction.atomic
def rr_set_attendees(*, by, rr, attendees: list[dict]) -> list[Attendee]:
    """Replace the attendees and apologies (each: name, role, agency, attendance; ``id``
    updates an existing row). Returns them."""
    require(by, Ability.MANAGE_REVIEWS, _("Only the business unit records Rapid Reviews."))
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
    new_version(rr, by)
    return kept


@transaction.atomic
def rr_set_agency_summaries(*, by, rr, today, summaries: list[dict]) -> list[AgencySummary]:
    """Replace the agency summaries requested (each: agency, requested_on, received_on;
    ``id`` updates an existing row). Returns them."""
    require(by, Ability.MANAGE_REVIEWS, _("Only the business unit records Rapid Reviews."))
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
            if existing[pk].status != SummaryStatus.ASKED and not existing[pk].received_on:
                raise ValidationError(_("%(agency)s has started its summary here; it cannot be "
                                        "removed.") % {"agency": existing[pk].agency.name})
            summary = existing.pop(pk)
            summary._history_user = by
            summary.delete()
    kept = []
    for row in rows:
        summary = existing.pop(row.get("id"), None) or AgencySummary(rapid_review=rr)
        if summary.status == SummaryStatus.SUBMITTED:
            kept.append(summary)  # written and sent here: its dates are the system's
            continue
        summary.agency, summary.requested_on = row["agency"], row["requested_on"]
        summary.received_on = row.get("received_on")
        if summary.received_on:
            summary.status = SummaryStatus.RECEIVED
        elif summary.status == SummaryStatus.RECEIVED:
            summary.status = SummaryStatus.ASKED
        _save(summary, by)
        kept.append(summary)
    return kept


@transaction.atomic
def rr_decide(*, by, rr, today, decision, rationale, decided_on, local_route="",
              cal: WorkingCalendar | None = None) -> RapidReview:
    """Record the panel's decision and rationale. LCSPR, a Tabletop or Spotlight Review or a
    learning briefing starts that practice review, linked to the case and this Rapid Review.
    Returns the Rapid Review; raises ``ValidationError`` by field."""
    require(by, Ability.MANAGE_REVIEWS,
            _("Only the business unit records Rapid Review decisions."))
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
                 _("Record the Rapid Review panel meeting date first: the decision comes from the meeting."))
        elif decided_on < rr.meeting_date:
            _add(errors, "decided_on",
                 _("The decision (%(decided)s) cannot be before the Rapid Review panel met (%(meeting)s).")
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
    new_version(rr, by)
    if wanted_kind and not started:
        case = rr.case
        review_create(
            by=by, kind=wanted_kind, title=_default_title(wanted_kind, case),
            decision_date=decided_on, cases=[case], today=today, rapid_review=rr,
            themes=list(case.themes.all()), cal=cal,
        )
    case_refresh_status(case=rr.case, by=by)
    return rr


@transaction.atomic
def rr_record_sign_off(*, by, rr, today, agency=None, name="", role="",
                       signed_on=None, how="") -> SignOff:
    """Record a safeguarding partner's sign-off. The chair signs off in person (their own
    name, agency and today); the co-ordinator records a partner's sign-off given elsewhere.
    Returns the sign-off; raises ``ValidationError`` before the decision is made or when the
    partner has already signed off."""
    require(by, Ability.SIGN_OFF_RAPID_REVIEWS,
            _("Only the chair and the business unit record sign-offs."))
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
    earlier = rr.sign_offs.filter(agency=agency).first() if agency is not None else None
    if earlier is not None and earlier.is_current(rr):
        _add(errors, "agency", _("%(agency)s has already signed off this Rapid Review.")
             % {"agency": agency.name})
    _raise_if(errors)
    sign_off = earlier or SignOff(rapid_review=rr, agency=agency)
    sign_off.signed_by_name, sign_off.signed_by_role = _text(name), _text(role)
    sign_off.signed_on, sign_off.signed_by = signed_on, by if by.is_chair else None
    sign_off.recorded_by, sign_off.version_at = by, rr.version_at
    sign_off.how = "" if by.is_chair else _text(how)
    sign_off.recorded_at = timezone.now()
    _save(sign_off, by)
    return sign_off


@transaction.atomic
def rr_record_panel(*, by, rr, today, sent_to_panel_on=None, panel_response_on=None,
                    panel_response="", panel_comments="") -> RapidReview:
    """Record when the Rapid Review went to the National Panel and the Panel's response.
    Sending it stops the 15-working-day clock. Returns the Rapid Review."""
    require(by, Ability.MANAGE_REVIEWS,
            _("Only the business unit records what went to the National Panel."))
    errors: dict = {}
    _not_future(errors, "sent_to_panel_on", sent_to_panel_on, today, _("The date sent"))
    _not_future(errors, "panel_response_on", panel_response_on, today,
                _("The date of the National Panel's response"))
    if sent_to_panel_on and not rr.decision:
        _add(errors, "sent_to_panel_on", _("Record the decision before sending to the National Panel."))
    if sent_to_panel_on and rr.decided_on and sent_to_panel_on < rr.decided_on:
        _add(errors, "sent_to_panel_on",
             _("It cannot have been sent (%(sent)s) before the decision (%(decided)s).")
             % {"sent": _d(sent_to_panel_on), "decided": _d(rr.decided_on)})
    if (panel_response or panel_response_on or _text(panel_comments)) and not sent_to_panel_on:
        _add(errors, "sent_to_panel_on",
             _("Give the date it was sent to the National Panel before its response."))
    if panel_response and not panel_response_on:
        _add(errors, "panel_response_on", _("Give the date of the National Panel's response."))
    if panel_response_on and not panel_response:
        _add(errors, "panel_response", _("Choose what the National Panel said."))
    if panel_response_on and sent_to_panel_on and panel_response_on < sent_to_panel_on:
        _add(errors, "panel_response_on",
             _("The National Panel cannot respond (%(resp)s) before it was sent the review (%(sent)s).")
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
                  target_date, themes=(), title=""):
    """Add a "what, by whom, by when" action to the Rapid Review's action plan. Returns the
    action; raises as ``actions.services.action_create``."""
    require(by, Ability.MANAGE_REVIEWS, _("Only the business unit adds Rapid Review actions."))
    plan = _ensure_rr_plan(rr, by)
    action = action_services.action_create(
        by=by, plan=plan, description=description, success_measure=success_measure,
        lead_agency=lead_agency, lead_officer=lead_officer, target_date=target_date,
        today=today, themes=themes, title=title,
    )
    new_version(rr, by)
    return action


@transaction.atomic
def referral_decide(*, by, case, today, decision, rationale, decided_on,
                    cal: WorkingCalendar | None = None) -> SpotlightReferral:
    """Record the subgroup's decision on a partner referral. A learning briefing or a
    Spotlight Review starts that practice review. Returns the decision."""
    require(by, Ability.MANAGE_REVIEWS,
            _("Only the business unit records the subgroup's decisions."))
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
