"""The default stages of each kind of practice review, with planned dates worked out from the
decision to initiate. The co-ordinator adjusts the list per review (DOMAIN.md section 3: variation
between areas is normal).

Each default is ``(name, key, offset)``: ``key`` marks the stages the clocks and the status read;
``offset`` places the planned date: a number of weeks after the decision, ``"target"`` for the
6-month LCSPR target, ``"panel"`` for 7 working days before the planned publication, or ``None``.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from reviews import clocks
from reviews.models import ReviewKind, StageKey
from scsp.workdays import WorkingCalendar

DEFAULT_STAGES = {
    ReviewKind.LCSPR: [
        (_("Decision agreed by the National Panel"), "", 2),
        (_("Family told and offered an advocate"), "", 2),
        (_("Terms of reference agreed"), "", 4),
        (_("Reviewer appointed and method chosen"), "", 4),
        (_("Agency reports received"), "", 8),
        (_("Practitioner learning events"), StageKey.HELD, 12),
        (_("Family contribution"), "", 14),
        (_("Draft report received"), "", 18),
        (_("Ratified by the partnership"), StageKey.RATIFIED, 21),
        (_("Report sent to the National Panel and the Secretary of State"), StageKey.SENT_TO_PANEL,
         "panel"),
        (_("Published"), StageKey.PUBLISHED, "target"),
    ],
    ReviewKind.TABLETOP: [
        (_("Agencies invited and chronologies requested"), "", 2),
        (_("Agency chronologies received"), "", 5),
        (_("Tabletop Review held"), StageKey.HELD, 8),
        (_("Learning summary and actions agreed"), StageKey.COMPLETED, 10),
    ],
    ReviewKind.SPOTLIGHT: [
        (_("Agencies asked for information"), "", 2),
        (_("Agency information received"), "", 5),
        (_("Practitioner learning event"), StageKey.HELD, 8),
        (_("Spotlight Review completed"), StageKey.COMPLETED, 10),
        (_("Learning shared and actions agreed"), "", 12),
    ],
    ReviewKind.LEARNING_BRIEFING: [
        (_("Learning points drafted"), "", 3),
        (_("Briefing approved by the subgroup"), StageKey.HELD, 6),
        (_("Briefing shared with partners"), StageKey.COMPLETED, 8),
    ],
}


def default_stages(kind: str, decision_date: dt.date, cal: WorkingCalendar) -> list[dict]:
    """The default stages for ``kind`` with planned dates from ``decision_date``. Returns a
    list of dicts (order, name, key, planned_date)."""
    target = clocks.lcspr_due(decision_date)
    rows = []
    for order, (name, key, offset) in enumerate(DEFAULT_STAGES[kind], start=1):
        if offset == "target":
            planned = target
        elif offset == "panel":
            planned = clocks.panel_report_due(target, cal)
        elif offset is None:
            planned = None
        else:
            planned = decision_date + dt.timedelta(weeks=offset)
        rows.append({"order": order, "name": str(name), "key": key, "planned_date": planned})
    return rows
