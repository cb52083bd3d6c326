"""/api/v1/plans: individualized treatment plans: problems, goals, objectives, interventions, signatures, reviews."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Treatment plans"])
