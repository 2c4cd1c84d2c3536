"""Impact: did the actions make a difference, and does learning recur after sign-off?

* :func:`impact_figures`: the quarterly report's "Impact" section: impact reviews due,
  overdue and rated in the quarter; ratings by agency and by theme; themes that recurred
  after sign-off. **As at** the quarter's end: a review scheduled, or a rating recorded,
  after that moment does not count (ratings are append-only and carry ``rated_at``; a
  review counts from its ``scheduled_at``), and sign-offs count up to that moment.
* :func:`recurrences`: a theme tagged on a Rapid Review (by its panel meeting) or an audit
  (by its start) dated **after** an action addressing the theme was signed off: the clearest
  sign the learning was not embedded. Each lists the review or audit and those actions.
* :func:`theme_page`: one theme over the last three years.
* :func:`impact_share`: the annual figure: of the actions signed off in a year, the share
  rated evident or partly evident by the year's end.

A fixed number of queries each, whatever the number of actions, reviews and ratings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from actions.models import (
    POSITIVE_RATINGS,
    Action,
    ActionStatus,
    ImpactRating,
    ImpactReview,
    Rating,
)
from audits.models import Audit
from reports.asat import AsAt
from reviews.models import Case, PracticeReview
from scsp.models import Theme  # noqa: TC001 - a type in theme_page's signature
from scsp.permissions import scoped

THEME_YEARS = 3
#: The ratings in the order the tables show them.
RATING_ORDER = [Rating.EVIDENT, Rating.PARTLY, Rating.NOT_YET, Rating.NOT_EVIDENT]


#: How many of a theme's later reviews and earlier actions a recurrence names; the rest are
#: counted ("and 12 more"), so a theme tagged on hundreds of records stays one short row.
SHOWN = 5


@dataclass
class Event:
    """A Rapid Review or an audit a theme was tagged on."""

    kind: str  # "Rapid Review" or "Audit"
    reference: str
    day: dt.date
    route: str
    pk: int

    @property
    def url(self) -> str:
        return reverse(self.route, args=[self.pk])


@dataclass
class SignedOff:
    reference: str
    day: dt.date
    pk: int

    @property
    def url(self) -> str:
        return reverse("actions:action_detail", args=[self.pk])


@dataclass
class Recurrence:
    """One theme that recurred: the Rapid Reviews and audits tagged with it after the first
    addressing action was signed off (``events``: the newest :data:`SHOWN`, of
    ``events_total``), and the actions signed off before the newest of them (``actions``: the
    newest :data:`SHOWN`, of ``actions_total``)."""

    theme_id: int
    theme: str
    events: list[Event]
    events_total: int
    actions: list[SignedOff]
    actions_total: int

    @property
    def events_more(self) -> int:
        return self.events_total - len(self.events)

    @property
    def actions_more(self) -> int:
        return self.actions_total - len(self.actions)


def _events(user, *, since: dt.date, day: dt.date, theme_ids=None
            ) -> list[tuple[int, str, Event]]:
    """(theme id, theme name, event) for every Rapid Review and audit tagged with a theme in
    the window. Two queries."""
    cases = Case.themes.through.objects.filter(
        case__in=scoped(Case, user), case__rapid_review__meeting_date__range=(since, day))
    audits = Audit.themes.through.objects.filter(
        audit__in=scoped(Audit, user), audit__actual_start__range=(since, day))
    if theme_ids is not None:
        cases, audits = cases.filter(theme_id__in=theme_ids), audits.filter(theme_id__in=theme_ids)
    found = [(r["theme_id"], r["theme__name"],
              Event("Rapid Review", r["case__reference"], r["case__rapid_review__meeting_date"],
                    "reviews:case_detail", r["case_id"]))
             for r in cases.values("theme_id", "theme__name", "case_id", "case__reference",
                                   "case__rapid_review__meeting_date")]
    found += [(r["theme_id"], r["theme__name"],
               Event("Audit", r["audit__reference"], r["audit__actual_start"],
                     "audits:audit_detail", r["audit_id"]))
              for r in audits.values("theme_id", "theme__name", "audit_id", "audit__reference",
                                     "audit__actual_start")]
    return found


def _signed_off(user, *, since: dt.date, at: dt.datetime, theme_ids=None
                ) -> dict[int, list[SignedOff]]:
    """Per theme: the actions addressing it signed off in the window, by ``at``. One query."""
    rows = Action.themes.through.objects.filter(
        action__in=scoped(Action, user), action__status=ActionStatus.SIGNED_OFF,
        action__signed_off_at__lte=at,
        action__signed_off_at__gte=timezone.make_aware(dt.datetime.combine(since, dt.time.min)))
    if theme_ids is not None:
        rows = rows.filter(theme_id__in=theme_ids)
    found: dict[int, list[SignedOff]] = defaultdict(list)
    for r in rows.values("theme_id", "action_id", "action__reference", "action__signed_off_at"):
        found[r["theme_id"]].append(SignedOff(
            r["action__reference"], timezone.localtime(r["action__signed_off_at"]).date(),
            r["action_id"]))
    return found


def recurrences(user, *, since: dt.date, day: dt.date, at: dt.datetime,
                theme_ids=None) -> list[Recurrence]:
    """Each theme tagged on a Rapid Review or audit in ``since``..``day`` dated after an
    action addressing it was signed off (by ``at``), with those reviews and audits and the
    actions signed off before them; by theme name. Three queries."""
    by_theme: dict[int, tuple[str, list[Event]]] = {}
    for theme_id, name, event in _events(user, since=since, day=day, theme_ids=theme_ids):
        by_theme.setdefault(theme_id, (name, []))[1].append(event)
    signed = _signed_off(user, since=since, at=at, theme_ids=theme_ids)
    found = []
    for theme_id, (name, events) in by_theme.items():
        actions = signed.get(theme_id)
        if not actions:
            continue
        first = min(a.day for a in actions)
        later = sorted((e for e in events if e.day > first),
                       key=lambda e: (e.day, e.reference), reverse=True)
        if not later:
            continue
        before = sorted((a for a in actions if a.day < later[0].day),
                        key=lambda a: (a.day, a.reference), reverse=True)
        found.append(Recurrence(theme_id, name, later[:SHOWN], len(later), before[:SHOWN],
                                len(before)))
    found.sort(key=lambda r: r.theme)
    return found


# --- the quarterly report's section ----------------------------------------------------------

@dataclass
class RatingRow:
    name: str
    counts: dict = field(default_factory=dict)

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(r, 0) for r in RATING_ORDER]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class ImpactFigures:
    due: int
    overdue: int
    rated: int
    not_needed: int
    by_agency: list[RatingRow]
    by_theme: list[RatingRow]
    recurred: list[Recurrence]
    since: dt.date

    @property
    def rating_labels(self) -> list[str]:
        return [str(r.label) for r in RATING_ORDER]


def _rows(qs, key) -> list[RatingRow]:
    rows: dict[str, RatingRow] = {}
    for r in qs.values(key, "rating").annotate(n=Count("pk")).order_by():
        name = r[key] or "—"
        rows.setdefault(name, RatingRow(name)).counts[r["rating"]] = r["n"]
    return sorted(rows.values(), key=lambda row: (-row.total, row.name))


def impact_figures(user, period, asat: AsAt) -> ImpactFigures:
    """The "Impact" section of the report for ``period`` as at ``asat``. Six queries."""
    at, day = asat.at, asat.day
    reviews = scoped(ImpactReview, user).filter(scheduled_at__lte=at)
    rated_by_then = ImpactRating.objects.filter(review=OuterRef("pk"), rated_at__lte=at)
    open_then = ~Q(status=ImpactReview.Status.NOT_NEEDED) & ~Q(rated_then=True)
    counts = reviews.annotate(rated_then=Exists(rated_by_then)).aggregate(
        due=Count("pk", filter=Q(due_on__range=(period.start, period.end))
                  & ~Q(status=ImpactReview.Status.NOT_NEEDED)),
        overdue=Count("pk", filter=open_then & Q(due_on__lt=day)),
        not_needed=Count("pk", filter=Q(status=ImpactReview.Status.NOT_NEEDED,
                                        due_on__range=(period.start, period.end))),
    )
    ratings = scoped(ImpactRating, user).filter(rated_at__gte=period.start_moment(),
                                                rated_at__lte=at)
    since = period.end - relativedelta(years=THEME_YEARS) + dt.timedelta(days=1)
    by_agency = _rows(ratings, "review__action__lead_agency__short_name")
    return ImpactFigures(
        due=counts["due"], overdue=counts["overdue"],
        rated=sum(row.total for row in by_agency),  # each rating has one lead agency
        not_needed=counts["not_needed"], by_agency=by_agency,
        by_theme=_rows(ratings, "review__action__themes__name"),
        recurred=recurrences(user, since=since, day=day, at=at), since=since)


# --- one theme's page ------------------------------------------------------------------------

def theme_page(user, theme: Theme, *, today: dt.date) -> dict:
    """One learning theme over the last three years: its Rapid Reviews, practice reviews and
    audits, the actions addressing it with their latest impact rating, and where it recurred
    after sign-off. A fixed number of queries."""
    since = today - relativedelta(years=THEME_YEARS)
    now = timezone.now()
    rapid = list(scoped(Case, user).filter(themes=theme, rapid_review__meeting_date__gte=since)
                 .values("pk", "reference", "rapid_review__meeting_date")
                 .order_by("-rapid_review__meeting_date"))
    reviews = list(scoped(PracticeReview, user).filter(themes=theme, decision_date__gte=since)
                   .order_by("-decision_date"))
    audits = list(scoped(Audit, user).filter(themes=theme)
                  .filter(Q(actual_start__gte=since) | Q(actual_start__isnull=True,
                                                         planned_start__gte=since))
                  .order_by("-actual_start"))
    actions = list(
        scoped(Action, user).filter(themes=theme)
        .filter(~Q(status__in=[ActionStatus.SIGNED_OFF, ActionStatus.CLOSED_NOT_COMPLETED])
                | Q(signed_off_at__date__gte=since))
        .select_related("lead_agency", "plan").order_by("reference"))
    latest: dict[int, ImpactRating] = {}
    for rating in (ImpactRating.objects.filter(review__action__in=[a.pk for a in actions])
                   .select_related("review").order_by("rated_at", "id")):
        latest[rating.review.action_id] = rating
    due: dict[int, ImpactReview] = {
        r.action_id: r for r in ImpactReview.objects.due().filter(
            action__in=[a.pk for a in actions])}
    for action in actions:
        action.latest_rating = latest.get(action.pk)
        action.review_due = due.get(action.pk)
    return {"theme": theme, "since": since, "rapid_reviews": rapid, "practice_reviews": reviews,
            "audits": audits, "actions": actions,
            "recurred": recurrences(user, since=since, day=today, at=now, theme_ids=[theme.pk])}


# --- the annual figure -----------------------------------------------------------------------

def impact_share(user, year, asat: AsAt) -> tuple[int, int]:
    """Of the actions signed off in financial year ``year``, how many were rated evident or
    partly evident by its end (``asat``; now while it runs): ``(rated so, signed off)``. Two
    queries."""
    start, end = year.start_moment(), asat.at
    signed = scoped(Action, user).filter(status=ActionStatus.SIGNED_OFF,
                                         signed_off_at__range=(start, end))
    good = signed.filter(Exists(ImpactRating.objects.filter(
        review__action=OuterRef("pk"), rated_at__lte=end, rating__in=POSITIVE_RATINGS)))
    return good.count(), signed.count()
