"""The personal calendar feed: one all-day event per action deadline, as iCalendar (RFC 5545)
that Outlook, Google and Apple calendars subscribe to.

A feed leaves the building (it sits in someone's phone), so it carries no case narrative:
only the action's reference and short title (never its description), its plan's reference,
the lead agency, the status words and a link that needs a sign-in."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event
from icalendar.prop import vDuration

from actions.models import Action


def _domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "scsp-reviews.invalid"


def event_uid(action: Action) -> str:
    """Stable across feeds and edits, so a moved date moves the event, not copies it."""
    return f"action-{action.pk}@{_domain()}"


def build_feed(user, actions, *, today: dt.date, now: dt.datetime) -> bytes:
    """The iCalendar bytes for ``user``'s ``actions``. ``now`` stamps every event (DTSTAMP)."""
    cal = Calendar()
    cal.add("prodid", "-//Sandwell Children's Safeguarding Partnership//SCSP Reviews//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"SCSP actions: {user.full_name}")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add("x-published-ttl", "PT6H")
    # RFC 7986: REFRESH-INTERVAL;VALUE=DURATION:PT6H (icalendar does not know the property's
    # type, so the duration is given as one; a bare timedelta would be written as "6:00:00").
    cal.add("refresh-interval", vDuration(dt.timedelta(hours=6)), parameters={"VALUE": "DURATION"})
    stamp = now.astimezone(dt.UTC)
    for action in actions:
        event = Event()
        event.add("uid", event_uid(action))
        event.add("dtstamp", stamp)
        event.add("dtstart", action.target_date)
        event.add("dtend", action.target_date + dt.timedelta(days=1))
        overdue = action.is_overdue(today)
        state = "OVERDUE" if overdue else action.get_status_display()
        label = f"{action.reference}: {action.title}" if action.title else action.reference
        event.add("summary", f"Due: {label} ({action.lead_agency.short_name})")
        url = settings.SITE_URL + action.get_absolute_url()
        event.add("description", (
            f"Action {action.reference} in plan {action.plan.reference}. "
            f"Status: {state}. Details (sign-in needed): {url}"
        ))
        event.add("url", url)
        event.add("sequence", action.version)
        event.add("transp", "TRANSPARENT")
        event.add("class", "PRIVATE")
        event.add("categories", ["SCSP action"])
        cal.add_component(event)
    return cal.to_ical()
