"""The annual report's figures (its "Sandwell Learning from Practice Reviews Subgroup"
section) for a financial year, April to March, and the disproportionality table.

The counting rules, stated once here and on the page:

* **Notifications made to the National Panel**: serious incident notifications *submitted* in
  the year (not the incidents, nor the dates the local authority became aware).
* **Cases directed to the subgroup by partners**: partner referrals *received* in the year.
* **Rapid Reviews held**: panels that *met* in the year; *within timescale* when the Rapid
  Review was sent to the National Panel within 15 working days (:mod:`reviews.clocks`).
* **LCSPRs initiated**: decisions to start one in the year; **ratified** in the year;
  **awaiting publication** at the year's end (ratified, not yet published; embargoed ones
  said separately).
* **Tabletop and Spotlight Reviews completed**: the stage that completes them was done in
  the year.
* **Referrals by outcome**: the subgroup's decision on each referral received in the year
  (no further action, a learning briefing, a Spotlight Review), as decided by the year's end.
* **Learning briefings**: briefings started in the year, and those shared (completed).
* **Actions signed off**, and of them those whose impact the SLPR group rated evident or
  partly evident by the year's end (``reports.selectors.impact.impact_share``).

On the demo data, 2022-23 gives the annual report's figures: 3 notifications, 2 LCSPRs,
1 Tabletop Review, 1 Spotlight Review completed, 4 referrals (1 no further action, 3 learning
briefings).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.asat import AsAt
from reports.quarters import FinancialYear
from reports.selectors import ReviewFigures, ReviewState, _require_reader, percent, review_figures
from reports.selectors.impact import impact_share
from reviews.models import (
    ETHNICITY_GROUPS,
    AgeBand,
    Case,
    Child,
    ReviewKind,
    Route,
    Sex,
    YesNoUnknown,
)
from scsp.permissions import scoped
from scsp.workdays import WorkingCalendar

#: Counts at or below this are suppressed in published breakdowns of children, as national
#: statistics do (DOMAIN.md section 7).
SUPPRESS_AT_OR_BELOW = 2
SUPPRESSED = "[c]"
SUPPRESSION_LEGEND = gettext_lazy(
    "[c] = a count of 1 or 2 children, or a count hidden so that one cannot be worked out from "
    "the totals. Counts this small could identify a child, so they are not shown (as in "
    "national statistics)."
)


@dataclass
class AnnualFigure:
    key: str
    label: str
    value: int
    note: str = ""
    indent: bool = False


@dataclass
class AnnualFigures:
    year: FinancialYear
    asat: AsAt
    figures: ReviewFigures
    rows: list[AnnualFigure] = field(default_factory=list)

    def value(self, key: str) -> int:
        return next(r.value for r in self.rows if r.key == key)

    def as_dict(self) -> dict[str, int]:
        return {r.key: r.value for r in self.rows}


def annual_figures(user, year: FinancialYear, *, today: dt.date, now: dt.datetime,
                   cal: WorkingCalendar) -> AnnualFigures:
    """The SLPR section's figures for ``year`` as at its end (or today, while it runs). The
    same queries as a quarter's review figures: a fixed number."""
    _require_reader(user)
    asat = AsAt.for_period(year, today=today, now=now)
    f = review_figures(user, year, asat, cal)
    lcsprs, local = f.lcsprs, f.local_reviews

    def local_count(kind, attr):
        return sum(getattr(r, attr) for r in local if r.kind == kind)

    rr_within = sum(r.within for r in f.rapid_reviews)
    rows = [
        AnnualFigure("notifications", _("Notifications made to the National Panel"),
                     len(f.notified)),
        AnnualFigure("notifications_within", _("of which within 5 working days"),
                     sum(r.within for r in f.notified), indent=True),
        AnnualFigure("referrals", _("Cases directed to the SLPR subgroup by partners"),
                     f.referrals.received),
        AnnualFigure("rapid_reviews", _("Rapid Reviews held"), len(f.rapid_reviews)),
        AnnualFigure("rapid_reviews_within",
                     _("of which completed and sent to the National Panel within 15 working days"),
                     rr_within, indent=True),
        AnnualFigure("rapid_reviews_in_progress",
                     _("of which still within their 15 working days (in progress)"),
                     sum(r.in_progress for r in f.rapid_reviews), indent=True),
        AnnualFigure("lcsprs_initiated", _("LCSPRs initiated"),
                     sum(r.started_in_period for r in lcsprs)),
        AnnualFigure("lcsprs_ratified", _("LCSPRs ratified"),
                     sum(r.ratified_in_period for r in lcsprs)),
        AnnualFigure("lcsprs_published", _("LCSPRs published"),
                     sum(r.state == ReviewState.PUBLISHED and r.finished_in_period
                         for r in lcsprs)),
        AnnualFigure("lcsprs_awaiting", _("LCSPRs awaiting publication at the year's end"),
                     sum(r.awaiting_publication for r in lcsprs)),
        AnnualFigure("lcsprs_embargoed", _("of which embargoed by parallel proceedings"),
                     sum(r.state == ReviewState.EMBARGOED for r in lcsprs), indent=True),
        AnnualFigure("lcsprs_in_progress", _("LCSPRs still in progress at the year's end"),
                     sum(r.state == ReviewState.IN_PROGRESS for r in lcsprs)),
        AnnualFigure("tabletop_completed", _("Tabletop Reviews held"),
                     local_count(ReviewKind.TABLETOP, "finished_in_period")),
        AnnualFigure("spotlight_completed", _("Spotlight Reviews completed"),
                     local_count(ReviewKind.SPOTLIGHT, "finished_in_period")),
        AnnualFigure("referral_nfa", _("Referrals: no further action"),
                     f.referrals.no_further_action),
        AnnualFigure("referral_briefing", _("Referrals: progressed as a learning briefing"),
                     f.referrals.learning_briefing),
        AnnualFigure("referral_spotlight", _("Referrals: progressed to a Spotlight Review"),
                     f.referrals.spotlight),
        AnnualFigure("referral_awaiting", _("Referrals: awaiting the subgroup's decision"),
                     f.referrals.awaiting),
        AnnualFigure("briefings_started", _("Learning briefings started"),
                     local_count(ReviewKind.LEARNING_BRIEFING, "started_in_period")),
        AnnualFigure("briefings_completed", _("Learning briefings shared"),
                     local_count(ReviewKind.LEARNING_BRIEFING, "finished_in_period")),
    ]
    good, signed = impact_share(user, year, asat)
    rows += [
        AnnualFigure("actions_signed_off", _("Actions signed off"), signed),
        AnnualFigure("actions_impact_evident",
                     _("of which rated impact evident or partly evident by the year's end"),
                     good, indent=True,
                     note=_("%(p)s%%") % {"p": percent(good, signed)} if signed else ""),
    ]
    within = percent(rr_within, len(f.rapid_reviews))
    if within is not None:
        rows[4].note = _("%(p)s%%") % {"p": within}
    return AnnualFigures(year=year, asat=asat, figures=f, rows=rows)


# --- Disproportionality ---------------------------------------------------------------------------

NOT_RECORDED = gettext_lazy("Not recorded")
_ETHNIC_GROUP = {code: group for group, items in ETHNICITY_GROUPS for code, _label in items}
#: The breakdowns: (key, column heading, [(value, label)]); the caption reads "Children by"
#: and the lower-case heading.
DIMENSIONS = [
    ("ethnicity", gettext_lazy("Ethnic group (ONS)"),
     [(str(group), group) for group, _items in ETHNICITY_GROUPS]),
    ("sex", gettext_lazy("Sex"), list(Sex.choices)),
    ("age_band", gettext_lazy("Age band"), list(AgeBand.choices)),
    ("disability", gettext_lazy("Disability"), list(YesNoUnknown.choices)),
]
CAPTIONS = {
    "ethnicity": gettext_lazy("Children by ethnic group (ONS categories)"),
    "sex": gettext_lazy("Children by sex"),
    "age_band": gettext_lazy("Children by age band"),
    "disability": gettext_lazy("Children by disability"),
}


@dataclass
class Cell:
    value: int
    suppressed: bool = False
    fixed: bool = False  # a published total, never hidden

    @property
    def shown(self) -> str:
        return SUPPRESSED if self.suppressed else str(self.value)


@dataclass
class BreakdownRow:
    label: str
    cells: list[Cell]  # notifications, referrals, all


@dataclass
class Breakdown:
    key: str
    heading: str
    rows: list[BreakdownRow]
    totals: list[Cell]

    @property
    def slug(self) -> str:
        """The CSV's name: ``children-by-age-band``."""
        return "children-by-" + self.key.replace("_", "-")

    @property
    def caption(self) -> str:
        return str(CAPTIONS[self.key])


def _bucket(key: str, value: str) -> str:
    if not value:
        return ""
    if key == "ethnicity":
        return str(_ETHNIC_GROUP.get(value, ""))
    return value


def suppress(rows: list[list[Cell]], totals: list[Cell]) -> None:
    """Hide small counts in a table of children, as national statistics do.

    *Primary*: every count of 1 or 2 is hidden. *Secondary*: where a line (a row across
    notifications, referrals and their total, or a column down the categories to its
    published total) has exactly one hidden count, it could be worked out by subtraction, so
    one more count in that line is hidden: preferably one whose other line already has a
    hidden count (so no new line is left with just one), then the smallest (hiding a zero
    loses least). Repeated until no line gives one away. Published totals are never hidden."""
    for row in rows:
        for cell in row:
            if 0 < cell.value <= SUPPRESS_AT_OR_BELOW:
                cell.suppressed = True
    lines = [list(row) for row in rows]
    lines += [[row[c] for row in rows] + [totals[c]] for c in range(len(totals))]
    lines_of: dict[int, list[list[Cell]]] = defaultdict(list)
    for line in lines:
        for cell in line:
            lines_of[id(cell)].append(line)

    def creates_lone_line(cell, line) -> bool:
        return any(other is not line and not any(c.suppressed for c in other)
                   for other in lines_of[id(cell)])

    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(c.suppressed for c in line) != 1:
                continue
            candidates = [c for c in line if not c.suppressed and not c.fixed]
            if not candidates:
                continue
            candidates.sort(key=lambda c: (creates_lone_line(c, line), c.value))
            candidates[0].suppressed = True
            changed = True


def disproportionality(user, year: FinancialYear, asat: AsAt) -> list[Breakdown]:
    """The children in notifications submitted and referrals received in the year, by ethnic
    group, sex, age band and disability, with small counts suppressed. One query."""
    _require_reader(user)
    in_year = (
        Q(case__route=Route.NOTIFICATION,
          case__notification_submitted_on__range=(year.start, asat.day))
        | Q(case__route=Route.REFERRAL, case__referral_received_on__range=(year.start, asat.day))
    )
    rows = (Child.objects.filter(in_year, case__in=scoped(Case, user))
            .values("case__route", "ethnicity", "sex", "age_band", "disability")
            .annotate(n=Count("pk")).order_by())
    tallies = {key: defaultdict(lambda: [0, 0]) for key, _h, _c in DIMENSIONS}
    group_totals = [0, 0]
    for row in rows:
        column = 0 if row["case__route"] == Route.NOTIFICATION else 1
        group_totals[column] += row["n"]
        for key, _heading, _choices in DIMENSIONS:
            tallies[key][_bucket(key, row[key])][column] += row["n"]
    breakdowns = []
    for key, heading, choices in DIMENSIONS:
        body = []
        for value, label in [*choices, ("", NOT_RECORDED)]:
            notif, refs = tallies[key].get(value, (0, 0))
            body.append(BreakdownRow(str(label), [Cell(notif), Cell(refs), Cell(notif + refs)]))
        totals = [Cell(group_totals[0], fixed=True), Cell(group_totals[1], fixed=True),
                  Cell(sum(group_totals), fixed=True)]
        suppress([r.cells for r in body], totals)
        breakdowns.append(Breakdown(key, str(heading), body, totals))
    return breakdowns

