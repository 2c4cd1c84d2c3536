"""Agency summaries due or late in the daily digest.

Registered with :func:`actions.reminders.register_section_provider` in ``reviews/apps.py``, so
they go out with the once-a-day sweep (one digest per person per working day). As with
actions: the officer a lead asked to write a summary gets it while it is due or late; the
asked agency's safeguarding leads get it too, marked "escalated" once it is
``ESCALATE_TO_LEAD_AFTER_WORKING_DAYS`` late; the co-ordinators get every summary due or late,
marked "escalated" once it is ``ESCALATE_TO_PARTNERSHIP_AFTER_WORKING_DAYS`` late.
References, agency names and dates only; never the summary's content. Three queries, whatever
the number of summaries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings

from actions.reminders import Item, Section
from reviews.models import AgencySummary
from scsp.models import Role, User
from scsp.workdays import WorkingCalendar


def _note(summary, today: dt.date, cal: WorkingCalendar) -> tuple[str, int]:
    if summary.due_on < today:
        days = max(cal.working_days_between(summary.due_on, today), 1)
        return f"{days} working day{'s' if days != 1 else ''} late", days
    days = cal.working_days_between(today, summary.due_on)
    if days == 0:
        return "due today", 0
    return f"due in {days} working day{'s' if days != 1 else ''}", 0


def summary_sections(today: dt.date, cal: WorkingCalendar):
    """Sections for the writers, the asked agencies' leads and the co-ordinators. Returns
    ({user id: [Section]}, [users])."""
    window_end = cal.add_working_days(today, settings.CLOCK_REMINDER_WORKING_DAYS)
    summaries = list(AgencySummary.objects.still_owed()
                     .filter(due_on__lte=window_end, rapid_review__sent_to_panel_on__isnull=True)
                     .select_related("rapid_review__case", "agency", "writer")
                     .order_by("due_on", "rapid_review__case__reference", "agency__name"))
    if not summaries:
        return {}, []
    to_lead = settings.ESCALATE_TO_LEAD_AFTER_WORKING_DAYS
    to_partnership = settings.ESCALATE_TO_PARTNERSHIP_AFTER_WORKING_DAYS
    leads: dict[int, list[User]] = defaultdict(list)
    for lead in User.objects.filter(role=Role.AGENCY_LEAD, is_active=True,
                                    agency_id__in={s.agency_id for s in summaries}):
        leads[lead.agency_id].append(lead)
    coordinators = list(User.objects.filter(role=Role.COORDINATOR, is_active=True))
    users: dict[int, User] = {u.pk: u for u in coordinators}
    mine: dict[int, list[Item]] = defaultdict(list)
    for summary in summaries:
        note, late_days = _note(summary, today, cal)
        case = summary.rapid_review.case

        def item(escalated=False, summary=summary, note=note, case=case):
            return Item(reference=f"{case.reference} RR",
                        title=f"Agency summary: {summary.agency.short_name}",
                        date=summary.due_on, note=note, path=summary.get_absolute_url(),
                        case_reference=case.reference, escalated=escalated)

        writer = summary.writer
        if writer is not None and writer.is_active:
            users[writer.pk] = writer
            mine[writer.pk].append(item())
        for lead in leads[summary.agency_id]:
            if writer is not None and lead.pk == writer.pk:
                continue
            users[lead.pk] = lead
            mine[lead.pk].append(item(escalated=writer is not None and late_days >= to_lead))
        for coordinator in coordinators:
            mine[coordinator.pk].append(item(escalated=late_days >= to_partnership))
    intro = ("Individual agency summaries for Rapid Reviews due in the next few working "
             "days, or late. Marked “escalated”: late long enough to be raised to you.")
    sections = {user_id: [Section("Agency summaries due or late", items, intro=intro)]
                for user_id, items in mine.items()}
    return sections, list(users.values())
