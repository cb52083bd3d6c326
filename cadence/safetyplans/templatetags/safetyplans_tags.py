"""``{% safety_plan_view plan lang as sp %}``: a version shaped for a template in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from cadence.portal.wording import language_of, short_date

from ..display import SectionView, sections
from ..display import tel_target as _tel_target
from ..models import SafetyPlanVersion
from ..queries import signed_on, site_of
from ..wording import words

register = template.Library()


@dataclass(frozen=True)
class PlanView:
    version: SafetyPlanVersion
    sections: list[SectionView]
    signed_line: str
    t: dict[str, str]


@register.simple_tag
def safety_plan_view(plan: SafetyPlanVersion | None, lang: str | None = "en") -> PlanView | None:
    if plan is None:
        return None
    language = language_of(lang)
    t = words(language)
    day = signed_on(plan, site_of(plan.plan.participant))  # the site's day, as on the PDF
    signed_line = t["signed_on"].format(day=short_date(day, language), number=plan.number) if day else ""
    return PlanView(plan, sections(plan.plan_content, language), signed_line, t)


@register.simple_tag
def safety_plan_words(lang: str | None = "en") -> dict[str, str]:
    return words(language_of(lang))


@register.filter
def form_for(forms: dict[str, Any], key: str) -> Any:
    """``item_forms|form_for:section.key``: the add-item form of one section."""
    return forms.get(key)


@register.filter
def tel_target(phone: str) -> str:
    """``{{ phone|tel_target }}``: what goes after ``tel:`` (digits, a leading + kept)."""
    return _tel_target(phone or "")
