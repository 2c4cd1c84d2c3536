"""What the action pages, exports and the calendar feed read.

Every selector starts from ``visible_to(user)`` (or is handed an object already fetched with
``get_object_for_user``), then joins and annotates what the page shows in a fixed number of
queries, whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, DateField, F, IntegerField, Prefetch, Q, QuerySet, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from actions.models import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    RAG_RANK,
    Action,
    ActionPlan,
    ActionStatus,
    Evidence,
    ProgressUpdate,
    Rag,
    Recommendation,
    TargetDateChange,
    rag_expression,
)
from scsp.models import Agency, User

#: RAG values, the most worrying first.
RAG_ORDER = sorted(Rag.values, key=lambda r: RAG_RANK[r])

#: The three action lists: whose actions each shows (always within ``visible_to``).
SCOPES = ("mine", "agency", "all")


def actions_for(user, *, scope: str = "all", today: dt.date,
                now: dt.datetime | None = None) -> QuerySet[Action]:
    """The actions ``user`` may see in one of the :data:`SCOPES`: ``mine`` (they lead),
    ``agency`` (their agency leads) or ``all``. The RAG is not annotated here: the filters
    add ``current_rag`` / ``rag_rank`` when they filter or sort by it, exports use
    :func:`for_export`, and a page's rows get it from :func:`list_rows` (building the SQL
    ``CASE`` on every request was a tenth of a list page's time)."""
    if scope == "mine":
        return Action.objects.visible_to(user).filter(lead_officer_id=user.pk)
    if scope == "agency":
        return Action.objects.led_by_agency_of(user)
    if scope == "all":
        return Action.objects.visible_to(user)
    raise ValueError(scope)


#: What a list row shows (``actions/action_list.html``) and the RAG rule reads: the page's
#: query-count test fails if the template reaches for anything else.
LIST_ROW_FIELDS = (
    "reference", "title", "description", "target_date", "original_target_date", "status",
    "blocked", "at_risk", "last_update_at", "completed_on", "plan__title", "lead_agency__short_name",
    "lead_officer__full_name",
)


def list_rows(base: QuerySet[Action], keys, *, today: dt.date,
              now: dt.datetime | None = None) -> list[Action]:
    """One page of an action list: the actions with ``keys`` (chosen and ordered by the list's
    own query) taken again from ``base``, the person's scope from :func:`actions_for`, so a
    row that left their scope between the two queries is not shown; joined for a list row,
    with ``current_rag`` set by :meth:`Action.rag`, the rule ``with_rag`` mirrors in SQL
    (tested equal): 25 rows need no SQL ``CASE``."""
    rows = list(base.filter(pk__in=list(keys)).order_by()
                .select_related("plan", "lead_agency", "lead_officer").only(*LIST_ROW_FIELDS))
    for action in rows:
        action.current_rag = action.rag(today, now)
    return rows


def for_export(qs: QuerySet[Action], *, today: dt.date) -> QuerySet[Action]:
    """What an export row needs: the list row's joins, the RAG, themes, who signed off."""
    if "current_rag" not in qs.query.annotations:
        qs = qs.annotate(current_rag=rag_expression(today))
    return qs.select_related(
        "plan", "lead_agency", "lead_officer", "recommendation", "signed_off_by",
    ).prefetch_related(Prefetch("themes", to_attr="theme_list"))


# --- plans -----------------------------------------------------------------------------------


def plan_list_for(user, *, today: dt.date) -> QuerySet[ActionPlan]:
    """The plans ``user`` may see, newest first, with action counts (total, open, overdue,
    signed off) in the same query."""
    return (
        ActionPlan.objects.visible_to(user)
        .select_related("owner")
        .annotate(
            n_actions=Count("actions", distinct=True),
            n_open=Count("actions", filter=Q(actions__status__in=OPEN_STATUSES), distinct=True),
            n_overdue=Count(
                "actions",
                filter=Q(actions__status__in=OPEN_STATUSES, actions__target_date__lt=today),
                distinct=True,
            ),
            n_signed_off=Count(
                "actions", filter=Q(actions__status=ActionStatus.SIGNED_OFF), distinct=True
            ),
        )
        .order_by("-created_at", "-id")
    )


def rag_counts(plan_ids, *, today: dt.date) -> dict[int, dict[str, int]]:
    """``{plan id: {rag: count}}`` for the given plans, in one query."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Action.objects.filter(plan_id__in=list(plan_ids)).with_rag(today)
        .values("plan_id", "current_rag").annotate(n=Count("id")).order_by()
    )
    for row in rows:
        counts[row["plan_id"]][row["current_rag"]] = row["n"]
    return counts


@dataclass
class RecommendationBlock:
    recommendation: Recommendation | None
    actions: list[Action]


def plan_detail(plan: ActionPlan, *, today: dt.date, cal=None) -> dict:
    """A plan's recommendations, each with its actions (RAG annotated), then the actions
    that answer no recommendation, and the plan's RAG totals. Three queries."""
    recommendations = list(plan.recommendations.prefetch_related("themes").order_by("number"))
    actions = list(
        plan.actions.with_rag(today).select_related("lead_agency", "lead_officer")
        .order_by("number")
    )
    if cal is not None:
        mark_working_days_overdue(actions, today=today, cal=cal)
    by_rec: dict[int | None, list[Action]] = defaultdict(list)
    totals: dict[str, int] = defaultdict(int)
    for action in actions:
        by_rec[action.recommendation_id].append(action)
        totals[action.current_rag] += 1
    blocks = [RecommendationBlock(rec, by_rec.get(rec.pk, [])) for rec in recommendations]
    if by_rec.get(None):
        blocks.append(RecommendationBlock(None, by_rec[None]))
    return {
        "blocks": blocks,
        "actions": actions,
        "rag_totals": [(rag, totals.get(rag, 0)) for rag in RAG_ORDER],
        "agencies": sorted({a.lead_agency.short_name for a in actions}),
    }


# --- one action ------------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    """One dated line in an action's story."""

    at: dt.datetime
    kind: str  # "update", "date_request", "date_decision"
    update: ProgressUpdate | None = None
    change: TargetDateChange | None = None


def working_days_overdue(action: Action, *, today: dt.date, cal) -> int:
    """How far an open action is past its target date, in working days as the statutory
    clocks count them (``scsp.workdays``): 0 when it is not overdue, and also on a weekend or
    bank holiday straight after its target date (nothing was missed yet)."""
    if not action.is_overdue(today):
        return 0
    return max(0, cal.working_days_between(action.target_date, today))


def mark_working_days_overdue(actions, *, today: dt.date, cal) -> list:
    """Set ``overdue_now`` and ``days_overdue`` on each action of a page (lists, dashboards);
    no query."""
    actions = list(actions)
    for action in actions:
        action.overdue_now = action.is_overdue(today)
        action.days_overdue = working_days_overdue(action, today=today, cal=cal)
    return actions


def impact_reviews_of(action: Action) -> list:
    """The action's impact reviews, oldest first, each with its rating (and what the rating
    led to) and its evidence as ``evidence_items``. Always two queries, with or without
    reviews (a prefetch would skip its query when there are none, so the page's count would
    depend on the action's state)."""
    from actions.models import ImpactEvidence

    reviews = list(action.impact_reviews.select_related(
        "rating", "rating__rated_by", "rating__follow_up_action", "rating__next_review")
        .order_by("number"))
    items: dict[int, list] = {review.pk: [] for review in reviews}
    for item in (ImpactEvidence.objects.filter(review__action=action)
                 .select_related("added_by").order_by("added_at", "id")):
        items[item.review_id].append(item)
    for review in reviews:
        review.evidence_items = items[review.pk]
    return reviews


def action_detail(action: Action, *, today: dt.date, cal=None) -> dict:
    """Everything the action page shows: the timeline of updates and target-date changes
    (newest first), evidence files, the impact reviews and the request waiting for a
    decision. Six queries."""
    updates = list(
        action.updates.select_related("author", "author__agency")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.select_related(
            "uploaded_by").order_by("uploaded_at", "id")))
    )
    changes = list(action.date_changes.select_related("requested_by", "decided_by"))
    timeline = [TimelineEntry(u.created_at, "update", update=u) for u in updates]
    for change in changes:
        timeline.append(TimelineEntry(change.requested_at, "date_request", change=change))
        if change.decided_at:
            timeline.append(TimelineEntry(change.decided_at, "date_decision", change=change))
    timeline.sort(key=lambda e: (e.at, e.kind == "date_decision"), reverse=True)
    evidence = [ev for u in reversed(updates) for ev in u.evidence.all()]
    from actions.models import ImpactRating

    files = {u.pk: list(u.evidence.all()) for u in updates}
    reviews = impact_reviews_of(action)
    for review in reviews:
        for item in review.evidence_items:
            item.files = files.get(item.update_id, [])
    pending = next((c for c in changes if c.decision == TargetDateChange.Decision.PENDING),
                   None)
    return {
        "timeline": timeline,
        "evidence": evidence,
        "impact_reviews": reviews,
        "follows_rating": ImpactRating.objects.filter(follow_up_action=action)
        .select_related("review__action").first(),
        "date_changes": changes,
        "pending_change": pending,
        "agreed_changes": [c for c in changes if c.decision == TargetDateChange.Decision.AGREED],
        "rag": action.rag_explained(today)[0],
        "rag_reason": action.rag_explained(today)[1],
        "overdue": action.is_overdue(today),
        "days_overdue": (working_days_overdue(action, today=today, cal=cal)
                         if cal is not None else 0),
    }


# --- what changed meanwhile (optimistic locking) ---------------------------------------------

#: Fields a person cares about when their save is refused; the rest is bookkeeping.
CONFLICT_FIELDS = (
    "status", "title", "description", "success_measure", "lead_agency", "lead_officer",
    "recommendation", "target_date", "at_risk", "blocked", "completion_evidence",
    "impact_evidence", "closed_reason", "completed_on", "signed_off_by",
)


@dataclass
class FieldChange:
    """One field that changed: its label and values for display, and the raw values (ids for
    related records) so a form can tell whether the person changed it too."""

    name: str
    label: str
    before: str
    after: str
    before_raw: object = None
    after_raw: object = None
    outcome: str = ""  # set by the page: "updated" (form now shows it) or "yours" (kept)


@dataclass
class ChangesSince:
    """What happened to an action after the version a person saw."""

    seen_version: int
    current_version: int
    fields: list[FieldChange] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    last_at: dt.datetime | None = None
    updates: list[ProgressUpdate] = field(default_factory=list)

    @property
    def people_display(self) -> str:
        return ", ".join(self.people)


def _display(model_field, value) -> str:
    if value is None or value == "":
        return _("(none)")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "j M Y H:i")
    if isinstance(value, dt.date):
        return date_format(value, "j M Y")
    text = str(value)
    return text if len(text) <= 300 else text[:297] + "…"


def action_changes_since(action: Action, seen_version: int) -> ChangesSince:
    """The changes to ``action`` after ``seen_version``: field by field (from its history),
    who made them and when, and the progress notes added since. A handful of queries."""
    result = ChangesSince(seen_version=seen_version, current_version=action.version)
    history = action.history.all()
    before = history.filter(version=seen_version).order_by("-history_id").first()
    later = list(
        history.filter(history_id__gt=before.history_id) if before
        else history.filter(version__gt=seen_version)
    )
    if not later:
        return result
    later.sort(key=lambda h: h.history_id)
    users = User.objects.in_bulk({h.history_user_id for h in later if h.history_user_id})
    result.people = list(dict.fromkeys(
        str(users[h.history_user_id]) for h in later if h.history_user_id in users
    ))
    result.last_at = later[-1].history_date
    if before is not None:
        delta = later[-1].diff_against(before, included_fields=list(CONFLICT_FIELDS))
        fk_names = {
            "lead_agency": lambda ids: {a.pk: a.short_name for a in Agency.objects.filter(
                pk__in=ids)},
            "lead_officer": lambda ids: {u.pk: str(u) for u in User.objects.filter(pk__in=ids)},
            "signed_off_by": lambda ids: {u.pk: str(u) for u in User.objects.filter(pk__in=ids)},
            "recommendation": lambda ids: {
                r.pk: _("Recommendation %(n)s") % {"n": r.number}
                for r in Recommendation.objects.filter(pk__in=ids)},
        }
        by_name = {f.name: f for f in Action._meta.get_fields() if hasattr(f, "attname")}
        for change in sorted(delta.changes, key=lambda c: CONFLICT_FIELDS.index(c.field)):
            model_field = by_name[change.field]
            old, new = change.old, change.new
            shown_old, shown_new = old, new
            if change.field in fk_names:
                names = fk_names[change.field]({v for v in (old, new) if v})
                shown_old, shown_new = names.get(old, old), names.get(new, new)
            result.fields.append(FieldChange(
                name=change.field, label=str(model_field.verbose_name).capitalize(),
                before=_display(model_field, shown_old), after=_display(model_field, shown_new),
                before_raw=old, after_raw=new,
            ))
        result.updates = list(
            action.updates.filter(created_at__gt=before.history_date)
            .select_related("author").order_by("created_at", "id")
        )
    return result


# --- decisions, calendar ---------------------------------------------------------------------

#: The timeline entries that make their author part of an action's delivery (a decision by
#: the co-ordinator or the chair does not).
DELIVERY_KINDS = (ProgressUpdate.Kind.PROGRESS, ProgressUpdate.Kind.IMPACT)


def people_involved(actions) -> dict[int, frozenset[int]]:
    """For each of ``actions`` (instances): the people who led, updated or completed it **at
    any time**, as user ids. One query, whatever the number of actions.

    * every lead officer it has had (its history, and the current one);
    * the authors of its progress and impact updates (whoever moved it to awaiting sign-off
      wrote one);
    * whoever set ``completed_on`` (the history row where it became set or changed).

    ``actions.rules`` asks it: nobody in this set signs the action off, returns or closes it."""
    actions = list(actions)
    ids = [a.pk for a in actions]
    found: dict[int, set[int]] = {a.pk: {a.lead_officer_id} for a in actions}
    if not ids:
        return {}
    history = (
        Action.history.filter(id__in=ids)
        .annotate(a=F("id"), o=F("history_id"), p=F("lead_officer_id"), u=F("history_user_id"),
                  c=F("completed_on"))
        .values_list("a", "o", "p", "u", "c").order_by()
    )
    updates = (
        ProgressUpdate.objects.filter(action_id__in=ids, kind__in=DELIVERY_KINDS)
        .annotate(a=F("action_id"), o=Value(None, IntegerField()), p=F("author_id"),
                  u=Value(None, IntegerField()), c=Value(None, DateField()))
        .values_list("a", "o", "p", "u", "c").order_by()
    )
    rows = list(history.union(updates, all=True))
    completed_before: dict[int, dt.date | None] = {}
    # History rows in the order they were written (updates carry no order and need none).
    for action_id, order, person, history_user, completed_on in sorted(
            rows, key=lambda r: (r[1] is not None, r[1] or 0)):
        found[action_id].add(person)
        if order is None:
            continue
        if completed_on and completed_on != completed_before.get(action_id) and history_user:
            found[action_id].add(history_user)
        completed_before[action_id] = completed_on
    return {pk: frozenset(people - {None}) for pk, people in found.items()}


def actions_involving(user, actions) -> set[int]:
    """The ids of those of ``actions`` that ``user`` led, updated or completed (one query)."""
    return {pk for pk, people in people_involved(actions).items() if user.pk in people}



def decisions_for(user, *, today: dt.date) -> dict:
    """What waits for the co-ordinator: actions marked complete and target-date requests
    (querysets)."""
    awaiting = (
        Action.objects.visible_to(user).filter(status=ActionStatus.AWAITING_SIGN_OFF)
        .with_rag(today).select_related("plan", "lead_agency", "lead_officer")
        .order_by("completed_on", "id")
    )
    requests = (
        TargetDateChange.objects.visible_to(user)
        .filter(decision=TargetDateChange.Decision.PENDING)
        .select_related("action", "action__lead_agency", "requested_by")
        .order_by("requested_at", "id")
    )
    return {"awaiting": awaiting, "requests": requests}


def calendar_actions_for(user) -> QuerySet[Action]:
    """The deadlines in a person's calendar feed: unfinished actions they lead, and for an
    agency lead also their agency's. Within what they may see."""
    mine = Q(lead_officer_id=user.pk)
    if user.is_agency_lead:
        mine |= Q(lead_agency_id=user.agency_id)
    return (
        Action.objects.visible_to(user).filter(mine).exclude(status__in=FINISHED_STATUSES)
        .select_related("plan", "lead_agency").order_by("target_date", "id")
    )


def find_reference(user, reference: str) -> str | None:
    """A plan or action with exactly ``reference`` that ``user`` may see (for
    :mod:`scsp.find`): its URL, or ``None``. Two queries at most."""
    action = (Action.objects.visible_to(user).filter(reference__iexact=reference)
              .values_list("pk", flat=True).first())
    if action:
        return reverse("actions:action_detail", args=[action])
    plan = (ActionPlan.objects.visible_to(user).filter(reference__iexact=reference)
            .values_list("pk", flat=True).first())
    return reverse("actions:plan_detail", args=[plan]) if plan else None


def led_by(person):
    """What ``person`` leads or owns, for a subject access request about them
    (``scsp.subject_access``): the actions they lead and the plans they own."""
    from django.utils.translation import gettext as _

    from scsp.subject_access import LedRecord

    for action in (Action.objects.filter(lead_officer=person).order_by("reference")
                   .only("pk", "reference", "title", "description", "created_at")):
        yield LedRecord(_("Action"), action.reference,
                        action.title or action.description[:80], action.get_absolute_url(),
                        action.created_at.date())
    for plan in ActionPlan.objects.filter(owner=person).order_by("reference"):
        yield LedRecord(_("Action plan"), plan.reference, plan.title, plan.get_absolute_url(),
                        plan.created_at.date())
