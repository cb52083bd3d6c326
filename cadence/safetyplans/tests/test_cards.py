"""The chart panels: the "Safety plan" link and the card with the plan's state."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client, override_settings

from cadence.accounts.models import User
from cadence.safetyplans import actions
from cadence.safetyplans.cards import safety_plan_link_panel, safety_plan_panel
from cadence.testing.personas import NOW, World

from .helpers import person, signed

pytestmark = pytest.mark.django_db
PANELS = ["cadence.safetyplans.cards.safety_plan_link_panel", "cadence.safetyplans.cards.safety_plan_panel"]


def test_panels_only_for_roles_that_read_the_clinical_record(world: World) -> None:
    participant = person(world).participant
    assert safety_plan_link_panel(world.frontdesk, participant, NOW) is None
    assert safety_plan_panel(world.billing, participant, NOW) is None
    link = safety_plan_link_panel(world.auditor, participant, NOW)
    assert link is not None and link.context == {"label": "Safety plan", "url": f"/safety-plans/{participant.pk}/"}


@override_settings(CADENCE_CHART_PANELS=PANELS)
def test_chart_shows_the_link_and_the_card(world: World, client_for: Callable[[User], Client]) -> None:
    participant = person(world).participant
    signed(world, participant)
    actions.start_draft(participant=participant, by=world.clinician_a, at=NOW)
    html = client_for(world.clinician_a).get(f"/participants/{participant.pk}/").content.decode()
    assert f'href="/safety-plans/{participant.pk}/"' in html
    assert "Version 1 signed 23 Nov 2026 · 6 of 6 steps filled" in html
    assert "Version 2 is being written (6 of 6 steps filled)" in html


def test_card_without_a_plan(world: World) -> None:
    card = safety_plan_panel(world.clinician_a, person(world).participant, NOW)
    assert card is not None and card.context["current"] is None


def test_admin_configures_the_emergency_department_of_a_site(
    world: World, client_for: Callable[[User], Client]
) -> None:
    from cadence.safetyplans.models import EmergencyDepartment

    client = client_for(world.admin)
    assert client.get("/admin/safetyplans/emergencydepartment/").status_code == 200
    response = client.post(
        "/admin/safetyplans/emergencydepartment/add/",
        {"site": world.site_a.pk, "name": "Northside ER", "address": "1 Main St", "phone": "not a phone"},
    )
    assert response.status_code == 200 and not EmergencyDepartment.objects.exists()
    client.post(
        "/admin/safetyplans/emergencydepartment/add/",
        {"site": world.site_a.pk, "name": "Northside ER", "address": "1 Main St", "phone": "555-0190"},
    )
    assert EmergencyDepartment.objects.get().name == "Northside ER"
    assert client_for(world.clinician_a).get("/admin/safetyplans/emergencydepartment/").status_code in (302, 403)
