"""The participant's own portal: home with next steps and recent results in plain words, the daily
check-in, questionnaires, language switch; a participant only ever sees and submits their own data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client

from cadence.accounts.models import User
from cadence.measures.models import CheckIn, MeasureResult
from cadence.measures.tests.helpers import TODAY, check_in, person, phq9, portal_login, record
from cadence.participants.models import Episode, Participant
from cadence.testing.personas import NOW, World

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
ClientFor = Callable[[User], Client]
CHECK_IN = {"mood": "7", "craving": "3", "sleep_hours": "6.5", "used": "no", "used_what": "", "note": "Good day"}
PHQ9_FORM = {f"phq9_{i}": "1" for i in range(1, 9)} | {"phq9_9": "0"}


@pytest.fixture
def alex(world: World) -> Episode:
    return person(world, "Alvarez", first="Alex", language="es")


@pytest.fixture
def sam(world: World) -> Episode:
    return person(world, "Smith", first="Sam")


def test_home_shows_the_participants_name_next_steps_and_results_in_plain_words(
    world: World, alex: Episode, client_for: ClientFor
) -> None:
    login = portal_login(alex.participant)
    record(alex.participant, world.clinician_a, answers=phq9(16), day=dt.date(2026, 10, 6))
    record(alex.participant, world.clinician_a, answers=phq9(8), day=dt.date(2026, 11, 20))

    response = client_for(login).get("/me/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="es">' in html
    assert "Hola, Alex" in html
    assert "Registrarme ahora" in html  # today's check-in is still to do
    assert "Trastorno de Ansiedad Generalizada-7" in html  # GAD-7 is due (admission measure)
    assert "Su puntaje fue 8 de 27: leve." in html
    assert "Es una mejoría clara desde que empezó." in html
    assert "988" in html


def test_participant_checks_in_once_a_day(alex: Episode, client_for: ClientFor) -> None:
    login = portal_login(alex.participant)
    client = client_for(login)

    saved = client.post("/me/check-in/", CHECK_IN)
    again = client.get("/me/check-in/")

    assert saved.status_code == 302 and saved["Location"] == "/me/"
    row = CheckIn.objects.get()
    assert (row.participant, row.local_date, row.entered_by, row.source) == (alex.participant, TODAY, login, "portal")
    assert again.status_code == 302
    assert "Ya hizo su registro de hoy" in client.get("/me/").content.decode()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"mood": "11"}, "mood"),
        ({"sleep_hours": "25"}, "sleep_hours"),
        ({"sleep_hours": "6.25"}, "sleep_hours"),
        ({"used": ""}, "used"),
    ],
)
def test_check_in_out_of_range_is_a_field_error(
    sam: Episode, client_for: ClientFor, change: dict[str, str], field: str
) -> None:
    response = client_for(portal_login(sam.participant)).post("/me/check-in/", CHECK_IN | change)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert CheckIn.objects.count() == 0


def test_check_in_is_dated_the_participants_local_day(sam: Episode, client_for: ClientFor) -> None:
    login = portal_login(sam.participant)
    with time_machine.travel(dt.datetime(2026, 11, 24, 4, 0, tzinfo=dt.UTC), tick=False):  # 23:00 in New York
        client_for(login).post("/me/check-in/", CHECK_IN)
    assert CheckIn.objects.get().local_date == TODAY


def test_participant_completes_a_questionnaire_of_their_schedule(sam: Episode, client_for: ClientFor) -> None:
    login = portal_login(sam.participant)
    client = client_for(login)

    page = client.get("/me/questionnaires/phq9/")
    refused = client.post("/me/questionnaires/phq9/", {"phq9_1": "1"})
    saved = client.post("/me/questionnaires/phq9/", PHQ9_FORM)

    assert "Little interest or pleasure" in page.content.decode()
    assert refused.context["form"].errors["phq9_2"] == ["Answer this question."]
    assert saved.status_code == 302
    row = MeasureResult.objects.get()
    assert (row.participant, row.source, row.entered_by, row.total) == (sam.participant, "portal", login, 8)
    assert client.get("/me/questionnaires/pcl5/").status_code == 404  # not in the program's schedule


def test_language_switch_is_kept_for_the_session(sam: Episode, client_for: ClientFor) -> None:
    client = client_for(portal_login(sam.participant))
    assert "Hello, Sam" in client.get("/me/").content.decode()

    client.post("/me/language/", {"language": "es", "next": "/me/check-in/"})

    html = client.get("/me/check-in/").content.decode()
    assert "¿Cómo está su estado de ánimo hoy?" in html
    assert client.post("/me/language/", {"language": "en", "next": "https://evil.example/"})["Location"] == "/me/"


def test_a_participant_sees_only_their_own_data(
    world: World, alex: Episode, sam: Episode, client_for: ClientFor
) -> None:
    record(alex.participant, world.clinician_a, answers=phq9(21), day=dt.date(2026, 11, 20))
    check_in(alex.participant, world.clinician_a, TODAY, mood=1, craving=9)
    sam_login = portal_login(sam.participant)
    client = client_for(sam_login)

    html = client.get("/me/").content.decode()
    client.post("/me/check-in/", CHECK_IN)
    client.post("/me/questionnaires/phq9/", PHQ9_FORM | {"participant": str(alex.participant_id)})

    assert "Alvarez" not in html and "Alex" not in html and "21 out of 27" not in html
    assert CheckIn.objects.get(participant=sam.participant).entered_by == sam_login
    assert MeasureResult.objects.filter(participant=alex.participant).count() == 1
    assert MeasureResult.objects.filter(participant=sam.participant).count() == 1
    # Staff pages and the staff API stay closed to a participant login.
    assert client.get(f"/measures/participant/{alex.participant_id}/")["Location"] == "/me/"
    assert client.get(f"/api/v1/participants/{alex.participant_id}/measures").status_code == 403
    assert client.post("/measures/preview/phq9/", PHQ9_FORM)["Location"] == "/me/"


def test_staff_and_unlinked_logins_cannot_open_the_portal(world: World, client_for: ClientFor) -> None:
    assert client_for(world.clinician_a).get("/me/").status_code == 403
    assert Client().get("/me/").status_code == 302  # sign in first
    episode = person(world)
    lost = portal_login(episode.participant)
    Participant.objects.filter(pk=episode.participant_id).update(portal_user=None)
    assert client_for(lost).get("/me/").status_code == 403


def test_portal_pages_have_no_inline_script_or_style(sam: Episode, client_for: ClientFor) -> None:
    client = client_for(portal_login(sam.participant))
    for url in ("/me/", "/me/check-in/", "/me/questionnaires/cssrs/"):
        html = client.get(url).content.decode()
        assert "<script>" not in html and "style=" not in html, url


def test_nothing_is_due_without_an_admission(world: World, client_for: ClientFor) -> None:
    referral = person(world, status="referred", admitted_on=None, track=None, level_of_care=None)
    html = client_for(portal_login(referral.participant)).get("/me/").content.decode()
    assert "No questionnaires are due right now." in html
    assert NOW  # the clock is frozen for every test here
