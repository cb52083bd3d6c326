"""Plan rules on plain data, without a database: measurable objectives, signable plans, review dates,
and the plain-words list of what changed."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadence.plans.rules import (
    diff_snapshots,
    hours_label,
    is_due_soon,
    is_measurable,
    is_overdue,
    objective_refusal,
    review_due,
    signing_refusal,
    validate_plan,
    weekly_minutes,
)

D = dt.date


def snapshot() -> dict[str, Any]:
    return {
        "review_days": 30,
        "problems": [
            {
                "id": 1,
                "number": 1,
                "text": "Alcohol use",
                "diagnosis": "F10.20 Alcohol dependence",
                "asam_dimension": "5",
                "goals": [
                    {
                        "id": 10,
                        "number": 1,
                        "text": "I want to stay sober",
                        "objectives": [
                            {
                                "id": 100,
                                "number": 1,
                                "text": "Attend 3 groups a week",
                                "target_on": "2026-12-01",
                                "status": "in_progress",
                            },
                        ],
                        "interventions": [
                            {
                                "id": 1000,
                                "method": "cbt",
                                "method_label": "CBT",
                                "description": "",
                                "frequency": "3 groups a week",
                                "responsible": "Dana Cole",
                                "objective": 1,
                            },
                        ],
                    },
                    {
                        "id": 11,
                        "number": 2,
                        "text": "I want my job back",
                        "objectives": [
                            {
                                "id": 101,
                                "number": 1,
                                "text": "attend 3 groups a week",
                                "target_on": "2026-12-01",
                                "status": "not_started",
                            },
                        ],
                        "interventions": [],
                    },
                ],
            }
        ],
        "services": [
            {
                "id": 5,
                "service_type": "process-group",
                "name": "Process group",
                "sessions_per_week": 3,
                "minutes_per_session": 180,
            }
        ],
        "weekly_minutes": 540,
    }


# --- Measurable --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Attend 3 groups a week",
        "attend three groups",
        "Call my sponsor daily",
        "walk 20 minutes",
        "Practise breathing each morning",
        "Go to a meeting every Sunday",
        "90% of sessions",
        "twice a week",
    ],
)
def test_wording_with_a_number_or_a_frequency_is_measurable(text: str) -> None:
    assert is_measurable(text)


@pytest.mark.parametrize("text", ["Feel better", "Understand my triggers", "be happier", "", "Stay strong"])
def test_wording_without_a_number_or_frequency_is_not_measurable(text: str) -> None:
    assert not is_measurable(text)


def test_a_time_word_inside_another_word_does_not_count() -> None:
    assert not is_measurable("Improve everyday mood")  # "everyday" is not "every"/"day"
    assert not is_measurable("Be honest with the weekender crowd")


@given(st.integers(min_value=0, max_value=10_000), st.text(alphabet="abcdefgh ", max_size=30))
def test_any_digit_makes_wording_measurable(number: int, words: str) -> None:
    assert is_measurable(f"{words} {number} {words}")


def test_objective_without_target_date_is_refused_with_a_reason() -> None:
    refusal = objective_refusal("Attend 3 groups a week", None)
    assert refusal is not None and refusal.field == "target_on" and "target date" in refusal.reason


def test_vague_objective_is_refused_with_how_to_fix_it() -> None:
    refusal = objective_refusal("Feel better", D(2026, 12, 1))
    assert refusal is not None and refusal.field == "text"
    assert "not measurable" in refusal.reason and "3 groups a week" in refusal.reason


def test_measurable_objective_with_a_date_is_accepted() -> None:
    assert objective_refusal("Attend 3 groups a week", D(2026, 12, 1)) is None


# --- Signable ----------------------------------------------------------------------------------


def test_complete_plan_is_signable() -> None:
    assert validate_plan(snapshot()) == []
    assert signing_refusal(snapshot()) is None


def test_goal_without_objective_blocks_signing_and_says_which_goal() -> None:
    snap = snapshot()
    snap["problems"][0]["goals"][1]["objectives"] = []
    issues = validate_plan(snap)
    assert [i.reason for i in issues] == ["Goal 2 has no measurable objective with a target date."]
    refusal = signing_refusal(snap)
    assert refusal is not None and refusal.field == "plan" and "Goal 2" in refusal.reason


def test_only_discontinued_objectives_do_not_count() -> None:
    snap = snapshot()
    snap["problems"][0]["goals"][0]["objectives"][0]["status"] = "discontinued"
    assert [i.field for i in validate_plan(snap)] == ["goal-10"]


def test_a_vague_objective_stored_in_a_plan_blocks_signing() -> None:
    snap = snapshot()
    snap["problems"][0]["goals"][0]["objectives"][0]["text"] = "Feel better"
    issues = validate_plan(snap)
    assert len(issues) == 1 and issues[0].reason.startswith("Goal 1: The objective is not measurable")


def test_empty_plan_and_problem_without_goal_are_not_signable() -> None:
    assert [i.field for i in validate_plan({"problems": []})] == ["problems"]
    snap = snapshot()
    snap["problems"][0]["goals"] = []
    assert [i.reason for i in validate_plan(snap)] == ["Problem 1 has no goal."]


def test_refusal_counts_the_other_problems() -> None:
    snap = snapshot()
    for goal in snap["problems"][0]["goals"]:
        goal["objectives"] = []
    refusal = signing_refusal(snap)
    assert refusal is not None and "(1 more problem(s)" in refusal.reason


# --- Reviews -----------------------------------------------------------------------------------


def test_review_is_due_review_days_after_the_last_signature() -> None:
    due = review_due(last_signed_on=D(2026, 11, 1), review_days=30)
    assert due is not None and due.due_on == D(2026, 12, 1) and due.reason == "scheduled"


def test_never_signed_plan_has_no_review_date() -> None:
    assert review_due(last_signed_on=None, review_days=30) is None


def test_level_change_after_the_last_signature_makes_the_review_due_that_day() -> None:
    due = review_due(last_signed_on=D(2026, 11, 1), review_days=30, level_changes_on=[D(2026, 10, 5), D(2026, 11, 10)])
    assert due is not None and due.due_on == D(2026, 11, 10) and due.reason == "level_change"
    assert "2026-11-10" in due.label


def test_level_change_on_the_signing_day_counts_as_reviewed() -> None:
    due = review_due(last_signed_on=D(2026, 11, 1), review_days=30, level_changes_on=[D(2026, 11, 1)])
    assert due is not None and due.due_on == D(2026, 12, 1)


def test_level_change_later_than_the_scheduled_review_leaves_the_schedule() -> None:
    due = review_due(last_signed_on=D(2026, 11, 1), review_days=30, level_changes_on=[D(2026, 12, 5)])
    assert due is not None and due.due_on == D(2026, 12, 1) and due.reason == "scheduled"


def test_review_days_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        review_due(last_signed_on=D(2026, 11, 1), review_days=0)


def test_overdue_from_the_day_after_the_due_date() -> None:
    assert not is_overdue(D(2026, 12, 1), D(2026, 12, 1))
    assert is_overdue(D(2026, 12, 1), D(2026, 12, 2))
    assert not is_overdue(None, D(2026, 12, 2))


def test_due_soon_window_includes_today_and_the_last_day() -> None:
    assert is_due_soon(D(2026, 12, 1), D(2026, 12, 1))
    assert is_due_soon(D(2026, 12, 8), D(2026, 12, 1), soon_days=7)
    assert not is_due_soon(D(2026, 12, 9), D(2026, 12, 1), soon_days=7)
    assert not is_due_soon(D(2026, 11, 30), D(2026, 12, 1))


@given(
    st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 1, 1)),
    st.integers(min_value=1, max_value=365),
    st.lists(st.dates(min_value=D(2019, 1, 1), max_value=D(2031, 1, 1)), max_size=5),
)
def test_review_is_never_later_than_the_schedule_nor_on_or_before_the_signature(
    signed: dt.date, days: int, changes: list[dt.date]
) -> None:
    due = review_due(last_signed_on=signed, review_days=days, level_changes_on=changes)
    assert due is not None
    assert signed < due.due_on <= signed + dt.timedelta(days=days)


# --- What changed --------------------------------------------------------------------------------


def test_target_date_change_reads_like_the_issue_example() -> None:
    before, after = snapshot(), snapshot()
    after["problems"][0]["goals"][1]["objectives"][0]["target_on"] = "2026-12-15"
    assert diff_snapshots(before, after) == ["Goal 2: objective 'attend 3 groups a week' target date 1 Dec → 15 Dec"]


def test_target_date_across_years_shows_the_years() -> None:
    before, after = snapshot(), snapshot()
    after["problems"][0]["goals"][1]["objectives"][0]["target_on"] = "2027-01-15"
    assert diff_snapshots(before, after) == [
        "Goal 2: objective 'attend 3 groups a week' target date 1 Dec 2026 → 15 Jan 2027"
    ]


def test_first_version_lists_everything_as_added() -> None:
    changes = diff_snapshots(None, snapshot())
    assert changes[0] == "Problem 1 added: 'Alcohol use'"
    assert "Goal 1 added under Problem 1: 'I want to stay sober'" in changes
    assert "Goal 1: objective 'Attend 3 groups a week' added, target date 1 Dec 2026" in changes
    assert "Goal 1: intervention CBT (3 groups a week, Dana Cole) added" in changes
    assert "Service Process group added (3 a week, 180 min)" in changes


def test_status_wording_removal_and_services_are_listed() -> None:
    before, after = snapshot(), snapshot()
    after["problems"][0]["goals"][0]["objectives"][0]["status"] = "met"
    after["problems"][0]["goals"][0]["text"] = "I want to stay sober for my kids"
    del after["problems"][0]["goals"][1]
    after["services"][0]["sessions_per_week"] = 4
    after["problems"][0]["goals"][0]["interventions"][0]["frequency"] = "weekly"
    changes = diff_snapshots(before, after)
    assert changes == [
        "Goal 1 wording 'I want to stay sober' → 'I want to stay sober for my kids'",
        "Goal 1: objective 'Attend 3 groups a week' status in progress → met",
        "Goal 1: intervention CBT frequency '3 groups a week' → 'weekly'",
        "Goal 2 removed: 'I want my job back'",
        "Service Process group 3 a week, 180 min → 4 a week, 180 min",
        "Weekly hours 9 h → 12 h",
    ]


def test_moving_a_goal_and_changing_the_review_cycle() -> None:
    before = snapshot()
    after = copy.deepcopy(before)
    goal = after["problems"][0]["goals"].pop(1)
    after["problems"].append(
        {"id": 2, "number": 2, "text": "Work", "diagnosis": "", "asam_dimension": "6", "goals": [goal]}
    )
    after["review_days"] = 14
    changes = diff_snapshots(before, after)
    assert changes == [
        "Problem 2 added: 'Work'",
        "Goal 2 moved from Problem 1 to Problem 2",
        "Review every 30 days → every 14 days",
    ]


@given(st.sampled_from(["2026-12-02", "2027-03-01", "2026-11-30"]), st.sampled_from(["met", "not_met", "in_progress"]))
def test_identical_versions_have_no_changes_and_one_edit_gives_one_line(target: str, status: str) -> None:
    before = snapshot()
    assert diff_snapshots(before, copy.deepcopy(before)) == []
    after = copy.deepcopy(before)
    after["problems"][0]["goals"][0]["objectives"][0]["target_on"] = target
    after["problems"][0]["goals"][0]["objectives"][0]["status"] = status
    expected = 1 + (status != "in_progress")
    assert len(diff_snapshots(before, after)) == expected


def test_hours_and_weekly_minutes() -> None:
    assert weekly_minutes(snapshot()["services"]) == 540
    assert [hours_label(m) for m in (540, 630, 80, 45)] == ["9 h", "10.5 h", "1 h 20 min", "45 min"]


def test_hours_warning_below_the_level_minimum_and_above_op_maximum() -> None:
    from cadence.plans.rules import counted_minutes, hours_warning

    assert hours_warning(540, level="2.1 IOP", minimum_hours=9) is None
    note = hours_warning(510, level="2.1 IOP", minimum_hours=9)
    assert note == "The plan prescribes 8.5 h a week of counted services; 2.1 IOP expects at least 9 h."
    assert hours_warning(540, level="1 OP", minimum_hours=0, maximum_hours=9) == (
        "The plan prescribes 9 h a week; 1 OP is under 9 h."
    )
    assert hours_warning(480, level="1 OP", minimum_hours=0, maximum_hours=9) is None
    services = [
        {"sessions_per_week": 3, "minutes_per_session": 180},
        {"sessions_per_week": 1, "minutes_per_session": 90, "counts_toward_hours": False},
    ]
    assert counted_minutes(services) == 540 and weekly_minutes(services) == 630
