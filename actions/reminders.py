"""The reminder sweep: one digest per person per working day, escalation, a weekly summary.

Run by Celery beat (``actions.tasks.send_reminders_task``, hourly in office hours) and by
``python manage.py send_reminders`` (synchronous, no Redis needed); both call :func:`run_sweep`.

* Nothing is sent on a Saturday, Sunday, bank holiday or partnership closure day.
* Each person gets **one digest** listing their actions due within
  ``REMINDER_DUE_WITHIN_WORKING_DAYS`` working days and their overdue actions. An agency lead
  also gets their agency's overdue list; an action overdue by
  ``ESCALATE_TO_LEAD_AFTER_WORKING_DAYS`` or more is marked as escalated to them.
* Actions overdue by ``ESCALATE_TO_PARTNERSHIP_AFTER_WORKING_DAYS`` or more go to the
  co-ordinator and the chair in a **weekly summary** (first working day of the week).
* Other apps add sections (reviews adds the statutory clocks for the co-ordinator) with
  :func:`register_section_provider`.

**Delivery guarantee** (see ``scsp.emails``): each (person, kind, day) is claimed in the
database before it is sent, so overlapping runs and re-runs send nothing twice; a failed or
interrupted send is retried by the next run that day. At least once, with a duplicate possible
only if a worker dies after the mail server accepted a message and before it was recorded.

**Content**: references, action titles and dates only; never case narrative. Links need
sign-in.

**Queries**: a fixed number to build every digest (actions, agency leads, the partnership's
co-ordinators and chairs, today's claims, plus each provider's own fixed set), then a claim and
a result per message sent. Nothing is queried per action.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import escape
from django.utils.translation import ngettext

from actions.models import Action
from actions.selectors import working_days_overdue
from scsp import emails
from scsp.models import Reminder, Role, User
from scsp.workdays import WorkingCalendar, calendar


@dataclass
class Item:
    """One line of a digest: a reference, a title, a date and a link. No narrative."""

    reference: str
    title: str
    date: dt.date | None
    note: str
    path: str
    case_reference: str = ""
    escalated: bool = False

    @cached_property
    def date_text(self) -> str:
        """The date as both bodies show it ("5 Dec 2026", the ``date:"j M Y"`` filter's
        output), formatted once: an item is in the text and the HTML, and often in several
        people's messages."""
        return dateformat.format(self.date, "j M Y") if self.date else ""


@dataclass
class Section:
    heading: str
    items: list[Item] = field(default_factory=list)
    intro: str = ""


#: A provider returns extra digest sections per user id, and the users it needs.
SectionProvider = Callable[[dt.date, WorkingCalendar], tuple[dict[int, list[Section]], list[User]]]
_providers: list[SectionProvider] = []


def register_section_provider(provider: SectionProvider) -> None:
    """Let another app (reviews) add sections to the co-ordinator's digest."""
    if provider not in _providers:
        _providers.append(provider)


@dataclass
class SweepResult:
    today: dt.date
    working_day: bool
    drafts: list[emails.Draft] = field(default_factory=list)
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    notices_sent: int = 0


def _overdue_note(action: Action, today: dt.date, cal: WorkingCalendar) -> tuple[str, int]:
    if action.target_date < today:
        days = working_days_overdue(action, today=today, cal=cal)
        return f"{days} working day{'s' if days != 1 else ''} overdue", days
    days = cal.working_days_between(today, action.target_date)
    if days == 0:
        return "due today", 0
    return f"due in {days} working day{'s' if days != 1 else ''}", 0


def _item(action: Action, note: str, *, escalated: bool = False) -> Item:
    return Item(
        reference=action.reference, title=action.title, date=action.target_date, note=note,
        path=reverse("actions:action_detail", args=[action.pk]),
        case_reference=action.plan.origin_reference, escalated=escalated,
    )


def is_weekly_summary_day(today: dt.date, cal: WorkingCalendar) -> bool:
    """The first working day on or after the configured weekday, in today's week."""
    week_start = today - dt.timedelta(days=today.weekday())
    target = week_start + dt.timedelta(days=settings.WEEKLY_SUMMARY_WEEKDAY)
    first = cal.next_working_day(target)
    return first == today


def build_digests(*, today: dt.date, cal: WorkingCalendar | None = None) -> list[emails.Draft]:
    """Every message the sweep would send on ``today``. Returns drafts; writes nothing."""
    cal = cal or calendar()
    if not cal.is_working_day(today):
        return []
    window_end = cal.add_working_days(today, settings.REMINDER_DUE_WITHIN_WORKING_DAYS)
    to_lead = settings.ESCALATE_TO_LEAD_AFTER_WORKING_DAYS
    to_partnership = settings.ESCALATE_TO_PARTNERSHIP_AFTER_WORKING_DAYS

    actions = list(
        Action.objects.open()
        .filter(target_date__lte=window_end, lead_officer__is_active=True)
        .select_related("plan", "lead_agency", "lead_officer", "lead_officer__agency")
        .order_by("target_date", "reference")
    )
    agency_ids = {a.lead_agency_id for a in actions if a.target_date < today}
    leads_by_agency: dict[int, list[User]] = defaultdict(list)
    for lead in User.objects.filter(role=Role.AGENCY_LEAD, is_active=True,
                                    agency_id__in=agency_ids).select_related("agency"):
        leads_by_agency[lead.agency_id].append(lead)

    users: dict[int, User] = {}
    mine: dict[int, dict[str, list[Item]]] = defaultdict(lambda: defaultdict(list))
    for action in actions:
        note, overdue_days = _overdue_note(action, today, cal)
        officer = action.lead_officer
        users[officer.pk] = officer
        mine[officer.pk]["overdue" if action.target_date < today else "due"].append(
            _item(action, note))
        if action.target_date < today:
            for lead in leads_by_agency[action.lead_agency_id]:
                users[lead.pk] = lead
                mine[lead.pk]["agency"].append(
                    _item(action, note, escalated=overdue_days >= to_lead))

    sections: dict[int, list[Section]] = defaultdict(list)
    for user_id, groups in mine.items():
        if groups["overdue"]:
            sections[user_id].append(Section("Your overdue actions", groups["overdue"]))
        if groups["due"]:
            sections[user_id].append(Section(
                f"Your actions due in the next {settings.REMINDER_DUE_WITHIN_WORKING_DAYS} "
                "working days", groups["due"]))
        if groups["agency"]:
            agency_items = sorted(groups["agency"], key=lambda i: (not i.escalated, i.date))
            sections[user_id].append(Section(
                "Overdue actions in your agency", agency_items,
                intro=f"Actions marked “escalated” are overdue by {to_lead} working days or "
                      "more and are raised to you as the agency's safeguarding lead."))
    for provider in _providers:
        extra, provider_users = provider(today, cal)
        for user in provider_users:
            users[user.pk] = user
        for user_id, more in extra.items():
            sections[user_id].extend(more)

    drafts = [
        _digest_draft(users[user_id], user_sections, today)
        for user_id, user_sections in sections.items()
        if any(s.items for s in user_sections)
    ]
    if is_weekly_summary_day(today, cal):
        drafts.extend(_weekly_drafts(actions, today, cal, to_partnership))
    drafts.sort(key=lambda d: (d.recipient.email, d.kind))
    return drafts


def _digest_draft(user: User, user_sections: list[Section], today: dt.date) -> emails.Draft:
    count = sum(len(s.items) for s in user_sections)
    subject = ngettext(
        "SCSP Reviews: %(count)s item needs your attention (%(day)s)",
        "SCSP Reviews: %(count)s items need your attention (%(day)s)", count,
    ) % {"count": count, "day": f"{today:%a %-d %b}"}
    text, html = emails.render_message("digest", {
        "recipient": user, "sections": user_sections, "today": today, "count": count,
        "heading": "Your daily reminder"})
    return emails.Draft(recipient=user, kind=Reminder.Kind.DAILY_DIGEST, period=today,
                        subject=subject, text_body=text, html_body=html, item_count=count)


def _weekly_drafts(actions, today, cal, threshold) -> list[emails.Draft]:
    by_agency: dict[str, list[Item]] = defaultdict(list)
    for action in actions:
        if action.target_date < today:
            note, days = _overdue_note(action, today, cal)
            if days >= threshold:
                by_agency[action.lead_agency.name].append(_item(action, note, escalated=True))
    if not by_agency:
        return []
    week_start = today - dt.timedelta(days=today.weekday())
    user_sections = [Section(agency, items) for agency, items in sorted(by_agency.items())]
    count = sum(len(s.items) for s in user_sections)
    recipients = User.objects.filter(
        Q(role=Role.COORDINATOR) | Q(role=Role.CHAIR), is_active=True).select_related("agency")
    # Every recipient gets the same list: rendered once, with a stand-in name that each copy
    # replaces (escaped in the HTML as the template would). At 20,000 actions the list is
    # thousands of lines, and rendering it again for each co-ordinator and chair was a third
    # of the sweep's time.
    stand_in = f"recipient-{secrets.token_hex(8)}"
    text, html = emails.render_message("digest", {
        "recipient": {"get_short_name": stand_in}, "sections": user_sections, "today": today,
        "count": count,
        "heading": f"Weekly escalation: actions overdue by {threshold} working days or more"})
    subject = ngettext(
        "SCSP Reviews: weekly escalation, %(count)s action seriously overdue (week of %(week)s)",
        "SCSP Reviews: weekly escalation, %(count)s actions seriously overdue "
        "(week of %(week)s)", count,
    ) % {"count": count, "week": f"{week_start:%-d %b}"}
    drafts = []
    for user in recipients:
        name = user.get_short_name()
        drafts.append(emails.Draft(
            recipient=user, kind=Reminder.Kind.WEEKLY_SUMMARY, period=week_start,
            subject=subject, text_body=text.replace(stand_in, name),
            html_body=html.replace(stand_in, escape(name)), item_count=count))
    return drafts


def run_sweep(*, today: dt.date, now: dt.datetime | None = None, dry_run: bool = False,
              cal: WorkingCalendar | None = None) -> SweepResult:
    """Build and send today's reminders. With ``dry_run`` nothing is written or sent.
    Returns what was (or would be) sent."""
    cal = cal or calendar()
    result = SweepResult(today=today, working_day=cal.is_working_day(today))
    result.drafts = build_digests(today=today, cal=cal)
    if dry_run:
        return result
    now = now or timezone.now()
    periods = {d.period for d in result.drafts}
    existing = {
        (r.recipient_id, r.kind, r.period, r.key): r
        for r in Reminder.objects.filter(period__in=periods).exclude(kind=Reminder.Kind.EVENT)
    }
    for draft in result.drafts:
        row = existing.get((draft.recipient.pk, draft.kind, draft.period, draft.key))
        if row is not None and row.status == Reminder.Status.SENT:
            result.skipped += 1
            continue
        claimed = emails.claim(draft, now=now, existing=row)
        if claimed is None:
            result.skipped += 1
        elif emails.deliver(claimed):
            result.sent += 1
        else:
            result.failed += 1
    result.notices_sent = emails.send_pending(now=now)
    return result
