"""Pure rules for participants and episodes of care (no database): ICD-10 format, dates, overlaps."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from cadence.core.errors import DomainError


class ParticipantError(DomainError):
    """A broken participant/episode rule, naming the field it concerns and the reason in plain words."""


# ICD-10-CM: a letter, a digit, a digit or letter (category), then an optional dot and 1-4 characters.
_ICD10 = re.compile(r"^([A-Z][0-9][0-9A-Z])(?:\.?([0-9A-Z]{1,4}))?$")
MAX_AGE_YEARS = 120


def normalize_icd10(raw: str) -> str:
    """``f1020`` -> ``F10.20``. Raises ParticipantError('code') when the format is not ICD-10-CM."""
    code = raw.strip().upper().replace(" ", "")
    match = _ICD10.match(code)
    if not match:
        raise ParticipantError(
            "code", f"{raw.strip()!r} is not an ICD-10-CM code (expected a letter, two characters, then e.g. .20)"
        )
    category, detail = match.groups()
    return f"{category}.{detail}" if detail else category


def check_date_of_birth(born: dt.date, *, today: dt.date) -> None:
    if born > today:
        raise ParticipantError("date_of_birth", "Date of birth cannot be in the future.")
    if today.year - born.year > MAX_AGE_YEARS:
        raise ParticipantError("date_of_birth", f"Date of birth is more than {MAX_AGE_YEARS} years ago.")


def check_not_future(field: str, day: dt.date, *, today: dt.date, what: str) -> None:
    if day > today:
        raise ParticipantError(field, f"{what} cannot be in the future (today is {today.isoformat()}).")


@dataclass(frozen=True)
class Period:
    """Days ``starts_on`` to ``ends_on`` inclusive; ``ends_on`` None means still open."""

    starts_on: dt.date
    ends_on: dt.date | None

    def overlaps(self, other: Period) -> bool:
        self_end = self.ends_on or dt.date.max
        other_end = other.ends_on or dt.date.max
        return self.starts_on <= other_end and other.starts_on <= self_end


def check_no_overlap(new: Period, existing: list[Period], *, field: str) -> None:
    for period in existing:
        if new.overlaps(period):
            until = period.ends_on.isoformat() if period.ends_on else "now"
            raise ParticipantError(
                field,
                f"Overlaps an earlier episode in this program ({period.starts_on.isoformat()} to {until}).",
            )


def check_admission(*, admitted_on: dt.date, referred_on: dt.date, born: dt.date, today: dt.date) -> None:
    check_not_future("admitted_on", admitted_on, today=today, what="The admission date")
    if admitted_on < referred_on:
        raise ParticipantError(
            "admitted_on", f"Admission cannot be before the referral date ({referred_on.isoformat()})."
        )
    if admitted_on < born:
        raise ParticipantError("admitted_on", "Admission cannot be before the date of birth.")


def check_discharge(
    *, discharged_on: dt.date, admitted_on: dt.date, last_level_change: dt.date, today: dt.date
) -> None:
    check_not_future("discharged_on", discharged_on, today=today, what="The discharge date")
    if discharged_on < admitted_on:
        raise ParticipantError("discharged_on", f"Discharge cannot be before admission ({admitted_on.isoformat()}).")
    if discharged_on < last_level_change:
        raise ParticipantError(
            "discharged_on",
            f"Discharge cannot be before the last level-of-care change ({last_level_change.isoformat()}).",
        )


def check_level_change(
    *, starts_on: dt.date, admitted_on: dt.date, last_change_on: dt.date, today: dt.date, same_level: bool, reason: str
) -> None:
    if same_level:
        raise ParticipantError("level_of_care", "The participant is already at this level of care.")
    if not reason.strip():
        raise ParticipantError("reason", "Give the reason for the change of level of care.")
    check_not_future("starts_on", starts_on, today=today, what="A level-of-care change")
    if starts_on <= admitted_on or starts_on <= last_change_on:
        raise ParticipantError(
            "starts_on",
            f"A change must start after admission and after the last change ({last_change_on.isoformat()}).",
        )
