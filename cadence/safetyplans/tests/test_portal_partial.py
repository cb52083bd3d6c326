"""The partial another app includes on the portal's "I need help now" page, and ``current_plan_for``."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from cadence.safetyplans.queries import current_plan_for
from cadence.testing.personas import World

from .helpers import draft, person, signed

pytestmark = pytest.mark.django_db


def test_current_plan_is_none_without_a_signed_version(world: World) -> None:
    participant = person(world).participant
    assert current_plan_for(participant) is None
    draft(world, participant)
    assert current_plan_for(participant) is None


def test_current_plan_is_the_signed_version(world: World) -> None:
    participant = person(world).participant
    version = signed(world, participant)
    assert current_plan_for(participant) == version


def test_partial_without_a_plan_says_so_briefly() -> None:
    html = render_to_string("safetyplans/_portal_plan.html", {"plan": None, "lang": "en"})
    assert "do not have a signed safety plan yet" in html
    assert "tel:" not in html


def test_partial_shows_every_step_and_tel_links(world: World) -> None:
    participant = person(world).participant
    html = render_to_string("safetyplans/_portal_plan.html", {"plan": signed(world, participant), "lang": "en"})
    for step in range(1, 7):
        assert f"Step {step}" in html
    assert 'href="tel:988"' in html
    assert 'href="sms:988"' in html
    assert 'href="tel:5550100101"' in html
    assert 'href="tel:+15550100177"' in html
    assert "My daughter Lily" in html


def test_partial_speaks_spanish(world: World) -> None:
    participant = person(world).participant
    html = render_to_string("safetyplans/_portal_plan.html", {"plan": signed(world, participant), "lang": "es"})
    assert "Mi plan de seguridad" in html
    assert "Paso 6" in html
