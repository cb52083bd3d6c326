"""Everything the participant's trend page shows, read in a fixed number of queries whatever the length
of the history, and drawn with ``charts``: each measure over time with its bands, the change against the
baseline (the first result of the current episode), check-ins and drug screens on the same time axis, and
level-of-care changes, admissions and discharges marked."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse

from cadence.participants.models import Episode, LevelOfCareChange, Participant
from cadence.participants.queries import current_episode, today_in

from . import charts
from .conf import craving_alert_at, measure_settings
from .display import MeasureKey, Shade, measure_keys
from .instruments import INSTRUMENTS, ChangeResult, Instrument, classify_change
from .models import (
    Alert,
    CheckIn,
    DrugScreen,
    DrugScreenPanel,
    MeasureRequest,
    MeasureResult,
    ScreenResult,
    Source,
    Substance,
)
from .queries import due_for_episode, open_requests, rules_by_program
from .schedule import DueMeasure
from .tables import Badge, Link, data_table

PERIODS = {"90": 90, "365": 365, "all": None}
PERIOD_LABELS = {"90": "Last 90 days", "365": "Last year", "all": "Everything"}
CHECK_IN_GAP_DAYS = 3  # a check-in line breaks where more days are missing
MEASURE_GAP_DAYS = 45
RECENT_CHECK_INS = 14
# Plain dicts: ``get_FOO_display`` rebuilds the choices on every call, which shows at hundreds of rows.
SUBSTANCES = dict(Substance.choices)
RESULTS = dict(ScreenResult.choices)
SOURCES = dict(Source.choices)


@dataclass(frozen=True)
class ChangeRow:
    key: MeasureKey
    change: ChangeResult


@dataclass
class MeasureTrend:
    instrument: Instrument
    results: list[MeasureResult]  # in the period, oldest first
    charts: list[tuple[MeasureKey, str]]
    changes: list[ChangeRow]
    baseline: MeasureResult | None
    latest: MeasureResult
    table: str = ""


@dataclass
class Trends:
    participant: Participant
    current: Episode | None
    today: dt.date
    period: str
    axis: charts.Axis
    measures: list[MeasureTrend] = field(default_factory=list)
    check_ins: list[CheckIn] = field(default_factory=list)
    check_in_chart: str = ""
    check_in_table: str = ""
    screens: list[DrugScreen] = field(default_factory=list)
    screen_chart: str = ""
    screen_table: str = ""
    level_changes: list[LevelOfCareChange] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    requests: list[MeasureRequest] = field(default_factory=list)
    due: list[DueMeasure] = field(default_factory=list)

    @property
    def recent_check_ins(self) -> list[CheckIn]:
        return list(reversed(self.check_ins[-RECENT_CHECK_INS:]))

    @property
    def active_alerts(self) -> list[Alert]:
        return [a for a in self.alerts if a.is_active]

    @property
    def closed_alerts(self) -> list[Alert]:
        return [a for a in self.alerts if not a.is_active][:10]


def _markers(changes: list[LevelOfCareChange]) -> list[charts.Marker]:
    markers: list[charts.Marker] = []
    seen: set[int] = set()
    for change in changes:
        first = change.episode_id not in seen
        seen.add(change.episode_id)
        code = change.level_of_care.code
        markers.append(charts.Marker(change.starts_on, f"Admitted {code}" if first else f"Level {code}"))
    discharged = {c.episode_id: c.episode.discharged_on for c in changes if c.episode.discharged_on}
    markers.extend(charts.Marker(day, "Discharged") for day in discharged.values())
    return sorted(markers, key=lambda m: m.day)


def _bands(shades: tuple[Shade, ...], low: int, high: int) -> list[charts.Band]:
    """Score ranges as chart bands meeting halfway between whole scores."""
    return [
        charts.Band(max(low, s.low - 0.5), min(high, s.high + 0.5), s.label, s.tone) for s in shades if s.high >= s.low
    ]


def _describe(key: MeasureKey, points: list[charts.Point], axis: charts.Axis) -> str:
    if not points:
        return f"{key.label}: no results between {charts.short_date(axis.start)} and {charts.short_date(axis.end)}."
    first, last = points[0], points[-1]
    return (
        f"{key.label}, {len(points)} result(s) from {charts.short_date(first.day)} to {charts.short_date(last.day)}: "
        f"first {charts.number(first.value)} ({first.note}), latest {charts.number(last.value)} ({last.note}). "
        f"Scale {key.low} to {key.high}; {'higher is better' if key.higher_is_better else 'higher is worse'}."
    )


def _measure_trend(
    instrument: Instrument,
    rows: list[MeasureResult],
    current: Episode | None,
    start: dt.date,
    axis: charts.Axis,
    markers: list[charts.Marker],
) -> MeasureTrend:
    settings = measure_settings()
    in_period = [r for r in rows if r.administered_on >= start]
    latest_sex = next((r.sex for r in reversed(rows) if r.sex), None)
    keys = measure_keys(instrument, sex=latest_sex, settings=settings)
    episode_rows = [r for r in rows if current is not None and r.episode_id == current.pk]
    baseline = episode_rows[0] if len(episode_rows) >= 1 else None
    latest = rows[-1]
    drawn: list[tuple[MeasureKey, str]] = []
    changes: list[ChangeRow] = []
    for index, key in enumerate(keys):
        points = [
            charts.Point(r.administered_on, value, r.band_label or "")
            for r in in_period
            if (value := key.value(r.total, r.subscales, r.band)) is not None
        ]
        svg = charts.line_chart(
            chart_id=f"chart-{instrument.code}-{index}",
            title=f"{key.label} over time",
            description=_describe(key, points, axis),
            axis=axis,
            y_low=key.low,
            y_high=key.high,
            lines=[charts.Line(key.label, points)],
            bands=_bands(key.shades, key.low, key.high),
            markers=markers,
            y_ticks=[0, 1, 2, 3] if key.key == "cssrs" else None,
            height=150 if key.key == "cssrs" else 200,
            max_gap_days=MEASURE_GAP_DAYS,
        )
        drawn.append((key, svg))
        if key.classify and baseline is not None and len(episode_rows) >= 2:
            before = key.value(baseline.total, baseline.subscales, baseline.band)
            after = key.value(episode_rows[-1].total, episode_rows[-1].subscales, episode_rows[-1].band)
            if before is not None and after is not None:
                changes.append(ChangeRow(key, classify_change(key.key, before, after, settings)))
    return MeasureTrend(instrument, in_period, drawn, changes, baseline, latest, _results_table(instrument, in_period))


def _results_table(instrument: Instrument, rows: list[MeasureResult]) -> str:
    def score(r: MeasureResult) -> str:
        parts = [] if r.total is None else [str(r.total)]
        return " ".join(parts + [f"{code} {value}" for code, value in r.subscales.items()])

    return data_table(
        caption=f"{instrument.abbreviation} results, newest first",
        columns=("Answered", "Score", "Band", "Flags", "Entered"),
        rows=(
            (
                Link(charts.short_date(r.administered_on), reverse("measures:result", args=[r.pk])),
                score(r),
                r.band_label or "—",
                ", ".join(r.flags) or "—",
                SOURCES[r.source] + (f" · {r.entered_by.display_name}" if r.entered_by else ""),
            )
            for r in reversed(rows)
        ),
    )


def _check_in_table(rows: list[CheckIn]) -> str:
    return data_table(
        caption="Every check-in in this period, newest first",
        columns=("Day", "Mood", "Craving", "Sleep (h)", "Used", "Note"),
        rows=(
            (
                c.local_date.isoformat(),
                c.mood,
                c.craving,
                str(c.sleep_hours),
                (f"Yes: {c.used_what}" if c.used_what else "Yes") if c.used else "No",
                c.note or "—",
            )
            for c in reversed(rows)
        ),
        numeric=frozenset({1, 2, 3}),
    )


def _panel_badges(screen: DrugScreen) -> list[Badge]:
    badges = []
    for p in screen.panels.all():
        if p.unexpected_positive:
            css = "badge-danger"
        elif p.result != ScreenResult.NEGATIVE:
            css = "badge-moderate"
        else:
            css = "badge-secondary"
        expected = " (expected)" if p.expected else ""
        badges.append(Badge(f"{SUBSTANCES[p.substance]}: {RESULTS[p.result]}{expected}", css))
    return badges


def _screen_table(rows: list[DrugScreen]) -> str:
    return data_table(
        caption="Drug screens, newest first",
        columns=("Collected", "Collection", "Results", "Entered by"),
        rows=(
            (
                charts.short_date(s.collected_on),
                "Observed" if s.observed else "Unobserved",
                _panel_badges(s),
                s.entered_by.display_name,
            )
            for s in reversed(rows)
        ),
    )


def _check_in_chart(rows: list[CheckIn], axis: charts.Axis, markers: list[charts.Marker]) -> str:
    mood = [charts.Point(c.local_date, c.mood) for c in rows]
    craving = [charts.Point(c.local_date, c.craving, "used" if c.used else "") for c in rows]
    threshold = craving_alert_at()
    if rows:
        description = (
            f"Daily check-ins, {len(rows)} from {charts.short_date(rows[0].local_date)} to "
            f"{charts.short_date(rows[-1].local_date)}: mood (0 very low to 10 very good) and craving (0 none to 10 "
            f"extreme). Latest mood {rows[-1].mood}, craving {rows[-1].craving}. Craving {threshold} or more is shaded."
        )
    else:
        description = "No daily check-ins in this period."
    return charts.line_chart(
        chart_id="chart-check-ins",
        title="Daily check-ins: mood and craving",
        description=description,
        axis=axis,
        y_low=0,
        y_high=10,
        lines=[charts.Line("Mood", mood), charts.Line("Craving", craving)],
        bands=[charts.Band(threshold - 0.5, 10, f"High craving ({threshold}+)", 4)],
        markers=markers,
        y_ticks=[0, 2, 4, 6, 8, 10],
        max_gap_days=CHECK_IN_GAP_DAYS,
    )


def screen_tone(screen: DrugScreen) -> tuple[int, str]:
    """A screen's symbol tone and summary: 4 unexpected positive, 3 invalid, 2 expected positive only,
    0 all negative."""
    panels = list(screen.panels.all())
    unexpected = [SUBSTANCES[p.substance] for p in panels if p.unexpected_positive]
    expected = [SUBSTANCES[p.substance] for p in panels if p.result == ScreenResult.POSITIVE and p.expected]
    invalid = [SUBSTANCES[p.substance] for p in panels if p.result == ScreenResult.INVALID]
    if unexpected:
        return 4, "Unexpected positive: " + ", ".join(unexpected)
    if invalid:
        return 3, "Invalid: " + ", ".join(invalid)
    if expected:
        return 2, "Expected positive only: " + ", ".join(expected)
    return 0, f"Negative ({len(panels)} substances)"


def _screen_chart(rows: list[DrugScreen], axis: charts.Axis, markers: list[charts.Marker]) -> str:
    events = []
    for screen in rows:
        tone, summary = screen_tone(screen)
        observed = "observed" if screen.observed else "unobserved"
        events.append(charts.Event(screen.collected_on, f"{summary}; {observed}", tone))
    positives = sum(1 for e in events if e.tone == 4)
    description = (
        f"Drug screens, {len(events)} in this period, {positives} with an unexpected positive. "
        "Cross: unexpected positive; diamond: invalid or expected positive only; dot: negative."
        if events
        else "No drug screens in this period."
    )
    return charts.event_strip(
        chart_id="chart-screens",
        title="Drug screens",
        description=description,
        axis=axis,
        events=events,
        markers=markers,
    )


def trends_for(participant: Participant, now: dt.datetime, period: str = "all") -> Trends:
    """The trend page of ``participant`` at ``now`` for ``period`` (``90``, ``365`` or ``all`` days)."""
    period = period if period in PERIODS else "all"
    current = current_episode(participant)
    today = today_in(current, now)
    results = list(MeasureResult.objects.filter(participant=participant).select_related("entered_by"))
    changes = list(
        LevelOfCareChange.objects.filter(episode__participant=participant)
        .select_related("level_of_care", "episode__program")
        .order_by("starts_on", "pk")
    )
    days = PERIODS[period]
    if days is not None:
        start = today - dt.timedelta(days=days)
    else:
        firsts = [r.administered_on for r in results[:1]] + [c.starts_on for c in changes[:1]]
        start = min(firsts, default=today - dt.timedelta(days=30))
    check_ins = list(CheckIn.objects.filter(participant=participant, local_date__gte=start))
    screens = list(
        DrugScreen.objects.filter(participant=participant, collected_on__gte=start)
        .select_related("entered_by")
        .prefetch_related(Prefetch("panels", queryset=DrugScreenPanel.objects.order_by("substance")))
    )
    if days is None:
        start = min([start, *(c.local_date for c in check_ins[:1]), *(s.collected_on for s in screens[:1])])
    axis = charts.Axis(min(start, today - dt.timedelta(days=1)), today)
    markers = _markers(changes)

    by_instrument: dict[str, list[MeasureResult]] = defaultdict(list)
    for row in results:
        by_instrument[row.instrument].append(row)
    measures = [
        _measure_trend(INSTRUMENTS[code], by_instrument[code], current, axis.start, axis, markers)
        for code in INSTRUMENTS
        if by_instrument.get(code)
    ]
    due: list[DueMeasure] = []
    if current is not None:
        rules = rules_by_program([current.program_id])[current.program_id]
        due = due_for_episode(current, [(r.instrument, r.administered_on) for r in results], today, rules)
    alerts = list(
        Alert.objects.filter(participant=participant)
        .select_related("acknowledged_by", "closed_by")
        .order_by("-raised_at", "-pk")
    )
    return Trends(
        participant=participant,
        current=current,
        today=today,
        period=period,
        axis=axis,
        measures=measures,
        check_ins=check_ins,
        check_in_chart=_check_in_chart(check_ins, axis, markers),
        check_in_table=_check_in_table(check_ins) if len(check_ins) > RECENT_CHECK_INS else "",
        screens=list(reversed(screens)),
        screen_chart=_screen_chart(screens, axis, markers),
        screen_table=_screen_table(screens),
        level_changes=changes,
        alerts=alerts,
        requests=open_requests(participant, now),
        due=due,
    )
