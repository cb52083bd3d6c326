"""Individualized treatment plans: problems, goals, objectives, interventions, signatures, reviews."""

from __future__ import annotations
