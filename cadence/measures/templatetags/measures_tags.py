"""Template filters for measures: an instrument's abbreviation from its code."""

from __future__ import annotations

from django import template

from cadence.measures.instruments import INSTRUMENTS

register = template.Library()


@register.filter
def abbreviation(code: str) -> str:
    """``phq9`` -> ``PHQ-9`` (the code itself when unknown)."""
    instrument = INSTRUMENTS.get(code)
    return instrument.abbreviation if instrument is not None else code
