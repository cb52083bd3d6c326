"""The pure outcome rules at their edges (no database): choosing pre and post, the per-episode outcome
(through ``classify_change``), the program summary and the period."""

from __future__ import annotations

import datetime as dt

import pytest

from cadence.measures.instruments import ChangeCategory
from cadence.outcomes.rules import (
    COMPLETED,
    DEATH,
    DROPPED_OUT,
    OTHER,
    TEDS_REASONS,
    Administration,
    EpisodeFacts,
    EpisodeOutcome,
    MeasureOutcome,
    Mode,
    PeriodError,
    choose_pre_post,
    episode_outcome,
    measure_keys,
    measure_outcome,
    median,
    parse_period,
    percent,
    summarize,
)

ADMITTED = dt.date(2026, 9, 1)
DISCHARGED = dt.date(2026, 11, 1)
EPISODE = 7


def r(day: dt.date, score: int | None, *, episode: int | None = EPISODE, seq: int = 0) -> Administration:
    return Administration(day, score, episode, seq)


def before(days: int) -> dt.date:
    return ADMITTED - dt.timedelta(days=days)


def after(days: int) -> dt.date:
    return ADMITTED + dt.timedelta(days=days)


def pick(results: list[Administration], **kwargs: object) -> tuple[Administration | None, Administration | None]:
    options: dict[str, object] = {"episode_id": EPISODE, "admitted_on": ADMITTED, "ends_on": DISCHARGED}
    options.update(kwargs)
    return choose_pre_post(results, **options)  # type: ignore[arg-type]


def phq9(results: list[Administration], **kwargs: object) -> MeasureOutcome:
    options: dict[str, object] = {"episode_id": EPISODE, "admitted_on": ADMITTED, "ends_on": DISCHARGED}
    options.update(kwargs)
    return measure_outcome("phq9", results, **options)  # type: ignore[arg-type]


# --- Choosing pre and post ---------------------------------------------------------------------------


def test_a_baseline_14_days_before_admission_is_the_pre() -> None:
    pre, post = pick([r(before(14), 18), r(after(30), 8)])
    assert pre is not None and pre.day == before(14) and pre.score == 18
    assert post is not None and post.score == 8


def test_a_result_15_days_before_admission_is_too_old_to_be_the_pre() -> None:
    pre, post = pick([r(before(15), 18), r(after(1), 16), r(after(30), 8)])
    assert pre is not None and pre.day == after(1)
    assert post is not None and post.day == after(30)


def test_the_baseline_window_follows_the_setting() -> None:
    pre, _post = pick([r(before(20), 18), r(after(30), 8)], days_before=20)
    assert pre is not None and pre.day == before(20)
    pre, post = pick([r(before(1), 18), r(after(30), 8)], days_before=0)
    assert pre is not None and pre.day == after(30) and post is None


def test_incomplete_results_are_never_pre_or_post() -> None:
    pre, post = pick([r(after(0), None), r(after(2), 15), r(after(20), 9), r(after(40), None)])
    assert pre is not None and pre.day == after(2)
    assert post is not None and post.day == after(20)


def test_only_one_complete_result_is_not_enough_data() -> None:
    outcome = phq9([r(after(0), None), r(after(3), 17), r(after(40), None)])
    assert outcome.pre is not None and outcome.pre.score == 17
    assert outcome.post is None and outcome.change is None
    assert not outcome.enough_data and outcome.category is None and outcome.recovered is None


def test_no_result_at_all_is_not_enough_data() -> None:
    outcome = phq9([])
    assert (outcome.pre, outcome.post, outcome.change) == (None, None, None)


def test_post_is_the_latest_complete_result_up_to_the_discharge_day() -> None:
    pre, post = pick([r(after(0), 20), r(after(30), 12), r(DISCHARGED, 9), r(DISCHARGED + dt.timedelta(days=1), 3)])
    assert pre is not None and pre.score == 20
    assert post is not None and post.day == DISCHARGED and post.score == 9


def test_results_of_another_episode_are_not_this_episodes_but_unlinked_ones_are() -> None:
    pre, post = pick([r(before(5), 22, episode=99), r(before(3), 19, episode=None), r(after(20), 11, episode=99)])
    assert pre is not None and pre.score == 19
    assert post is None


def test_results_of_one_day_are_ordered_by_sequence_and_the_first_is_pre() -> None:
    pre, post = pick([r(after(1), 10, seq=2), r(after(1), 20, seq=1), r(after(1), 15, seq=3), r(after(9), 7)])
    assert pre is not None and pre.score == 20
    assert post is not None and post.score == 7


def test_two_answers_of_one_day_are_no_change_over_treatment() -> None:
    # A re-entered result on admission day, nothing later: not enough data, not "no reliable change".
    pre, post = pick([r(after(0), 20, seq=1), r(after(0), 12, seq=2)])
    assert pre is not None and pre.score == 20 and post is None
    assert phq9([r(after(0), 20, seq=1), r(after(0), 12, seq=2)]).change is None


def test_a_change_before_admission_is_not_the_programs() -> None:
    # 15 ten days before admission, 8 the day before, nothing in treatment: no post.
    pre, post = pick([r(before(10), 15), r(before(1), 8)])
    assert pre is not None and pre.score == 15 and post is None
    # The admission day itself is in treatment.
    pre, post = pick([r(before(10), 15), r(after(0), 8)])
    assert post is not None and post.score == 8


def test_a_negative_baseline_window_is_refused() -> None:
    with pytest.raises(ValueError, match="days_before"):
        pick([], days_before=-1)


# --- The per-episode outcome: thresholds and caseness come from classify_change ---------------------


@pytest.mark.parametrize(
    ("pre", "post", "category"),
    [
        (16, 10, ChangeCategory.RELIABLE_IMPROVEMENT),  # drop of 6
        (16, 11, ChangeCategory.NO_RELIABLE_CHANGE),  # drop of 5
        (10, 16, ChangeCategory.RELIABLE_DETERIORATION),  # rise of 6
        (10, 15, ChangeCategory.NO_RELIABLE_CHANGE),  # rise of 5
    ],
)
def test_phq9_reliable_change_is_6_points(pre: int, post: int, category: ChangeCategory) -> None:
    outcome = phq9([r(after(0), pre), r(after(40), post)])
    assert outcome.category is category
    assert outcome.difference == post - pre


@pytest.mark.parametrize(
    ("pre", "post", "category"),
    [
        (12, 8, ChangeCategory.RELIABLE_IMPROVEMENT),
        (12, 9, ChangeCategory.NO_RELIABLE_CHANGE),
        (8, 12, ChangeCategory.RELIABLE_DETERIORATION),
        (8, 11, ChangeCategory.NO_RELIABLE_CHANGE),
    ],
)
def test_gad7_reliable_change_is_4_points(pre: int, post: int, category: ChangeCategory) -> None:
    outcome = measure_outcome(
        "gad7", [r(after(0), pre), r(after(40), post)], episode_id=EPISODE, admitted_on=ADMITTED, ends_on=DISCHARGED
    )
    assert outcome.category is category


@pytest.mark.parametrize(
    ("measure", "pre", "post", "case", "recovered", "reliable"),
    [
        ("phq9", 10, 9, True, True, False),  # 10 is a case (above 9); 9 is not; a drop of 1 is not reliable
        ("phq9", 9, 3, False, None, None),  # 9 is not a case: no recovery to speak of
        ("phq9", 16, 10, True, False, False),  # reliably improved but still a case
        ("phq9", 15, 9, True, True, True),  # reliable recovery
        ("gad7", 8, 7, True, True, False),  # 8 is a case (above 7); 7 is not
        ("gad7", 7, 0, False, None, None),
        ("gad7", 12, 7, True, True, True),
    ],
)
def test_caseness_and_recovery_at_their_boundaries(
    measure: str, pre: int, post: int, case: bool, recovered: bool | None, reliable: bool | None
) -> None:
    outcome = measure_outcome(
        measure, [r(after(0), pre), r(after(40), post)], episode_id=EPISODE, admitted_on=ADMITTED, ends_on=DISCHARGED
    )
    assert outcome.case_at_start is case
    assert outcome.recovered is recovered
    assert outcome.reliable_recovery is reliable


def test_other_measures_are_classified_by_the_measures_library() -> None:
    outcome = measure_outcome(
        "pcl5", [r(after(0), 50), r(after(40), 38)], episode_id=EPISODE, admitted_on=ADMITTED, ends_on=DISCHARGED
    )
    assert outcome.change is not None and outcome.change.method == "jacobson_truax"
    assert outcome.change.category is ChangeCategory.RELIABLE_IMPROVEMENT

    # PCL-5 defaults (SD 14, reliability 0.94): 1.96 x sqrt(2) x 14 x sqrt(0.06) = 9.51 points.
    def pcl5(post: int) -> ChangeCategory | None:
        found = measure_outcome(
            "pcl5", [r(after(0), 50), r(after(40), post)], episode_id=EPISODE, admitted_on=ADMITTED, ends_on=DISCHARGED
        ).change
        return found.category if found is not None else None

    assert pcl5(40) is ChangeCategory.RELIABLE_IMPROVEMENT  # 10 > 9.51
    assert pcl5(41) is ChangeCategory.NO_RELIABLE_CHANGE  # 9 is not
    assert pcl5(60) is ChangeCategory.RELIABLE_DETERIORATION


def test_bam_subscales_are_measures_of_their_own() -> None:
    outcome = measure_outcome(
        "bam.protective",
        [r(after(0), 6), r(after(40), 20)],
        episode_id=EPISODE,
        admitted_on=ADMITTED,
        ends_on=DISCHARGED,
    )
    assert outcome.category is ChangeCategory.RELIABLE_IMPROVEMENT  # higher is better on BAM protective
    assert outcome.case_at_start is None


def test_measure_keys_start_with_phq9_and_gad7_and_cover_every_change_rule() -> None:
    keys = measure_keys()
    assert keys[:2] == ("phq9", "gad7")
    assert {"pcl5", "auditc", "dast10", "bam.use", "bam.risk", "bam.protective"} <= set(keys)
    assert "cssrs" not in keys  # no total, no change rule


def test_episode_outcome_always_has_the_headline_measures_and_others_only_with_results() -> None:
    facts = EpisodeFacts(EPISODE, "T000001", ADMITTED, DISCHARGED, COMPLETED)
    outcome = episode_outcome(facts, {"audit": [r(after(0), 20), r(after(50), 9)]}, ends_on=DISCHARGED)
    assert list(outcome.measures) == ["phq9", "gad7", "audit"]
    assert not outcome.measures["phq9"].enough_data
    assert outcome.measures["audit"].category is ChangeCategory.RELIABLE_IMPROVEMENT  # 11 points > ~8.6


# --- Summary -----------------------------------------------------------------------------------------


def test_percent_with_a_zero_denominator_is_none_not_zero() -> None:
    assert percent(0, 0) is None
    assert percent(3, 0) is None
    assert percent(0, 5) == 0.0
    assert percent(1, 3) == 33.3
    assert percent(2, 3) == 66.7


def test_median_of_odd_and_even_counts() -> None:
    assert median([]) is None
    assert median([30]) == 30.0
    assert median([40, 10, 30]) == 30.0
    assert median([10, 40, 20, 30]) == 25.0
    assert median([10, 11]) == 10.5


def _episode(
    pk: int,
    *,
    phq: tuple[int, int] | None = None,
    gad: tuple[int, int] | None = None,
    stay: int | None = 30,
    reason: int | None = COMPLETED,
) -> EpisodeOutcome:
    discharged = ADMITTED + dt.timedelta(days=stay - 1) if stay is not None else None
    facts = EpisodeFacts(pk, f"T{pk:06d}", ADMITTED, discharged, reason if discharged else None)
    results = {}
    if phq:
        results["phq9"] = [r(after(0), phq[0], episode=pk), r(after(20), phq[1], episode=pk)]
    if gad:
        results["gad7"] = [r(after(0), gad[0], episode=pk), r(after(20), gad[1], episode=pk)]
    return episode_outcome(facts, results, ends_on=discharged or DISCHARGED)


def test_summary_counts_categories_and_recovery_among_cases() -> None:
    outcomes = [
        _episode(1, phq=(18, 8)),  # case, reliable improvement, reliable recovery
        _episode(2, phq=(12, 9)),  # case, no reliable change, recovered
        _episode(3, phq=(8, 15)),  # not a case, reliable deterioration
        _episode(4, phq=(20, 18)),  # case, no change, not recovered
        _episode(5),  # no PHQ-9: not enough data
    ]
    s = summarize(outcomes).measure("phq9")
    assert s is not None
    assert (s.compared, s.not_enough_data) == (4, 1)
    assert (s.improved, s.no_change, s.deteriorated) == (1, 2, 1)
    assert (s.improved_percent, s.no_change_percent, s.deteriorated_percent) == (25.0, 50.0, 25.0)
    assert (s.cases_at_start, s.recovered, s.reliably_recovered) == (3, 2, 1)
    assert s.recovered_percent == 66.7
    assert s.reliably_recovered_percent == 33.3


def test_a_measure_with_no_pairs_has_no_percentages() -> None:
    s = summarize([_episode(1, phq=(18, 8))]).measure("gad7")
    assert s is not None and s.compared == 0 and s.not_enough_data == 1
    assert s.improved_percent is None and s.recovered_percent is None


def test_recovery_rate_is_none_when_no_one_was_a_case() -> None:
    s = summarize([_episode(1, phq=(4, 2)), _episode(2, phq=(9, 3))]).measure("phq9")
    assert s is not None and s.cases_at_start == 0 and s.recovered_percent is None
    assert s.improved == 1  # 9 -> 3 is a drop of 6


def test_discharges_by_teds_reason_completion_rate_and_median_stay() -> None:
    outcomes = [
        _episode(1, stay=30, reason=COMPLETED),
        _episode(2, stay=60, reason=COMPLETED),
        _episode(3, stay=10, reason=DROPPED_OUT),
        _episode(4, stay=45, reason=DEATH),
        _episode(5, stay=None),  # still open: no discharge, no stay
    ]
    summary = summarize(outcomes)
    assert summary.episodes == 5 and summary.discharged == 4
    assert [line.reason for line in summary.discharges] == list(TEDS_REASONS)
    counts = {line.reason: (line.count, line.percent) for line in summary.discharges}
    assert counts[COMPLETED] == (2, 50.0)
    assert counts[DROPPED_OUT] == (1, 25.0)
    assert counts[DEATH] == (1, 25.0)
    assert counts[OTHER] == (0, 0.0)
    assert summary.completed == 2 and summary.completion_rate == 50.0
    assert summary.median_length_of_stay == 37.5  # 10, 30, 45, 60


def test_length_of_stay_counts_both_the_admission_and_the_discharge_day() -> None:
    assert EpisodeFacts(1, "T1", ADMITTED, ADMITTED, COMPLETED).length_of_stay == 1
    assert EpisodeFacts(1, "T1", ADMITTED, after(29), COMPLETED).length_of_stay == 30
    assert EpisodeFacts(1, "T1", ADMITTED, None, None).length_of_stay is None


def test_an_empty_summary_has_no_rates() -> None:
    summary = summarize([])
    assert summary.episodes == 0 and summary.discharged == 0
    assert summary.completion_rate is None and summary.median_length_of_stay is None
    assert [m.measure for m in summary.measures] == ["phq9", "gad7"]
    assert all(line.percent is None for line in summary.discharges)


def test_fewer_than_ten_is_too_few_to_compare_and_ten_is_enough() -> None:
    nine = summarize([_episode(i, phq=(18, 8)) for i in range(1, 10)])
    ten = summarize([_episode(i, phq=(18, 8)) for i in range(1, 11)])
    assert nine.too_few and nine.by_measure["phq9"].too_few
    assert not ten.too_few and not ten.by_measure["phq9"].too_few


def test_few_discharges_or_few_cases_are_counts_even_among_many_episodes() -> None:
    # Active mode: twelve episodes, two discharged; ten compared, two cases at the start.
    outcomes = [_episode(i, phq=(18, 8) if i <= 2 else (6, 5), stay=None) for i in range(1, 11)]
    outcomes += [_episode(11, stay=20, reason=COMPLETED), _episode(12, stay=20, reason=DROPPED_OUT)]
    summary = summarize(outcomes)
    phq = summary.by_measure["phq9"]
    assert not summary.too_few and summary.discharges_too_few  # 12 episodes, 2 discharges
    assert not phq.too_few and phq.cases_at_start == 2 and phq.recovery_too_few
    ten_cases = summarize([_episode(i, phq=(18, 8)) for i in range(1, 11)])
    assert not ten_cases.by_measure["phq9"].recovery_too_few and not ten_cases.discharges_too_few


# --- The period ----------------------------------------------------------------------------------------

TODAY = dt.date(2026, 11, 23)


def test_the_default_period_is_the_last_90_days_of_discharges() -> None:
    period = parse_period(starts=None, ends=None, mode=None, today=TODAY)
    assert period.ends_on == TODAY
    assert (period.ends_on - period.starts_on).days + 1 == 90
    assert period.mode is Mode.DISCHARGED


def test_a_period_can_ask_for_active_episodes() -> None:
    period = parse_period(starts="2026-01-01", ends="2026-03-31", mode="active", today=TODAY)
    assert (period.starts_on, period.ends_on, period.mode) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31), Mode.ACTIVE)


@pytest.mark.parametrize(
    ("starts", "ends", "mode", "field"),
    [
        ("2026-13-01", None, None, "from"),
        ("yesterday", None, None, "from"),
        (None, "2026-02-30", None, "to"),
        ("2026-11-02", "2026-11-01", None, "from"),
        ("2010-01-01", "2026-01-01", None, "from"),
        (None, None, "everything", "mode"),
        (None, "0001-01-05", None, "to"),  # the default start would run off the calendar
        ("0001-01-01", "2026-01-01", None, "from"),
        ("1899-12-31", "1900-01-31", None, "from"),
    ],
)
def test_a_bad_period_names_its_field(starts: str | None, ends: str | None, mode: str | None, field: str) -> None:
    with pytest.raises(PeriodError) as caught:
        parse_period(starts=starts, ends=ends, mode=mode, today=TODAY)
    assert caught.value.field == field
    assert caught.value.reason


def test_a_one_day_period_is_allowed() -> None:
    period = parse_period(starts="2026-11-01", ends="2026-11-01", mode=None, today=TODAY)
    assert period.starts_on == period.ends_on
