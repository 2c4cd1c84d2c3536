"""Actions by plan, by agency and in total as they stood at a moment (see
:mod:`reports.asat`), and the rows behind those tables."""

from __future__ import annotations

import datetime as dt
import hashlib
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from actions.models import (
    OPEN_STATUSES,
    Action,
    ActionPlan,
    ActionStatus,
    OriginKind,
    ProgressUpdate,
    TargetDateChange,
)
from reports import asat as asat_mod
from reports.asat import AsAt
from reports.selectors.common import RAG_ORDER, RAG_WORDS, THREE_MONTHS, _require_reader
from scsp.models import Agency
from scsp.permissions import scoped

HistoricalAction = Action.history.model

# --- Actions ---------------------------------------------------------------------------------------

#: The action counts in every table; see :func:`action_aggregates`.
ACTION_FIGURES = ("actions", "open", "awaiting", "overdue", "overdue_3m", "completed",
                  "completed_late", "signed_off", "impact", "slipped", *RAG_ORDER)


def action_aggregates(period, asat: AsAt) -> dict:
    """The aggregate expressions for one group of as-at action rows (see
    :mod:`reports.asat`): how many actions, open (the owner's to deliver), awaiting sign-off,
    overdue, overdue by more than 3 months, completed in the period (and of those, completed
    after their target date), signed off in the period,
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
        "completed_late": Count("pk", filter=Q(a_completed_on__range=(period.start, asat.day))
                                & asat_mod.completed_late_then()),
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
    counts["completed_late"] += (completed is not None and b.start <= completed <= b.day
                                 and action.completed_late)
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
    completed_late: int = 0
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

    #: Completed after its target date, by ``Action``'s own rule (as it stood then).
    completed_late = Action.completed_late

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
