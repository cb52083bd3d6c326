from __future__ import annotations

from typing import Any

from django.apps import AppConfig


def on_alert_raised(sender: object, *, alert: Any, at: Any, **kwargs: object) -> None:
    """A measures alert (PHQ-9 item 9, C-SSRS, craving, unexpected screen) becomes a risk flag, and a crisis
    event when high or critical. Runs inside the alert's transaction."""
    from .actions import raise_from_alert

    raise_from_alert(alert=alert, at=at)


class SafetyConfig(AppConfig):
    name = "cadence.safety"
    label = "safety"
    verbose_name = "Safety and crisis"

    def ready(self) -> None:
        from cadence.measures.signals import alert_raised

        alert_raised.connect(on_alert_raised, dispatch_uid="safety.on_alert_raised")
