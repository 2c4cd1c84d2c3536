"""Records brought in after the event: a business unit moving an earlier year in records cases,
reviews, plans and actions as they were (past dates, including past target dates), and each
such record says so, with who entered it and when. Clocks and figures read the record's own
dates, never when it was typed in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EnteredAfterEvent(models.Model):
    """Adds "entered after the event: who, when" to a record."""

    entered_after_event_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("entered after the event by"),
    )
    entered_after_event_at = models.DateTimeField(
        _("entered after the event at"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def entered_after_event(self) -> bool:
        return self.entered_after_event_at is not None

    def mark_entered_after_event(self, *, by, now) -> None:
        """Mark the record (not saved here) as entered after the event by ``by`` at ``now``."""
        self.entered_after_event_by, self.entered_after_event_at = by, now
