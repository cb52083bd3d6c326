"""Server-rendered SVG charts: accessible, escaped, no inline style or script, bands and markers placed."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from cadence.measures import charts
from cadence.measures.display import measure_keys, plain_result
from cadence.measures.instruments import ChangeCategory, get_instrument

AXIS = charts.Axis(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it is well-formed


def phq_chart(**overrides: object) -> str:
    kwargs: dict[str, object] = {
        "chart_id": "c1",
        "title": "PHQ-9 <total>",
        "description": 'Scores & "bands"',
        "axis": AXIS,
        "y_low": 0,
        "y_high": 27,
        "lines": [charts.Line("PHQ-9", [charts.Point(dt.date(2026, 2, 1), 18), charts.Point(dt.date(2026, 3, 1), 9)])],
        "bands": [charts.Band(-0.5, 4.5, "None–minimal", 0), charts.Band(19.5, 27, "Severe", 4)],
        "markers": [charts.Marker(dt.date(2026, 2, 15), "Level 2.5 <PHP>")],
    }
    kwargs.update(overrides)
    return charts.line_chart(**kwargs)  # type: ignore[arg-type]


def test_chart_is_valid_svg_with_title_and_description_first() -> None:
    root = parse(phq_chart())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    title, desc = list(root)[:2]
    assert (title.tag, title.text) == (f"{SVG}title", "PHQ-9 <total>")
    assert (desc.tag, desc.text) == (f"{SVG}desc", 'Scores & "bands"')


def test_text_is_escaped_and_there_is_no_inline_style_or_script() -> None:
    svg = phq_chart()
    assert "<total>" not in svg and "&lt;total&gt;" in svg
    assert "&lt;PHP&gt;" in svg
    assert "style=" not in svg and "<script" not in svg and "<style" not in svg


def test_points_bands_and_markers_are_placed_on_the_axes() -> None:
    root = parse(phq_chart())
    line = root.find(f".//{SVG}polyline")
    assert line is not None
    first, second = line.get("points", "").split()
    x1, y1 = map(float, first.split(","))
    x2, y2 = map(float, second.split(","))
    assert x1 < x2 and y1 < y2  # later is right; 18 is higher on the page than 9
    rects = root.findall(f".//{SVG}rect")
    assert [r.get("class") for r in rects] == ["band tone-0", "band tone-4"]
    assert root.find(f".//{SVG}g[@class='marker']") is not None
    dots = root.findall(f".//{SVG}circle")
    assert [d.find(f"{SVG}title").text for d in dots] == ["PHQ-9: 18 on 1 Feb 2026", "PHQ-9: 9 on 1 Mar 2026"]  # type: ignore[union-attr]


def test_points_outside_the_axis_and_long_gaps_break_the_line() -> None:
    points = [
        charts.Point(dt.date(2025, 12, 1), 3),  # before the axis: left out
        charts.Point(dt.date(2026, 1, 5), 3),
        charts.Point(dt.date(2026, 1, 12), 4),
        charts.Point(dt.date(2026, 6, 1), 5),  # after a long gap: a new run
        charts.Point(dt.date(2026, 6, 8), 6),
    ]
    svg = phq_chart(lines=[charts.Line("x", points)], max_gap_days=30)
    assert svg.count("<polyline") == 2
    assert svg.count("<circle") == 4


def test_many_points_draw_one_line_and_only_the_latest_dot() -> None:
    start = dt.date(2026, 1, 1)
    points = [charts.Point(start + dt.timedelta(days=i), i % 10) for i in range(300)]
    svg = phq_chart(lines=[charts.Line("Mood", points)])
    assert svg.count("<circle") == 1
    assert "Latest Mood" in svg


def test_y_range_must_grow() -> None:
    with pytest.raises(ValueError):
        phq_chart(y_low=5, y_high=5)
    with pytest.raises(ValueError):
        charts.Axis(dt.date(2026, 2, 1), dt.date(2026, 1, 1))


@pytest.mark.parametrize(
    ("start", "end", "first"),
    [
        (dt.date(2026, 11, 1), dt.date(2026, 11, 23), (dt.date(2026, 11, 2), "2 Nov")),
        (dt.date(2026, 3, 15), dt.date(2026, 11, 23), (dt.date(2026, 4, 1), "Apr 2026")),
        (dt.date(2024, 11, 20), dt.date(2026, 11, 23), (dt.date(2025, 1, 1), "Jan 2025")),
    ],
)
def test_x_ticks_are_weekly_monthly_or_quarterly(start: dt.date, end: dt.date, first: tuple[dt.date, str]) -> None:
    ticks = charts.x_ticks(charts.Axis(start, end))
    assert ticks[0] == first
    assert all(start <= day <= end for day, _ in ticks)


def test_event_strip_draws_one_symbol_per_event_by_tone() -> None:
    events = [
        charts.Event(dt.date(2026, 2, 1), "Negative", 0),
        charts.Event(dt.date(2026, 3, 1), "Expected positive only", 2),
        charts.Event(dt.date(2026, 4, 1), "Unexpected positive: Cocaine", 4),
    ]
    svg = charts.event_strip(chart_id="s", title="Screens", description="d", axis=AXIS, events=events)
    root = parse(svg)
    classes = [e.get("class") for e in root.iter() if (e.get("class") or "").startswith("event ")]
    assert classes == ["event tone-0", "event tone-2", "event tone-4"]
    assert "Unexpected positive: Cocaine (1 Apr 2026)" in svg


def test_measure_keys_shade_bands_and_follow_subscales() -> None:
    phq = measure_keys(get_instrument("phq9"))
    assert [k.key for k in phq] == ["phq9"]
    assert [(s.low, s.high, s.tone) for s in phq[0].shades] == [
        (0, 4, 0),
        (5, 9, 1),
        (10, 14, 2),
        (15, 19, 3),
        (20, 27, 4),
    ]
    bam = measure_keys(get_instrument("bam"))
    assert [k.key for k in bam] == ["bam.use", "bam.risk", "bam.protective"]
    protective = bam[2]
    assert protective.higher_is_better
    assert protective.value(None, {"protective": 11}, "") == 11
    cssrs = measure_keys(get_instrument("cssrs"))[0]
    assert cssrs.value(None, {}, "moderate") == 2 and not cssrs.classify
    auditc_women = measure_keys(get_instrument("auditc"), sex="female")[0]
    assert [(s.low, s.high) for s in auditc_women.shades] == [(0, 2), (3, 12)]


def test_plain_words_for_participants() -> None:
    phq = get_instrument("phq9")
    assert plain_result(phq, 12, "moderate") == "Your score was 12 out of 27: moderate."
    assert plain_result(phq, 12, "moderate", "es") == "Su puntaje fue 12 de 27: moderada."
    assert "care team" in plain_result(get_instrument("cssrs"), None, "high")
    assert re.search(r"higher score", plain_result(get_instrument("pacs"), 9, ""))
    from cadence.measures.display import plain_change

    assert "improvement" in plain_change(ChangeCategory.RELIABLE_IMPROVEMENT)
