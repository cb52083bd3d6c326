"""The board's cheap week summary (``weekly.BoardWeek.summary``: what every row is sorted and counted by)
agrees with the full ledger built for the rows shown, for any cached attendance, bookings and level history."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from cadence.attendance.ledger import DAY, EpisodeSpan, LevelPeriod
from cadence.attendance.weekly import BoardWeek

WEEK_START = dt.date(2026, 11, 23)
BITS = {WEEK_START + offset * DAY: 1 << offset for offset in range(7)}
LEVELS = st.sampled_from([("2.1", 540, 3), ("2.5", 1200, 5), ("none", 0, 0)])
DAYS = st.integers(min_value=-10, max_value=10).map(lambda n: WEEK_START + n * DAY)


@st.composite
def spans(draw: st.DrawFn) -> EpisodeSpan:
    admitted = draw(DAYS)
    discharged = draw(st.none() | st.integers(min_value=0, max_value=20).map(lambda n: admitted + n * DAY))
    starts = sorted(
        {
            admitted,
            *draw(
                st.lists(st.integers(min_value=1, max_value=12), max_size=2).map(
                    lambda ns: [admitted + n * DAY for n in ns]
                )
            ),
        }
    )
    periods = tuple(LevelPeriod(day, *draw(LEVELS)) for day in starts)
    return EpisodeSpan(admitted, discharged, periods)


cached_rows = st.none() | st.tuples(
    st.sampled_from([0, 90, 180, 360, 540, 720, 1200]),  # minutes
    st.integers(min_value=0, max_value=127),  # counted days mask
    st.just('{"process-group": 180}'),
    st.integers(min_value=0, max_value=60),
    st.integers(min_value=0, max_value=360),
    st.integers(min_value=0, max_value=127),
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=0, max_value=3),
)
bookings = st.lists(
    st.tuples(st.sampled_from(sorted(BITS)), st.booleans(), st.sampled_from([60, 90, 180]), st.booleans()), max_size=6
)


@settings(max_examples=300, deadline=None)
@given(span=spans(), cached=cached_rows, booked=bookings, today=st.integers(-2, 8).map(lambda n: WEEK_START + n * DAY))
def test_summary_matches_the_full_ledger(
    span: EpisodeSpan,
    cached: tuple[int, int, str, int, int, int, int, int] | None,
    booked: list[tuple[dt.date, bool, int, bool]],
    today: dt.date,
) -> None:
    week = BoardWeek(WEEK_START, BITS, cached)
    for day, counts, minutes, ended in booked:
        week.add_booked(day, counts, minutes, int(ended))
    ledger = week.ledger(span, today)
    assert week.summary(span, today) == (
        ledger.status,
        ledger.projected_shortfall_minutes,
        ledger.shortfall_minutes,
    )
    assert ledger.days == bin(cached[1] if cached else 0).count("1")
    assert ledger.booked_sessions == sum(1 for _d, counts, _m, _e in booked if counts)
