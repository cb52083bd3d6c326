"""Display helpers for plan snapshots (plain dicts with ISO dates and choice codes)."""

from __future__ import annotations

import datetime as dt

from django import template

from cadence.plans.models import AsamDimension, ObjectiveStatus
from cadence.plans.rules import hours_label

register = template.Library()


@register.filter
def hours(minutes: object) -> str:
    return hours_label(int(minutes or 0))  # type: ignore[call-overload]


@register.filter
def isodate(value: object) -> dt.date | None:
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, dt.date) else None


@register.filter
def objective_status(value: object) -> str:
    return dict(ObjectiveStatus.choices).get(str(value), str(value))


@register.filter
def asam(value: object) -> str:
    return dict(AsamDimension.choices).get(str(value), "")
