"""The synthetic week generator is reproducible and looks like an IOP week."""

from __future__ import annotations

from collections import Counter

from cadence.scheduling.solver import generate
from cadence.scheduling.solver.generator import call_out


def test_same_seed_gives_the_same_week_and_another_seed_does_not() -> None:
    assert generate(80, seed=9) == generate(80, seed=9)
    assert generate(80, seed=9) != generate(80, seed=10)


def test_week_has_morning_and_evening_tracks_with_three_hour_groups_of_twelve() -> None:
    problem = generate(150, seed=1)
    assert len(problem.participants) == 150
    assert {p.track for p in problem.participants} == {"morning", "evening"}
    assert {(g.start, g.end) for g in problem.group_sessions} == {(540, 720), (1080, 1260)}
    assert {g.max_size for g in problem.group_sessions} == {12}
    assert {g.day for g in problem.group_sessions} == {0, 1, 2, 3, 4}
    kinds = Counter(n.service_type for n in problem.needs)
    assert kinds["individual"] == 150 and kinds["family"] > 0 and kinds["medication management"] > 0
    credentials = set().union(*(s.credentials for s in problem.staff))
    assert {"LCSW", "LPC", "LADC", "MD", "RN", "peer specialist"} <= credentials


def test_call_out_takes_the_clinician_off_for_the_given_days_only() -> None:
    problem = generate(40, seed=1)
    sick = problem.staff[0]
    changed = {s.id: s for s in call_out(problem, sick.id, days=(2,)).staff}[sick.id]
    assert not changed.is_free(2, 0, 1440) and changed.free_windows(2) == []
    assert changed.free_windows(1) == sick.free_windows(1)
