"""The headline, the change since the previous quarter, and the whole quarterly report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.asat import AsAt
from reports.models import QuarterCommentary
from reports.quarters import Quarter
from reports.selectors.actions import (
    ActionTotals,
    AgencyRow,
    PlanRow,
    action_figures,
    action_totals,
)
from reports.selectors.common import _require_reader, percent
from reports.selectors.impact import ImpactFigures, impact_figures
from reports.selectors.reviews import ReferralFigures, ReviewFigures, ReviewState, review_figures
from reports.selectors.themes import ThemeRow, theme_rows
from reviews import clocks
from reviews.models import ReviewKind
from scsp.workdays import WorkingCalendar

# --- Headline and the whole report -----------------------------------------------------------------


@dataclass
class Headline:
    """The figures the board compares quarter with quarter."""

    notifications: int
    notified_within: int
    waiting_notifications: int
    waiting_overdue: int
    rapid_reviews: int
    rapid_reviews_within: int
    rapid_reviews_late: int
    rapid_reviews_in_progress: int
    lcsprs_started: int
    lcsprs_in_progress: int
    lcsprs_ratified: int
    lcsprs_published: int
    lcsprs_awaiting_publication: int
    lcsprs_embargoed: int
    lcsprs_overdue: int
    spotlight_completed: int
    tabletop_completed: int
    briefings_completed: int
    local_in_progress: int
    referrals: ReferralFigures
    audits_completed: int
    rota_late: int
    actions: ActionTotals

    @property
    def notified_within_percent(self) -> int | None:
        return percent(self.notified_within, self.notifications)

    @property
    def rapid_reviews_within_percent(self) -> int | None:
        """Of the Rapid Reviews whose clock has stopped or run out: one still within its 15
        working days is in progress, neither met nor missed."""
        return percent(self.rapid_reviews_within,
                       self.rapid_reviews_within + self.rapid_reviews_late)


#: The rows of "change since the previous quarter": (attribute path, label, better when
#: "up", "down" or "" when neither, is a percentage).
CHANGE_ROWS = [
    ("notifications", gettext_lazy("Notifications to the National Panel"), "", False),
    ("notified_within_percent", gettext_lazy("Notified within 5 working days"), "up", True),
    ("rapid_reviews", gettext_lazy("Rapid Reviews held"), "", False),
    ("rapid_reviews_within_percent", gettext_lazy("Rapid Reviews within 15 working days"),
     "up", True),
    ("lcsprs_in_progress", gettext_lazy("LCSPRs in progress"), "", False),
    ("lcsprs_awaiting_publication", gettext_lazy("LCSPRs awaiting publication"), "", False),
    ("lcsprs_overdue", gettext_lazy("LCSPRs not ratified within 6 months"), "down", False),
    ("audits_completed", gettext_lazy("Audits completed"), "up", False),
    ("actions.open", gettext_lazy("Actions open"), "", False),
    ("actions.overdue", gettext_lazy("Actions overdue"), "down", False),
    ("actions.overdue_3m", gettext_lazy("Actions overdue by more than 3 months"), "down", False),
    ("actions.completed", gettext_lazy("Actions completed in the quarter"), "up", False),
    ("actions.signed_off", gettext_lazy("Actions signed off in the quarter"), "up", False),
    ("actions.impact", gettext_lazy("Actions with evidence of impact"), "up", False),
    ("actions.red", gettext_lazy("Actions rated red"), "down", False),
]


@dataclass
class ChangeRow:
    key: str
    label: str
    now: int | None
    before: int | None
    change: int | None
    direction: str  # "better", "worse", "same" or "" (neither)
    is_percent: bool

    @property
    def change_words(self) -> str:
        if self.change is None:
            return "—"
        unit = _(" points") if self.is_percent else ""
        if self.change == 0:
            return _("No change")
        if self.change > 0:
            return _("Up %(n)s%(unit)s") % {"n": self.change, "unit": unit}
        return _("Down %(n)s%(unit)s") % {"n": -self.change, "unit": unit}


def _value(headline: Headline, path: str):
    value = headline
    for part in path.split("."):
        value = getattr(value, part)
    return value


def changes(now: Headline, before: Headline) -> list[ChangeRow]:
    rows = []
    for path, label, better, is_percent in CHANGE_ROWS:
        a, b = _value(now, path), _value(before, path)
        change = a - b if a is not None and b is not None else None
        direction = ""
        if change is not None and better:
            improved = (change > 0) == (better == "up")
            direction = "same" if change == 0 else ("better" if improved else "worse")
        rows.append(ChangeRow(path, str(label), a, b, change, direction, is_percent))
    return rows


def headline(figures: ReviewFigures, actions: ActionTotals) -> Headline:
    lcsprs, local = figures.lcsprs, figures.local_reviews

    def completed(kind):
        return sum(r.finished_in_period for r in local if r.kind == kind)

    return Headline(
        notifications=len(figures.notified),
        notified_within=sum(r.within for r in figures.notified),
        waiting_notifications=len(figures.waiting),
        waiting_overdue=sum(r.status == clocks.ClockStatus.OVERDUE for r in figures.waiting),
        rapid_reviews=len(figures.rapid_reviews),
        rapid_reviews_within=sum(r.within for r in figures.rapid_reviews),
        rapid_reviews_late=sum(r.late for r in figures.rapid_reviews),
        rapid_reviews_in_progress=sum(r.in_progress for r in figures.rapid_reviews),
        lcsprs_started=sum(r.started_in_period for r in lcsprs),
        lcsprs_in_progress=sum(r.state == ReviewState.IN_PROGRESS for r in lcsprs),
        lcsprs_ratified=sum(r.ratified_in_period for r in lcsprs),
        lcsprs_published=sum(r.state == ReviewState.PUBLISHED and r.finished_in_period
                             for r in lcsprs),
        lcsprs_awaiting_publication=sum(r.awaiting_publication for r in lcsprs),
        lcsprs_embargoed=sum(r.state == ReviewState.EMBARGOED for r in lcsprs),
        lcsprs_overdue=sum(bool(r.clock) and r.clock["status"] == clocks.ClockStatus.OVERDUE
                           for r in lcsprs),
        spotlight_completed=completed(ReviewKind.SPOTLIGHT),
        tabletop_completed=completed(ReviewKind.TABLETOP),
        briefings_completed=completed(ReviewKind.LEARNING_BRIEFING),
        local_in_progress=sum(r.state == ReviewState.IN_PROGRESS for r in local),
        referrals=figures.referrals,
        audits_completed=len(figures.audits),
        rota_late=len(figures.rota_late),
        actions=actions,
    )


def quarter_headline(user, quarter: Quarter, *, today: dt.date, now: dt.datetime,
                     cal: WorkingCalendar) -> Headline:
    """The headline figures of one quarter alone (for the previous quarter's column and the
    chair's and scrutineer's home page)."""
    asat = AsAt.for_period(quarter, today=today, now=now)
    return headline(review_figures(user, quarter, asat, cal),
                    action_totals(user, quarter, asat, with_median=False, with_updates=False))


def method_note(asat: AsAt) -> str:
    """The footnote stating how the figures were worked out."""
    if asat.live:
        return _(
            "This quarter has not ended: the figures are as at %(day)s and will change. Once it "
            "ends they are fixed as they stood at 23:59 on its last day."
        ) % {"day": asat.day.strftime("%-d %B %Y")}
    return _(
        "Figures are as they stood at 23:59 on %(day)s (UK time). Each action is read from its "
        "change history: the last version saved by then gives its status, target date and "
        "lead agency, so later sign-offs, date changes and updates do not alter this report. "
        "An action entered later with earlier dates is read from its dated progress updates "
        "and agreed date changes. Notifications, Rapid Reviews, review stages and audits are "
        "counted by the dates recorded for them, up to that day. Working days exclude weekends, "
        "bank holidays in England and the partnership's closure days."
    ) % {"day": asat.day.strftime("%-d %B %Y")}


@dataclass
class QuarterlyReport:
    quarter: Quarter
    asat: AsAt
    figures: ReviewFigures
    headline: Headline
    previous: Quarter
    previous_headline: Headline
    changes: list[ChangeRow]
    plans: list[PlanRow]
    plans_hidden: int
    agencies: list[AgencyRow]
    themes: list[ThemeRow]
    themes_since: dt.date
    commentary: QuarterCommentary | None
    method: str
    charts: dict = field(default_factory=dict)
    impact: ImpactFigures | None = None

    @property
    def totals(self) -> ActionTotals:
        return self.headline.actions

    @property
    def provisional(self) -> bool:
        """The quarter has not ended: its figures will still change."""
        return self.asat.live

    @property
    def agency_key(self) -> list[tuple[str, str]]:
        """``(abbreviation, full name)`` of every agency the report names, for the key."""
        return sorted({(a.short_name, a.name) for a in self.agencies if a.short_name != a.name})


def quarterly_report(user, quarter: Quarter, *, today: dt.date, now: dt.datetime,
                     cal: WorkingCalendar) -> QuarterlyReport:
    """Everything the quarterly progress report shows, for ``quarter`` as at its end (or now,
    while it runs), with the previous quarter's headline for comparison. A fixed number of
    queries, whatever the number of actions, cases and plans."""
    from reports import charts

    _require_reader(user)
    asat = AsAt.for_period(quarter, today=today, now=now)
    figures = review_figures(user, quarter, asat, cal)
    actions = action_figures(user, quarter, asat)
    this = headline(figures, actions["totals"])
    previous = quarter.previous()
    before = quarter_headline(user, previous, today=today, now=now, cal=cal)
    themes, since = theme_rows(user, quarter, asat)
    commentary = (QuarterCommentary.objects.visible_to(user)
                  .filter(year=quarter.year, quarter=quarter.number)
                  .select_related("updated_by").first())
    report = QuarterlyReport(
        quarter=quarter, asat=asat, figures=figures, headline=this, previous=previous,
        previous_headline=before, changes=changes(this, before), plans=actions["plans"],
        plans_hidden=actions["plans_hidden"], agencies=actions["agencies"], themes=themes,
        themes_since=since, commentary=commentary, method=method_note(asat),
    )
    report.impact = impact_figures(user, quarter, asat)
    report.charts = charts.quarterly_charts(report)
    return report
