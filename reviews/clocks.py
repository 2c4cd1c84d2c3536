"""Every statutory clock of the review process, computed in one place.

Nothing here reads the clock or the database: callers pass a
:class:`scsp.workdays.WorkingCalendar` (built once per request with ``scsp.workdays.calendar()``)
and an explicit ``today``.

Counting conventions (the ones DOMAIN.md and the annual report use):

* **Working days** are Monday to Friday, except bank holidays in England and Wales and the
  partnership's closure days.
* **"N working days after D"** steps forward from D counting only working days; D itself is
  never counted. So 5 working days after Monday 11 April 2022 is Wednesday 20 April 2022 (Good
  Friday and Easter Monday skipped), and 15 working days after Friday 18 December 2026 is
  Wednesday 13 January 2027.
* **"Day N of 15"**: the anchor date is day 0; the first working day after it is day 1. The day
  number of any date is the number of working days after the anchor up to and including that
  date (a weekend or bank holiday keeps the number of the working day before it). A referral
  received on Tuesday 12 April 2022 and a panel on Thursday 28 April 2022 is "day 10 of 15";
  the deadline is the date of day 15, and a clock is only overdue from the day after it.
* **Calendar months** (the LCSPR target) use ``dateutil.relativedelta``, which keeps month ends:
  6 months after 31 August is 28 February (29 in a leap year).

Clock statuses: *not started* (no anchor date yet), *on time*, *due soon* (the deadline is
within the clock's "due soon" window: 2 working days for a notification, 3 for a Rapid Review
and the report to the Panel, 20 for an LCSPR), *overdue* (past the deadline, not done), *met*
(done on or before the deadline) and *met late*.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _

from scsp.workdays import WorkingCalendar

NOTIFICATION_WORKING_DAYS = 5
RAPID_REVIEW_WORKING_DAYS = 15
LCSPR_MONTHS = 6
PANEL_REPORT_WORKING_DAYS_BEFORE_PUBLICATION = 7


class ClockStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TIME = "on_time", _("On time")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    MET = "met", _("Met")
    MET_LATE = "met_late", _("Met late")
    WAITING = "waiting", _("Waiting for a publication date")
    NOT_NEEDED = "not_needed", _("Not to be published")


#: CSS class for each status: always shown with the word, never colour alone.
STATUS_BADGE = {
    ClockStatus.NOT_STARTED: "text-bg-light border",
    ClockStatus.ON_TIME: "badge-rag-green",
    ClockStatus.DUE_SOON: "badge-rag-amber",
    ClockStatus.OVERDUE: "badge-rag-red",
    ClockStatus.MET: "badge-rag-blue",
    ClockStatus.MET_LATE: "badge-rag-red",
    ClockStatus.WAITING: "text-bg-light border",
    ClockStatus.NOT_NEEDED: "text-bg-light border",
}


class RapidReviewAnchor(models.TextChoices):
    """The event the Rapid Review's 15 working days count from (a partnership setting)."""

    REFERRAL_RECEIVED = "referral_received", _("the referral reaching the business unit")
    NOTIFICATION_SUBMITTED = "notification_submitted", _("the notification being submitted")
    BECAME_AWARE = "became_aware", _("the local authority becoming aware")


ANCHOR_FIELDS = {
    RapidReviewAnchor.REFERRAL_RECEIVED: "referral_received_on",
    RapidReviewAnchor.NOTIFICATION_SUBMITTED: "notification_submitted_on",
    RapidReviewAnchor.BECAME_AWARE: "became_aware_on",
}


def rapid_review_anchor_setting() -> RapidReviewAnchor:
    """The configured anchor (``REVIEWS_RR_ANCHOR``; Sandwell's default: referral received)."""
    value = getattr(settings, "REVIEWS_RR_ANCHOR", RapidReviewAnchor.REFERRAL_RECEIVED)
    try:
        return RapidReviewAnchor(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"REVIEWS_RR_ANCHOR must be one of {', '.join(RapidReviewAnchor.values)}, "
            f"not {value!r}"
        ) from None


@dataclass(frozen=True)
class Clock:
    """One deadline: when it started, when it is due, when (if ever) it was met."""

    name: str
    start: dt.date | None
    due: dt.date | None
    done_on: dt.date | None
    cal: WorkingCalendar
    due_soon_working_days: int = 3
    limit: int | None = None  # the allowance in working days, for "day N of 15"
    start_label: str = ""
    # Set when the clock is held, not running: an embargoed report waits for a publication
    # date (WAITING), a report that will not be published needs none (NOT_NEEDED).
    paused: ClockStatus | None = None

    @property
    def started(self) -> bool:
        return self.start is not None and self.due is not None

    @property
    def running(self) -> bool:
        """Started, not done and not paused: the clocks a home page or a reminder lists."""
        return self.started and self.done_on is None and self.paused is None

    def status(self, today: dt.date) -> ClockStatus:
        """The clock's state on ``today``. Returns a :class:`ClockStatus`."""
        if not self.started:
            return ClockStatus.NOT_STARTED
        if self.done_on is not None:
            return ClockStatus.MET if self.done_on <= self.due else ClockStatus.MET_LATE
        if self.paused is not None:
            return self.paused
        if today > self.due:
            return ClockStatus.OVERDUE
        if self.cal.working_days_between(today, self.due) <= self.due_soon_working_days:
            return ClockStatus.DUE_SOON
        return ClockStatus.ON_TIME

    def badge(self, today: dt.date) -> str:
        return STATUS_BADGE[self.status(today)]

    def day(self, on: dt.date) -> int | None:
        """The working-day number of ``on`` counted from the start (day 0); never below 0."""
        if self.start is None:
            return None
        return max(self.cal.working_days_between(self.start, on), 0)

    def current_day(self, today: dt.date) -> int | None:
        """The day the clock has reached: the day it was met, or today's."""
        return self.day(self.done_on or today)

    def working_days_left(self, today: dt.date) -> int | None:
        """Working days from ``today`` to the deadline (negative once overdue)."""
        if not self.started:
            return None
        return self.cal.working_days_between(today, self.due)

    def describe(self, today: dt.date) -> dict:
        """Everything a template shows about the clock."""
        status = self.status(today)
        return {
            "name": self.name,
            "start": self.start,
            "start_label": self.start_label,
            "due": self.due,
            "done_on": self.done_on,
            "status": status,
            "status_label": status.label,
            "badge": STATUS_BADGE[status],
            "limit": self.limit,
            "day": self.current_day(today) if self.limit else None,
            "left": self.working_days_left(today) if self.paused is None else None,
        }


# --- Notification: 5 working days after the local authority became aware -----------------------


def notification_due(became_aware: dt.date, cal: WorkingCalendar) -> dt.date:
    """The notification deadline: 5 working days after the local authority became aware."""
    return cal.add_working_days(became_aware, NOTIFICATION_WORKING_DAYS)


def notification_is_late(became_aware, submitted, cal: WorkingCalendar) -> bool:
    """True when a notification was submitted after its deadline."""
    if became_aware is None or submitted is None:
        return False
    return submitted > notification_due(became_aware, cal)


def notification_clock(case, cal: WorkingCalendar) -> Clock | None:
    """The notification clock of a case (``None`` for a partner referral)."""
    if not case.is_notification:
        return None
    start = case.became_aware_on
    return Clock(
        name=str(_("Notification to the National Panel")),
        start=start,
        due=notification_due(start, cal) if start else None,
        done_on=case.notification_submitted_on,
        cal=cal,
        due_soon_working_days=2,
        limit=NOTIFICATION_WORKING_DAYS,
        start_label=str(_("the local authority became aware")),
    )


# --- Rapid Review: 15 working days after the anchor ---------------------------------------------


def rapid_review_anchor(case, anchor: str | None = None) -> dt.date | None:
    """The date the Rapid Review clock counts from, by the configured (or given) anchor."""
    anchor = RapidReviewAnchor(anchor) if anchor else rapid_review_anchor_setting()
    return getattr(case, ANCHOR_FIELDS[anchor])


def rapid_review_due(anchor_date: dt.date, cal: WorkingCalendar) -> dt.date:
    """The Rapid Review deadline: 15 working days after the anchor date."""
    return cal.add_working_days(anchor_date, RAPID_REVIEW_WORKING_DAYS)


def rapid_review_clock(case, rapid_review, cal: WorkingCalendar,
                       anchor: str | None = None) -> Clock:
    """The Rapid Review clock. It is met when the Rapid Review is sent to the National Panel
    (the statutory guidance: completed within 15 working days and sent to the Panel); the
    panel meeting's own day number is :func:`rapid_review_day`."""
    anchor = RapidReviewAnchor(anchor) if anchor else rapid_review_anchor_setting()
    start = rapid_review_anchor(case, anchor)
    return Clock(
        name=str(_("Rapid Review")),
        start=start,
        due=rapid_review_due(start, cal) if start else None,
        done_on=getattr(rapid_review, "sent_to_panel_on", None),
        cal=cal,
        due_soon_working_days=3,
        limit=RAPID_REVIEW_WORKING_DAYS,
        start_label=str(anchor.label),
    )


def rapid_review_day(case, on: dt.date | None, cal: WorkingCalendar,
                     anchor: str | None = None) -> int | None:
    """The Rapid Review day number of ``on`` (e.g. the panel meeting: "day 10 of 15")."""
    start = rapid_review_anchor(case, anchor)
    if start is None or on is None:
        return None
    return max(cal.working_days_between(start, on), 0)


# --- LCSPR: 6 calendar months; report to the Panel 7 working days before publication ------------


def lcspr_due(decision_date: dt.date) -> dt.date:
    """An LCSPR's target: completed and published 6 calendar months after the decision to
    initiate (month ends kept: 31 August -> 28 or 29 February)."""
    return decision_date + relativedelta(months=LCSPR_MONTHS)


def panel_report_due(planned_publication: dt.date, cal: WorkingCalendar) -> dt.date:
    """The last day to send the report to the Panel and the Secretary of State: 7 working days
    before the planned publication date."""
    return cal.add_working_days(planned_publication, -PANEL_REPORT_WORKING_DAYS_BEFORE_PUBLICATION)


def lcspr_clock(review, cal: WorkingCalendar) -> Clock | None:
    """An LCSPR's 6-month clock, to ratification: the report finished and agreed by the
    partnership (``None`` for other kinds). Publication has its own clock
    (:func:`lcspr_publication_clock`), so a ratified but embargoed review is not shown as
    published."""
    if not review.is_lcspr:
        return None
    return Clock(
        name=str(_("LCSPR: ratified within 6 months")),
        start=review.decision_date,
        due=lcspr_due(review.decision_date),
        done_on=review.ratified_on,
        cal=cal,
        due_soon_working_days=20,
        start_label=str(_("the decision to initiate")),
    )


def _publication_paused(review) -> ClockStatus | None:
    from reviews.models import PublicationOutcome

    if review.published_on is not None:
        return None
    if review.outcome == PublicationOutcome.EMBARGOED:
        return ClockStatus.WAITING
    if review.outcome == PublicationOutcome.NOT_PUBLISHED:
        return ClockStatus.NOT_NEEDED
    return None


def lcspr_publication_clock(review, cal: WorkingCalendar) -> Clock | None:
    """An LCSPR's publication against the same 6-month target. While the report is embargoed
    it waits for a publication date (never overdue: the delay is out of the partnership's
    hands and its reason is recorded); a report that will not be published needs none."""
    if not review.is_lcspr:
        return None
    return Clock(
        name=str(_("LCSPR: published")),
        start=review.decision_date,
        due=lcspr_due(review.decision_date),
        done_on=review.published_on,
        cal=cal,
        due_soon_working_days=20,
        start_label=str(_("the decision to initiate")),
        paused=_publication_paused(review),
    )


def panel_report_clock(review, cal: WorkingCalendar) -> Clock | None:
    """The report-to-the-Panel clock of an LCSPR, once a publication date is planned. While
    the report is embargoed (or will not be published) the planned date means nothing, so the
    clock waits for a publication date instead of counting down to a stale one."""
    if not review.is_lcspr:
        return None
    planned = review.planned_publication_date
    return Clock(
        name=str(_("Report to the National Panel and the Secretary of State")),
        start=review.decision_date if planned else None,
        due=panel_report_due(planned, cal) if planned else None,
        done_on=review.sent_to_panel_on,
        cal=cal,
        due_soon_working_days=3,
        start_label=str(_("the decision to initiate")),
        paused=_publication_paused(review),
    )


# --- Agency summaries: due on a working day of the Rapid Review's clock --------------------------


def summary_due_day_setting() -> int:
    """The Rapid Review day agency summaries are due by default (``REVIEWS_SUMMARY_DUE_DAY``,
    default 7: partnerships publish "returned by about day 7-10")."""
    value = getattr(settings, "REVIEWS_SUMMARY_DUE_DAY", 7)
    if not isinstance(value, int) or not 1 <= value <= RAPID_REVIEW_WORKING_DAYS:
        raise ImproperlyConfigured(
            f"REVIEWS_SUMMARY_DUE_DAY must be a whole number from 1 to "
            f"{RAPID_REVIEW_WORKING_DAYS}, not {value!r}")
    return value


def summary_due_default(case, cal: WorkingCalendar, anchor: str | None = None) -> dt.date | None:
    """The default due date of an agency summary: day ``REVIEWS_SUMMARY_DUE_DAY`` of the
    Rapid Review's clock (None before the clock has started)."""
    start = rapid_review_anchor(case, anchor)
    if start is None:
        return None
    return cal.add_working_days(start, summary_due_day_setting())
