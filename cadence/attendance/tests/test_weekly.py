"""The weekly ledger cache: every mark rewrites its week in the same transaction, the board built from the
cache equals a fresh computation from the marks, the bulk rebuild writes the same rows, and the board
and the API show the hours by service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadence.accounts.models import User
from cadence.attendance import actions
from cadence.attendance.ledger import CachedAttendance, EpisodeSpan, LevelPeriod
from cadence.attendance.ledger_data import EpisodeFacts, program_board, spans_for
from cadence.attendance.models import WeeklyLedger
from cadence.attendance.rules import AttendanceError, Mark, mark_from_choice
from cadence.attendance.weekly import cached_of, fresh_week, rebuild_program, refresh_weekly_ledger, row_values
from cadence.participants.models import Episode, LevelOfCareChange
from cadence.programs.models import LevelOfCare
from cadence.scheduling.models import Session
from cadence.testing.personas import NOW

from .conftest import LAST_MONDAY, MONDAY, Att

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]
WEEKS = (LAST_MONDAY, MONDAY)


def assert_cache_is_fresh(episodes: list[Episode], at: dt.datetime) -> None:
    """Every cached week equals the ledger computed from the marks and bookings themselves, and a week
    without marks has no row; the board (cache + live bookings) equals the fresh ledgers too."""
    board = {row.episode_id: row for row in program_board(episodes[0].program, at=at).rows}
    for episode in episodes:
        for week_start in WEEKS:
            found = fresh_week(episode, week_start=week_start, at=at)
            assert found is not None
            totals, ledger = found
            row = WeeklyLedger.objects.filter(episode=episode, week_start=week_start).first()
            marked = episode.attendance.filter(occurs_on__gte=week_start, occurs_on__lt=week_start + dt.timedelta(7))
            if not marked.exists():
                assert row is None
            else:
                assert row is not None
                assert cached_of(row) == CachedAttendance.from_totals(totals, week_start)
                expected = row_values(CachedAttendance.from_totals(totals, week_start))
                actual = {name: getattr(row, name) for name in expected}
                assert actual == expected
            on_board = board[episode.pk].this_week if week_start == MONDAY else board[episode.pk].last_week
            assert on_board == ledger


@pytest.fixture
def roster(att: Att) -> tuple[list[Session], list[Episode]]:
    """Two participants booked on five sessions over last week and this week, of services that count
    (group, individual, psychoeducation) and one that does not (drug screen); plus one unbooked session."""
    episodes = [att.episode(), att.episode()]
    sessions = [
        att.session(day=LAST_MONDAY, hour=9, minutes=180, service="process-group"),
        att.session(day=LAST_MONDAY + dt.timedelta(days=2), hour=13, minutes=60, service="individual"),
        att.session(day=LAST_MONDAY + dt.timedelta(days=4), hour=9, minutes=30, service="drug-screen"),
        att.session(day=MONDAY, hour=8, minutes=90, service="psychoeducation"),
        att.session(day=MONDAY, hour=9, minutes=60, service="family-therapy"),
        att.session(day=MONDAY + dt.timedelta(days=2), hour=9, minutes=180),  # later this week: booked only
    ]
    for session in sessions[:4] + sessions[5:]:
        for episode in episodes:
            att.book(session, episode)
    return sessions, episodes


CHOICES = ("present", "late", "left_early", "excused", "unexcused", "program_cancelled")
operation = st.tuples(
    st.integers(0, 4),  # session (the 5th one is not booked: marks need an add reason)
    st.integers(0, 1),  # participant
    st.sampled_from(CHOICES),
    st.integers(0, 200),  # minutes late
    st.integers(0, 200),  # minutes left early
    st.one_of(st.none(), st.integers(0, 200)),  # minutes typed in
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, min_size=1, max_size=8))
def test_the_cache_equals_a_fresh_computation_after_every_change(
    att: Att, roster: tuple[list[Session], list[Episode]], operations: list[Any]
) -> None:
    sessions, episodes = roster
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        for session_index, who, choice, late, early, minutes in operations:
            try:
                mark = mark_from_choice(
                    choice, late_minutes=late, left_early_minutes=early, minutes=minutes, reason="adjusted"
                )
                actions.mark_attendance(
                    session=sessions[session_index],
                    participant=episodes[who].participant,
                    mark=mark,
                    by=att.world.clinician_a,
                    at=NOW,
                    add_reason="walk-in",
                    reason="correction",
                    evaluate=False,
                )
            except AttendanceError:
                pass  # refused: nothing changed, and the cache must still agree
            assert_cache_is_fresh(episodes, NOW)
        transaction.set_rollback(True)


def _mark(att: Att, session: Session, episode: Episode, choice: str = "present", **kwargs: Any) -> None:
    actions.mark_attendance(
        session=session,
        participant=episode.participant,
        mark=mark_from_choice(choice, **kwargs),
        by=att.world.clinician_a,
        at=NOW,
    )


def test_the_bulk_rebuild_writes_the_rows_the_marks_wrote(
    att: Att, roster: tuple[list[Session], list[Episode]]
) -> None:
    sessions, episodes = roster
    _mark(att, sessions[0], episodes[0], "late", late_minutes=20)
    _mark(att, sessions[1], episodes[0])
    _mark(att, sessions[2], episodes[1])
    _mark(att, sessions[3], episodes[1], "unexcused")

    def rows() -> dict[tuple[int, dt.date], dict[str, Any]]:
        return {
            (r["episode_id"], r["week_start"]): {k: v for k, v in r.items() if k != "id"}
            for r in WeeklyLedger.objects.values()
        }

    by_marks = rows()
    assert len(by_marks) == 3  # episode 1: last week; episode 2: last week and this week
    assert rebuild_program(att.world.iop_a, first_week=LAST_MONDAY, last_week=MONDAY) == 3
    assert rows() == by_marks
    WeeklyLedger.objects.all().delete()  # a lost cache is rebuilt by the command
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("rebuild_weekly_ledgers", "--all", stdout=out)
    assert rows() == by_marks
    assert "3 weekly ledger row(s) written" in out.getvalue()


def test_a_mark_rewrites_its_week_from_the_marks_alone(
    att: Att, roster: tuple[list[Session], list[Episode]], django_assert_num_queries: Any
) -> None:
    """Query guard: the cache keeps only what the marks decide, so a mark reads no level history and no
    bookings. The whole mark of a new week was 31 queries when the row held a full ledger."""
    sessions, episodes = roster
    episode, by = episodes[0], att.world.clinician_a
    _mark(att, sessions[0], episode)  # last week (and the audit log's first entry, which adds its head)
    # The first mark of a week: the mark, its audit entry, then lock, week start, marks, update, insert.
    with django_assert_num_queries(23):
        actions.mark_attendance(
            session=sessions[3], participant=episode.participant, mark=Mark("present"), by=by, at=NOW, evaluate=False
        )
    row = WeeklyLedger.objects.get(episode=episode, week_start=MONDAY)
    assert (row.minutes, row.minutes_by_service, row.day_minutes) == (
        90,
        {"psychoeducation": 90},
        [90, 0, 0, 0, 0, 0, 0],
    )
    # Then the refresh alone (savepoint, lock, week start, marks, update, release): the row exists.
    with django_assert_num_queries(6):
        stored = refresh_weekly_ledger(episode=episode, day=MONDAY + dt.timedelta(days=6))
    assert stored == cached_of(WeeklyLedger.objects.get(pk=row.pk))
    # A week without marks has no row, and refreshing it writes none (a delete of nothing).
    assert refresh_weekly_ledger(episode=episode, day=LAST_MONDAY - dt.timedelta(days=7)) is None
    assert WeeklyLedger.objects.filter(episode=episode).count() == 2  # last week and this week


def test_spans_for_reads_each_admitted_episodes_days_and_level_history(
    att: Att, django_assert_num_queries: Any
) -> None:
    admitted = dt.date(2026, 10, 5)  # the factory's admission date, at the program's level (2.1)
    stepped = att.episode()
    LevelOfCareChange.objects.create(
        episode=stepped,
        level_of_care=LevelOfCare.objects.get(code="2.5"),
        starts_on=MONDAY,
        reason="step up",
        changed_by=att.world.director,
        created_at=NOW,
    )
    ended = att.episode(status="discharged", discharged_on=LAST_MONDAY, discharge_reason=1)
    waiting = att.episode(status="referred", admitted_on=None)
    episodes = Episode.objects.filter(pk__in=[stepped.pk, ended.pk, waiting.pk])
    with django_assert_num_queries(3):  # the episodes, the levels, the level changes
        spans = spans_for(episodes, population="adult")
    iop = LevelPeriod(admitted, "2.1", 540, 3)  # 9 hours on 3 days for adults (DOMAIN.md)
    assert spans == {
        stepped.pk: EpisodeSpan(admitted, None, (iop, LevelPeriod(MONDAY, "2.5", 1200, 5))),
        ended.pk: EpisodeSpan(admitted, LAST_MONDAY, (iop,)),
    }  # never admitted: no span
    # Given the facts (the caller read the episodes), only the levels and their history are read; the
    # population picks the minimums (6 hours a week for adolescents at 2.1).
    with django_assert_num_queries(2):
        teen = spans_for(
            Episode.objects.filter(pk=ended.pk),
            population="adolescent",
            facts=[EpisodeFacts(ended.pk, admitted, LAST_MONDAY, ended.level_of_care_id)],
        )
    assert teen == {ended.pk: EpisodeSpan(admitted, LAST_MONDAY, (LevelPeriod(admitted, "2.1", 360, 3),))}


def test_a_level_change_shows_on_the_board_at_once(att: Att, roster: tuple[list[Session], list[Episode]]) -> None:
    sessions, episodes = roster
    _mark(att, sessions[3], episodes[0])
    before = {r.episode_id: r.this_week for r in program_board(att.world.iop_a, at=NOW).rows}[episodes[0].pk]
    assert before.required_minutes == 540
    php = LevelOfCare.objects.get(code="2.5")
    assert LevelOfCareChange.objects.filter(episode=episodes[0]).exists()  # the admission level
    LevelOfCareChange.objects.create(
        episode=episodes[0],
        level_of_care=php,
        starts_on=MONDAY,
        reason="step up",
        changed_by=att.world.director,
        created_at=NOW,
    )
    after = {r.episode_id: r.this_week for r in program_board(att.world.iop_a, at=NOW).rows}[episodes[0].pk]
    assert after.required_minutes == 1200  # read live, though the cached row still says 540
    # The cache holds the marks only (no requirement to go stale): the level change left the row as it was.
    assert cached_of(WeeklyLedger.objects.get(episode=episodes[0], week_start=MONDAY)).minutes == 90


def test_board_and_api_show_hours_by_service(
    att: Att, roster: tuple[list[Session], list[Episode]], client_for: ClientFor
) -> None:
    sessions, episodes = roster
    _mark(att, sessions[3], episodes[0])  # psychoeducation 90 min
    actions.mark_attendance(
        session=sessions[4],
        participant=episodes[0].participant,
        mark=mark_from_choice("present"),
        add_reason="family session",
        by=att.world.clinician_a,
        at=NOW,
    )  # family therapy 60 min, not booked
    client = client_for(att.world.director)
    with time_machine.travel(NOW, tick=False):
        page = client.get(f"/attendance/board/?program={att.world.iop_a.pk}")
        api = client.get(f"/api/v1/attendance/board?program_id={att.world.iop_a.pk}")
    assert page.status_code == 200
    body = page.content.decode()
    assert '<abbr title="Family">F</abbr> 1h' in body
    assert '<abbr title="Psychoeducation">P</abbr> 1.5h' in body
    row = next(r for r in api.json()["rows"] if r["episode_id"] == episodes[0].pk)
    assert row["this_week"]["minutes_by_service"] == {"family-therapy": 60, "psychoeducation": 90}
    assert row["this_week"]["minutes_by_category"] == {"family": 60, "psychoeducation": 90}


def test_the_roster_shows_each_participants_hours_this_week(
    att: Att, roster: tuple[list[Session], list[Episode]], client_for: ClientFor
) -> None:
    sessions, episodes = roster
    _mark(att, sessions[3], episodes[0])
    client = client_for(att.world.clinician_a)
    page = client.get(f"/attendance/sessions/{sessions[3].pk}/").content.decode()
    assert "This week 1.5 of 9.0 h · 1 of 3 days" in page  # the first participant, marked present
    assert "This week 0.0 of 9.0 h · 0 of 3 days" in page  # the second, not marked yet
    response = client.post(
        f"/attendance/sessions/{sessions[3].pk}/participants/{episodes[1].participant_id}/mark/",
        {"status": "late", "late_minutes": "30"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "This week 1.0 of 9.0 h · 1 of 3 days" in response.content.decode()  # the row comes back updated
