"""Actions as they stood at a moment: the rows every action figure in a report is counted from.

**The method** (printed, in short, as the report's footnote):

* A report for a period that is still running reads the actions as they are now.
* A report for a finished period reads each action **as it stood at the end of the period's
  last day** (23:59:59 UK time), from two sources, so that nothing done later changes it:

  1. *The change history.* Every save of an action is kept (django-simple-history). For each
     action we take the last version saved on or before that moment: its status, target date,
     flags, completion date, sign-off and lead agency are the ones it had then. An action
     whose last version by then is a deletion is left out.
  2. *The dated records*, for an action with no version that early: one entered later with
     earlier dates (brought in from a partnership's old tracker, or the demo), or loaded
     without history. It counts if it was created, or had a progress update, by then. Its
     status is read from its progress updates (each status change is one, with the status it
     changed from: the first change after the moment says what it was then); its target date
     from the agreed date changes (a change agreed later gives back the date it replaced);
     its last update from the updates' dates; the at-risk and blocked flags, which carry no
     date, as they are now unless something has been recorded on it since. Its plan and lead
     agency are today's: a reassignment has no dated record.

The live table and the history carry the same names (``a_status``, ``a_target``, ...), so one
set of aggregate expressions counts them in SQL, with the partnership's one RAG rule,
:func:`actions.models.rag_expression`, pointed at these names (:func:`rag_at`). The dated
records are fetched once and counted in Python (:class:`ActionThen` answers the RAG rule with
``Action``'s own methods); a test checks that both give the same figures.

Nothing here reads the clock: callers pass an :class:`AsAt`.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import ImproperlyConfigured
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from actions.models import (
    Action,
    ProgressUpdate,
    TargetDateChange,
    completed_late_q,
    end_of_day,
    rag_expression,
)

HistoricalAction = Action.history.model

#: The action fields the RAG rule reads, and the as-at names the report's rows carry instead.
RAG_FIELDS = {
    "status": "a_status",
    "blocked": "a_blocked",
    "at_risk": "a_at_risk",
    "target_date": "a_target",
    "last_update_at": "a_last_update",
    "completed_on": "a_completed_on",
}


@dataclass(frozen=True)
class AsAt:
    """The moment a report describes: ``day`` (overdue and RAG are judged on it), ``at`` (the
    instant; later changes are ignored) and ``live`` (the period is still running, so the
    records are read as they are now)."""

    day: dt.date
    at: dt.datetime
    live: bool

    @classmethod
    def for_period(cls, period, *, today: dt.date, now: dt.datetime) -> AsAt:
        """The end of a finished period, or now for one still running."""
        if period.is_complete(today):
            return cls(period.end, period.end_moment(), live=False)
        return cls(today, now, live=True)

    @cached_property
    def rag_now(self) -> dt.datetime:
        """The ``now`` of the RAG rule: the end of ``day``, as the action lists use."""
        return end_of_day(self.day)


@dataclass(frozen=True)
class Source:
    """One set of as-at rows: a queryset carrying the ``a_*`` names, and the name of the
    action id in it (``pk`` for actions, ``id`` for historical versions)."""

    queryset: QuerySet
    action_key: str
    kind: str  # "live", "history" or "dated"


def _keys(qs: QuerySet, *, action_id: str, plan: str, agency: str) -> QuerySet:
    """Selected grouping keys: ``a_plan`` and ``a_agency`` (``values()`` needs annotations,
    not aliases)."""
    return qs.annotate(a_plan=F(plan), a_agency=F(agency), a_action=F(action_id))


def _stored_columns(qs: QuerySet) -> QuerySet:
    """The ``a_*`` names for rows that hold the state in their own columns (the live table
    and the historical versions)."""
    return qs.annotate(
        a_status=F("status"), a_target=F("target_date"), a_original=F("original_target_date"),
        a_blocked=F("blocked"), a_at_risk=F("at_risk"), a_last_update=F("last_update_at"),
        a_completed_on=F("completed_on"), a_signed_off_at=F("signed_off_at"),
        a_has_impact=ExpressionWrapper(~Q(impact_evidence=""), output_field=BooleanField()),
    )


def live_source() -> Source:
    """Every action as it is now."""
    qs = _keys(Action.objects.all(), action_id="pk", plan="plan_id", agency="lead_agency_id")
    return Source(_stored_columns(qs), "pk", "live")


def history_source(at: dt.datetime) -> Source:
    """The last saved version of each action on or before ``at`` (latest ``history_date``,
    then ``history_id``, as django-simple-history orders them), leaving out actions whose
    last version by then is their deletion.

    The versions are ranked in one pass (``ROW_NUMBER() OVER (PARTITION BY id ...)``) rather
    than with a subquery per version, which is several times faster on a large history."""
    ranked = (
        HistoricalAction.objects.filter(history_date__lte=at)
        .annotate(rank=Window(RowNumber(), partition_by=[F("id")],
                              order_by=[F("history_date").desc(), F("history_id").desc()]))
        .filter(rank=1).values("history_id")
    )
    qs = HistoricalAction.objects.filter(history_id__in=ranked).exclude(history_type="-")
    qs = _keys(qs, action_id="id", plan="plan_id", agency="lead_agency_id")
    return Source(_stored_columns(qs), "id", "history")


def dated_source(at: dt.datetime, day: dt.date, since: dt.datetime | None = None) -> Source:
    """Actions with no saved version by ``at`` but known by then from their dates (created,
    or updated, on or before it), reconstructed from their dated records. With ``since``,
    ``a_updates`` counts their progress updates from ``since`` to ``at``.

    Each reconstructed value is a correlated subquery; a database evaluates it again wherever
    an expression mentions it, so these rows are **fetched once** (one query, each subquery
    evaluated once per row) and counted by :func:`tally` with the Python twin of the RAG
    rule, rather than aggregated in SQL, where the RAG rule and the counts would repeat each
    subquery a dozen times per row."""
    updates = ProgressUpdate.objects.filter(action=OuterRef("pk"))
    updates_by_then = updates.filter(created_at__lte=at)
    updates_since = updates.filter(created_at__gt=at)
    # The first status change after then says what the status was then (every change of
    # status is a progress update, with ``status_from``); with none since, it is unchanged.
    status_then = Coalesce(
        Subquery(updates_since.exclude(status_from="").order_by("created_at", "id")
                 .values("status_from")[:1]),
        F("status"),
    )
    target_then = Coalesce(
        Subquery(TargetDateChange.objects.filter(
            action=OuterRef("pk"), decision=TargetDateChange.Decision.AGREED, decided_at__gt=at,
        ).order_by("decided_at", "id").values("old_date")[:1]),
        F("target_date"),
    )
    changed_since = Exists(updates_since)
    last_update_then = Subquery(updates_by_then.order_by("-created_at").values("created_at")[:1],
                                output_field=DateTimeField())
    # "No version saved by then" is "first saved (its creation version) after then, or never
    # saved with history": two lists of ids built once, instead of a subquery per action
    # (which SQLite plans through the history_date index, scanning most of the history for
    # every action).
    created = HistoricalAction.objects.filter(history_type="+")
    qs = (
        Action.objects.filter(
            Q(pk__in=created.filter(history_date__gt=at).values("id"))
            | ~Q(pk__in=created.values("id")))
        .annotate(a_last_update=last_update_then)
        .filter(Q(created_at__lte=at) | Q(a_last_update__isnull=False))
    )
    qs = _keys(qs, action_id="pk", plan="plan_id", agency="lead_agency_id").annotate(
        a_status=status_then,
        a_target=target_then,
        a_original=F("original_target_date"),
        a_changed_since=changed_since,
        a_blocked=F("blocked"),
        a_at_risk=F("at_risk"),
        a_completed_on=F("completed_on"),
        a_signed_off_at=F("signed_off_at"),
        a_impact_at=F("impact_recorded_at"),
    )
    if since is not None:
        qs = qs.annotate(a_updates=Subquery(
            ProgressUpdate.objects.filter(
                action_id=OuterRef("pk"), created_at__range=(since, at),
                kind__in=[ProgressUpdate.Kind.PROGRESS, ProgressUpdate.Kind.IMPACT],
            ).order_by().values("action_id").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField()))
    return Source(qs, "pk", "dated")


#: The columns :func:`tally` reads from the dated source, in order.
DATED_COLUMNS = ("a_plan", "a_agency", "a_action", "a_status", "a_target", "a_original",
                 "a_changed_since", "a_blocked", "a_at_risk", "a_last_update", "a_completed_on",
                 "a_signed_off_at", "a_impact_at")


class ActionThen:
    """One action as it stood at a moment, in memory: it answers the RAG rule with
    :class:`actions.models.Action`'s own methods (the Python twin of ``rag_expression``,
    tested against it), so the rule is never written twice."""

    __slots__ = ("plan_id", "lead_agency_id", "pk", "status", "target_date",
                 "original_target_date", "blocked", "at_risk", "last_update_at",
                 "completed_on", "signed_off_at", "has_impact", "updates")

    is_open = Action.is_open
    is_overdue = Action.is_overdue
    completed_late = Action.completed_late
    rag_explained = Action.rag_explained
    rag = Action.rag

    def __init__(self, row, asat: AsAt):
        (self.plan_id, self.lead_agency_id, self.pk, self.status, self.target_date,
         self.original_target_date, changed_since, blocked, at_risk, self.last_update_at,
         completed_on, signed_off_at, impact_at, *rest) = row
        # Flags carry no date: as they are now, unless something was recorded since.
        self.blocked = bool(blocked) and not changed_since
        self.at_risk = bool(at_risk) and not changed_since
        self.completed_on = completed_on if completed_on and completed_on <= asat.day else None
        self.signed_off_at = signed_off_at if signed_off_at and signed_off_at <= asat.at else None
        self.has_impact = bool(impact_at and impact_at <= asat.at)
        self.updates = (rest[0] or 0) if rest else 0


def dated_actions(source: Source, asat: AsAt) -> list[ActionThen]:
    """Fetch the dated source's rows (one query) as :class:`ActionThen` objects."""
    columns = DATED_COLUMNS + (("a_updates",) if "a_updates" in source.queryset.query.annotations
                               else ())
    return [ActionThen(row, asat)
            for row in source.queryset.values_list(*columns).order_by()]


def sources(asat: AsAt, since: dt.datetime | None = None) -> list[Source]:
    """The sources that together hold every action as at ``asat`` (``since``: count the
    updates from then, for the dated source)."""
    if asat.live:
        return [live_source()]
    return [history_source(asat.at), dated_source(asat.at, asat.day, since)]


def _rename_q(q: Q, names: dict[str, str]) -> Q:
    q = copy.copy(q)
    children = []
    for child in q.children:
        if isinstance(child, Q):
            children.append(_rename_q(child, names))
            continue
        lookup, value = child
        field, sep, rest = lookup.partition("__")
        if field not in names:
            raise ImproperlyConfigured(
                f"rag_expression reads {field!r}; add it to reports.asat.RAG_FIELDS")
        if isinstance(value, F):  # a comparison with another of the action's fields
            if value.name not in names:
                raise ImproperlyConfigured(
                    f"rag_expression reads {value.name!r}; add it to reports.asat.RAG_FIELDS")
            value = F(names[value.name])
        children.append((names[field] + sep + rest, value))
    q.children = children
    return q


def completed_late_then() -> Q:
    """"Completed late" (:func:`actions.models.completed_late_q`, unchanged) reading the
    as-at names instead of the action's own columns."""
    return _rename_q(completed_late_q(), RAG_FIELDS)


def rag_at(asat: AsAt) -> Case:
    """The partnership's RAG rule (:func:`actions.models.rag_expression`, unchanged) for
    ``asat``, reading the as-at names instead of the action's own columns."""
    expression = copy.deepcopy(rag_expression(asat.day, asat.rag_now))
    for when in expression.cases:
        if not isinstance(when.condition, Q):
            raise ImproperlyConfigured("rag_expression's conditions must be Q objects")
        when.condition = _rename_q(when.condition, RAG_FIELDS)
    return expression
