"""``{{ value|percent }}``: 42.5 -> "42.5%", None -> "—" (nothing to divide by)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}%".replace(".0%", "%")


@register.filter
def days(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}".removesuffix(".0") + " days"
