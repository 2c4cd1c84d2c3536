"""Each role's panel on the home page (registered with :mod:`scsp.dashboard`).

* **Co-ordinator**: statutory clocks due this week (or overdue), actions awaiting sign-off,
  target-date requests waiting for a decision, and overdue actions by agency.
* **Agency lead**: their agency's open, overdue and upcoming actions.
* **Agency officer**: their own actions, the same way.
* **Chair and scrutineer**: this quarter's headline figures so far, and the reports.

Each panel is a fixed number of queries, whatever the number of actions and cases; clocks come
from :mod:`reviews.clocks` with one working-day calendar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from actions.models import (
    OPEN_STATUSES,
    RAG_DUE_SOON,
    Action,
    ActionStatus,
)
from actions.selectors import decisions_for, mark_working_days_overdue
from reports import selectors
from reports.quarters import FinancialYear, Quarter
from reviews import clocks
from reviews.models import (
    Case,
    CaseStatus,
    PracticeReview,
    RapidReview,
    ReviewKind,
    ReviewStage,
    Route,
    StageKey,
)
from scsp.permissions import Ability, may, scoped
from scsp.workdays import WorkingCalendar, calendar

LIST_LENGTH = 6
CLOCKS_SHOWN = 12
THREE_MONTHS = relativedelta(months=3)


@dataclass
class DueClock:
    """One statutory deadline on the co-ordinator's panel."""

    reference: str
    name: str
    due: dt.date
    status: str
    status_label: str
    badge: str
    url: str


def clocks_due(user, *, today: dt.date, until: dt.date, cal: WorkingCalendar) -> list[DueClock]:
    """Running statutory clocks (notification, Rapid Review, LCSPR 6 months, report to the
    Panel) due by ``until`` or already overdue, soonest first. Four queries."""
    due: list[DueClock] = []

    def add(clock, reference, url):
        if clock is None or not clock.started or clock.done_on is not None:
            return
        if clock.due > until:
            return
        status = clock.status(today)
        due.append(DueClock(reference, clock.name, clock.due, status, status.label,
                            clocks.STATUS_BADGE[status], url))

    cases = (scoped(Case, user)
             .filter(route=Route.NOTIFICATION, became_aware_on__isnull=False,
                     notification_submitted_on__isnull=True)
             .exclude(status=CaseStatus.CLOSED)
             .only("id", "reference", "route", "became_aware_on", "notification_submitted_on"))
    for case in cases:
        add(clocks.notification_clock(case, cal), case.reference, case.get_absolute_url())
    rrs = (scoped(RapidReview, user).filter(sent_to_panel_on__isnull=True)
           .exclude(case__status=CaseStatus.CLOSED).select_related("case"))
    for rr in rrs:
        add(clocks.rapid_review_clock(rr.case, rr, cal), rr.case.reference, rr.get_absolute_url())
    lcsprs = (scoped(PracticeReview, user).filter(kind=ReviewKind.LCSPR)
              .exclude(Exists(ReviewStage.objects.filter(
                  review=OuterRef("pk"), key=StageKey.PUBLISHED, actual_date__isnull=False)))
              .prefetch_related(Prefetch("stages", queryset=ReviewStage.objects.order_by("order")))
              .only("id", "kind", "reference", "decision_date", "outcome"))
    for review in lcsprs:
        url = review.get_absolute_url()
        add(clocks.lcspr_clock(review, cal), review.reference, url)
        add(clocks.panel_report_clock(review, cal), review.reference, url)
    due.sort(key=lambda c: (c.due, c.reference))
    return due


def coordinator_panel(user, *, today: dt.date, cal: WorkingCalendar) -> dict:
    """Nine queries."""
    week_end = today + dt.timedelta(days=6 - today.weekday())
    decisions = decisions_for(user, today=today)
    overdue = (
        scoped(Action, user).overdue(today)
        .values("lead_agency_id", "lead_agency__short_name", "lead_agency__name")
        .annotate(overdue=Count("pk"),
                  overdue_3m=Count("pk", filter=Q(target_date__lt=today - THREE_MONTHS)))
        .order_by("-overdue", "lead_agency__short_name")
    )
    due = clocks_due(user, today=today, until=week_end, cal=cal)
    return {
        "week_end": week_end,
        "clocks": due[:CLOCKS_SHOWN],
        "clocks_count": len(due),
        "awaiting_count": decisions["awaiting"].count(),
        "awaiting": list(decisions["awaiting"][:LIST_LENGTH]),
        "requests_count": decisions["requests"].count(),
        "requests": list(decisions["requests"][:LIST_LENGTH]),
        "overdue_by_agency": list(overdue),
    }


def actions_panel(user, actions, *, today: dt.date, cal: WorkingCalendar) -> dict:
    """Counts and the first few overdue and upcoming (due within 4 weeks) of ``actions``.
    Three queries."""
    soon = today + RAG_DUE_SOON
    open_ = Q(status__in=OPEN_STATUSES)
    counts = actions.aggregate(
        open=Count("pk", filter=open_),
        overdue=Count("pk", filter=open_ & Q(target_date__lt=today)),
        upcoming=Count("pk", filter=open_ & Q(target_date__gte=today, target_date__lte=soon)),
        awaiting=Count("pk", filter=Q(status=ActionStatus.AWAITING_SIGN_OFF)),
    )
    listed = actions.select_related("plan", "lead_officer", "lead_agency").order_by(
        "target_date", "id")
    return {
        **counts,
        "overdue_list": mark_working_days_overdue(
            listed.filter(open_, target_date__lt=today)[:LIST_LENGTH], today=today, cal=cal),
        "upcoming_list": list(listed.filter(open_, target_date__gte=today,
                                            target_date__lte=soon)[:LIST_LENGTH]),
        "soon": soon,
    }


def board_panel(user, *, today: dt.date, now: dt.datetime, cal: WorkingCalendar) -> dict:
    """This quarter's headline figures so far (the same figures as its report), and links."""
    quarter = Quarter.containing(today)
    return {
        "quarter": quarter,
        "headline": selectors.quarter_headline(user, quarter, today=today, now=now, cal=cal),
        "previous": quarter.previous(),
        "year": FinancialYear.containing(today),
        "last_year": FinancialYear.containing(today).previous(),
        "may_export": may(user, Ability.EXPORT_REPORTS),
        "report_url": reverse("reports:quarterly", kwargs=quarter.url_kwargs()),
    }


def home_panel(request):
    """The provider registered with :func:`scsp.dashboard.register`: the signed-in person's
    panel, or ``None``."""
    user = request.user
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    today = timezone.localdate()
    if user.is_coordinator:
        return "reports/dashboards/coordinator.html", coordinator_panel(
            user, today=today, cal=calendar())
    if may(user, Ability.READ_REPORTS):  # the chair and the scrutineer
        return "reports/dashboards/board.html", board_panel(
            user, today=today, now=timezone.now(), cal=calendar())
    if user.is_agency_lead:
        actions = Action.objects.led_by_agency_of(user)  # no visibility subquery (issue 8)
        return "reports/dashboards/actions.html", {
            **actions_panel(user, actions, today=today, cal=calendar()), "whose": "agency",
            "list_url": reverse("actions:agency_actions")}
    if user.is_agency_officer:
        actions = scoped(Action, user).filter(lead_officer_id=user.pk)
        return "reports/dashboards/actions.html", {
            **actions_panel(user, actions, today=today, cal=calendar()), "whose": "mine",
            "list_url": reverse("actions:my_actions")}
    return None
