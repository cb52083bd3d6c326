"""The checker catches every broken hard rule and scores plans as documented."""

from __future__ import annotations

from cadence.scheduling.solver.checker import check, count_changes
from cadence.scheduling.solver.types import (
    Booking,
    Facilitation,
    GroupAssignment,
    OneToOneNeed,
    Problem,
    Room,
    Solution,
    TimeSlot,
    Weights,
)

from .helpers import clinician, group, individual, person, week


def codes(problem: Problem, plan: Solution) -> list[str]:
    return [v.code for v in check(problem, plan).violations]


def test_empty_plan_is_valid_and_costs_every_shortfall() -> None:
    problem = week([person("p1", minutes=540, min_days=3)])
    report = check(problem, Solution())
    w = Weights()
    assert report.ok
    assert report.objective == 540 * w.shortfall_minute + 3 * w.shortfall_day
    assert report.shortfalls[0].minutes_short == 540


def test_valid_plan_has_no_violations_and_no_shortfall() -> None:
    problem = week([person("p1")])
    plan = Solution(
        tuple(GroupAssignment("p1", f"A-{d}") for d in (0, 1, 2)),
        tuple(Facilitation(f"A-{d}", "C1") for d in (0, 1, 2)),
    )
    report = check(problem, plan)
    assert report.ok, report.violations
    assert report.minutes["p1"] == 540
    assert report.days["p1"] == 3
    assert report.shortfalls == []


def test_group_over_max_size_is_reported() -> None:
    people = [person(f"p{i}") for i in range(3)]
    problem = week(people, sessions=[group("A-0", 0, max_size=2)])
    plan = Solution(tuple(GroupAssignment(p.id, "A-0") for p in people), (Facilitation("A-0", "C1"),))
    assert "over_capacity" in codes(problem, plan)


def test_group_larger_than_its_room_is_reported() -> None:
    people = [person(f"p{i}") for i in range(3)]
    problem = week(people, sessions=[group("A-0", 0, room="S")], rooms=[Room("S", 3)])
    plan = Solution(tuple(GroupAssignment(p.id, "A-0") for p in people), (Facilitation("A-0", "C1"),))
    assert "room_too_small" in codes(problem, plan)


def test_group_below_minimum_size_is_reported() -> None:
    problem = week([person("p1")], sessions=[group("A-0", 0, min_size=3)])
    plan = Solution((GroupAssignment("p1", "A-0"),), (Facilitation("A-0", "C1"),))
    assert "under_min_size" in codes(problem, plan)


def test_facilitator_without_required_credential_is_reported() -> None:
    problem = week([person("p1")], sessions=[group("A-0", 0, creds=frozenset({"LADC"}))])
    plan = Solution((GroupAssignment("p1", "A-0"),), (Facilitation("A-0", "C1"),))
    assert "credential" in codes(problem, plan)


def test_running_group_without_facilitator_is_reported() -> None:
    problem = week([person("p1")])
    plan = Solution((GroupAssignment("p1", "A-0"),))
    assert "facilitator_count" in codes(problem, plan)


def test_clinician_without_credential_for_need_is_reported() -> None:
    problem = week([person("p1")], needs=[individual("p1", ["LADC"])])
    plan = Solution(bookings=(Booking("p1", "p1-IND", "C1", 0, 16 * 60, 17 * 60, "O1"),))
    assert "credential" in codes(problem, plan)


def test_participant_outside_availability_is_reported() -> None:
    problem = week([person("p1", days=[1, 2, 3])])
    plan = Solution((GroupAssignment("p1", "A-0"),), (Facilitation("A-0", "C1"),))
    assert "participant_unavailable" in codes(problem, plan)


def test_staff_on_time_off_is_reported() -> None:
    staff = [clinician("C1", off=(TimeSlot(0, 15 * 60, 21 * 60 + 30),))]
    problem = week([person("p1")], staff=staff)
    plan = Solution((GroupAssignment("p1", "A-0"),), (Facilitation("A-0", "C1"),))
    assert "staff_unavailable" in codes(problem, plan)


def test_participant_double_booked_between_group_and_individual_is_reported() -> None:
    problem = week([person("p1")], needs=[individual("p1")])
    plan = Solution(
        (GroupAssignment("p1", "A-0"),),
        (Facilitation("A-0", "C1"),),
        (Booking("p1", "p1-IND", "C2", 0, 19 * 60, 20 * 60, "O1"),),
    )
    assert "double_booked" in codes(problem, plan)


def test_staff_double_booked_is_reported() -> None:
    problem = week([person("p1"), person("p2")], needs=[individual("p1"), individual("p2")])
    plan = Solution(
        bookings=(
            Booking("p1", "p1-IND", "C1", 0, 16 * 60, 17 * 60, "O1"),
            Booking("p2", "p2-IND", "C1", 0, 16 * 60 + 30, 17 * 60 + 30, "F1"),
        )
    )
    violations = check(problem, plan).violations
    assert any(v.code == "double_booked" and "staff member C1" in v.message for v in violations)


def test_room_double_booked_is_reported() -> None:
    problem = week([person("p1"), person("p2")], needs=[individual("p1"), individual("p2")])
    plan = Solution(
        bookings=(
            Booking("p1", "p1-IND", "C1", 0, 16 * 60, 17 * 60, "O1"),
            Booking("p2", "p2-IND", "C2", 0, 16 * 60, 17 * 60, "O1"),
        )
    )
    violations = check(problem, plan).violations
    assert any(v.code == "double_booked" and "room O1" in v.message for v in violations)


def test_back_to_back_sessions_are_not_overlaps() -> None:
    problem = week([person("p1")], needs=[individual("p1")])
    plan = Solution(
        (GroupAssignment("p1", "A-0"),),
        (Facilitation("A-0", "C1"),),
        (Booking("p1", "p1-IND", "C2", 0, 17 * 60, 18 * 60, "O1"),),
    )
    assert check(problem, plan).ok


def test_staff_over_weekly_hours_is_reported() -> None:
    problem = week([person("p1")], staff=[clinician("C1", max_minutes=300)])
    plan = Solution(
        (GroupAssignment("p1", "A-0"), GroupAssignment("p1", "A-1")),
        (Facilitation("A-0", "C1"), Facilitation("A-1", "C1")),
    )
    assert "staff_over_hours" in codes(problem, plan)


def test_family_session_in_an_office_too_small_is_reported() -> None:
    family = OneToOneNeed("p1-FAM", "p1", "family", 60, 60, frozenset({"LCSW"}), attendees=4)
    problem = week([person("p1")], needs=[family])
    plan = Solution(bookings=(Booking("p1", "p1-FAM", "C1", 0, 16 * 60, 17 * 60, "O1"),))
    assert "room_too_small" in codes(problem, plan)


def test_unknown_ids_are_violations_not_crashes() -> None:
    problem = week([person("p1")])
    plan = Solution((GroupAssignment("ghost", "A-0"),), (Facilitation("nope", "C1"),))
    assert codes(problem, plan).count("unknown_id") == 2


def test_soft_terms_are_scored() -> None:
    w = Weights()
    p1 = person("p1", avoid_days=frozenset({0}), last_week_sessions=frozenset({"A-4"}), primary_clinician="C2")
    problem = week([p1], needs=[individual("p1")])
    plan = Solution(
        tuple(GroupAssignment("p1", f"A-{d}") for d in (0, 1, 2)),
        tuple(Facilitation(f"A-{d}", "C2") for d in (0, 1, 2)),
        (Booking("p1", "p1-IND", "C1", 3, 16 * 60, 17 * 60, "O1"),),
    )
    report = check(problem, plan)
    assert report.ok
    assert report.breakdown["avoid_day"] == w.avoid_day
    assert report.breakdown["missed_last_week_session"] == w.missed_last_week_session
    assert report.breakdown["not_primary_clinician"] == w.not_primary_clinician
    assert report.breakdown["excess_minutes"] == 60 * w.excess_minute


def test_changes_are_counted_once_each() -> None:
    problem = week([person("p1")])
    before = Solution((GroupAssignment("p1", "A-0"),), (Facilitation("A-0", "C1"),))
    after = Solution((GroupAssignment("p1", "A-1"),), (Facilitation("A-1", "C1"),))
    assert count_changes(problem, before, after) == 4
    assert count_changes(problem, before, before) == 0
