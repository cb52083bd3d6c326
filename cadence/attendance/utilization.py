"""Utilization review warnings for authorizations: a pure function (no Django).

Warnings, most urgent first (``today`` is the local date at the participant's site):

- ``expired``: ``today`` is on or after ``ends_on`` (the first day not covered).
- ``review_overdue``: the concurrent-review date has passed.
- ``booked_outside``: sessions are booked on days no live authorization of the participant covers.
- ``no_units_left``: every authorized unit is used.
- ``low_units``: fewer than ``low_units`` units are left (with the default 3: 2 left warns, 3 does not).
- ``review_due``: the review is due within ``review_warn_days`` days (today counts as 0 days: with the
  default 3, a review in 3 days warns and one in 4 days does not).

Review and unit warnings are not given for an expired authorization (the expiry says it all).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


class WarningKind(StrEnum):
    EXPIRED = "expired"
    REVIEW_OVERDUE = "review_overdue"
    BOOKED_OUTSIDE = "booked_outside"
    NO_UNITS_LEFT = "no_units_left"
    LOW_UNITS = "low_units"
    REVIEW_DUE = "review_due"


SEVERITY = {kind: rank for rank, kind in enumerate(WarningKind)}


@dataclass(frozen=True)
class AuthorizationFacts:
    starts_on: dt.date
    ends_on: dt.date
    units_authorized: int
    units_used: int
    review_on: dt.date | None = None
    booked_outside: tuple[dt.date, ...] = ()

    @property
    def units_left(self) -> int:
        return self.units_authorized - self.units_used


@dataclass(frozen=True)
class Warning:
    kind: WarningKind
    message: str

    @property
    def severity(self) -> int:
        return SEVERITY[self.kind]


def warnings_for(
    facts: AuthorizationFacts, *, today: dt.date, review_warn_days: int = 3, low_units: int = 3
) -> list[Warning]:
    """The warnings of one authorization, most urgent first."""
    found: list[Warning] = []
    expired = today >= facts.ends_on
    if expired:
        last_day = facts.ends_on - dt.timedelta(days=1)
        found.append(Warning(WarningKind.EXPIRED, f"Expired: the last authorized day was {last_day:%d %b %Y}."))
    if facts.booked_outside:
        count = len(facts.booked_outside)
        first = min(facts.booked_outside)
        found.append(
            Warning(
                WarningKind.BOOKED_OUTSIDE,
                f"{count} session{'s' if count != 1 else ''} booked outside the authorized dates "
                f"(first on {first:%d %b %Y}).",
            )
        )
    if not expired:
        if facts.review_on is not None:
            days = (facts.review_on - today).days
            if days < 0:
                found.append(
                    Warning(WarningKind.REVIEW_OVERDUE, f"Concurrent review was due on {facts.review_on:%d %b %Y}.")
                )
            elif days <= review_warn_days:
                when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
                found.append(
                    Warning(WarningKind.REVIEW_DUE, f"Concurrent review due {when} ({facts.review_on:%d %b %Y}).")
                )
        left = facts.units_left
        if left <= 0:
            found.append(Warning(WarningKind.NO_UNITS_LEFT, f"All {facts.units_authorized} units are used."))
        elif left < low_units:
            found.append(Warning(WarningKind.LOW_UNITS, f"Only {left} of {facts.units_authorized} units left."))
    found.sort(key=lambda w: w.severity)
    return found


def urgency_key(warnings: Sequence[Warning], ends_on: dt.date) -> tuple[int, int, dt.date]:
    """Board order: the most severe warning first, then more warnings, then the earliest end."""
    top = warnings[0].severity if warnings else len(SEVERITY)
    return (top, -len(warnings), ends_on)


def days_outside(booked_days: Iterable[dt.date], windows: Sequence[tuple[dt.date, dt.date]]) -> tuple[dt.date, ...]:
    """Booked days (sorted, unique) that no window ``(starts_on, ends_on exclusive)`` covers."""
    return tuple(sorted({d for d in booked_days if not any(start <= d < end for start, end in windows)}))
