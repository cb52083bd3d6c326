"""Scheduling settings with their defaults (each can be set in ``cadence/settings.py`` or the environment).

They are read through these functions, not at import time, so tests can override them.
"""

from __future__ import annotations

from django.conf import settings


def _int(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def group_max_size_limit() -> int:
    """The largest group a slot or session may allow (issue 3: default 12, up to 15)."""
    return _int("CADENCE_GROUP_MAX_SIZE_LIMIT", 15)


def staff_default_max_hours_week() -> int:
    """Weekly hours for staff whose ``max_hours_week`` is empty."""
    return _int("CADENCE_STAFF_DEFAULT_MAX_HOURS_WEEK", 40)


def build_time_limit_seconds() -> int:
    """The solver's default time budget for a build."""
    return _int("CADENCE_SCHEDULE_TIME_LIMIT_SECONDS", 30)


def max_build_time_limit_seconds() -> int:
    return _int("CADENCE_SCHEDULE_MAX_TIME_LIMIT_SECONDS", 300)


def solver_workers() -> int:
    """CP-SAT worker threads for a build (the issue's benchmarks assume 2 cores)."""
    return _int("CADENCE_SCHEDULE_SOLVER_WORKERS", 2)


def calendar_past_days() -> int:
    """How far back a calendar feed reaches."""
    return _int("CADENCE_CALENDAR_PAST_DAYS", 30)


def calendar_future_days() -> int:
    return _int("CADENCE_CALENDAR_FUTURE_DAYS", 120)


def generate_max_days() -> int:
    """The longest date range one "generate sessions" request may cover."""
    return _int("CADENCE_SCHEDULE_GENERATE_MAX_DAYS", 366)
