"""Template filters of the consents app's portal pages: a consent's kind and status in the participant's
language, from the page's ``cw`` phrases (``consents.wording.words``)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def kind_in(kind: str, phrases: dict[str, str]) -> str:
    """``{{ consent.kind|kind_in:cw }}``: "Treatment, payment and operations"... in the page's language."""
    return phrases.get(f"kind_{kind}", kind)


@register.filter
def status_in(status: str, phrases: dict[str, str]) -> str:
    """``{{ status|status_in:cw }}``: "In effect" / "Vigente"... in the page's language."""
    return phrases.get(f"status_{status}", status)
