"""Notes settings with their defaults; each may be set in ``cadence/settings.py`` (``CADENCE_*``).

Read through these functions, not at import time, so tests can override them.
"""

from __future__ import annotations

from django.conf import settings

from . import rules


def sign_hours() -> int:
    """A note is overdue this many hours after its session ends while unsigned."""
    return int(getattr(settings, "CADENCE_NOTE_SIGN_HOURS", rules.DEFAULT_SIGN_HOURS))


def name_min_length() -> int:
    """Names shorter than this are not looked for by the group-note name-leak check."""
    return int(getattr(settings, "CADENCE_NOTE_NAME_MIN_LENGTH", rules.MIN_NAME_LENGTH))


def page_size() -> int:
    return int(getattr(settings, "CADENCE_NOTES_PAGE_SIZE", getattr(settings, "CADENCE_PAGE_SIZE", 50)))


def card_lookback_days() -> int:
    """The "Notes to sign" card looks for sessions without a note this many days back."""
    return int(getattr(settings, "CADENCE_NOTE_CARD_LOOKBACK_DAYS", 14))
