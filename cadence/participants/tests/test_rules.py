"""Pure rule functions: no database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadence.participants.rules import (
    ParticipantError,
    Period,
    check_admission,
    check_date_of_birth,
    check_discharge,
    check_level_change,
    check_no_overlap,
    normalize_icd10,
)

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("F10.20", "F10.20"),
        ("f1020", "F10.20"),
        (" F32.1 ", "F32.1"),
        ("F41", "F41"),
        ("Z63.0", "Z63.0"),
        ("T40.2X1A", "T40.2X1A"),
        ("F11.2", "F11.2"),
    ],
)
def test_icd10_codes_are_normalized(raw: str, expected: str) -> None:
    assert normalize_icd10(raw) == expected


@pytest.mark.parametrize("raw", ["", "F1", "10.20", "FF0.20", "F10.20000", "F10-20", "F10.2.0", "alcohol"])
def test_malformed_icd10_codes_are_refused_with_the_code_field(raw: str) -> None:
    with pytest.raises(ParticipantError) as err:
        normalize_icd10(raw)
    assert err.value.field == "code"
    assert "ICD-10" in err.value.reason


def test_date_of_birth_today_is_allowed_but_tomorrow_is_not() -> None:
    check_date_of_birth(TODAY, today=TODAY)
    with pytest.raises(ParticipantError, match="future"):
        check_date_of_birth(TODAY + dt.timedelta(days=1), today=TODAY)


def test_date_of_birth_more_than_120_years_ago_is_refused() -> None:
    check_date_of_birth(dt.date(1906, 1, 1), today=TODAY)
    with pytest.raises(ParticipantError):
        check_date_of_birth(dt.date(1905, 12, 31), today=TODAY)


def test_admission_on_the_referral_day_is_fine_one_day_before_is_not() -> None:
    born = dt.date(1990, 1, 1)
    check_admission(admitted_on=TODAY, referred_on=TODAY, born=born, today=TODAY)
    with pytest.raises(ParticipantError) as err:
        check_admission(admitted_on=TODAY - dt.timedelta(days=1), referred_on=TODAY, born=born, today=TODAY)
    assert err.value.field == "admitted_on"


def test_admission_cannot_be_in_the_future() -> None:
    with pytest.raises(ParticipantError, match="future"):
        check_admission(
            admitted_on=TODAY + dt.timedelta(days=1), referred_on=TODAY, born=dt.date(1990, 1, 1), today=TODAY
        )


def test_discharge_on_admission_day_is_allowed_and_before_it_is_refused() -> None:
    admitted = dt.date(2026, 10, 1)
    check_discharge(discharged_on=admitted, admitted_on=admitted, last_level_change=admitted, today=TODAY)
    with pytest.raises(ParticipantError) as err:
        check_discharge(
            discharged_on=admitted - dt.timedelta(days=1), admitted_on=admitted, last_level_change=admitted, today=TODAY
        )
    assert err.value.field == "discharged_on"


def test_discharge_before_the_last_level_change_is_refused() -> None:
    with pytest.raises(ParticipantError, match="level-of-care"):
        check_discharge(
            discharged_on=dt.date(2026, 10, 9),
            admitted_on=dt.date(2026, 10, 1),
            last_level_change=dt.date(2026, 10, 10),
            today=TODAY,
        )


def test_level_change_must_follow_admission_and_previous_change_and_need_a_reason() -> None:
    admitted = dt.date(2026, 10, 1)
    kwargs = {"admitted_on": admitted, "last_change_on": admitted, "today": TODAY, "same_level": False}
    check_level_change(starts_on=admitted + dt.timedelta(days=1), reason="Stepping down", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ParticipantError) as err:
        check_level_change(starts_on=admitted, reason="Stepping down", **kwargs)  # type: ignore[arg-type]
    assert err.value.field == "starts_on"
    with pytest.raises(ParticipantError) as err:
        check_level_change(starts_on=admitted + dt.timedelta(days=2), reason="  ", **kwargs)  # type: ignore[arg-type]
    assert err.value.field == "reason"


def test_level_change_to_the_same_level_is_refused() -> None:
    with pytest.raises(ParticipantError) as err:
        check_level_change(
            starts_on=TODAY,
            admitted_on=dt.date(2026, 10, 1),
            last_change_on=dt.date(2026, 10, 1),
            today=TODAY,
            same_level=True,
            reason="x",
        )
    assert err.value.field == "level_of_care"


def test_periods_touching_on_the_same_day_overlap_and_the_next_day_does_not() -> None:
    earlier = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert Period(dt.date(2026, 3, 31), None).overlaps(earlier)
    assert not Period(dt.date(2026, 4, 1), None).overlaps(earlier)
    with pytest.raises(ParticipantError) as err:
        check_no_overlap(Period(dt.date(2026, 2, 1), None), [earlier], field="admitted_on")
    assert err.value.field == "admitted_on"


def test_an_open_period_overlaps_everything_after_its_start() -> None:
    assert Period(dt.date(2030, 1, 1), dt.date(2030, 1, 2)).overlaps(Period(dt.date(2026, 1, 1), None))


dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))


@given(a=dates, b=dates, c=dates, d=dates)
def test_overlap_is_symmetric_and_matches_day_sets(a: dt.date, b: dt.date, c: dt.date, d: dt.date) -> None:
    p = Period(min(a, b), max(a, b))
    q = Period(min(c, d), max(c, d))
    shared = p.starts_on <= q.ends_on and q.starts_on <= p.ends_on  # type: ignore[operator]
    assert p.overlaps(q) == q.overlaps(p) == shared
