"""/api/v1/safety: risk flags, crisis events with escalation, the on-call roster, and the participant's help button."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Safety and crisis"])
