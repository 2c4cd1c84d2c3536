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


def _notice(*, recipient, key, subject, heading, action, at, link=None):
    """Queue one notice; ``subject`` is translated text with ``%(ref)s`` for the action's
    reference."""
    if recipient is None or not recipient.is_active:
        return
    title = action.title or "(no short title)"
    queue_notice(
        recipient=recipient, key=key, template="notice",
        subject=subject % {"ref": action.reference},
        today=timezone.localdate(at),
        context={"heading": heading, "lines": [f"{action.reference}: {title}"],
                 "link_path": link or reverse("actions:action_detail", args=[action.pk])},
    )


def on_action_changed(sender, *, action, event, by, update=None, change=None, **kwargs):
    """Queue the notices an event calls for. Runs inside the service's transaction."""
    officer = action.lead_officer
    if event == "returned":
        _notice(recipient=officer, key=f"action:{action.pk}:returned:{update.pk}",
                subject=_("SCSP Reviews: %(ref)s returned for more evidence"),
                heading="Your action has been returned for more evidence.",
                action=action, at=update.created_at)
    elif event == "signed_off":
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
        verb = "agreed" if event == "date_agreed" else "refused"
        subject = (_("SCSP Reviews: %(ref)s new target date agreed") if event == "date_agreed"
                   else _("SCSP Reviews: %(ref)s new target date refused"))
        _notice(recipient=change.requested_by, key=f"action:{action.pk}:{event}:{change.pk}",
                subject=subject,
                heading=f"The co-ordinator has {verb} your request for a new target date.",
                action=action, at=change.decided_at or change.requested_at)
