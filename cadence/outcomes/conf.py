"""Settings of program outcomes, read from Django settings with DOMAIN.md's defaults.

CADENCE_OUTCOME_BASELINE_DAYS_BEFORE  how many days before admission a result may be to serve as the
                                      episode's baseline ("pre"); default 14
"""

from __future__ import annotations

from django.conf import settings

from .rules import DEFAULT_BASELINE_DAYS_BEFORE


def baseline_days_before() -> int:
    return int(getattr(settings, "CADENCE_OUTCOME_BASELINE_DAYS_BEFORE", DEFAULT_BASELINE_DAYS_BEFORE))
