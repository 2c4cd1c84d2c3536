"""The RAG rule (DOMAIN.md section 6): its values, windows and sort order, and the rule in SQL.

The rule exists twice, once per language, and nowhere else: in Python as
:meth:`actions.models.Action.rag` / ``rag_explained`` (one action in hand) and in SQL as
:func:`rag_expression` (lists filtered and sorted by RAG). ``tests/actions/test_rag.py``
compares the two case by case. So does "completed late" (a fact shown beside the colour,
never by the colour alone): :attr:`Action.completed_late` and :func:`completed_late_q`.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions.models.choices import OPEN_STATUSES, ActionStatus


class Rag(models.TextChoices):
    """An action's RAG status; the label says what each colour means."""

    BLUE = "blue", _("Blue: signed off")
    GREEN = "green", _("Green: on track")
    AMBER = "amber", _("Amber: at risk, or completed late")
    RED = "red", _("Red: overdue or blocked")


#: The RAG rule's windows (DOMAIN.md section 6).
RAG_DUE_SOON = dt.timedelta(weeks=4)
RAG_STALE_AFTER = dt.timedelta(weeks=4)
#: Order for sorting by RAG: the most worrying first.
RAG_RANK = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, Rag.BLUE: 3}


def end_of_day(today: dt.date) -> dt.datetime:
    """The last instant of ``today`` in the partnership's time zone (the RAG rule's ``now``)."""
    return timezone.make_aware(dt.datetime.combine(today, dt.time.max))


def completed_late_q() -> Q:
    """The SQL twin of :attr:`Action.completed_late`: marked complete after its (current)
    target date. One ``Q``, used by the RAG rule below, :meth:`ActionQuerySet.with_rag` (the
    ``current_completed_late`` annotation) and the reports (``reports.asat`` renames its
    fields); ``tests/actions/test_rag.py`` compares it with the Python property."""
    return Q(completed_on__isnull=False, completed_on__gt=F("target_date"))


def rag_expression(today: dt.date, now: dt.datetime | None = None, *,
                   ranks: bool = False) -> Case:
    """The RAG rule of :meth:`Action.rag` as one SQL ``CASE`` giving the :class:`Rag` value
    (or, with ``ranks``, its :data:`RAG_RANK`: red 0 .. blue 3); keep the two in step (the
    table-driven test in ``tests/actions/test_rag.py`` compares them)."""
    if now is None:
        now = end_of_day(today)

    def out(rag: Rag) -> Value:
        return Value(RAG_RANK[rag] if ranks else rag.value)

    return Case(
        When(status=ActionStatus.SIGNED_OFF, then=out(Rag.BLUE)),
        When(status=ActionStatus.CLOSED_NOT_COMPLETED, then=out(Rag.GREEN)),
        When(Q(blocked=True) | Q(status__in=OPEN_STATUSES, target_date__lt=today),
             then=out(Rag.RED)),
        When(Q(status=ActionStatus.AWAITING_SIGN_OFF) & completed_late_q(),
             then=out(Rag.AMBER)),
        When(status=ActionStatus.AWAITING_SIGN_OFF, then=out(Rag.GREEN)),
        When(at_risk=True, then=out(Rag.AMBER)),
        When(
            Q(target_date__lte=today + RAG_DUE_SOON)
            & (Q(last_update_at__isnull=True) | Q(last_update_at__lt=now - RAG_STALE_AFTER)),
            then=out(Rag.AMBER),
        ),
        default=out(Rag.GREEN),
        output_field=IntegerField() if ranks else models.CharField(max_length=10),
    )
