"""What the review pages, exports and the minutes need: always starting from the records the
person may see, with the related rows fetched in a fixed number of queries, never one per row.
Clocks come from :mod:`reviews.clocks`, with the calendar and ``today`` passed in.

The figures for a period (the annual report's SLPR section, the quarterly report) are the
reports app's: :mod:`reports.selectors.reviews` and :mod:`reports.annual` count them from
these records and clocks, as they stood at the period's end."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from actions.models import Action
from reviews import clocks
from reviews.models import (
    Attendance,
    Case,
    Child,
    PracticeReview,
    PublicationOutcome,
    RapidReview,
    ReviewStage,
    SpotlightReferral,
)
from scsp.permissions import Ability, may, scoped
from scsp.workdays import WorkingCalendar


def rapid_review_of(case) -> RapidReview | None:
    try:
        return case.rapid_review
    except RapidReview.DoesNotExist:
        return None


def referral_decision_of(case) -> SpotlightReferral | None:
    try:
        return case.referral_decision
    except SpotlightReferral.DoesNotExist:
        return None


# --- Cases --------------------------------------------------------------------------------------


def case_links(user, references) -> dict[str, str]:
    """``{reference: url}`` for the cases among ``references`` that ``user`` may see (also by
    a reference a case had before it was renumbered): one query, two when some are not found.
    Registered with :mod:`scsp.case_links`, so an audit's sampled references link to
    their cases without audits knowing this app."""
    cases = scoped(Case, user).filter(reference__in=references)
    links = {c.reference: c.get_absolute_url() for c in cases}
    # A reference the case had before its received date moved it to another year.
    former = [r for r in references if r not in links]
    if former:
        renamed = (Case.history.filter(reference__in=former)
                   .filter(id__in=scoped(Case, user).values("pk"))
                   .order_by().values_list("reference", "id").distinct())
        for reference, pk in renamed:
            links.setdefault(reference, reverse("reviews:case_detail", args=[pk]))
    return links


def case_list_for(user):
    """The cases ``user`` may see, with what the list and export show."""
    return (
        scoped(Case, user)
        .select_related("rapid_review", "referring_agency", "referral_decision")
        .prefetch_related(
            "children", "agencies_involved", "themes",
            Prefetch("practice_reviews",
                     queryset=PracticeReview.objects.only("id", "kind", "reference", "status")),
        )
        .order_by("-referral_received_on", "-reference_year", "-reference_number")
    )


@dataclass
class CaseRow:
    """One case with its clocks worked out for ``today``."""

    case: Case
    rapid_review: RapidReview | None
    notification: dict | None
    rr_clock: dict | None
    meeting_day: int | None
    decision: str
    reviews: list = field(default_factory=list)


def case_row(case, *, cal: WorkingCalendar, today: dt.date) -> CaseRow:
    rr = rapid_review_of(case)
    notification = clocks.notification_clock(case, cal)
    rr_clock = clocks.rapid_review_clock(case, rr, cal) if rr else None
    decision = ""
    if rr and rr.decision:
        decision = rr.decision_label()
    elif not case.is_notification:
        referral = referral_decision_of(case)
        decision = referral.get_decision_display() if referral else ""
    return CaseRow(
        case=case, rapid_review=rr,
        notification=notification.describe(today) if notification else None,
        rr_clock=rr_clock.describe(today) if rr_clock else None,
        meeting_day=clocks.rapid_review_day(case, rr.meeting_date, cal) if rr else None,
        decision=str(decision), reviews=list(case.practice_reviews.all()),
    )


def case_rows(cases, *, cal: WorkingCalendar, today: dt.date) -> list[CaseRow]:
    return [case_row(case, cal=cal, today=today) for case in cases]


def case_clock_status(case, *, cal: WorkingCalendar, today: dt.date) -> str | None:
    """The status of the case's Rapid Review clock (``None`` when it has no Rapid Review)."""
    rr = rapid_review_of(case)
    if rr is None:
        return None
    return clocks.rapid_review_clock(case, rr, cal).status(today)


def case_detail_queryset():
    return Case.objects.select_related(
        "rapid_review", "referring_agency", "referral_decision", "created_by",
        "referral_decision__recorded_by",
    ).prefetch_related(
        "agencies_involved", "themes", "harms",
        Prefetch("children", queryset=Child.objects.prefetch_related("agencies_known_to")),
        Prefetch("practice_reviews", queryset=PracticeReview.objects.prefetch_related("stages")),
    )


@dataclass(frozen=True)
class Event:
    """One dated entry on a timeline."""

    date: dt.date
    label: str
    detail: str = ""
    planned: bool = False


def case_timeline(case, *, rr, user, cal: WorkingCalendar) -> list[Event]:
    """What happened when, oldest first: the case's dates, the Rapid Review, the referral
    decision and the practice reviews' stages. Planned (future) items are marked. Embargo
    details appear only for partnership-wide roles."""
    events: list[Event] = []

    def add(day, label, detail="", planned=False):
        if day:
            events.append(Event(day, str(label), str(detail), planned))

    add(case.incident_date, _("Incident"), case.get_incident_type_display())
    add(case.became_aware_on, _("Local authority became aware"))
    add(case.referral_received_on, _("Referral received by the business unit"),
        case.referring_agency.name if case.referring_agency else "")
    if case.notification_submitted_on:
        late = clocks.notification_is_late(case.became_aware_on, case.notification_submitted_on,
                                           cal)
        add(case.notification_submitted_on, _("Notification submitted to the National Panel"),
            _("late") if late else _("within 5 working days"))
    if rr is not None:
        for summary in rr.agency_summaries.all():
            add(summary.requested_on, _("Agency summary requested"), summary.agency.name)
            add(summary.received_on, _("Agency summary received"), summary.agency.name)
        if rr.meeting_date:
            day = clocks.rapid_review_day(case, rr.meeting_date, cal)
            add(rr.meeting_date, _("Rapid Review panel meeting"),
                _("day %(n)s of 15") % {"n": day} if day is not None else "",
                planned=not rr.decision)
        add(rr.decided_on, _("Rapid Review decision"), rr.decision_label())
        for sign_off in rr.sign_offs.all():
            add(sign_off.signed_on, _("Signed off"),
                f"{sign_off.agency.short_name}: {sign_off.signed_by_name}")
        add(rr.sent_to_panel_on, _("Rapid Review sent to the National Panel"))
        add(rr.panel_response_on, _("The National Panel's response"), rr.get_panel_response_display())
    referral = referral_decision_of(case)
    if referral is not None:
        add(referral.decided_on, _("Subgroup decision"), referral.get_decision_display())
    sees_embargo = may(user, Ability.READ_EMBARGO_DETAILS)
    for review in case.practice_reviews.all():
        add(review.decision_date, _("%(ref)s started") % {"ref": review.reference},
            review.get_kind_display())
        for stage in review.stages.all():
            if stage.actual_date:
                add(stage.actual_date, f"{review.reference}: {stage.name}")
            elif stage.planned_date and not stage.not_needed:
                add(stage.planned_date, f"{review.reference}: {stage.name}", planned=True)
        if review.outcome == PublicationOutcome.EMBARGOED and sees_embargo:
            add(review.embargo_next_review, f"{review.reference}: {_('embargo to be reviewed')}",
                review.get_embargo_proceeding_display(), planned=True)
    events.sort(key=lambda e: (e.date, e.planned))
    return events


# --- Rapid Reviews ------------------------------------------------------------------------------


def rapid_review_queryset():
    return RapidReview.objects.select_related(
        "case", "case__referring_agency", "action_plan",
    ).prefetch_related(
        "case__children", "case__agencies_involved", "case__harms",
        "attendees__agency", "agency_summaries__agency", "sign_offs__agency",
        "sign_offs__recorded_by",
        "practice_reviews",
    )


def plan_actions(plan, user=None, *, today: dt.date | None = None):
    """The actions of a plan that ``user`` may see (all when ``user`` is ``None``), with their
    agency and officer, in one query; ``current_rag`` is set when ``today`` is given."""
    if plan is None:
        return []
    actions = Action.objects.filter(plan=plan)
    if user is not None:
        actions = actions.visible_to(user)
    actions = list(actions.select_related("lead_agency", "lead_officer").order_by("number"))
    if today is not None:
        for action in actions:
            action.current_rag = action.rag(today)
    return actions


def minutes_context(rr, *, cal: WorkingCalendar, today: dt.date, partners) -> dict:
    """Everything the Rapid Review minutes show (HTML and PDF)."""
    case = rr.case
    attendees = list(rr.attendees.all())
    clock = clocks.rapid_review_clock(case, rr, cal)
    signed = {s.agency_id: s for s in rr.sign_offs.all()}
    for sign_off in signed.values():
        sign_off.current = sign_off.is_current(rr)
    sign_off_rows = [(p, signed.get(p.pk)) for p in partners]
    sign_off_rows += [(s.agency, s) for s in rr.sign_offs.all()
                      if s.agency_id not in {p.pk for p in partners}]
    return {
        "rr": rr,
        "case": case,
        "children": list(case.children.all()),
        "attended": [a for a in attendees if a.attendance == Attendance.ATTENDED],
        "apologies": [a for a in attendees if a.attendance == Attendance.APOLOGIES],
        "summaries": list(rr.agency_summaries.all()),
        "clock": clock.describe(today),
        "anchor_label": clock.start_label,
        "meeting_day": clocks.rapid_review_day(case, rr.meeting_date, cal),
        "actions": plan_actions(rr.action_plan, today=today),
        "sign_off_rows": sign_off_rows,
        "reviews": list(rr.practice_reviews.all()),
        "title": _("Rapid Review minutes: %(ref)s") % {"ref": case.reference},
        "today": today,
    }


# --- Practice reviews ---------------------------------------------------------------------------


def linked_cases(user, *, children: bool = False) -> Prefetch:
    """The cases of practice reviews that ``user`` may see, as a prefetch into
    ``review.linked_cases`` (a list). The one rule for every surface that names a review's
    cases (its page, the list, the CSV export): a thematic review links cases of several
    agencies, and an agency reads the reference and pseudonyms only of the cases in its own
    scope (``Case.objects.visible_to``), never the others'. ``children`` also fetches the
    children (for their pseudonyms)."""
    cases = scoped(Case, user).order_by("reference")
    cases = cases.prefetch_related("children") if children else cases.only("id", "reference")
    return Prefetch("cases", queryset=cases, to_attr="linked_cases")


def decided_by_case(review) -> Case | None:
    """The case whose Rapid Review decided ``review``, if the viewer may see it (``review``
    fetched with :func:`linked_cases`); otherwise None, and the page does not name it."""
    if review.rapid_review_id is None:
        return None
    case_id = review.rapid_review.case_id
    return next((c for c in review.linked_cases if c.pk == case_id), None)


def review_list_for(user):
    return (
        scoped(PracticeReview, user)
        .prefetch_related(
            Prefetch("stages", queryset=ReviewStage.objects.order_by("order", "id")),
            linked_cases(user),
            "themes",
        )
        .order_by("-decision_date", "-id")
    )


@dataclass
class ReviewRow:
    review: PracticeReview
    status_label: str
    clock: dict | None
    next_stage: ReviewStage | None
    show_embargo: bool


def review_row(review, *, user, cal: WorkingCalendar, today: dt.date) -> ReviewRow:
    clock = clocks.lcspr_clock(review, cal)
    next_stage = next((s for s in review.stages.all() if not s.actual_date and not s.not_needed),
                      None)
    return ReviewRow(
        review=review, status_label=review.status_for(user),
        clock=clock.describe(today) if clock else None, next_stage=next_stage,
        show_embargo=may(user, Ability.READ_EMBARGO_DETAILS),
    )


def review_rows(reviews, *, user, cal, today) -> list[ReviewRow]:
    return [review_row(r, user=user, cal=cal, today=today) for r in reviews]


def review_clock_status(review, *, cal, today) -> str | None:
    clock = clocks.lcspr_clock(review, cal)
    return clock.status(today) if clock else None


def review_detail_queryset(user=None):
    """A review with what its page shows. With ``user``, its cases are only those the viewer
    may see, in ``review.linked_cases`` (:func:`linked_cases`); without, the edit pages get
    every case (they are the business unit's, and the services read ``review.cases``)."""
    cases = (linked_cases(user, children=True) if user is not None
             else Prefetch("cases", queryset=Case.objects.prefetch_related("children")))
    return PracticeReview.objects.select_related(
        "rapid_review", "referral", "action_plan", "created_by",
    ).prefetch_related(
        Prefetch("stages", queryset=ReviewStage.objects.order_by("order", "id")),
        cases, "themes", "progress_checks__recorded_by", "briefings__uploaded_by",
    )


def recommendations_of(review):
    if review.action_plan_id is None:
        return []
    return list(review.action_plan.recommendations.prefetch_related("themes").order_by("number"))


def review_timeline(review, *, user) -> list[Event]:
    """What happened and what is planned on a practice review, in date order (on one day,
    what happened first); each planned entry is marked so. Embargo details only for
    partnership-wide roles."""
    events: list[Event] = []

    def add(day, label, detail="", planned=False):
        if day:
            events.append(Event(day, str(label), str(detail), planned))

    add(review.decision_date, _("Decision to initiate"), review.get_kind_display())
    for stage in review.stages.all():
        if stage.actual_date:
            add(stage.actual_date, stage.name)
        elif stage.planned_date and not stage.not_needed:
            add(stage.planned_date, stage.name, planned=True)
    for check in review.progress_checks.all():
        add(check.checked_on, _("Progress check"),
            _("on track") if check.on_track else _("not on track"))
    for briefing in review.briefings.all():
        add(briefing.uploaded_at.date(), _("Learning briefing uploaded"), briefing.original_name)
    if review.outcome == PublicationOutcome.EMBARGOED and may(user, Ability.READ_EMBARGO_DETAILS):
        add(review.embargo_next_review, _("Embargo to be reviewed"),
            review.get_embargo_proceeding_display(), planned=True)
        add(review.embargo_expected_end, _("Expected end of the embargo"), planned=True)
    events.sort(key=lambda e: (e.date, e.planned))
    return events


def find_reference(user, reference: str) -> str | None:
    """A case or practice review with exactly ``reference`` that ``user`` may see (for
    :mod:`scsp.find`): its URL, or ``None``."""
    case = scoped(Case, user).filter(reference__iexact=reference).values_list(
        "pk", flat=True).first()
    if case:
        return reverse("reviews:case_detail", args=[case])
    review = scoped(PracticeReview, user).filter(reference__iexact=reference).values_list(
        "pk", flat=True).first()
    return reverse("reviews:review_detail", args=[review]) if review else None
