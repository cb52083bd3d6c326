"""Server-rendered SVG charts for trends: pure functions from points to an SVG string (no database).

Charts are accessible images: ``role="img"`` with a ``<title>`` and a ``<desc>`` (the page also shows the
data as a table). No inline style or script (the CSP forbids both): shapes carry classes styled by
``measures/measures.css`` and presentation attributes as a fallback. Every text is escaped.

- ``line_chart``: one or more lines over a date axis with shaded score bands (severity), vertical
  markers (level-of-care changes) and point tooltips.
- ``event_strip``: dated events (drug screens) on the same date axis, one symbol each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 720
LEFT, RIGHT, TOP, BOTTOM = 40, 14, 12, 26
#: Above this many points a line is drawn without a dot (and tooltip) per point.
MAX_DOTS = 120
TONE_FILLS = ("#e3f3e6", "#eef5dc", "#fbf1d3", "#fbe3cf", "#f8d7d4")
LINE_COLOURS = ("#2f5d8a", "#b45309", "#0f766e", "#7c3aed")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class Axis:
    """The date range shared by every chart of a page (inclusive). A single day is widened by a day."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("an axis cannot end before it starts")

    @property
    def days(self) -> int:
        return max((self.end - self.start).days, 1)


@dataclass(frozen=True, slots=True)
class Point:
    day: dt.date
    value: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class Line:
    label: str
    points: Sequence[Point]


@dataclass(frozen=True, slots=True)
class Band:
    """A shaded horizontal band from ``low`` to ``high`` with a tone 0 (best) to 4 (worst)."""

    low: float
    high: float
    label: str
    tone: int


@dataclass(frozen=True, slots=True)
class Marker:
    """A vertical line on ``day`` (a level-of-care change, an admission or a discharge)."""

    day: dt.date
    label: str


@dataclass(frozen=True, slots=True)
class Event:
    day: dt.date
    label: str
    tone: int


def number(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def short_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def x_ticks(axis: Axis) -> list[tuple[dt.date, str]]:
    """Tick days and labels: weekly (Mondays) up to 8 weeks, monthly up to 14 months, else quarterly.
    Month ticks name the year on January and on the first tick."""
    ticks: list[tuple[dt.date, str]] = []
    if axis.days <= 56:
        day = axis.start + dt.timedelta(days=(7 - axis.start.weekday()) % 7)
        while day <= axis.end:
            ticks.append((day, f"{day.day} {MONTHS[day.month - 1]}"))
            day += dt.timedelta(days=7)
        return ticks
    step = 1 if axis.days <= 430 else 3
    year, month = axis.start.year, axis.start.month
    while (day := dt.date(year, month, 1)) <= axis.end:
        if day >= axis.start and (month - 1) % step == 0:
            name = MONTHS[month - 1]
            ticks.append((day, f"{name} {year}" if month == 1 or not ticks else name))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ticks


class _Frame:
    def __init__(self, axis: Axis, height: int, y_low: float, y_high: float, width: int = WIDTH) -> None:
        self.axis, self.width, self.height = axis, width, height
        self.y_low, self.y_high = y_low, y_high
        self.plot_w = width - LEFT - RIGHT
        self.plot_h = height - TOP - BOTTOM

    def x(self, day: dt.date) -> float:
        return LEFT + (day - self.axis.start).days / self.axis.days * self.plot_w

    def y(self, value: float) -> float:
        span = (self.y_high - self.y_low) or 1
        clamped = min(max(value, self.y_low), self.y_high)
        return TOP + (self.y_high - clamped) / span * self.plot_h

    def open(self, chart_id: str, title: str, description: str, css: str) -> list[str]:
        cid = escape(chart_id)
        return [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="{css}" viewBox="0 0 {self.width} {self.height}" '
            f'role="img" aria-labelledby="{cid}-title {cid}-desc" focusable="false" '
            f'preserveAspectRatio="xMidYMid meet">',
            f'<title id="{cid}-title">{escape(title)}</title>',
            f'<desc id="{cid}-desc">{escape(description)}</desc>',
        ]

    def x_axis(self) -> list[str]:
        bottom = TOP + self.plot_h
        parts = [
            f'<g class="x-axis" aria-hidden="true"><line class="axis" x1="{LEFT}" y1="{bottom}" '
            f'x2="{LEFT + self.plot_w}" y2="{bottom}" stroke="#8a94a6"/>'
        ]
        for day, label in x_ticks(self.axis):
            at = self.x(day)
            x = number(at)
            # Labels near either end are anchored inside the chart so they are not cut off.
            anchor = "start" if at - LEFT < 24 else "end" if LEFT + self.plot_w - at < 24 else "middle"
            parts.append(f'<line class="tick" x1="{x}" y1="{bottom}" x2="{x}" y2="{bottom + 4}" stroke="#8a94a6"/>')
            parts.append(
                f'<text class="tick-label" x="{x}" y="{bottom + 16}" text-anchor="{anchor}">{escape(label)}</text>'
            )
        parts.append("</g>")
        return parts

    def markers(self, markers: Sequence[Marker]) -> list[str]:
        parts = ['<g class="markers">']
        for marker in markers:
            if not self.axis.start <= marker.day <= self.axis.end:
                continue
            x = number(self.x(marker.day))
            parts.append(
                f'<g class="marker"><title>{escape(marker.label)} ({short_date(marker.day)})</title>'
                f'<line x1="{x}" y1="{TOP}" x2="{x}" y2="{TOP + self.plot_h}" stroke="#566074" '
                f'stroke-dasharray="4 3"/>'
                f'<text class="marker-label" x="{x}" y="{TOP + 9}" dx="3">{escape(marker.label)}</text></g>'
            )
        parts.append("</g>")
        return parts


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    axis: Axis,
    y_low: float,
    y_high: float,
    lines: Sequence[Line],
    bands: Sequence[Band] = (),
    markers: Sequence[Marker] = (),
    y_ticks: Sequence[float] | None = None,
    height: int = 200,
    max_gap_days: int | None = None,
) -> str:
    """An SVG line chart. Points outside the axis are left out; a gap longer than ``max_gap_days``
    between two points breaks the line. Raises ``ValueError`` when ``y_high`` is not above ``y_low``."""
    if y_high <= y_low:
        raise ValueError("y_high must be above y_low")
    frame = _Frame(axis, height, y_low, y_high)
    parts = frame.open(chart_id, title, description, "trend-chart")
    parts.append('<g class="bands">')
    for band in bands:
        top, bottom = frame.y(band.high), frame.y(band.low)
        tone = min(max(band.tone, 0), 4)
        parts.append(
            f'<rect class="band tone-{tone}" x="{LEFT}" y="{number(top)}" width="{frame.plot_w}" '
            f'height="{number(max(bottom - top, 0))}" fill="{TONE_FILLS[tone]}">'
            f"<title>{escape(band.label)}</title></rect>"
        )
    parts.append("</g>")
    ticks = y_ticks if y_ticks is not None else _y_ticks(y_low, y_high)
    parts.append('<g class="y-axis" aria-hidden="true">')
    for value in ticks:
        y = number(frame.y(value))
        parts.append(f'<line class="grid" x1="{LEFT}" y1="{y}" x2="{LEFT + frame.plot_w}" y2="{y}" stroke="#d9dee7"/>')
        parts.append(f'<text class="tick-label" x="{LEFT - 6}" y="{y}" dy="4" text-anchor="end">{number(value)}</text>')
    parts.append("</g>")
    parts.extend(frame.x_axis())
    parts.extend(frame.markers(markers))
    for index, line in enumerate(lines):
        parts.extend(_line(frame, line, index, max_gap_days))
    parts.append("</svg>")
    return "".join(parts)


def _y_ticks(low: float, high: float) -> list[float]:
    span = high - low
    step = next((s for s in (1, 2, 3, 5, 10, 20) if span / s <= 6), 25)
    first = int(low)
    return [float(v) for v in range(first, int(high) + 1, step)]


def _line(frame: _Frame, line: Line, index: int, max_gap_days: int | None) -> list[str]:
    points = sorted((p for p in line.points if frame.axis.start <= p.day <= frame.axis.end), key=lambda p: p.day)
    colour = LINE_COLOURS[index % len(LINE_COLOURS)]
    parts = [f'<g class="series series-{index}"><title>{escape(line.label)}</title>']
    runs: list[list[Point]] = []
    for point in points:
        if runs and (max_gap_days is None or (point.day - runs[-1][-1].day).days <= max_gap_days):
            runs[-1].append(point)
        else:
            runs.append([point])
    for run in runs:
        coords = " ".join(f"{number(frame.x(p.day))},{number(frame.y(p.value))}" for p in run)
        if len(run) > 1:
            parts.append(f'<polyline class="line" points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
    if len(points) <= MAX_DOTS:
        for p in points:
            note = f" — {p.note}" if p.note else ""
            parts.append(
                f'<circle class="dot" cx="{number(frame.x(p.day))}" cy="{number(frame.y(p.value))}" r="3.5" '
                f'fill="{colour}"><title>{escape(line.label)}: {number(p.value)} on {short_date(p.day)}'
                f"{escape(note)}</title></circle>"
            )
    elif points:
        last = points[-1]
        parts.append(
            f'<circle class="dot" cx="{number(frame.x(last.day))}" cy="{number(frame.y(last.value))}" r="3.5" '
            f'fill="{colour}"><title>Latest {escape(line.label)}: {number(last.value)} on '
            f"{short_date(last.day)}</title></circle>"
        )
    parts.append("</g>")
    return parts


def event_strip(
    *,
    chart_id: str,
    title: str,
    description: str,
    axis: Axis,
    events: Sequence[Event],
    markers: Sequence[Marker] = (),
    height: int = 64,
) -> str:
    """An SVG strip with one symbol per event on the date axis; tone 4 draws a cross (the worst)."""
    frame = _Frame(axis, height, 0, 1)
    parts = frame.open(chart_id, title, description, "event-strip")
    parts.extend(frame.x_axis())
    parts.extend(frame.markers(markers))
    middle = TOP + frame.plot_h / 2
    parts.append('<g class="events">')
    for event in events:
        if not axis.start <= event.day <= axis.end:
            continue
        tone = min(max(event.tone, 0), 4)
        x, y = number(frame.x(event.day)), number(middle)
        tip = f"<title>{escape(event.label)} ({short_date(event.day)})</title>"
        # Symbols drawn around (0, 0) and moved into place, so the path data stays short.
        place = f'transform="translate({x} {y})"'
        if tone == 4:
            parts.append(
                f'<path class="event tone-4" {place} d="M-5,-5 L5,5 M-5,5 L5,-5" stroke="#b42318" '
                f'stroke-width="3">{tip}</path>'
            )
        elif tone >= 2:
            parts.append(
                f'<path class="event tone-{tone}" {place} d="M0,-6 L6,0 L0,6 L-6,0 Z" fill="#c27c0e">{tip}</path>'
            )
        else:
            parts.append(f'<circle class="event tone-{tone}" cx="{x}" cy="{y}" r="5" fill="#146c2e">{tip}</circle>')
    parts.append("</g></svg>")
    return "".join(parts)
