"""Pure safety rules, at their edges, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from cadence.safety.rules import (
    ESCALATING,
    EventClock,
    ack_deadline,
    due_step,
    flag_for_alert,
    percentile,
    step_due_at,
)

T0 = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)
ACK = 15  # minutes to acknowledge these tests pass in (the app passes CADENCE_CRISIS_ACK_MINUTES)


def minutes(n: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


@pytest.mark.parametrize(
    ("kind", "severity", "origin", "expected"),
    [
        ("phq9_item9", "high", "measures.measureresult", ("suicide_risk", "high", "measure", True)),
        ("cssrs_risk", "critical", "measures.measureresult", ("suicide_risk", "critical", "measure", True)),
        ("cssrs_risk", "high", "measures.measureresult", ("suicide_risk", "high", "measure", True)),
        ("high_craving", "moderate", "measures.checkin", ("relapse", "moderate", "check_in", False)),
        ("unexpected_positive_screen", "moderate", "measures.drugscreen", ("relapse", "moderate", "measure", False)),
    ],
)
def test_risk_alerts_map_to_flags(kind: str, severity: str, origin: str, expected: tuple[str, str, str, bool]) -> None:
    spec = flag_for_alert(alert_kind=kind, alert_severity=severity, origin_type=origin)
    assert spec is not None
    assert (spec.kind, spec.severity, spec.source, spec.raises_event) == expected


@pytest.mark.parametrize("kind", ["reliable_deterioration", "other", "unknown"])
def test_alerts_that_are_not_a_risk_raise_no_flag(kind: str) -> None:
    assert flag_for_alert(alert_kind=kind, alert_severity="high", origin_type="") is None


def test_a_high_check_in_alert_raises_an_event_from_the_check_in() -> None:
    spec = flag_for_alert(alert_kind="phq9_item9", alert_severity="high", origin_type="measures.checkin")
    assert spec is not None and spec.source == "check_in" and spec.raises_event


def test_nothing_is_due_before_the_deadline_and_step_one_is_due_at_it() -> None:
    clock = EventClock("high", "raised", T0)
    assert ack_deadline(T0, ACK) == minutes(15)
    assert due_step(clock, minutes(14.99), ack_minutes=ACK) is None
    assert due_step(clock, minutes(15), ack_minutes=ACK) == 1


def test_step_two_is_due_one_more_period_after_step_one() -> None:
    clock = EventClock("critical", "raised", T0, {1})
    assert due_step(clock, minutes(29.99), ack_minutes=ACK) is None
    assert due_step(clock, minutes(30), ack_minutes=ACK) == 2
    assert due_step(EventClock("critical", "raised", T0, {1, 2}), minutes(600), ack_minutes=ACK) is None


def test_a_late_sweep_runs_step_one_first() -> None:
    assert due_step(EventClock("high", "raised", T0), minutes(120), ack_minutes=ACK) == 1


def test_the_periods_are_settings() -> None:
    clock = EventClock("high", "raised", T0, {1})
    assert due_step(EventClock("high", "raised", T0), minutes(5), ack_minutes=5) == 1
    assert due_step(clock, minutes(15), ack_minutes=5, step_minutes=10) == 2
    assert due_step(clock, minutes(14), ack_minutes=5, step_minutes=10) is None
    assert step_due_at(T0, 2, ack_minutes=5, step_minutes=10) == minutes(15)


@pytest.mark.parametrize("status", ["acknowledged", "assessed", "resolved"])
def test_an_acknowledged_event_never_escalates(status: str) -> None:
    assert due_step(EventClock("high", status, T0), minutes(60), ack_minutes=ACK) is None


@pytest.mark.parametrize("severity", ["low", "moderate"])
def test_lower_severities_do_not_escalate(severity: str) -> None:
    assert due_step(EventClock(severity, "raised", T0), minutes(60), ack_minutes=ACK) is None


def test_percentile_interpolates_between_ranks() -> None:
    assert percentile([], 50) is None
    assert percentile([7.0], 90) == 7.0
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == pytest.approx(9.1)
    assert percentile([10, 1, 5], 0) == 1 and percentile([10, 1, 5], 100) == 10
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile([1], 101)


def test_escalating_severities_are_the_high_end_of_the_severity_choices() -> None:
    from cadence.safety.models import Severity

    assert ESCALATING == {Severity.HIGH, Severity.CRITICAL}
    assert ESCALATING <= set(Severity.values)


def test_the_minutes_to_acknowledge_come_from_the_setting_alone() -> None:
    from django.test import override_settings

    from cadence.safety import conf

    with override_settings(CADENCE_CRISIS_ACK_MINUTES=7, CADENCE_CRISIS_ESCALATION_MINUTES=11):
        assert (conf.ack_minutes(), conf.step_minutes()) == (7, 11)
    # the rules hold no default of their own: a caller that forgets the setting fails loudly
    with pytest.raises(TypeError):
        due_step(EventClock("high", "raised", T0), minutes(60))  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        ack_deadline(T0)  # type: ignore[call-arg]
