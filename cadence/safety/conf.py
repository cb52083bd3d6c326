"""Settings of the safety app, read from Django settings with these defaults.

CADENCE_CRISIS_ACK_MINUTES         a high or critical crisis event not acknowledged within this many minutes
                                   escalates to the on-call clinician (its default lives in settings.py only)
CADENCE_CRISIS_ESCALATION_MINUTES  then, still unacknowledged this many minutes later, to the program
                                   director(s) (default: the same as the acknowledgement period)
CADENCE_CRISIS_EMAIL               send e-mail with each notification (on); e-mails never hold clinical details
CADENCE_BASE_URL                   the address staff open Cadence at, for links in e-mail ("" = path only)
"""

from __future__ import annotations

from django.conf import settings


def ack_minutes() -> int:
    return int(settings.CADENCE_CRISIS_ACK_MINUTES)


def step_minutes() -> int:
    return int(getattr(settings, "CADENCE_CRISIS_ESCALATION_MINUTES", ack_minutes()))


def email_enabled() -> bool:
    return bool(getattr(settings, "CADENCE_CRISIS_EMAIL", True))


def base_url() -> str:
    return str(getattr(settings, "CADENCE_BASE_URL", "")).rstrip("/")
