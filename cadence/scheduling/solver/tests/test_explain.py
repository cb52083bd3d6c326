"""A participant whose minimum cannot be met gets the right reason in plain words."""

from __future__ import annotations

from cadence.scheduling.solver import check, solve
from cadence.scheduling.solver.explain import explain_shortfalls
from cadence.scheduling.solver.types import Shortfall, Solution, TimeSlot, TimeWindow

from .helpers import clinician, group, individual, person, week


def reasons_for(result_shortfalls: tuple[Shortfall, ...], pid: str) -> str:
    found = [s for s in result_shortfalls if s.participant == pid]
    assert found, f"{pid} should be short"
    return " | ".join(found[0].reasons)


def test_participant_available_on_too_few_days_is_told_so() -> None:
    problem = week([person("p1", days=[0, 1]), person("p2")])
    result = solve(problem, time_limit=3)
    text = reasons_for(result.shortfalls, "p1")
    assert "not available on enough days in the evening track" in text
    assert "Monday, Tuesday" in text
    assert all(s.participant == "p1" for s in result.shortfalls)


def test_participant_whose_hours_miss_every_group_is_told_so() -> None:
    problem = week([person("p1", window=TimeWindow(19 * 60, 21 * 60 + 30))])
    result = solve(problem, time_limit=3)
    assert "not available for any group session of the evening track" in reasons_for(result.shortfalls, "p1")


def test_need_for_a_credential_no_clinician_holds_on_their_days() -> None:
    staff = [clinician("C1", ["LCSW"]), clinician("LADC1", ["LADC"], days=[2])]
    problem = week([person("p1", days=[0, 1, 3, 4])], staff=staff, needs=[individual("p1", ["LADC"])])
    result = solve(problem, time_limit=3)
    short = [s for s in result.shortfalls if s.participant == "p1"]
    assert short and short[0].unmet_needs == ("p1-IND",)
    text = reasons_for(result.shortfalls, "p1")
    assert "no clinician with LADC works when they are available" in text


def test_credentialed_clinician_off_on_their_only_day() -> None:
    off = (TimeSlot(2, 15 * 60, 21 * 60 + 30),)
    staff = [clinician("C1", ["LCSW"]), clinician("LADC1", ["LADC"], off=off)]
    problem = week([person("p1", days=[2], min_days=1, minutes=180)], staff=staff, needs=[individual("p1", ["LADC"])])
    result = solve(problem, time_limit=3)
    text = reasons_for(result.shortfalls, "p1")
    assert "no clinician with LADC is working when they are available (Wednesday 16:00-21:30)" in text


def test_full_groups_are_named_as_the_reason() -> None:
    people = [person(f"p{i}", days=[0, 1, 2]) for i in range(3)]
    problem = week(people, sessions=[group(f"A-{d}", d, max_size=2) for d in (0, 1, 2)])
    result = solve(problem, time_limit=3)
    assert result.shortfalls
    for short in result.shortfalls:
        assert "group sessions they can attend" in " ".join(short.reasons)
        assert "are full" in " ".join(short.reasons)


def test_group_without_a_credentialed_facilitator_is_named() -> None:
    sessions = [group(f"A-{d}", d, creds=frozenset({"MD"})) for d in range(5)]
    problem = week([person("p1")], sessions=sessions)
    result = solve(problem, time_limit=3)
    assert "without a free facilitator" in reasons_for(result.shortfalls, "p1")


def test_shortfall_that_the_participant_could_fill_alone_says_so() -> None:
    problem = week([person("p1")])
    report = check(problem, Solution())
    explained = explain_shortfalls(problem, Solution(), report.shortfalls)
    assert "could be met" in explained[0].reasons[0]


def test_reasons_are_few_and_plain() -> None:
    problem = week([person("p1", days=[0, 1])])
    result = solve(problem, time_limit=3)
    reasons = result.shortfalls[0].reasons
    assert 1 <= len(reasons) <= 2
    assert all("constraint" not in r and len(r) < 300 for r in reasons)
