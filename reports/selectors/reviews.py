"""Notifications, Rapid Reviews, referrals, practice reviews and audits for a period, from
the dates recorded for them, capped at the moment the report is "as at"; clocks from
:mod:`reviews.clocks`."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.models import Audit, AuditKind, AuditStatus, first_of_month
from reports.asat import AsAt
from reports.selectors.common import _require_reader
from reviews import clocks
from reviews.models import (
    Case,
    PracticeReview,
    PublicationOutcome,
    RapidReview,
    ReferralDecision,
    ReviewKind,
    ReviewStage,
    Route,
    StageKey,
)
from scsp.permissions import scoped
from scsp.workdays import WorkingCalendar

HistoricalPracticeReview = PracticeReview.history.model

# --- Notifications and Rapid Reviews --------------------------------------------------------------


@dataclass
class NotificationRow:
    """A serious incident notification and its 5-working-day clock as at the report's day."""

    reference: str
    case_id: int
    became_aware: dt.date
    notified: dt.date | None
    due: dt.date
    working_days: int | None
    status: str
    status_label: str
    badge: str

    @property
    def within(self) -> bool:
        return self.status == clocks.ClockStatus.MET


def notification_rows(user, period, asat: AsAt, cal: WorkingCalendar):
    """``(notified, waiting)``: notifications submitted in the period, and those not yet
    submitted by the report's day, each with its clock as at that day. One query."""
    day = asat.day
    cases = (
        scoped(Case, user)
        .filter(route=Route.NOTIFICATION, became_aware_on__isnull=False, became_aware_on__lte=day)
        .filter(Q(notification_submitted_on__range=(period.start, day))
                | Q(notification_submitted_on__isnull=True)
                | Q(notification_submitted_on__gt=day))
        .only("id", "reference", "route", "became_aware_on", "notification_submitted_on")
        .order_by("became_aware_on", "reference")
    )
    notified, waiting = [], []
    for case in cases:
        submitted = case.notification_submitted_on
        then = submitted if submitted is not None and submitted <= day else None
        clock = clocks.notification_clock(SimpleNamespace(
            is_notification=True, became_aware_on=case.became_aware_on,
            notification_submitted_on=then), cal)
        status = clock.status(day)
        row = NotificationRow(
            reference=case.reference, case_id=case.pk, became_aware=case.became_aware_on,
            notified=then, due=clock.due, working_days=clock.current_day(day), status=status,
            status_label=status.label, badge=clock.badge(day))
        (notified if then is not None else waiting).append(row)
    return notified, waiting


@dataclass
class RapidReviewRow:
    """A Rapid Review whose panel met in the period, and its 15-working-day clock."""

    reference: str
    rr_id: int
    anchor: dt.date | None
    meeting: dt.date
    meeting_day: int | None
    sent: dt.date | None
    due: dt.date | None
    status: str
    status_label: str
    badge: str
    decision: str

    @property
    def within(self) -> bool:
        return self.status == clocks.ClockStatus.MET

    @property
    def late(self) -> bool:
        return self.status in (clocks.ClockStatus.MET_LATE, clocks.ClockStatus.OVERDUE)

    @property
    def in_progress(self) -> bool:
        """Still within its 15 working days and not yet sent: neither met nor missed."""
        return not (self.within or self.late)


def rapid_review_rows(user, period, asat: AsAt, cal: WorkingCalendar) -> list[RapidReviewRow]:
    """Rapid Reviews whose panel met in the period (by the report's day), with the clock as
    at that day: sent to the Panel within 15 working days, late, or still running. One
    query."""
    day = asat.day
    rows = []
    rrs = (
        scoped(RapidReview, user).filter(meeting_date__range=(period.start, day))
        .select_related("case").order_by("meeting_date", "case__reference")
    )
    for rr in rrs:
        sent = rr.sent_to_panel_on if rr.sent_to_panel_on and rr.sent_to_panel_on <= day else None
        clock = clocks.rapid_review_clock(rr.case, SimpleNamespace(sent_to_panel_on=sent), cal)
        status = clock.status(day)
        decided = rr.decision and rr.decided_on and rr.decided_on <= day
        rows.append(RapidReviewRow(
            reference=rr.case.reference, rr_id=rr.pk, anchor=clock.start, meeting=rr.meeting_date,
            meeting_day=clocks.rapid_review_day(rr.case, rr.meeting_date, cal), sent=sent,
            due=clock.due, status=status, status_label=status.label, badge=clock.badge(day),
            decision=str(rr.decision_label()) if decided else _("Not decided yet"),
        ))
    return rows


@dataclass
class ReferralFigures:
    """Partner referrals received in the period and the subgroup's decisions by then."""

    received: int = 0
    no_further_action: int = 0
    learning_briefing: int = 0
    spotlight: int = 0

    @property
    def awaiting(self) -> int:
        return self.received - self.no_further_action - self.learning_briefing - self.spotlight


def referral_figures(user, period, asat: AsAt) -> ReferralFigures:
    """One aggregate query."""
    decided = Q(referral_decision__decided_on__lte=asat.day)
    counts = (
        scoped(Case, user)
        .filter(route=Route.REFERRAL, referral_received_on__range=(period.start, asat.day))
        .aggregate(
            received=Count("pk"),
            no_further_action=Count("pk", filter=decided & Q(
                referral_decision__decision=ReferralDecision.NO_FURTHER_ACTION)),
            learning_briefing=Count("pk", filter=decided & Q(
                referral_decision__decision=ReferralDecision.LEARNING_BRIEFING)),
            spotlight=Count("pk", filter=decided & Q(
                referral_decision__decision=ReferralDecision.SPOTLIGHT)),
        )
    )
    return ReferralFigures(**counts)


# --- Practice reviews -----------------------------------------------------------------------------


class ReviewState:
    IN_PROGRESS = "in_progress"
    AWAITING_PUBLICATION = "awaiting_publication"
    EMBARGOED = "embargoed"
    PUBLISHED = "published"
    NOT_PUBLISHED = "not_published"
    COMPLETED = "completed"

    LABELS = {
        IN_PROGRESS: gettext_lazy("In progress"),
        AWAITING_PUBLICATION: gettext_lazy("Ratified, awaiting publication"),
        EMBARGOED: gettext_lazy("Ratified, embargoed"),
        PUBLISHED: gettext_lazy("Published"),
        NOT_PUBLISHED: gettext_lazy("Ratified, not to be published"),
        COMPLETED: gettext_lazy("Completed"),
    }
    FINISHED = (PUBLISHED, NOT_PUBLISHED, COMPLETED)


@dataclass
class ReviewRow:
    """A practice review as it stood at the report's day."""

    review_id: int
    reference: str
    title: str
    kind: str
    kind_label: str
    decision_date: dt.date
    stage_done: str
    next_stage: str
    ratified_on: dt.date | None
    finished_on: dt.date | None
    state: str
    clock: dict | None
    started_in_period: bool
    finished_in_period: bool
    ratified_in_period: bool

    @property
    def state_label(self) -> str:
        return str(ReviewState.LABELS[self.state])

    @property
    def is_finished(self) -> bool:
        return self.state in ReviewState.FINISHED

    @property
    def awaiting_publication(self) -> bool:
        return self.state in (ReviewState.AWAITING_PUBLICATION, ReviewState.EMBARGOED)


def _review_row(review, period, asat: AsAt, cal: WorkingCalendar) -> ReviewRow:
    day = asat.day
    stages = list(review.stages.all())  # prefetched, in order
    done = {s.key: s.actual_date for s in stages if s.key and s.actual_date and s.actual_date <= day}
    reached = [s for s in stages if s.actual_date and s.actual_date <= day]
    upcoming = next((s for s in stages if not s.not_needed
                     and not (s.actual_date and s.actual_date <= day)), None)
    ratified = done.get(StageKey.RATIFIED)
    outcome = review.outcome_then or ""
    if review.kind == ReviewKind.LCSPR:
        published = done.get(StageKey.PUBLISHED)
        if published:
            state, finished = ReviewState.PUBLISHED, published
        elif ratified and outcome == PublicationOutcome.NOT_PUBLISHED:
            state, finished = ReviewState.NOT_PUBLISHED, ratified
        elif ratified and outcome == PublicationOutcome.EMBARGOED:
            state, finished = ReviewState.EMBARGOED, None
        elif ratified:
            state, finished = ReviewState.AWAITING_PUBLICATION, None
        else:
            state, finished = ReviewState.IN_PROGRESS, None
        lcspr = clocks.lcspr_clock(SimpleNamespace(
            is_lcspr=True, decision_date=review.decision_date, outcome=outcome,
            published_on=published, ratified_on=ratified), cal)
        status = lcspr.status(day)
        # Only what the report shows: ``describe()`` would also count the working days left,
        # one day at a time, for every review.
        clock = {"status": status, "status_label": status.label, "badge": lcspr.badge(day),
                 "due": lcspr.due}
    else:
        finished = done.get(StageKey.COMPLETED)
        state = ReviewState.COMPLETED if finished else ReviewState.IN_PROGRESS
        clock = None
    return ReviewRow(
        review_id=review.pk, reference=review.reference, title=review.title, kind=review.kind,
        kind_label=review.get_kind_display(), decision_date=review.decision_date,
        stage_done=reached[-1].name if reached else _("Decision to start"),
        next_stage=upcoming.name if upcoming and state not in ReviewState.FINISHED else "",
        ratified_on=ratified, finished_on=finished, state=state, clock=clock,
        started_in_period=period.contains(review.decision_date),
        finished_in_period=bool(finished and period.contains(finished)),
        ratified_in_period=bool(ratified and period.contains(ratified)),
    )


def review_rows(user, period, asat: AsAt, cal: WorkingCalendar) -> list[ReviewRow]:
    """Practice reviews started by the report's day and not finished before the period began,
    each as it stood then. Their publication outcome is read from the review's history (the
    last version saved by then), falling back to today's for a review entered later. Two
    queries (reviews, stages)."""
    day = asat.day
    finished_before = ReviewStage.objects.filter(
        review=OuterRef("pk"), actual_date__lt=period.start,
    )
    outcome_then = F("outcome")
    if not asat.live:
        outcome_then = Coalesce(Subquery(
            HistoricalPracticeReview.objects.filter(id=OuterRef("pk"), history_date__lte=asat.at)
            .order_by("-history_date", "-history_id").values("outcome")[:1]), F("outcome"))
    reviews = (
        scoped(PracticeReview, user).filter(decision_date__lte=day)
        .exclude(Exists(finished_before.filter(key__in=[StageKey.COMPLETED, StageKey.PUBLISHED])))
        .exclude(Q(outcome=PublicationOutcome.NOT_PUBLISHED)
                 & Exists(finished_before.filter(key=StageKey.RATIFIED)))
        .annotate(outcome_then=outcome_then)
        .only("id", "kind", "reference", "title", "decision_date", "outcome")
        .prefetch_related(Prefetch("stages", queryset=ReviewStage.objects.order_by("order", "id")))
        .order_by("kind", "decision_date", "reference")
    )
    return [_review_row(r, period, asat, cal) for r in reviews]


# --- Audits ----------------------------------------------------------------------------------------


@dataclass
class AuditRow:
    reference: str
    audit_id: int
    kind: str
    kind_label: str
    title: str
    agency: str
    completed_on: dt.date | None
    month_due: dt.date | None = None


def audit_rows(user, period, asat: AsAt) -> tuple[list[AuditRow], list[AuditRow]]:
    """``(completed, late)``: audits finished in the period (a MACFA or Section 11/175 round
    closed, or a single-agency audit presented to the subgroup), and rota slots whose month
    had passed without a presentation by the report's day. Two queries."""
    day = asat.day
    rota = Q(kind=AuditKind.SINGLE_AGENCY)
    base = scoped(Audit, user).select_related("agency")
    completed = base.filter(
        (~rota & Q(actual_end__range=(period.start, day)))
        | (rota & Q(date_presented__range=(period.start, day)))
    ).order_by("kind", "reference")
    late = base.filter(rota, month_due__lt=first_of_month(day)).filter(
        Q(date_presented__isnull=True) | Q(date_presented__gt=day)
    ).exclude(status=AuditStatus.CLOSED, actual_end__lte=day).order_by("month_due", "reference")

    def row(audit, when=None):
        return AuditRow(reference=audit.reference, audit_id=audit.pk, kind=audit.kind,
                        kind_label=audit.get_kind_display(), title=audit.title,
                        agency=audit.agency.short_name if audit.agency_id else "",
                        completed_on=when, month_due=audit.month_due)

    done = [row(a, a.date_presented if a.kind == AuditKind.SINGLE_AGENCY else a.actual_end)
            for a in completed]
    return done, [row(a) for a in late]



@dataclass
class ReviewFigures:
    """The review and audit part of a report, with the rows behind it."""

    notified: list[NotificationRow]
    waiting: list[NotificationRow]
    rapid_reviews: list[RapidReviewRow]
    reviews: list[ReviewRow]
    referrals: ReferralFigures
    audits: list[AuditRow]
    rota_late: list[AuditRow]

    @property
    def lcsprs(self) -> list[ReviewRow]:
        return [r for r in self.reviews if r.kind == ReviewKind.LCSPR]

    @property
    def local_reviews(self) -> list[ReviewRow]:
        return [r for r in self.reviews if r.kind != ReviewKind.LCSPR]

    def lcspr_stages(self) -> list[tuple[str, int]]:
        """LCSPRs still in progress, by the last stage done."""
        counts = Counter(r.stage_done for r in self.lcsprs if r.state == ReviewState.IN_PROGRESS)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def local_summary(self) -> list[dict]:
        """Per kind of local review: started and completed in the period, in progress."""
        result = []
        for kind in (ReviewKind.SPOTLIGHT, ReviewKind.TABLETOP, ReviewKind.LEARNING_BRIEFING):
            rows = [r for r in self.local_reviews if r.kind == kind]
            result.append({
                "kind": kind, "label": kind.label,
                "started": sum(r.started_in_period for r in rows),
                "completed": sum(r.finished_in_period for r in rows),
                "in_progress": sum(r.state == ReviewState.IN_PROGRESS for r in rows),
            })
        return result


def review_figures(user, period, asat: AsAt, cal: WorkingCalendar) -> ReviewFigures:
    """Notifications, Rapid Reviews, practice reviews, referrals and audits for ``period`` as
    at ``asat``. Seven queries."""
    _require_reader(user)
    notified, waiting = notification_rows(user, period, asat, cal)
    audits, late = audit_rows(user, period, asat)
    return ReviewFigures(
        notified=notified, waiting=waiting,
        rapid_reviews=rapid_review_rows(user, period, asat, cal),
        reviews=review_rows(user, period, asat, cal),
        referrals=referral_figures(user, period, asat),
        audits=audits, rota_late=late,
    )
