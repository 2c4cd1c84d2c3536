"""Charts drawn on the server as inline SVG, for the browser and the PDF alike.

Each chart is laid out here as plain numbers (bars, labels, positions) and drawn by
``templates/reports/includes/bar_chart.html``, which gives it a ``<title>`` and ``<desc>``
(read out by screen readers; the ``<desc>`` states every number). The same numbers are always
in a table beside the chart, so nobody depends on the picture or on colour: each bar is
labelled with its words and its value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

#: Fill colours; the words travel with them (labels and the legend).
COLOURS = {
    "red": "#b3261e", "amber": "#ffb000", "green": "#1b7a3a", "blue": "#1d4ed8",
    "open": "#3d4a5c", "overdue": "#b3261e",
}
#: Width of the drawing in its own units; the SVG scales to its container.
WIDTH = 640
LABEL_WIDTH = 170
VALUE_ROOM = 44
ROW_HEIGHT = 24
BAR_HEIGHT = 16
TOP = 8
MAX_ROWS = 14


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    value: int
    value_x: float
    value_y: float
    series: str


@dataclass
class Row:
    label: str
    label_y: float
    bars: list[Bar]


@dataclass
class LegendItem:
    label: str
    colour: str
    x: float
    y: float


@dataclass
class BarChart:
    """A horizontal bar chart: one row per category, one bar per series in each row."""

    chart_id: str
    title: str
    description: str
    height: float
    rows: list[Row] = field(default_factory=list)
    legend: list[LegendItem] = field(default_factory=list)
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    axis_bottom: float = 0
    empty: bool = False


def bar_chart(chart_id: str, title: str, categories: list[tuple[str, list[int]]],
              series: list[tuple[str, str]], *, row_colours: list[str] | None = None) -> BarChart:
    """Lay out a chart. ``categories`` is ``[(label, [value per series])]``; ``series`` is
    ``[(name, colour key)]``; ``row_colours`` (colour keys) colours a one-series chart row by
    row instead. Bars are scaled to the largest value."""
    per_row = len(series)
    bar_height = BAR_HEIGHT if per_row == 1 else BAR_HEIGHT * 0.75
    row_height = ROW_HEIGHT if per_row == 1 else bar_height * per_row + 10
    legend_height = 22 if per_row > 1 else 0
    largest = max((v for _label, values in categories for v in values), default=0)
    scale = (WIDTH - LABEL_WIDTH - VALUE_ROOM) / largest if largest else 0
    described = "; ".join(
        f"{label}: " + ", ".join(f"{name} {value}" for (name, _c), value in zip(series, values,
                                                                              strict=True))
        for label, values in categories
    )
    chart = BarChart(
        chart_id=chart_id, title=title,
        description=(described + ".") if categories else _("No figures to show."),
        height=TOP + legend_height + row_height * max(len(categories), 1) + 6,
        empty=not categories or largest == 0,
    )
    if per_row > 1:
        x = LABEL_WIDTH
        for name, colour in series:
            chart.legend.append(LegendItem(name, COLOURS[colour], x, TOP + 10))
            x += 14 + 8 * len(name) + 24
    y = TOP + legend_height
    for row_index, (label, values) in enumerate(categories):
        bars = []
        for index, ((name, colour), value) in enumerate(zip(series, values, strict=True)):
            if row_colours:
                colour = row_colours[row_index]
            top = y + 3 + index * bar_height
            width = value * scale
            bars.append(Bar(
                x=LABEL_WIDTH, y=top, width=round(width, 1), height=round(bar_height - 2, 1),
                colour=COLOURS[colour], value=value, value_x=round(LABEL_WIDTH + width + 4, 1),
                value_y=round(top + bar_height / 2 + 2, 1), series=name))
        chart.rows.append(Row(label=label, label_y=round(y + row_height / 2 + 4, 1), bars=bars))
        y += row_height
    chart.axis_bottom = y
    return chart


def quarterly_charts(report) -> dict[str, BarChart]:
    """The report's two charts: actions by RAG status, and open and overdue actions by
    agency (the agencies with most open actions)."""
    totals = report.headline.actions
    split = totals.rag_split
    rag = bar_chart(
        "chart-rag",
        _("Actions by RAG status at %(day)s") % {"day": report.asat.day.strftime("%-d %B %Y")},
        [(f"{word} ({_rag_meaning(rag)})", [count]) for rag, word, count in split],
        [(_("Actions"), "open")], row_colours=[rag for rag, _word, _count in split],
    )
    busiest = sorted(report.agencies, key=lambda a: (-a.figures.open, -a.figures.overdue,
                                                     a.short_name))[:MAX_ROWS]
    agencies = bar_chart(
        "chart-agencies", _("Open and overdue actions by agency"),
        [(a.short_name, [a.figures.open, a.figures.overdue]) for a in busiest],
        [(_("Open"), "open"), (_("Overdue"), "overdue")],
    )
    return {"rag": rag, "agencies": agencies}


def _rag_meaning(rag: str) -> str:
    return {"red": _("overdue or blocked"), "amber": _("at risk"), "green": _("on track"),
            "blue": _("signed off")}[rag]

