"""Staff administer a measure: a form built from the instrument, English or Spanish, the live score
preview, field errors with nothing saved, and the role and scope checks."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.measures.models import Alert, MeasureResult
from cadence.testing.personas import World

from .helpers import TODAY, person, site_b_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
ClientFor = Callable[[User], Client]


def url(episode_participant_id: int, code: str = "phq9") -> str:
    return f"/measures/participant/{episode_participant_id}/record/{code}/"


def answers(*values: int | str) -> dict[str, str]:
    return {f"phq9_{i}": str(v) for i, v in enumerate(values, start=1)}


def test_form_has_radio_buttons_per_item_in_the_participants_language(world: World, client_for: ClientFor) -> None:
    episode = person(world, language="es")

    response = client_for(world.clinician_a).get(url(episode.participant_id))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Poco interés o placer en hacer las cosas" in html
    assert html.count('type="radio" name="phq9_9"') == 4
    assert 'hx-post="/measures/preview/phq9/"' in html
    assert "<script>" not in html and "style=" not in html
    english = client_for(world.clinician_a).get(url(episode.participant_id) + "?lang=en").content.decode()
    assert "Little interest or pleasure in doing things" in english


def test_staff_save_a_measure_and_see_it_on_the_trend_page(world: World, client_for: ClientFor) -> None:
    episode = person(world)
    client = client_for(world.clinician_a)
    data = answers(2, 2, 2, 2, 1, 1, 1, 0, 1) | {"administered_on": TODAY.isoformat(), "lang": "en"}

    response = client.post(url(episode.participant_id), data)

    assert response.status_code == 302
    assert response["Location"] == f"/measures/participant/{episode.participant_id}/"
    row = MeasureResult.objects.get()
    assert (row.total, row.band, row.entered_by, row.source) == (12, "moderate", world.clinician_a, "staff")
    assert Alert.objects.get().kind == "phq9_item9"
    page = client.get(response["Location"]).content.decode()
    assert "PHQ-9 saved: 12 (Moderate)" in page
    assert "PHQ-9 item 9: thoughts of self-harm" in page


def test_missing_items_future_date_and_tampered_values_are_field_errors(world: World, client_for: ClientFor) -> None:
    episode = person(world)
    data = answers(0, 0, 9, 0, 0, 0, 0) | {"administered_on": "2026-11-24"}

    response = client_for(world.clinician_a).post(url(episode.participant_id), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["phq9_3"] == ["Choose one of the answers."]
    assert form.errors["phq9_8"] == ["Answer this question."]
    assert form.errors["phq9_9"] == ["Answer this question."]
    assert MeasureResult.objects.count() == 0


def test_a_future_date_is_refused_by_the_action_on_the_date_field(world: World, client_for: ClientFor) -> None:
    episode = person(world)
    data = answers(0, 0, 0, 0, 0, 0, 0, 0, 0) | {"administered_on": "2026-11-24"}

    response = client_for(world.clinician_a).post(url(episode.participant_id), data)

    assert "cannot be in the future" in response.context["form"].errors["administered_on"][0]
    assert MeasureResult.objects.count() == 0


def test_skipped_cssrs_items_are_dropped_not_refused(world: World, client_for: ClientFor) -> None:
    episode = person(world)
    data = {
        "administered_on": TODAY.isoformat(),
        "cssrs_1": "no",
        "cssrs_2": "no",
        "cssrs_3": "yes",  # answered, then question 2 changed to no: skipped, as on paper
        "cssrs_6_lifetime": "no",
    }

    response = client_for(world.clinician_a).post(url(episode.participant_id, "cssrs"), data)

    assert response.status_code == 302
    assert MeasureResult.objects.get().answers == [False, False, None, None, None, False, None]
    html = client_for(world.clinician_a).get(url(episode.participant_id, "cssrs")).content.decode()
    assert 'data-depends-on="cssrs_2" data-depends-values="yes"' in html
    assert "Only if you answered Yes to question 2." in html


def test_live_preview_scores_without_saving(world: World, client_for: ClientFor) -> None:
    client = client_for(world.clinician_a)

    partial = client.post("/measures/preview/phq9/", answers(3, 3, 3, 3, 3, 2, 1, 0), HTTP_HX_REQUEST="true")
    full = client.post("/measures/preview/phq9/", answers(3, 3, 3, 3, 3, 2, 1, 0, 1), HTTP_HX_REQUEST="true")

    assert "1 item still to answer: 9" in partial.content.decode()
    html = full.content.decode()
    assert '<p class="score-total">19' in html
    assert "Moderately severe" in html
    assert "Item 9 above 0" in html
    assert MeasureResult.objects.count() == 0
    assert client.post("/measures/preview/nope/", {}).status_code == 404


def test_auditc_form_asks_for_sex_when_not_on_file(world: World, client_for: ClientFor) -> None:
    episode = person(world)
    client = client_for(world.clinician_a)
    data = {"administered_on": TODAY.isoformat(), "auditc_1": "1", "auditc_2": "1", "auditc_3": "1"}

    refused = client.post(url(episode.participant_id, "auditc"), data)
    saved = client.post(url(episode.participant_id, "auditc"), data | {"sex": "male"})

    assert "sex" in refused.context["form"].errors
    assert saved.status_code == 302
    assert MeasureResult.objects.get().band == "negative"


def test_roles_without_clinical_access_get_403(world: World, client_for: ClientFor) -> None:
    episode = person(world)
    for user in (world.frontdesk, world.billing, world.auditor):
        assert client_for(user).get(url(episode.participant_id)).status_code == 403
    assert client_for(world.frontdesk).post("/measures/preview/phq9/", {}).status_code == 403


def test_clinician_of_the_other_site_gets_404_and_the_attempt_is_audited(world: World, client_for: ClientFor) -> None:
    episode = site_b_person(world)

    response = client_for(world.clinician_a).post(url(episode.participant_id), answers(0, 0, 0, 0, 0, 0, 0, 0, 0))

    assert response.status_code == 404
    assert MeasureResult.objects.count() == 0
    denied = AuditEntry.objects.get(action=AuditAction.DENIED)
    assert (denied.actor, denied.participant_id) == (world.clinician_a, episode.participant_id)


def test_unknown_instrument_is_404(world: World, client_for: ClientFor) -> None:
    episode = person(world)
    assert client_for(world.clinician_a).get(url(episode.participant_id, "nope")).status_code == 404


def test_result_page_shows_each_item_and_answer(world: World, client_for: ClientFor) -> None:
    episode = person(world)
    client = client_for(world.clinician_a)
    client.post(url(episode.participant_id), answers(1, 0, 0, 0, 0, 0, 0, 0, 0) | {"administered_on": "2026-11-23"})
    row = MeasureResult.objects.get()

    html = client.get(f"/measures/results/{row.pk}/").content.decode()

    assert "Little interest or pleasure in doing things" in html
    assert "Several days" in html
    assert client_for(world.clinician_b).get(f"/measures/results/{row.pk}/").status_code == 404
