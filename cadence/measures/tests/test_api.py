"""The measures API: instruments and scoring without saving, a participant's results, check-ins, drug
screens and alerts; errors as 4xx with field and reason; the same scope checks as the pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.measures.instruments import INSTRUMENTS
from cadence.measures.models import Alert, CheckIn, DrugScreen, MeasureResult
from cadence.testing.personas import World

from .helpers import check_in, person, phq9, portal_login, record, site_b_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
ApiFor = Callable[[User], Client]


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, body, content_type="application/json")


# --- Instruments and scoring ---------------------------------------------------------------------


def test_instruments_are_listed_with_items_and_bands(world: World, api_for: ApiFor) -> None:
    data = api_for(world.clinician_a).get("/api/v1/instruments").json()
    assert [i["code"] for i in data] == list(INSTRUMENTS)
    phq = data[0]
    assert (phq["abbreviation"], phq["answer_count"], phq["loinc"]["total"]) == ("PHQ-9", 9, "44261-6")
    spanish = api_for(world.clinician_a).get("/api/v1/instruments/gad7?language=es").json()
    assert spanish["items"][0]["text"].startswith("Sentirse nervioso")


def test_score_answers_without_saving(world: World, api_for: ApiFor) -> None:
    response = post(api_for(world.clinician_a), "/api/v1/instruments/phq9/score", {"answers": phq9(15, item9=1)})

    assert response.status_code == 200
    data = response.json()
    assert (data["total"], data["band"]["code"], data["band"]["label"]) == (
        15,
        "moderately_severe",
        "Moderately severe",
    )
    assert [f["code"] for f in data["flags"]] == ["phq9_item9"]
    assert MeasureResult.objects.count() == 0


def test_score_bam_subscales_cssrs_risk_and_auditc_with_sex(world: World, api_for: ApiFor) -> None:
    client = api_for(world.clinician_a)
    cssrs = post(client, "/api/v1/instruments/cssrs/score", {"answers": [True, True, True, False, False, False, None]})
    assert cssrs.json()["band"]["code"] == "moderate"
    auditc = post(client, "/api/v1/instruments/auditc/score", {"answers": [1, 1, 1], "sex": "female"})
    assert auditc.json()["band"]["code"] == "positive"
    no_sex = post(client, "/api/v1/instruments/auditc/score", {"answers": [1, 1, 1]})
    assert (no_sex.status_code, no_sex.json()["detail"][0]["field"]) == (400, "sex")
    bad_sex = post(client, "/api/v1/instruments/phq9/score", {"answers": phq9(0), "sex": "x"})
    assert (bad_sex.status_code, bad_sex.json()["detail"][0]["field"]) == (400, "sex")


@pytest.mark.parametrize(
    ("body", "status", "fields"),
    [
        ({"answers": [0, 0, 0, 4, 0, 0, 0, 0, 0]}, 400, ["answers[3]"]),
        ({"answers": [0, 0, 0, None, 0, 0, 0, 0, "1"]}, 400, ["answers[3]", "answers[8]"]),
        ({"answers": [0, 0, 0, 0, 0, 0, 0]}, 400, ["answers"]),  # GAD-7 answers sent to PHQ-9
        ({"answers": [0, 0, 0, 0, 0, 0, 0, 0, True]}, 400, ["answers[8]"]),
        ({"answers": "0,0,0"}, 422, ["answers"]),
        ({}, 422, ["answers"]),
    ],
)
def test_score_errors_name_the_field_and_reason(
    world: World, api_for: ApiFor, body: dict[str, Any], status: int, fields: list[str]
) -> None:
    response = post(api_for(world.clinician_a), "/api/v1/instruments/phq9/score", body)
    assert response.status_code == status
    detail = response.json()["detail"]
    assert [d["field"] for d in detail] == fields
    assert all(d["reason"] for d in detail)


def test_unknown_instrument_is_404(world: World, api_for: ApiFor) -> None:
    response = post(api_for(world.clinician_a), "/api/v1/instruments/phq10/score", {"answers": []})
    assert response.status_code == 404
    assert response.json()["detail"][0]["field"] == "code"
    assert api_for(world.clinician_a).get("/api/v1/instruments/phq10").status_code == 404


def test_participant_logins_and_anonymous_callers_cannot_use_the_api(world: World, api_for: ApiFor) -> None:
    login = portal_login(person(world).participant)
    assert api_for(login).get("/api/v1/instruments").status_code == 403
    assert Client().get("/api/v1/instruments").status_code == 401


# --- Results, check-ins, screens -----------------------------------------------------------------


def test_create_and_list_results(world: World, api_for: ApiFor) -> None:
    episode = person(world)
    client = api_for(world.clinician_a)
    url = f"/api/v1/participants/{episode.participant_id}/measures"

    created = post(client, url, {"instrument": "phq9", "answers": phq9(11), "administered_on": "2026-11-20"})

    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["total"], data["band"], data["band_label"], data["source"]) == (11, "moderate", "Moderate", "staff")
    assert client.get(url).json()[0]["id"] == data["id"]
    assert client.get(url + "?instrument=gad7").json() == []
    due = client.get(url + "/due").json()
    assert {d["instrument"] for d in due} == {"gad7", "bam", "cssrs"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"instrument": "phq9", "answers": [0] * 8 + [7]}, "answers[8]"),
        ({"instrument": "phq9", "answers": [0] * 9, "administered_on": "2026-11-24"}, "administered_on"),
        ({"instrument": "gad7", "answers": [0] * 9}, "answers"),
        ({"instrument": "xyz", "answers": [0]}, "instrument"),
    ],
)
def test_bad_results_are_400_and_nothing_is_saved(
    world: World, api_for: ApiFor, body: dict[str, Any], field: str
) -> None:
    episode = person(world)
    response = post(api_for(world.clinician_a), f"/api/v1/participants/{episode.participant_id}/measures", body)
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == field
    assert MeasureResult.objects.count() == 0


def test_check_ins_via_api_one_per_day(world: World, api_for: ApiFor) -> None:
    episode = person(world)
    client = api_for(world.clinician_a)
    url = f"/api/v1/participants/{episode.participant_id}/check-ins"
    body = {"mood": 6, "craving": 2, "sleep_hours": "7.5", "used": False}

    first = post(client, url, body)
    second = post(client, url, body)
    bad = post(client, url, body | {"local_date": "2026-11-22", "mood": 12})

    assert first.status_code == 201 and first.json()["sleep_hours"] == 7.5
    assert (second.status_code, second.json()["detail"][0]["field"]) == (400, "local_date")
    assert (bad.status_code, bad.json()["detail"][0]["field"]) == (400, "mood")
    assert CheckIn.objects.count() == 1
    assert len(client.get(url).json()) == 1


def test_drug_screens_via_api(world: World, api_for: ApiFor) -> None:
    episode = person(world)
    client = api_for(world.clinician_a)
    url = f"/api/v1/participants/{episode.participant_id}/drug-screens"
    body = {
        "collected_on": "2026-11-23",
        "observed": True,
        "panels": [
            {"substance": "buprenorphine", "result": "positive", "expected": True},
            {"substance": "fentanyl", "result": "positive"},
        ],
    }

    created = post(client, url, body)
    refused = post(client, url, body | {"panels": [{"substance": "fentanyl", "result": "maybe"}]})

    assert created.status_code == 201, created.content
    assert {p["substance"] for p in created.json()["panels"]} == {"buprenorphine", "fentanyl"}
    assert Alert.objects.get().kind == "unexpected_positive_screen"
    assert (refused.status_code, refused.json()["detail"][0]["field"]) == (400, "panels[0].result")
    assert DrugScreen.objects.count() == 1
    assert len(client.get(url).json()) == 1


def test_alerts_via_api_list_acknowledge_close(world: World, api_for: ApiFor) -> None:
    episode = person(world)
    record(episode.participant, world.clinician_a, answers=phq9(1, item9=1))
    client = api_for(world.clinician_a)

    listed = client.get("/api/v1/alerts?mine=true").json()
    alert_id = listed[0]["id"]
    ack = post(client, f"/api/v1/alerts/{alert_id}/acknowledge", {"note": "seen"})
    twice = post(client, f"/api/v1/alerts/{alert_id}/acknowledge", {})
    no_outcome = post(client, f"/api/v1/alerts/{alert_id}/close", {"outcome": ""})
    closed = post(client, f"/api/v1/alerts/{alert_id}/close", {"outcome": "Safety plan reviewed"})

    assert ack.json()["status"] == "acknowledged"
    assert (twice.status_code, twice.json()["detail"][0]["field"]) == (400, "status")
    assert (no_outcome.status_code, no_outcome.json()["detail"][0]["field"]) == (400, "outcome")
    assert (closed.json()["status"], closed.json()["outcome"]) == ("closed", "Safety plan reviewed")
    assert client.get("/api/v1/alerts").json() == []
    assert len(client.get("/api/v1/alerts?status=all").json()) == 1
    assert len(client.get(f"/api/v1/participants/{episode.participant_id}/alerts").json()) == 1


def test_api_scope_is_the_same_as_the_pages(world: World, api_for: ApiFor) -> None:
    episode = site_b_person(world)
    record(episode.participant, world.clinician_b, answers=phq9(1, item9=1))
    check_in(episode.participant, world.clinician_b)
    alert = Alert.objects.get()
    client = api_for(world.clinician_a)
    base = f"/api/v1/participants/{episode.participant_id}"

    for url in (f"{base}/measures", f"{base}/check-ins", f"{base}/drug-screens", f"{base}/alerts"):
        assert client.get(url).status_code == 404
    assert post(client, f"{base}/measures", {"instrument": "phq9", "answers": phq9(0)}).status_code == 404
    assert post(client, f"/api/v1/alerts/{alert.pk}/acknowledge", {}).status_code == 404
    assert client.get("/api/v1/alerts").json() == []
    assert AuditEntry.objects.filter(action=AuditAction.DENIED, actor=world.clinician_a).count() == 6
    assert (
        api_for(world.frontdesk).get(f"/api/v1/participants/{person(world).participant_id}/measures").status_code == 403
    )
