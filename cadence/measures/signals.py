"""Signals other apps listen to (the safety app turns risk alerts into risk flags and crisis events)."""

from django.dispatch import Signal

# Sent inside ``actions.raise_alert``'s transaction when a new alert is created (not when an existing one
# is returned), with ``alert`` (measures.Alert) and ``at`` (when it was raised). A receiver that raises
# an exception rolls the whole action back, so receivers must only refuse for real integrity problems.
alert_raised = Signal()
