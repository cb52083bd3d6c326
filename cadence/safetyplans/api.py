"""/api/v1/safety-plans: Stanley-Brown safety plans (versioned, signed, printable, on the phone)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Safety plans"])
