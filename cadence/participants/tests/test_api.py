"""/api/v1/participants and episodes: scope, permissions, errors as 4xx with field and reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.participants.models import Episode, EpisodeStatus, Participant
from cadence.testing.personas import NOW, World

pytestmark = pytest.mark.django_db
ApiFor = Callable[[User], Client]


@pytest.fixture(autouse=True)
def _frozen_clock():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def new_participant(world: World, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "legal_first_name": "Riley",
        "legal_last_name": "Example",
        "date_of_birth": "1991-02-03",
        "program_id": world.iop_a.pk,
        "referred_on": "2026-11-20",
        "emergency_contacts": [{"name": "Casey Example", "phone": "555-0142", "relationship": "partner"}],
        "diagnoses": [{"code": "F11.20", "rank": "primary"}],
    }
    body.update(overrides)
    return body


def post(client: Client, url: str, body: object) -> object:
    return client.post(url, body, content_type="application/json")


def test_front_desk_registers_a_participant_with_a_referral(world: World, api_for: ApiFor) -> None:
    response = post(api_for(world.frontdesk), "/api/v1/participants", new_participant(world))
    assert response.status_code == 201, response.content  # type: ignore[attr-defined]
    data = response.json()  # type: ignore[attr-defined]
    assert data["diagnoses"][0]["code"] == "F11.20"
    assert data["episodes"][0]["status"] == "referred"
    assert Participant.objects.get(pk=data["id"]).legal_last_name == "Example"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date_of_birth": "2027-01-01"}, "date_of_birth"),
        ({"date_of_birth": "not-a-date"}, "date_of_birth"),
        ({"diagnoses": [{"code": "XYZ", "rank": "primary"}]}, "code"),
        ({"legal_last_name": ""}, "legal_last_name"),
        ({"program_id": 999999}, "program_id"),
        ({"referred_on": "2026-12-01"}, "referred_on"),
    ],
)
def test_bad_registration_answers_4xx_with_field_and_saves_nothing(
    world: World, api_for: ApiFor, overrides: dict[str, object], field: str
) -> None:
    response = post(api_for(world.frontdesk), "/api/v1/participants", new_participant(world, **overrides))
    assert response.status_code in (400, 422)  # type: ignore[attr-defined]
    detail = response.json()["detail"]  # type: ignore[attr-defined]
    assert any(item["field"].endswith(field) for item in detail), detail
    assert all(item["reason"] for item in detail)
    assert not Participant.objects.exists()


def test_registration_into_a_program_outside_scope_is_refused(world: World, api_for: ApiFor) -> None:
    response = post(api_for(world.clinician_b), "/api/v1/participants", new_participant(world))
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert response.json()["detail"][0]["field"] == "program_id"  # type: ignore[attr-defined]


def test_clinician_from_other_site_gets_404_and_the_attempt_is_audited(world: World, api_for: ApiFor) -> None:
    episode = world.episode()
    response = api_for(world.clinician_b).get(f"/api/v1/participants/{episode.participant_id}")
    assert response.status_code == 404
    assert "Example" not in response.content.decode()
    denied = AuditEntry.objects.get(action=AuditAction.DENIED)
    assert (denied.actor, denied.participant_id) == (world.clinician_b, episode.participant_id)


@pytest.mark.parametrize("verb", ["patch", "admit", "level", "discharge", "episodes"])
def test_every_write_from_the_other_site_is_404(world: World, api_for: ApiFor, verb: str) -> None:
    episode = world.episode()
    client = api_for(world.clinician_b)
    pid = episode.participant_id
    if verb == "patch":
        response = client.patch(f"/api/v1/participants/{pid}", {"phone": "1"}, content_type="application/json")
    elif verb == "admit":
        response = post(
            client,
            f"/api/v1/participants/{pid}/episodes/admit",
            {"program_id": world.iop_b.pk, "track_id": world.morning_b.pk, "admitted_on": "2026-11-20"},
        )
    elif verb == "level":
        response = post(
            client,
            f"/api/v1/participants/episodes/{episode.pk}/level-of-care",
            {"level_of_care": "1", "starts_on": "2026-11-20", "reason": "x"},
        )
    elif verb == "discharge":
        response = post(
            client,
            f"/api/v1/participants/episodes/{episode.pk}/discharge",
            {"discharged_on": "2026-11-20", "reason": 1},
        )
    else:
        response = client.get(f"/api/v1/participants/{pid}/episodes")
    assert response.status_code == 404  # type: ignore[union-attr]
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ACTIVE


def test_user_of_another_organization_sees_nothing(world: World, api_for: ApiFor) -> None:
    episode = world.episode()
    client = api_for(world.outsider)
    assert client.get("/api/v1/participants").json()["count"] == 0
    assert client.get(f"/api/v1/participants/{episode.participant_id}").status_code == 404


def test_caseload_search_and_filters(world: World, api_for: ApiFor) -> None:
    first = world.episode()
    world.episode(track=world.evening_a)
    world.episode(program=world.php_a, track=world.php_day_a)
    client = api_for(world.director)
    assert client.get("/api/v1/participants").json()["count"] == 3
    by_track = client.get(f"/api/v1/participants?track_id={world.evening_a.pk}").json()
    assert by_track["count"] == 1
    by_name = client.get(f"/api/v1/participants?q={first.participant.legal_last_name.lower()}").json()
    assert [r["participant"]["id"] for r in by_name["results"]] == [first.participant_id]
    mine = api_for(world.clinician_a).get("/api/v1/participants?mine=true").json()
    assert mine["count"] == 3
    assert AuditEntry.objects.filter(action=AuditAction.LIST, actor=world.director).count() == 3


def test_caseload_list_query_count_does_not_grow_with_participants(world: World, api_for: ApiFor) -> None:
    client = api_for(world.director)
    world.episode()
    client.get("/api/v1/participants")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/participants")
    for _ in range(12):
        world.episode()
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/participants")
    assert response.json()["count"] == 13
    assert len(many) == len(few)


def test_admit_change_level_and_discharge_through_the_api(world: World, api_for: ApiFor) -> None:
    created = post(api_for(world.frontdesk), "/api/v1/participants", new_participant(world)).json()  # type: ignore[attr-defined]
    client = api_for(world.clinician_a)
    admitted = post(
        client,
        f"/api/v1/participants/{created['id']}/episodes/admit",
        {
            "program_id": world.iop_a.pk,
            "track_id": world.morning_a.pk,
            "admitted_on": "2026-11-20",
            "primary_clinician_id": world.clinician_a.pk,
        },
    )
    assert admitted.status_code == 201, admitted.content  # type: ignore[attr-defined]
    episode_id = admitted.json()["id"]  # type: ignore[attr-defined]
    assert admitted.json()["status"] == "active"  # type: ignore[attr-defined]
    stepped = post(
        client,
        f"/api/v1/participants/episodes/{episode_id}/level-of-care",
        {"level_of_care": "1", "starts_on": "2026-11-23", "reason": "Stable; stepping down"},
    )
    assert stepped.status_code == 201, stepped.content  # type: ignore[attr-defined]
    assert stepped.json()["level_of_care"] == "1"  # type: ignore[attr-defined]
    done = post(
        client,
        f"/api/v1/participants/episodes/{episode_id}/discharge",
        {"discharged_on": "2026-11-23", "reason": 1, "step_down_to": "Aftercare group"},
    )
    assert done.status_code == 200, done.content  # type: ignore[attr-defined]
    assert Episode.objects.get(pk=episode_id).discharge_reason == 1


def test_duplicate_admission_answers_400_with_field(world: World, api_for: ApiFor) -> None:
    episode = world.episode()
    response = post(
        api_for(world.clinician_a),
        f"/api/v1/participants/{episode.participant_id}/episodes/admit",
        {"program_id": world.iop_a.pk, "track_id": world.morning_a.pk, "admitted_on": "2026-11-20"},
    )
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert response.json()["detail"][0]["field"] == "program"  # type: ignore[attr-defined]


def test_unknown_level_of_care_answers_400(world: World, api_for: ApiFor) -> None:
    episode = world.episode()
    response = post(
        api_for(world.clinician_a),
        f"/api/v1/participants/episodes/{episode.pk}/level-of-care",
        {"level_of_care": "9.9", "starts_on": "2026-11-20", "reason": "x"},
    )
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert response.json()["detail"] == [  # type: ignore[attr-defined]
        {"field": "level_of_care", "reason": "There is no level of care '9.9'."}
    ]


def test_discharge_with_reason_out_of_range_is_422(world: World, api_for: ApiFor) -> None:
    episode = world.episode()
    response = post(
        api_for(world.clinician_a),
        f"/api/v1/participants/episodes/{episode.pk}/discharge",
        {"discharged_on": "2026-11-20", "reason": 9},
    )
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert response.json()["detail"][0]["field"] == "reason"  # type: ignore[attr-defined]


def test_front_desk_cannot_discharge_and_auditor_cannot_write(world: World, api_for: ApiFor) -> None:
    episode = world.episode()
    response = post(
        api_for(world.frontdesk),
        f"/api/v1/participants/episodes/{episode.pk}/discharge",
        {"discharged_on": "2026-11-20", "reason": 1},
    )
    assert response.status_code == 403  # type: ignore[attr-defined]
    response = api_for(world.auditor).patch(
        f"/api/v1/participants/{episode.participant_id}", {"phone": "1"}, content_type="application/json"
    )
    assert response.status_code == 403
    episode.participant.refresh_from_db()
    assert episode.participant.phone == ""


def test_patch_updates_and_audits_changed_fields(world: World, api_for: ApiFor) -> None:
    episode = world.episode()
    response = api_for(world.frontdesk).patch(
        f"/api/v1/participants/{episode.participant_id}",
        {"preferred_name": "Rae", "language": "es"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["display_name"].startswith("Rae ")
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, participant_id=episode.participant_id)
    assert set(entry.changes) == {"preferred_name", "language"}


def test_patch_with_future_birth_date_is_400_and_changes_nothing(world: World, api_for: ApiFor) -> None:
    episode = world.episode()
    response = api_for(world.frontdesk).patch(
        f"/api/v1/participants/{episode.participant_id}",
        {"date_of_birth": "2030-01-01", "phone": "555"},
        content_type="application/json",
    )
    assert response.status_code == 400
    episode.participant.refresh_from_db()
    assert (episode.participant.phone, episode.participant.date_of_birth) == ("", dt.date(1990, 5, 17))


def test_programs_tracks_levels_and_staff_endpoints_are_scoped(world: World, api_for: ApiFor) -> None:
    client_b = api_for(world.clinician_b)
    programs = client_b.get("/api/v1/programs").json()
    assert [p["id"] for p in programs] == [world.iop_b.pk]
    assert client_b.get(f"/api/v1/programs/{world.iop_a.pk}").status_code == 404
    tracks = client_b.get("/api/v1/tracks").json()
    assert {t["id"] for t in tracks} == {world.morning_b.pk}
    levels = {lvl["code"]: lvl for lvl in client_b.get("/api/v1/levels-of-care").json()}
    assert levels["2.1"]["min_hours_week_adult"] == 9 and levels["2.1"]["min_hours_week_adolescent"] == 6
    assert levels["2.5"]["min_hours_week_adult"] == 20
    staff = client_b.get("/api/v1/staff").json()
    assert "outsider" not in {s["username"] for s in staff}
    assert client_b.get(f"/api/v1/staff/{world.outsider.pk}").status_code == 404


def test_openapi_schema_lists_the_endpoints(world: World, api_for: ApiFor) -> None:
    schema = api_for(world.admin).get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert "/api/v1/participants" in paths and "/api/v1/participants/{participant_id}" in paths
    assert "/api/v1/participants/{participant_id}/episodes/admit" in paths


def test_api_without_credentials_is_401_json(db: None) -> None:
    response = Client().get("/api/v1/participants")
    assert response.status_code == 401
    assert response.json()["detail"][0]["field"] == "Authorization"


def test_openapi_schema_needs_a_session_or_token(world: World) -> None:
    assert Client().get("/api/v1/openapi.json").status_code == 401
    assert Client().get("/api/v1/docs").status_code == 401


def test_get_in_scope_returns_in_scope_rows_and_audits_the_rest(world: World) -> None:
    from django.http import Http404

    from cadence.accounts.scope import get_in_scope
    from cadence.programs.models import Track

    assert get_in_scope(world.clinician_a, Track.objects.all(), world.morning_a.pk) == world.morning_a
    with pytest.raises(Http404):
        get_in_scope(world.clinician_b, Track.objects.all(), world.morning_a.pk)
    denied = AuditEntry.objects.get(action=AuditAction.DENIED)
    assert (denied.actor, denied.object_type, denied.object_id) == (
        world.clinician_b,
        "programs.track",
        str(world.morning_a.pk),
    )
