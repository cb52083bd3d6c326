"""The build summary states the solver's proof in plain words, on what planning can change."""

from __future__ import annotations

from cadence.scheduling.plans import plan_quality


def test_a_proven_plan_is_the_best_possible() -> None:
    assert plan_quality({"status": "OPTIMAL", "objective": 900, "bound": 900, "unavoidable": 500}) == "Best possible"


def test_the_distance_to_the_bound_is_measured_on_the_avoidable_part_and_rounded_up() -> None:
    # 1,949,870 points, 1,914,620 of them unavoidable, bound 1,949,373: at most 497 of the 35,250 avoidable
    # points (1.4 %) could still be saved. On the whole objective that is 0.03 %, which reads as "0 %".
    summary = {"status": "FEASIBLE", "objective": 1_949_870, "bound": 1_949_373, "unavoidable": 1_914_620}
    assert plan_quality(summary) == "Within 2% of the best possible"


def test_a_plan_at_its_bound_or_without_a_bound() -> None:
    assert plan_quality({"status": "FEASIBLE", "objective": 700, "bound": 700, "unavoidable": 100}) == "Best possible"
    assert plan_quality({"status": "FEASIBLE", "objective": 500, "bound": 400, "unavoidable": 500}) == "Best possible"
    assert plan_quality({"status": "FEASIBLE", "objective": 800, "bound": 0, "unavoidable": 700}) == (
        "Within 100% of the best possible"
    )
    assert plan_quality({"status": "HINT"}) == "Not proven"
