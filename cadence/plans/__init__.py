"""Individualized treatment plans: problems, goals, objectives, interventions, signatures, reviews."""
