"""What other code can listen to when an action changes (reminders send notices on some).

:data:`action_changed` is sent by the services **inside their transaction**, after the change
is written, with ``sender=Action`` and the keyword arguments ``action``, ``event`` (one of
:data:`EVENTS`), ``by`` (who did it) and, where there is one, ``update`` (the
``ProgressUpdate``) or ``change`` (the ``TargetDateChange``); "reassigned" carries
``previous_officer`` and ``reason``.

A receiver that records something (an outbox row) does it in the same transaction, so it is
kept or rolled back with the change; anything that talks to the outside world (a Celery task,
an e-mail) must wait for ``transaction.on_commit``. A receiver that raises undoes the change.
"""

from django.dispatch import Signal

EVENTS = (
    "created", "updated", "progress", "completed", "signed_off", "returned", "closed",
    "impact", "date_requested", "date_agreed", "date_refused", "reassigned",
)

action_changed = Signal()


def send(event: str, *, action, by, **extra) -> None:
    """Send :data:`action_changed` for ``event``. Raises ``ValueError`` for an event not in
    :data:`EVENTS` (a programming error: receivers would silently ignore it), before anything
    is sent."""
    if event not in EVENTS:
        raise ValueError(f"Unknown action event {event!r}; expected one of {', '.join(EVENTS)}.")
    from actions.models import Action

    action_changed.send(sender=Action, action=action, event=event, by=by, **extra)
