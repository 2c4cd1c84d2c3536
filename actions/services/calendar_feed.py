"""The personal calendar feed's secret address."""

from __future__ import annotations

from django.db import transaction


@transaction.atomic
def calendar_token_regenerate(*, user) -> str:
    """Give ``user`` a new secret calendar-feed address; the old one stops working at once.
    Returns the new token."""
    user.regenerate_calendar_token()
    return user.calendar_token
