"""Statutory clocks in the co-ordinator's daily digest.

Registered with :func:`actions.reminders.register_section_provider` in ``reviews/apps.py``.
A clock is listed when it is due within ``CLOCK_REMINDER_WORKING_DAYS`` working days or
overdue: a notification (5 working days), a Rapid Review (15), an LCSPR approaching its six
months (``LCSPR_REMINDER_CALENDAR_DAYS``), and the report due to the Panel and the Secretary of
State before publication. The clocks themselves come from ``reviews.clocks``. Four queries,
whatever the number of cases.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q

from actions.reminders import Item, Section
from reviews import clocks
from reviews.models import Case, PracticeReview
from reviews.models.choices import CaseStatus, ReviewKind, ReviewStatus, Route
from scsp.models import Role, User
from scsp.workdays import WorkingCalendar


def _note(clock: clocks.Clock, today: dt.date) -> str:
    left = clock.working_days_left(today)
    if left < 0:
        return f"{-left} working day{'s' if left != -1 else ''} overdue"
    if left == 0:
        return "due today"
    return f"due in {left} working day{'s' if left != 1 else ''}"


def _pressing(clock: clocks.Clock | None, today: dt.date, window: int) -> bool:
    return (clock is not None and clock.started and clock.done_on is None
            and clock.working_days_left(today) <= window)


def clock_sections(today: dt.date, cal: WorkingCalendar):
    """Sections for every active co-ordinator. Returns ({user id: [Section]}, [users])."""
    coordinators = list(User.objects.filter(role=Role.COORDINATOR, is_active=True))
    if not coordinators:
        return {}, []
    window = settings.CLOCK_REMINDER_WORKING_DAYS
    items: list[Item] = []
    cases = (Case.objects.exclude(status=CaseStatus.CLOSED)
             .filter(Q(route=Route.NOTIFICATION, notification_submitted_on__isnull=True)
                     | Q(status=CaseStatus.RAPID_REVIEW))
             .select_related("rapid_review").order_by("referral_received_on", "reference"))
    for case in cases:
        candidates = [clocks.notification_clock(case, cal)]
        if case.is_notification or hasattr(case, "rapid_review"):
            candidates.append(clocks.rapid_review_clock(case, getattr(case, "rapid_review", None),
                                                        cal))
        for clock in candidates:
            if _pressing(clock, today, window):
                items.append(Item(reference=case.reference, title=clock.name, date=clock.due,
                                  note=_note(clock, today), path=case.get_absolute_url(),
                                  case_reference=case.reference))
    lcsprs = (PracticeReview.objects.filter(kind=ReviewKind.LCSPR)
              .exclude(status=ReviewStatus.COMPLETED).prefetch_related("stages")
              .order_by("decision_date"))
    for review in lcsprs:
        six_months = clocks.lcspr_clock(review, cal)
        if (six_months and six_months.done_on is None
                and (six_months.due - today).days <= settings.LCSPR_REMINDER_CALENDAR_DAYS):
            days = (six_months.due - today).days
            note = (f"six months reached {-days} day{'s' if days != -1 else ''} ago" if days < 0
                    else f"six months in {days} day{'s' if days != 1 else ''}")
            items.append(Item(reference=review.reference, title=six_months.name,
                              date=six_months.due, note=note, path=review.get_absolute_url()))
        report = clocks.panel_report_clock(review, cal)
        if _pressing(report, today, window):
            items.append(Item(reference=review.reference, title=report.name, date=report.due,
                              note=_note(report, today), path=review.get_absolute_url()))
    if not items:
        return {}, coordinators
    section = Section("Statutory clocks", sorted(items, key=lambda i: i.date),
                      intro="Notifications (5 working days), Rapid Reviews (15), LCSPRs (6 "
                            "months) and reports due to the Panel before publication.")
    return {user.pk: [section] for user in coordinators}, coordinators
