"""Pure safety rules (no database): which alert raises which risk flag, when an unacknowledged crisis
event escalates, and the percentiles of the response-time report.

- ``flag_for_alert``: PHQ-9 item 9 and C-SSRS moderate/high raise a suicide-risk flag; high craving on
  consecutive check-ins and an unexpected positive drug screen raise a relapse flag; reliable deterioration
  raises none (the clinician sees it as an alert). A high or critical flag also raises a crisis event.
- ``due_step``: a high or critical event still "raised" (nobody acknowledged it) at its deadline
  (``raised_at`` + ``ack_minutes``: callers pass the setting ``CADENCE_CRISIS_ACK_MINUTES``) escalates to
  step 1 (the on-call clinician of the site); ``step_minutes`` later (default: the same period) to step 2
  (the program director(s)). A step runs once; an acknowledged event never escalates.
- ``percentile``: linear interpolation between the closest ranks (the common spreadsheet definition).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from cadence.core.errors import DomainError

#: Severities whose crisis events escalate when nobody acknowledges them in time (``models.Severity`` values).
ESCALATING = frozenset({"high", "critical"})
LAST_STEP = 2


class SafetyError(DomainError):
    """A safety rule refused the change (field and reason)."""


@dataclass(frozen=True, slots=True)
class FlagSpec:
    """The risk flag an alert raises, its source and whether it also raises a crisis event."""

    kind: str
    severity: str
    source: str
    raises_event: bool


_ALERT_FLAG_KINDS = {
    "phq9_item9": "suicide_risk",
    "cssrs_risk": "suicide_risk",
    "high_craving": "relapse",
    "unexpected_positive_screen": "relapse",
}


def flag_for_alert(*, alert_kind: str, alert_severity: str, origin_type: str) -> FlagSpec | None:
    """The flag a measures alert raises (None for alerts that are not a risk, e.g. reliable deterioration).

    ``origin_type`` is what raised the alert (``measures.checkin`` is a daily check-in, anything else a measure).
    """
    kind = _ALERT_FLAG_KINDS.get(alert_kind)
    if kind is None:
        return None
    severity = alert_severity if alert_severity in {"low", "moderate", "high", "critical"} else "moderate"
    source = "check_in" if origin_type == "measures.checkin" else "measure"
    return FlagSpec(kind=kind, severity=severity, source=source, raises_event=severity in ESCALATING)


@dataclass(frozen=True, slots=True)
class EventClock:
    """What escalation needs to know about an event."""

    severity: str
    status: str
    raised_at: dt.datetime
    steps_done: Collection[int] = ()


def ack_deadline(raised_at: dt.datetime, ack_minutes: int) -> dt.datetime:
    return raised_at + dt.timedelta(minutes=ack_minutes)


def step_due_at(raised_at: dt.datetime, step: int, *, ack_minutes: int, step_minutes: int | None = None) -> dt.datetime:
    """When ``step`` (1 or 2) becomes due for an event raised at ``raised_at``."""
    period = ack_minutes if step_minutes is None else step_minutes
    return ack_deadline(raised_at, ack_minutes) + dt.timedelta(minutes=period * (step - 1))


def due_step(clock: EventClock, now: dt.datetime, *, ack_minutes: int, step_minutes: int | None = None) -> int | None:
    """The escalation step to run now (1 or 2), or None: not escalating, acknowledged, not yet due, or done."""
    if clock.severity not in ESCALATING or clock.status != "raised":
        return None
    for step in range(1, LAST_STEP + 1):
        if step in clock.steps_done:
            continue
        if now >= step_due_at(clock.raised_at, step, ack_minutes=ack_minutes, step_minutes=step_minutes):
            return step
        return None
    return None


def percentile(values: Sequence[float], p: float) -> float | None:
    """The ``p``-th percentile (0-100) of ``values`` by linear interpolation; None for no values."""
    if not 0 <= p <= 100:
        raise ValueError("p must be between 0 and 100")
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
