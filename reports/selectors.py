"""The figures of the chair's quarterly progress report, read from the other apps.

Every figure comes from aggregate queries (``Count`` with ``filter=``, ``Subquery``, grouped
``values()``), never from a query per action or case: the number of queries is fixed whatever
the number of records (the tests check 1 row against 25). The few per-row calculations done in
Python are on rows already fetched (the statutory clocks, which need the working-day calendar,
and the medians).

* Clocks come from :mod:`reviews.clocks`, with the calendar passed in; nothing here counts
  working days itself.
* Reviews and audits are reported from their own dates (a notification's submission date, a
  stage's date done, an audit's finish), capped at the moment the report is "as at".
* Actions are reported as they stood at that moment: see :mod:`reports.asat`.
* Only partnership-wide roles read these reports (:func:`reports.models.may_read_reports`);
  the querysets still start from ``scoped(Model, user)``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actions.models import (
    OPEN_STATUSES,
    RAG_RANK,
    Action,
    ActionPlan,
    ActionStatus,
    OriginKind,
    ProgressUpdate,
    Rag,
    TargetDateChange,
)
from audits.models import Audit, AuditKind, AuditStatus, first_of_month
from reports import asat as asat_mod
from reports.asat import AsAt
from reports.models import QuarterCommentary, may_read_reports
from reports.quarters import Quarter
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
from scsp.models import Agency, Theme
from scsp.permissions import scoped
from scsp.workdays import WorkingCalendar

HistoricalPracticeReview = PracticeReview.history.model
HistoricalAction = Action.history.model

#: RAG values, the most worrying first (as the action pages order them).
RAG_ORDER = sorted(Rag.values, key=lambda r: RAG_RANK[r])
RAG_WORDS = {r.value: r.label.split(":")[0] for r in Rag}
THREE_MONTHS = relativedelta(months=3)
THEME_YEARS = 3


def _require_reader(user) -> None:
    if not may_read_reports(user):
        raise PermissionDenied(_("The partnership reports are for the business unit, the chair "
                                 "and the scrutineer."))


def percent(part: int, whole: int) -> int | None:
    """A whole-number percentage, or ``None`` when there is nothing to divide by."""
    return round(100 * part / whole) if whole else None


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


# --- Actions ---------------------------------------------------------------------------------------

#: The action counts in every table; see :func:`action_aggregates`.
ACTION_FIGURES = ("actions", "open", "awaiting", "overdue", "overdue_3m", "completed",
                  "signed_off", "impact", "slipped", *RAG_ORDER)


def action_aggregates(period, asat: AsAt) -> dict:
    """The aggregate expressions for one group of as-at action rows (see
    :mod:`reports.asat`): how many actions, open (the owner's to deliver), awaiting sign-off,
    overdue, overdue by more than 3 months, completed in the period, signed off in the period,
    with evidence of impact, slipped (target date later than first agreed), and the RAG
    split."""
    open_ = Q(a_status__in=OPEN_STATUSES)
    counts = {
        "actions": Count("pk"),
        "open": Count("pk", filter=open_),
        "awaiting": Count("pk", filter=Q(a_status=ActionStatus.AWAITING_SIGN_OFF)),
        "overdue": Count("pk", filter=open_ & Q(a_target__lt=asat.day)),
        "overdue_3m": Count("pk", filter=open_ & Q(a_target__lt=asat.day - THREE_MONTHS)),
        "completed": Count("pk", filter=Q(a_completed_on__range=(period.start, asat.day))),
        "signed_off": Count("pk", filter=Q(
            a_status=ActionStatus.SIGNED_OFF,
            a_signed_off_at__range=(period.start_moment(), asat.at))),
        "impact": Count("pk", filter=Q(a_has_impact=True)),
        "slipped": Count("pk", filter=Q(a_target__gt=F("a_original"))),
    }
    for rag in RAG_ORDER:
        counts[rag] = Count("pk", filter=Q(a_rag=rag))
    return counts


def _updates_in_period(source, period, asat: AsAt) -> Subquery:
    """Progress updates and evidence of impact recorded on the row's action in the period (the
    co-ordinator's decisions are not the agency's updates)."""
    return Subquery(
        ProgressUpdate.objects.filter(
            action_id=OuterRef(source.action_key),
            created_at__range=(period.start_moment(), asat.at),
            kind__in=[ProgressUpdate.Kind.PROGRESS, ProgressUpdate.Kind.IMPACT],
        ).order_by().values("action_id").annotate(n=Count("pk")).values("n")[:1],
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class _Bounds:
    """The dates :func:`tally` compares with, worked out once per count."""

    start: dt.date
    start_moment: dt.datetime
    day: dt.date
    three_months_ago: dt.date
    at: dt.datetime
    rag_now: dt.datetime

    @classmethod
    def of(cls, period, asat: AsAt) -> _Bounds:
        return cls(period.start, period.start_moment(), asat.day, asat.day - THREE_MONTHS,
                   asat.at, asat.rag_now)


def tally(counts: dict, action: asat_mod.ActionThen, b: _Bounds) -> None:
    """Add one action reconstructed from its dated records to ``counts``, by the same
    definitions as :func:`action_aggregates` (keep the two in step;
    ``test_the_dated_records_give_the_same_figures_as_the_history`` compares them), with the
    RAG from ``Action``'s own rule."""
    status, target = action.status, action.target_date
    is_open = status in OPEN_STATUSES
    completed, signed = action.completed_on, action.signed_off_at
    counts["actions"] += 1
    counts["open"] += is_open
    counts["awaiting"] += status == ActionStatus.AWAITING_SIGN_OFF
    counts["overdue"] += is_open and target < b.day
    counts["overdue_3m"] += is_open and target < b.three_months_ago
    counts["completed"] += completed is not None and b.start <= completed <= b.day
    counts["signed_off"] += (status == ActionStatus.SIGNED_OFF and signed is not None
                             and b.start_moment <= signed <= b.at)
    counts["impact"] += action.has_impact
    counts["slipped"] += target > action.original_target_date
    counts["updates"] += action.updates
    counts[action.rag(b.day, b.rag_now)] += 1


def _zero() -> dict:
    return dict.fromkeys((*ACTION_FIGURES, "updates"), 0)


KEY_OF = {"a_plan": "plan_id", "a_agency": "lead_agency_id"}
#: How long a finished period's action counts are kept (they are also dropped as soon as any
#: action, update or date change is written; see :func:`_action_data_mark`).
CACHE_SECONDS = 6 * 60 * 60


def _action_data_mark() -> str:
    """A mark that moves whenever the action records could have changed: every save of an
    action moves its ``version`` (and adds a history version), every update, date request and
    decision adds or stamps a row, and bulk loads change the counts. Four small aggregate
    queries."""
    marks = [
        Action.objects.aggregate(n=Count("pk"), m=Max("pk"), v=Sum("version")),
        HistoricalAction.objects.aggregate(n=Count("pk"), m=Max("pk"), d=Max("history_date")),
        ProgressUpdate.objects.aggregate(n=Count("pk"), m=Max("pk"), d=Max("created_at")),
        TargetDateChange.objects.aggregate(n=Count("pk"), m=Max("pk"), d=Max("decided_at")),
    ]
    return hashlib.sha256(repr(marks).encode()).hexdigest()[:32]


def _grouped(period, asat: AsAt, groupings: tuple[str, ...], *, updates_for: str | None = None,
             with_slips: bool = True) -> tuple[dict[str, dict[int, dict]], list[tuple[int, int]]]:
    """``({grouping: {plan or agency id: {figure: count}}}, [(plan id, slippage days)])``:
    the figures grouped by each of ``groupings`` (``"a_plan"``, ``"a_agency"``) and the
    slipped actions, added up over every as-at source; the updates in the period are counted
    for the ``updates_for`` grouping.

    The live table and the history are counted in SQL: one grouped query per grouping, plus
    one for the slipped actions (only they are returned). The dated records are fetched once
    and counted by :func:`tally`.

    A finished period's counts cannot change unless the action records do, so they are
    cached under :func:`_action_data_mark`: a repeat view (or the previous quarter's column)
    costs four small queries."""
    key = None
    if not asat.live:
        key = "reports:actions:" + hashlib.sha256("|".join(map(str, (
            period.start, period.end, asat.at.isoformat(), groupings, updates_for, with_slips,
            _action_data_mark()))).encode()).hexdigest()
        cached = cache.get(key)
        if cached is not None:
            return cached
    result: dict[str, dict[int, dict]] = {g: {} for g in groupings}
    slips: list[tuple[int, int]] = []
    rag = asat_mod.rag_at(asat)
    bounds = _Bounds.of(period, asat)
    since = period.start_moment() if updates_for else None
    for source in asat_mod.sources(asat, since):
        if source.kind == "dated":
            targets = [(result[g], KEY_OF[g]) for g in groupings]
            for action in asat_mod.dated_actions(source, asat):
                for groups, attr in targets:
                    group_key = getattr(action, attr)
                    counts = groups.get(group_key)
                    if counts is None:
                        counts = groups[group_key] = _zero()
                    tally(counts, action, bounds)
                if with_slips and action.target_date > action.original_target_date:
                    slips.append((action.plan_id,
                                  (action.target_date - action.original_target_date).days))
            continue
        for grouping in groupings:
            aggregates = action_aggregates(period, asat)
            qs = source.queryset.alias(a_rag=rag)
            if grouping == updates_for:
                qs = qs.alias(a_updates=_updates_in_period(source, period, asat))
                aggregates["updates"] = Coalesce(Sum("a_updates"), Value(0))
            for row in qs.values(grouping).annotate(**aggregates).order_by():
                _add(result[grouping].setdefault(row.pop(grouping), _zero()), row)
        if with_slips:
            slipped = (source.queryset.filter(a_target__gt=F("a_original"))
                       .values_list("a_plan", "a_target", "a_original").order_by())
            slips.extend((plan, (target - original).days) for plan, target, original in slipped)
    for grouping in groupings:
        if grouping != updates_for:
            for counts in result[grouping].values():
                counts["updates"] = 0
    if key is not None:
        cache.set(key, (result, slips), CACHE_SECONDS)
    return result, slips


def _add(into: dict, counts: dict) -> None:
    for name, value in counts.items():
        if value:
            into[name] = into.get(name, 0) + value


def _median(values: list[int]) -> float | None:
    return statistics.median(values) if values else None


@dataclass
class ActionTotals:
    """Action figures for one group (a plan, an agency, or the partnership)."""

    actions: int = 0
    open: int = 0
    awaiting: int = 0
    overdue: int = 0
    overdue_3m: int = 0
    completed: int = 0
    signed_off: int = 0
    impact: int = 0
    slipped: int = 0
    red: int = 0
    amber: int = 0
    green: int = 0
    blue: int = 0
    updates: int = 0
    median_slippage: float | None = None

    @property
    def rag_split(self) -> list[tuple[str, str, int]]:
        """``[(rag, word, count)]``, the most worrying first."""
        return [(rag, RAG_WORDS[rag], getattr(self, rag)) for rag in RAG_ORDER]

    @property
    def has_activity(self) -> bool:
        """Still being delivered, or something finished in the period."""
        return bool(self.open or self.awaiting or self.completed or self.signed_off)


@dataclass
class PlanRow:
    plan_id: int
    reference: str
    title: str
    origin: str
    origin_reference: str
    figures: ActionTotals


@dataclass
class AgencyRow:
    agency_id: int
    short_name: str
    name: str
    figures: ActionTotals


def action_figures(user, period, asat: AsAt) -> dict:
    """Actions by plan and by agency, and the partnership's totals (the agencies added up), as
    at ``asat``. Plans whose actions were all finished before the period are left out
    (``plans_hidden`` says how many). A fixed number of queries (see :func:`_grouped`), and
    one each for the plans' and agencies' names."""
    _require_reader(user)
    groups, slips = _grouped(period, asat, ("a_plan", "a_agency"), updates_for="a_agency")
    by_plan, by_agency = groups["a_plan"], groups["a_agency"]
    plan_slips = defaultdict(list)
    for plan_id, days in slips:
        plan_slips[plan_id].append(days)
    # Plain values, not model instances: a partnership can have thousands of plans.
    plans = {row[0]: row[1:] for row in scoped(ActionPlan, user).filter(
        pk__in=list(by_plan)).values_list("id", "reference", "title", "origin_kind",
                                          "origin_reference").order_by()}
    origins = {value: str(label) for value, label in OriginKind.choices}
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=list(by_agency))}
    plan_rows, hidden = [], 0
    for plan_id, counts in by_plan.items():
        plan = plans.get(plan_id)
        if plan is None:
            continue
        figures = ActionTotals(**counts, median_slippage=_median(plan_slips.get(plan_id, [])))
        if not figures.has_activity:
            hidden += 1
            continue
        reference, title, origin_kind, origin_reference = plan
        plan_rows.append(PlanRow(plan_id, reference, title, origins.get(origin_kind, origin_kind),
                                 origin_reference, figures))
    plan_rows.sort(key=lambda r: (-r.figures.overdue, -r.figures.open, r.reference))
    agency_rows = [
        AgencyRow(agency_id, agencies[agency_id].short_name, agencies[agency_id].name,
                  ActionTotals(**counts))
        for agency_id, counts in by_agency.items() if agency_id in agencies
    ]
    agency_rows.sort(key=lambda r: (-r.figures.overdue, -r.figures.open, r.short_name))
    return {"plans": plan_rows, "plans_hidden": hidden, "agencies": agency_rows,
            "totals": _sum_totals(by_agency.values(), [d for _p, d in slips])}


def _sum_totals(groups, slips: list[int] | None) -> ActionTotals:
    totals = ActionTotals(median_slippage=_median(slips) if slips is not None else None)
    for counts in groups:
        for name, value in counts.items():
            setattr(totals, name, getattr(totals, name) + value)
    return totals


def action_totals(user, period, asat: AsAt, *, with_median: bool = True,
                  with_updates: bool = True) -> ActionTotals:
    """The partnership's action figures alone (for the previous quarter's column and the
    dashboards): one grouped query per as-at source, plus one for the median slippage unless
    ``with_median`` is false. ``with_updates`` false leaves out the count of updates (a
    subquery per action) when nothing shows it."""
    _require_reader(user)
    groups, slips = _grouped(period, asat, ("a_agency",),
                             updates_for="a_agency" if with_updates else None,
                             with_slips=with_median)
    return _sum_totals(groups["a_agency"].values(),
                       [d for _p, d in slips] if with_median else None)


# --- Learning themes -------------------------------------------------------------------------------


@dataclass
class ThemeRow:
    theme_id: int
    name: str
    rapid_reviews_period: int = 0
    reviews_period: int = 0
    audits_period: int = 0
    rapid_reviews_years: int = 0
    reviews_years: int = 0
    audits_years: int = 0

    @property
    def in_period(self) -> int:
        return self.rapid_reviews_period + self.reviews_period + self.audits_period

    @property
    def in_years(self) -> int:
        return self.rapid_reviews_years + self.reviews_years + self.audits_years

    @property
    def recurring(self) -> bool:
        """Seen in more than one review or audit in the last three years."""
        return self.in_years >= 2


def theme_rows(user, period, asat: AsAt) -> tuple[list[ThemeRow], dt.date]:
    """Learning themes of Rapid Reviews (by the panel meeting), practice reviews (by the
    decision to start) and audits (by their start) in the period and in the
    three years to its end, most frequent first; themes seen only once in three years are
    left out. Four queries. Returns ``(rows, first day of the three years)``."""
    day = asat.day
    since = period.end - relativedelta(years=THEME_YEARS) + dt.timedelta(days=1)
    rows: dict[int, ThemeRow] = {}

    def count(through, date_path, in_scope, prefix):
        qs = (through.objects.filter(**{f"{date_path}__range": (since, day)}, **in_scope)
              .values("theme_id").annotate(
                  years=Count("pk"),
                  period=Count("pk", filter=Q(**{f"{date_path}__gte": period.start})))
              .order_by())
        for r in qs:
            row = rows.setdefault(r["theme_id"], ThemeRow(r["theme_id"], ""))
            setattr(row, f"{prefix}_years", r["years"])
            setattr(row, f"{prefix}_period", r["period"])

    count(Case.themes.through, "case__rapid_review__meeting_date",
          {"case__in": scoped(Case, user)}, "rapid_reviews")
    count(PracticeReview.themes.through, "practicereview__decision_date",
          {"practicereview__in": scoped(PracticeReview, user)}, "reviews")
    count(Audit.themes.through, "audit__actual_start", {"audit__in": scoped(Audit, user)},
          "audits")
    names = dict(Theme.objects.filter(pk__in=list(rows)).values_list("pk", "name"))
    result = []
    for theme_id, row in rows.items():
        row.name = names.get(theme_id, "")
        if row.recurring:
            result.append(row)
    result.sort(key=lambda r: (-r.in_years, -r.in_period, r.name))
    return result, since


# --- Headline and the whole report -----------------------------------------------------------------


@dataclass
class Headline:
    """The figures the board compares quarter with quarter."""

    notifications: int
    notified_within: int
    waiting_notifications: int
    waiting_overdue: int
    rapid_reviews: int
    rapid_reviews_within: int
    rapid_reviews_late: int
    lcsprs_started: int
    lcsprs_in_progress: int
    lcsprs_ratified: int
    lcsprs_published: int
    lcsprs_awaiting_publication: int
    lcsprs_embargoed: int
    lcsprs_overdue: int
    spotlight_completed: int
    tabletop_completed: int
    briefings_completed: int
    local_in_progress: int
    referrals: ReferralFigures
    audits_completed: int
    rota_late: int
    actions: ActionTotals

    @property
    def notified_within_percent(self) -> int | None:
        return percent(self.notified_within, self.notifications)

    @property
    def rapid_reviews_within_percent(self) -> int | None:
        """Of the Rapid Reviews whose clock has stopped or run out."""
        return percent(self.rapid_reviews_within,
                       self.rapid_reviews_within + self.rapid_reviews_late)

    @property
    def impact_percent(self) -> int | None:
        """Evidence of impact, of the actions completed (awaiting sign-off or signed off)."""
        return percent(self.actions.impact, self.actions.awaiting + self.actions.blue)


#: The rows of "change since the previous quarter": (attribute path, label, better when
#: "up", "down" or "" when neither, is a percentage).
CHANGE_ROWS = [
    ("notifications", gettext_lazy("Notifications to the National Panel"), "", False),
    ("notified_within_percent", gettext_lazy("Notified within 5 working days"), "up", True),
    ("rapid_reviews", gettext_lazy("Rapid Reviews held"), "", False),
    ("rapid_reviews_within_percent", gettext_lazy("Rapid Reviews within 15 working days"),
     "up", True),
    ("lcsprs_in_progress", gettext_lazy("LCSPRs in progress"), "", False),
    ("lcsprs_awaiting_publication", gettext_lazy("LCSPRs awaiting publication"), "", False),
    ("lcsprs_overdue", gettext_lazy("LCSPRs past 6 months"), "down", False),
    ("audits_completed", gettext_lazy("Audits completed"), "up", False),
    ("actions.open", gettext_lazy("Actions open"), "", False),
    ("actions.overdue", gettext_lazy("Actions overdue"), "down", False),
    ("actions.overdue_3m", gettext_lazy("Actions overdue by more than 3 months"), "down", False),
    ("actions.completed", gettext_lazy("Actions completed in the quarter"), "up", False),
    ("actions.signed_off", gettext_lazy("Actions signed off in the quarter"), "up", False),
    ("actions.impact", gettext_lazy("Actions with evidence of impact"), "up", False),
    ("actions.red", gettext_lazy("Actions rated red"), "down", False),
]


@dataclass
class ChangeRow:
    key: str
    label: str
    now: int | None
    before: int | None
    change: int | None
    direction: str  # "better", "worse", "same" or "" (neither)
    is_percent: bool

    @property
    def change_words(self) -> str:
        if self.change is None:
            return "—"
        unit = _(" points") if self.is_percent else ""
        if self.change == 0:
            return _("No change")
        if self.change > 0:
            return _("Up %(n)s%(unit)s") % {"n": self.change, "unit": unit}
        return _("Down %(n)s%(unit)s") % {"n": -self.change, "unit": unit}


def _value(headline: Headline, path: str):
    value = headline
    for part in path.split("."):
        value = getattr(value, part)
    return value


def changes(now: Headline, before: Headline) -> list[ChangeRow]:
    rows = []
    for path, label, better, is_percent in CHANGE_ROWS:
        a, b = _value(now, path), _value(before, path)
        change = a - b if a is not None and b is not None else None
        direction = ""
        if change is not None and better:
            improved = (change > 0) == (better == "up")
            direction = "same" if change == 0 else ("better" if improved else "worse")
        rows.append(ChangeRow(path, str(label), a, b, change, direction, is_percent))
    return rows


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

    def audit_summary(self) -> list[dict]:
        counts = Counter(a.kind for a in self.audits)
        return [{"kind": kind, "label": kind.label, "completed": counts.get(kind, 0)}
                for kind in AuditKind]


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


def headline(figures: ReviewFigures, actions: ActionTotals) -> Headline:
    lcsprs, local = figures.lcsprs, figures.local_reviews

    def completed(kind):
        return sum(r.finished_in_period for r in local if r.kind == kind)

    return Headline(
        notifications=len(figures.notified),
        notified_within=sum(r.within for r in figures.notified),
        waiting_notifications=len(figures.waiting),
        waiting_overdue=sum(r.status == clocks.ClockStatus.OVERDUE for r in figures.waiting),
        rapid_reviews=len(figures.rapid_reviews),
        rapid_reviews_within=sum(r.within for r in figures.rapid_reviews),
        rapid_reviews_late=sum(r.late for r in figures.rapid_reviews),
        lcsprs_started=sum(r.started_in_period for r in lcsprs),
        lcsprs_in_progress=sum(r.state == ReviewState.IN_PROGRESS for r in lcsprs),
        lcsprs_ratified=sum(r.ratified_in_period for r in lcsprs),
        lcsprs_published=sum(r.state == ReviewState.PUBLISHED and r.finished_in_period
                             for r in lcsprs),
        lcsprs_awaiting_publication=sum(r.awaiting_publication for r in lcsprs),
        lcsprs_embargoed=sum(r.state == ReviewState.EMBARGOED for r in lcsprs),
        lcsprs_overdue=sum(bool(r.clock) and r.clock["status"] == clocks.ClockStatus.OVERDUE
                           for r in lcsprs),
        spotlight_completed=completed(ReviewKind.SPOTLIGHT),
        tabletop_completed=completed(ReviewKind.TABLETOP),
        briefings_completed=completed(ReviewKind.LEARNING_BRIEFING),
        local_in_progress=sum(r.state == ReviewState.IN_PROGRESS for r in local),
        referrals=figures.referrals,
        audits_completed=len(figures.audits),
        rota_late=len(figures.rota_late),
        actions=actions,
    )


def quarter_headline(user, quarter: Quarter, *, today: dt.date, now: dt.datetime,
                     cal: WorkingCalendar) -> Headline:
    """The headline figures of one quarter alone (for the previous quarter's column and the
    chair's and scrutineer's home page)."""
    asat = AsAt.for_period(quarter, today=today, now=now)
    return headline(review_figures(user, quarter, asat, cal),
                    action_totals(user, quarter, asat, with_median=False, with_updates=False))


def method_note(asat: AsAt) -> str:
    """The footnote stating how the figures were worked out."""
    if asat.live:
        return _(
            "This quarter has not ended: the figures are as at %(day)s and will change. Once it "
            "ends they are fixed as they stood at 23:59 on its last day."
        ) % {"day": asat.day.strftime("%-d %B %Y")}
    return _(
        "Figures are as they stood at 23:59 on %(day)s (UK time). Each action is read from its "
        "change history: the last version saved by then gives its status, target date and "
        "lead agency, so later sign-offs, date changes and updates do not alter this report. "
        "An action entered later with earlier dates is read from its dated progress updates "
        "and agreed date changes. Notifications, Rapid Reviews, review stages and audits are "
        "counted by the dates recorded for them, up to that day. Working days exclude weekends, "
        "bank holidays in England and the partnership's closure days."
    ) % {"day": asat.day.strftime("%-d %B %Y")}


@dataclass
class QuarterlyReport:
    quarter: Quarter
    asat: AsAt
    figures: ReviewFigures
    headline: Headline
    previous: Quarter
    previous_headline: Headline
    changes: list[ChangeRow]
    plans: list[PlanRow]
    plans_hidden: int
    agencies: list[AgencyRow]
    themes: list[ThemeRow]
    themes_since: dt.date
    commentary: QuarterCommentary | None
    method: str
    charts: dict = field(default_factory=dict)

    @property
    def totals(self) -> ActionTotals:
        return self.headline.actions


def quarterly_report(user, quarter: Quarter, *, today: dt.date, now: dt.datetime,
                     cal: WorkingCalendar) -> QuarterlyReport:
    """Everything the quarterly progress report shows, for ``quarter`` as at its end (or now,
    while it runs), with the previous quarter's headline for comparison. A fixed number of
    queries, whatever the number of actions, cases and plans."""
    from reports import charts

    _require_reader(user)
    asat = AsAt.for_period(quarter, today=today, now=now)
    figures = review_figures(user, quarter, asat, cal)
    actions = action_figures(user, quarter, asat)
    this = headline(figures, actions["totals"])
    previous = quarter.previous()
    before = quarter_headline(user, previous, today=today, now=now, cal=cal)
    themes, since = theme_rows(user, quarter, asat)
    commentary = (QuarterCommentary.objects.visible_to(user)
                  .filter(year=quarter.year, quarter=quarter.number)
                  .select_related("updated_by").first())
    report = QuarterlyReport(
        quarter=quarter, asat=asat, figures=figures, headline=this, previous=previous,
        previous_headline=before, changes=changes(this, before), plans=actions["plans"],
        plans_hidden=actions["plans_hidden"], agencies=actions["agencies"], themes=themes,
        themes_since=since, commentary=commentary, method=method_note(asat),
    )
    report.charts = charts.quarterly_charts(report)
    return report


# --- The rows behind the action tables (for downloads) -----------------------------------------


@dataclass
class ActionRow:
    """One action as it stood at the report's moment."""

    reference: str
    plan: str
    agency: str
    status: str
    target_date: dt.date
    original_target_date: dt.date
    rag: str
    completed_on: dt.date | None
    signed_off_at: dt.datetime | None
    has_impact: bool

    @property
    def status_label(self) -> str:
        return str(ActionStatus(self.status).label)

    @property
    def rag_word(self) -> str:
        return RAG_WORDS[self.rag]

    @property
    def slippage_days(self) -> int:
        return max((self.target_date - self.original_target_date).days, 0)


def action_rows(user, asat: AsAt) -> list[ActionRow]:
    """Every action as at ``asat`` (the rows the plan and agency tables count), by reference:
    one query per as-at source."""
    _require_reader(user)
    rows = []
    rag = asat_mod.rag_at(asat)
    for source in asat_mod.sources(asat):
        if source.kind == "dated":
            names = ("reference", "plan__reference", "lead_agency__short_name")
            for values in source.queryset.values_list(*names, *asat_mod.DATED_COLUMNS):
                a = asat_mod.ActionThen(values[len(names):], asat)
                rows.append(ActionRow(*values[:len(names)], a.status, a.target_date,
                                      a.original_target_date, a.rag(asat.day, asat.rag_now),
                                      a.completed_on, a.signed_off_at, a.has_impact))
            continue
        qs = source.queryset.annotate(a_rag=rag).values_list(
            "reference", "plan__reference", "lead_agency__short_name", "a_status", "a_target",
            "a_original", "a_rag", "a_completed_on", "a_signed_off_at", "a_has_impact",
        )
        rows.extend(ActionRow(*values) for values in qs)
    rows.sort(key=lambda r: r.reference)
    return rows
