"""Impact reviews in the daily digest (``actions.reminders``, as a section provider).

* The action's lead officer: their impact reviews due within
  ``IMPACT_REVIEW_DUE_WITHIN_WORKING_DAYS`` working days, and overdue ones.
* The lead agency's safeguarding leads: their agency's overdue impact reviews; one overdue by
  ``ESCALATE_TO_LEAD_AFTER_WORKING_DAYS`` or more is marked escalated (as actions are).
* The co-ordinators and chairs, on the weekly summary day: impact reviews overdue by
  ``ESCALATE_TO_PARTNERSHIP_AFTER_WORKING_DAYS`` or more (as actions are, in the weekly
  summary), in their digest.

References, titles and dates only. Three queries, whatever the number of reviews.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from actions.models import ImpactReview
from actions.reminders import Item, Section, is_weekly_summary_day
from scsp.models import Role, User
from scsp.workdays import WorkingCalendar


def _note(review: ImpactReview, today: dt.date, cal: WorkingCalendar) -> tuple[str, int]:
    if review.due_on < today:
        days = max(0, cal.working_days_between(review.due_on, today))
        return f"impact evidence {days} working day{'s' if days != 1 else ''} overdue", days
    days = cal.working_days_between(today, review.due_on)
    if days == 0:
        return "impact evidence due today", 0
    return f"impact evidence due in {days} working day{'s' if days != 1 else ''}", 0


def _item(review: ImpactReview, note: str, *, escalated: bool = False) -> Item:
    action = review.action
    return Item(reference=action.reference, title=action.title, date=review.due_on, note=note,
                path=reverse("actions:action_detail", args=[action.pk]) + "#impact",
                case_reference=action.plan.origin_reference, escalated=escalated)


def impact_sections(today: dt.date, cal: WorkingCalendar):
    """The digest sections about impact reviews, per user id, and the users they go to."""
    window_end = cal.add_working_days(today, settings.IMPACT_REVIEW_DUE_WITHIN_WORKING_DAYS)
    to_lead = settings.ESCALATE_TO_LEAD_AFTER_WORKING_DAYS
    to_partnership = settings.ESCALATE_TO_PARTNERSHIP_AFTER_WORKING_DAYS
    reviews = list(
        ImpactReview.objects.due().filter(due_on__lte=window_end,
                                          action__lead_officer__is_active=True)
        .select_related("action", "action__plan", "action__lead_officer",
                        "action__lead_officer__agency")
        .order_by("due_on", "action__reference"))
    overdue_agencies = {r.action.lead_agency_id for r in reviews if r.due_on < today}
    leads: dict[int, list[User]] = defaultdict(list)
    for lead in User.objects.filter(role=Role.AGENCY_LEAD, is_active=True,
                                    agency_id__in=overdue_agencies).select_related("agency"):
        leads[lead.agency_id].append(lead)
    weekly = is_weekly_summary_day(today, cal)
    partnership = list(User.objects.filter(Q(role=Role.COORDINATOR) | Q(role=Role.CHAIR),
                                           is_active=True).select_related("agency")
                       ) if weekly and any(r.due_on < today for r in reviews) else []

    users: dict[int, User] = {}
    groups: dict[int, dict[str, list[Item]]] = defaultdict(lambda: defaultdict(list))
    serious: list[Item] = []
    for review in reviews:
        note, days = _note(review, today, cal)
        officer = review.action.lead_officer
        users[officer.pk] = officer
        overdue = review.due_on < today
        groups[officer.pk]["overdue" if overdue else "due"].append(_item(review, note))
        if not overdue:
            continue
        for lead in leads[review.action.lead_agency_id]:
            users[lead.pk] = lead
            groups[lead.pk]["agency"].append(_item(review, note, escalated=days >= to_lead))
        if days >= to_partnership:
            serious.append(_item(review, note, escalated=True))

    sections: dict[int, list[Section]] = defaultdict(list)
    within = settings.IMPACT_REVIEW_DUE_WITHIN_WORKING_DAYS
    for user_id, mine in groups.items():
        if mine["overdue"]:
            sections[user_id].append(Section(
                "Your overdue impact reviews", mine["overdue"],
                intro="The SLPR group is waiting for your evidence that these actions made a "
                      "difference."))
        if mine["due"]:
            sections[user_id].append(Section(
                f"Your impact reviews due in the next {within} working days", mine["due"],
                intro="Add the evidence of impact: a re-audit, a sample of case files, a data "
                      "trend, a survey, children's and families' views or an inspection "
                      "finding."))
        if mine["agency"]:
            items = sorted(mine["agency"], key=lambda i: (not i.escalated, i.date))
            sections[user_id].append(Section(
                "Overdue impact reviews in your agency", items,
                intro=f"Those marked “escalated” are overdue by {to_lead} working days or "
                      "more and are raised to you as the agency's safeguarding lead."))
    if serious:
        for user in partnership:
            users[user.pk] = user
            sections[user.pk].append(Section(
                f"Impact reviews overdue by {to_partnership} working days or more", serious,
                intro="Raised to the partnership once a week, as seriously overdue actions "
                      "are."))
    return sections, list(users.values())
