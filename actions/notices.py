"""Event notices: a short e-mail when something needs a person's attention now.

Connected to :data:`actions.signals.action_changed`. Each notice is an outbox row written in
the service's own transaction (``scsp.emails.queue_notice``) and sent by a worker after commit;
if Redis is down the row waits and the next sweep sends it. Notices carry the action's
reference and short title only, never case detail.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from scsp.emails import queue_notice
from scsp.models import Role, User


def _coordinators():
    return User.objects.filter(role=Role.COORDINATOR, is_active=True)


def _agency_leads(action):
    """The safeguarding leads of the action's lead agency: they answer for its actions."""
    return User.objects.filter(role=Role.AGENCY_LEAD, agency_id=action.lead_agency_id,
                               is_active=True)


def _day(value) -> str:
    return value.strftime("%-d %B %Y")


def _notice(*, recipient, key, subject, heading, action, at, link=None, extra=()):
    """Queue one notice; ``subject`` is translated text with ``%(ref)s`` for the action's
    reference; ``extra`` lines follow the reference (dates, never case detail)."""
    if recipient is None or not recipient.is_active:
        return
    title = action.title or "(no short title)"
    queue_notice(
        recipient=recipient, key=key, template="notice",
        subject=subject % {"ref": action.reference},
        today=timezone.localdate(at),
        context={"heading": heading, "lines": [f"{action.reference}: {title}", *extra],
                 "link_path": link or reverse("actions:action_detail", args=[action.pk])},
    )


def _assigned(action, by, *, at, reason=""):
    """Tell the action's (new) lead officer it is now theirs, unless they gave it themselves."""
    officer = action.lead_officer
    if officer is None or officer.pk == by.pk or action.entered_after_event:
        return
    extra = [f"Target date: {_day(action.target_date)}"]
    if reason:
        extra.append(f"Reason for the change: {reason}")
    _notice(recipient=officer, key=f"action:{action.pk}:assigned:{officer.pk}:{action.version}",
            subject=_("SCSP Reviews: %(ref)s is now yours"),
            heading="An action has been given to you to lead.", action=action, at=at,
            extra=extra)


def _date_decided(action, change, event):
    """The officer, the agency's leads and the requester hear of a decided date change, with
    the old and the new date (once each)."""
    agreed = event == "date_agreed"
    subject = (_("SCSP Reviews: %(ref)s new target date agreed") if agreed
               else _("SCSP Reviews: %(ref)s new target date refused"))
    heading = ("A new target date has been agreed." if agreed
               else "A request for a new target date has been refused.")
    extra = [f"Target date was: {_day(change.old_date)}",
             (f"New target date: {_day(change.new_date)}" if agreed
              else f"Date asked for: {_day(change.new_date)}; the target date stays "
                   f"{_day(change.old_date)}")]
    if change.decision_note:
        extra.append(f"Note: {change.decision_note}")
    recipients = {}
    for person in (change.requested_by, action.lead_officer, *_agency_leads(action)):
        if person is not None and person.pk != change.decided_by_id:
            recipients.setdefault(person.pk, person)
    for person in recipients.values():
        _notice(recipient=person, key=f"action:{action.pk}:{event}:{change.pk}",
                subject=subject, heading=heading, action=action,
                at=change.decided_at or change.requested_at, extra=extra)


def on_action_changed(sender, *, action, event, by, update=None, change=None, **kwargs):
    """Queue the notices an event calls for. Runs inside the service's transaction."""
    officer = action.lead_officer
    if event == "returned":
        _notice(recipient=officer, key=f"action:{action.pk}:returned:{update.pk}",
                subject=_("SCSP Reviews: %(ref)s returned for more evidence"),
                heading="Your action has been returned for more evidence.",
                action=action, at=update.created_at)
    elif event == "signed_off" and not action.sign_off_entered_after_event:
        # A sign-off recorded after the event (a past year brought in) is not news.
        _notice(recipient=officer, key=f"action:{action.pk}:signed_off",
                subject=_("SCSP Reviews: %(ref)s signed off"),
                heading="Your action has been signed off. You can still add evidence of impact.",
                action=action, at=update.created_at)
    elif event == "completed":
        for coordinator in _coordinators():
            if coordinator.pk != by.pk:
                _notice(recipient=coordinator, key=f"action:{action.pk}:completed:{update.pk}",
                        subject=_("SCSP Reviews: %(ref)s is ready for sign-off"),
                        heading="An action has been marked complete and waits for your sign-off.",
                        action=action, at=update.created_at)
    elif event == "date_requested":
        for coordinator in _coordinators():
            _notice(recipient=coordinator, key=f"action:{action.pk}:date_requested:{change.pk}",
                    subject=_("SCSP Reviews: %(ref)s needs a decision on a new target date"),
                    heading="An action owner has asked for a new target date.",
                    action=action, at=change.requested_at)
    elif event in ("date_agreed", "date_refused"):
        _date_decided(action, change, event)
    elif event == "created":
        _assigned(action, by, at=action.created_at)
    elif event == "reassigned":
        _assigned(action, by, at=timezone.now(), reason=kwargs.get("reason", ""))
