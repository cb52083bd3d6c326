"""/api/v1/notes: progress notes and group notes: writing, signing, co-signing, addenda, curricula and templates."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Clinical notes"])
