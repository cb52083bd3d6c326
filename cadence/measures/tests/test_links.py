"""One-time measure links: made by staff (shown once, only a hash stored), answered without a login,
single use, expiring, and never usable by another participant."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client

from cadence.accounts.models import User, hash_token
from cadence.audit.models import AuditAction, AuditEntry
from cadence.measures import actions
from cadence.measures.models import MeasureRequest, MeasureResult
from cadence.testing.personas import NOW, World

from .helpers import person, portal_login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
ClientFor = Callable[[User], Client]
GAD7_FORM = {f"gad7_{i}": "1" for i in range(1, 8)}


def make_link(world: World, participant_language: str = "en", **kwargs: object) -> tuple[MeasureRequest, str]:
    episode = person(world, language=participant_language)
    return actions.create_measure_request(
        participant=episode.participant,
        instrument="gad7",
        by=world.clinician_a,
        at=NOW,
        **kwargs,  # type: ignore[arg-type]
    )


def test_staff_create_a_link_shown_once_and_only_its_hash_is_stored(world: World, client_for: ClientFor) -> None:
    episode = person(world)

    response = client_for(world.clinician_a).post(
        f"/measures/participant/{episode.participant_id}/links/new/", {"instrument": "phq9", "language": "es"}
    )

    html = response.content.decode()
    match = re.search(r"http://testserver/me/m/([A-Za-z0-9_-]+)/", html)
    assert match is not None
    row = MeasureRequest.objects.get()
    assert row.token_hash == hash_token(match.group(1))
    assert match.group(1) not in str(AuditEntry.objects.values_list("changes", "summary"))
    assert (row.instrument, row.language, row.expires_at) == ("phq9", "es", NOW + dt.timedelta(hours=72))


def test_participant_answers_through_the_link_without_login_once(world: World) -> None:
    row, raw = make_link(world, participant_language="es")
    client = Client()

    page = client.get(f"/me/m/{raw}/")
    saved = client.post(f"/me/m/{raw}/", GAD7_FORM)
    again = client.get(f"/me/m/{raw}/")
    replay = client.post(f"/me/m/{raw}/", GAD7_FORM)

    assert page.status_code == 200
    assert "Sentirse nervioso(a)" in page.content.decode()  # the link's language
    assert row.participant.legal_last_name not in page.content.decode()  # no identity on an unauthenticated page
    assert saved.status_code == 200 and "Gracias" in saved.content.decode()
    result = MeasureResult.objects.get()
    assert (result.participant, result.source, result.entered_by, result.total) == (row.participant, "link", None, 7)
    row.refresh_from_db()
    assert (row.used_at, row.result) == (NOW, result)
    assert again.status_code == 410 and "already used" in again.content.decode()
    assert replay.status_code == 410
    assert MeasureResult.objects.count() == 1
    entry = AuditEntry.objects.get(object_type="measures.measureresult")
    assert (entry.actor, entry.actor_label) == (None, "One-time link")


def test_an_expired_link_is_refused(world: World) -> None:
    _row, raw = make_link(world, lifetime=dt.timedelta(hours=1))

    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        response = Client().post(f"/me/m/{raw}/", GAD7_FORM)

    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert MeasureResult.objects.count() == 0


def test_an_unknown_link_is_404(world: World) -> None:
    assert Client().get("/me/m/not-a-token/").status_code == 404


def test_missing_answers_are_shown_and_the_link_stays_usable(world: World) -> None:
    row, raw = make_link(world)
    client = Client()

    response = client.post(f"/me/m/{raw}/", {"gad7_1": "1"})

    assert response.status_code == 200
    assert response.context["form"].errors["gad7_2"] == ["Answer this question."]
    row.refresh_from_db()
    assert row.used_at is None
    assert client.post(f"/me/m/{raw}/", GAD7_FORM).status_code == 200
    assert MeasureResult.objects.count() == 1


def test_another_participants_login_cannot_use_the_link(world: World, client_for: ClientFor) -> None:
    row, raw = make_link(world)
    intruder = portal_login(person(world, "Intruder").participant)

    response = client_for(intruder).post(f"/me/m/{raw}/", GAD7_FORM)

    assert response.status_code == 404
    assert MeasureResult.objects.count() == 0
    denied = AuditEntry.objects.get(action=AuditAction.DENIED)
    assert (denied.actor, denied.participant_id) == (intruder, row.participant_id)


def test_the_participants_own_login_can_use_their_link(world: World, client_for: ClientFor) -> None:
    row, raw = make_link(world)
    owner = portal_login(row.participant)

    assert client_for(owner).post(f"/me/m/{raw}/", GAD7_FORM).status_code == 200
    assert MeasureResult.objects.get().participant == row.participant


def test_completing_a_used_link_in_the_action_is_refused(world: World) -> None:
    _row, raw = make_link(world)
    actions.complete_measure_request(raw_token=raw, answers=[0] * 7, at=NOW)
    with pytest.raises(actions.MeasurementError) as caught:
        actions.complete_measure_request(raw_token=raw, answers=[0] * 7, at=NOW)
    assert caught.value.field == "token"
