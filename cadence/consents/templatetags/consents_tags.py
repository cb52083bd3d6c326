"""Template tags of the consents app: ``{% part2_notice %}`` prints the 42 CFR Part 2 notice verbatim."""

from __future__ import annotations

from django import template

from cadence.consents.wording import PART2_NOTICE

register = template.Library()


@register.simple_tag
def part2_notice() -> str:
    return PART2_NOTICE
