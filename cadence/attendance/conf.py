"""Attendance settings with their defaults; each may be set in ``cadence/settings.py`` (``CADENCE_*``).

Read through these functions, not at import time, so tests can override them.
"""

from __future__ import annotations

from django.conf import settings


def _int(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def kiosk_opens_minutes_before() -> int:
    """Self check-in opens this many minutes before a session starts."""
    return _int("CADENCE_KIOSK_OPENS_MINUTES_BEFORE", 30)


def kiosk_closes_minutes_after() -> int:
    """Self check-in closes this many minutes after a session starts."""
    return _int("CADENCE_KIOSK_CLOSES_MINUTES_AFTER", 15)


def kiosk_unlock_hours() -> int:
    """How long a kiosk stays unlocked after a staff member opens it."""
    return _int("CADENCE_KIOSK_UNLOCK_HOURS", 12)


def kiosk_max_pin_failures() -> int:
    """Wrong PINs in a row before a check-in code is locked for a while."""
    return _int("CADENCE_KIOSK_MAX_PIN_FAILURES", 5)


def kiosk_lockout_minutes() -> int:
    return _int("CADENCE_KIOSK_LOCKOUT_MINUTES", 15)


def ledger_weeks() -> int:
    """Weeks in a participant's ledger strip."""
    return _int("CADENCE_LEDGER_WEEKS", 12)


def outreach_due_days() -> int:
    """An outreach task is due this many days after it opens."""
    return _int("CADENCE_OUTREACH_DUE_DAYS", 1)


def accountability_history_weeks() -> int:
    """How far back the accountability rules look (streaks and runs of weeks)."""
    return _int("CADENCE_ACCOUNTABILITY_HISTORY_WEEKS", 6)


def authorization_review_warn_days() -> int:
    """Warn when a concurrent review is due within this many days."""
    return _int("CADENCE_AUTH_REVIEW_WARN_DAYS", 3)


def authorization_low_units() -> int:
    """Warn when fewer than this many authorized units are left."""
    return _int("CADENCE_AUTH_LOW_UNITS", 3)


def authorization_board_expired_days() -> int:
    """The authorization board leaves out authorizations that ended more than this many days ago."""
    return _int("CADENCE_AUTH_BOARD_EXPIRED_DAYS", 30)


def billing_signed_note_rule_enabled() -> bool:
    """The "no signed note" billing rule for payer rules that ask for it (`PayerRule.requires_signed_note`):
    off by default; the notes app answers it (`cadence.notes.queries.note_signed_on_day`, one query per day)."""
    return bool(getattr(settings, "CADENCE_BILLING_REQUIRE_SIGNED_NOTE", False))


def board_page_size() -> int:
    return _int("CADENCE_ATTENDANCE_BOARD_PAGE_SIZE", 50)


def nightly_ledger_weeks() -> int:
    """Weeks of the weekly ledger cache the nightly run rebuilds (the current week and those before)."""
    return max(1, _int("CADENCE_NIGHTLY_LEDGER_WEEKS", 2))


def nightly_hour() -> int:
    """Hour (0-23, in ``settings.TIME_ZONE``) at which the worker runs the self-scheduling nightly task."""
    return _int("CADENCE_NIGHTLY_HOUR", 2)
