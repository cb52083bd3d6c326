"""Settings of measurement-based care, read from Django settings with DOMAIN.md's defaults.

CADENCE_PCL5_CUTOFF          PCL-5 provisional-PTSD cut-off (DOMAIN.md: 31-33, a setting; default 33)
CADENCE_CRAVING_ALERT_AT     check-in craving that raises an alert when reached twice in a row (8)
CADENCE_MEASURE_LINK_HOURS   how long a one-time measure link stays valid (72 hours)
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from .alert_rules import DEFAULT_CRAVING_THRESHOLD
from .instruments import DEFAULT_PCL5_CUTOFF, MeasureSettings

DEFAULT_LINK_HOURS = 72


def measure_settings() -> MeasureSettings:
    return MeasureSettings(pcl5_cutoff=int(getattr(settings, "CADENCE_PCL5_CUTOFF", DEFAULT_PCL5_CUTOFF)))


def craving_alert_at() -> int:
    return int(getattr(settings, "CADENCE_CRAVING_ALERT_AT", DEFAULT_CRAVING_THRESHOLD))


def link_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=int(getattr(settings, "CADENCE_MEASURE_LINK_HOURS", DEFAULT_LINK_HOURS)))
