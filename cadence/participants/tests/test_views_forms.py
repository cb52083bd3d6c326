"""Registration, details and episode-of-care forms through their URLs: success, refusals shown on the
form (nothing changes), audit rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.participants.models import (
    Diagnosis,
    EmergencyContact,
    Episode,
    EpisodeStatus,
    LevelOfCareChange,
    Participant,
    Payer,
)
from cadence.testing.factories import level
from cadence.testing.personas import NOW, World

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def referral(world: World, **kwargs: Any) -> Episode:
    kwargs = {"status": EpisodeStatus.REFERRED, "admitted_on": None, "track": None, "level_of_care": None} | kwargs
    kwargs.setdefault("primary_clinician", None)
    return world.episode(**kwargs)


def registration(world: World, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "legal_first_name": "Riley",
        "legal_last_name": "Example",
        "preferred_name": "Ri",
        "pronouns": "they/them",
        "date_of_birth": "1991-02-03",
        "sex_at_birth": "unknown",
        "language": "en",
        "phone": "555-0100",
        "contact_name": "Casey Example",
        "contact_relationship": "partner",
        "contact_phone": "555-0142",
        "diagnosis_code": "f1020",
        "diagnosis_description": "Alcohol dependence, uncomplicated",
        "program": world.iop_a.pk,
        "referred_on": "2026-11-20",
        "referral_source": "Primary care physician",
    }
    data.update(overrides)
    return data


def field_error(response: Any, field: str) -> str:
    """The error text shown next to ``field`` (asserts the form was re-rendered with one)."""
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html or field == "__all__"
    assert "error-summary" in html
    return str(errors[field][0])


# --- Registration ------------------------------------------------------------------------------


def test_register_creates_participant_referral_contact_and_primary_diagnosis(
    world: World, client_for: ClientFor
) -> None:
    payer = Payer.objects.create(organization=world.site_a.organization, name="Blue Plan")

    response = client_for(world.frontdesk).post(
        reverse("participants:register"), registration(world, payer=payer.pk, member_id="BP-123")
    )

    participant = Participant.objects.get(legal_last_name="Example")
    assert response.status_code == 302
    assert response["Location"] == reverse("participants:chart", args=[participant.pk])
    assert (participant.preferred_name, participant.payer, participant.member_id) == ("Ri", payer, "BP-123")
    episode = participant.episodes.get()
    assert (episode.program, episode.status, episode.referred_on) == (world.iop_a, "referred", dt.date(2026, 11, 20))
    assert episode.referral_source == "Primary care physician"
    assert participant.emergency_contacts.get().name == "Casey Example"
    assert participant.diagnoses.get().code == "F10.20"
    assert participant.diagnoses.get().rank == "primary"
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, participant_id=participant.pk).exists()


def test_register_with_waitlist_ticked_creates_a_waitlist_entry(world: World, client_for: ClientFor) -> None:
    client_for(world.frontdesk).post(reverse("participants:register"), registration(world, waitlist="on"))

    assert Episode.objects.get().status == EpisodeStatus.WAITLISTED


def test_register_form_offers_only_programs_in_scope(world: World, client_for: ClientFor) -> None:
    form = client_for(world.clinician_b).get(reverse("participants:register")).context["form"]

    assert list(form.fields["program"].queryset) == [world.iop_b]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date_of_birth": "2027-01-01"}, "date_of_birth"),
        ({"diagnosis_code": "10.20F"}, "diagnosis_code"),
        ({"referred_on": "2026-12-01"}, "referred_on"),
        ({"program": ""}, "program"),
        ({"legal_last_name": ""}, "legal_last_name"),
        ({"contact_phone": ""}, "contact_phone"),
        ({"email": "not-an-email"}, "email"),
    ],
)
def test_register_refusal_is_shown_on_the_field_and_creates_nothing(
    world: World, client_for: ClientFor, overrides: dict[str, object], field: str
) -> None:
    response = client_for(world.frontdesk).post(reverse("participants:register"), registration(world, **overrides))

    field_error(response, field)
    assert not Participant.objects.exists()
    assert not Episode.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.CREATE).exists()


def test_register_refuses_a_program_out_of_scope(world: World, client_for: ClientFor) -> None:
    response = client_for(world.clinician_b).post(reverse("participants:register"), registration(world))

    assert "valid choice" in field_error(response, "program")
    assert not Participant.objects.exists()


def test_future_date_of_birth_message_is_the_rule_s_message(world: World, client_for: ClientFor) -> None:
    response = client_for(world.frontdesk).post(
        reverse("participants:register"), registration(world, date_of_birth="2027-01-01")
    )

    assert field_error(response, "date_of_birth") == "Date of birth cannot be in the future."


# --- Details, contacts, diagnoses ---------------------------------------------------------------


def test_edit_details_saves_and_is_audited(world: World, client_for: ClientFor) -> None:
    episode = world.episode()
    participant = episode.participant
    url = reverse("participants:edit", args=[participant.pk])
    client = client_for(world.clinician_a)
    data = client.get(url).context["form"].initial | {"preferred_name": "Lex", "pronouns": "she/her"}
    data = {k: ("" if v is None else v) for k, v in data.items()}

    response = client.post(url, data)

    assert response.status_code == 302
    participant.refresh_from_db()
    assert (participant.preferred_name, participant.pronouns) == ("Lex", "she/her")
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, participant_id=participant.pk)
    assert "preferred_name" in entry.changes


def test_opening_the_edit_form_is_audited_as_a_view(world: World, client_for: ClientFor) -> None:
    episode = world.episode()

    client_for(world.clinician_a).get(reverse("participants:edit", args=[episode.participant_id]))

    assert AuditEntry.objects.filter(action=AuditAction.VIEW, participant_id=episode.participant_id).count() == 1


def test_edit_refuses_future_date_of_birth(world: World, client_for: ClientFor) -> None:
    participant = world.episode().participant
    url = reverse("participants:edit", args=[participant.pk])
    data = {
        "legal_first_name": "A",
        "legal_last_name": "B",
        "date_of_birth": "2030-01-01",
        "sex_at_birth": "unknown",
        "language": "en",
    }

    response = client_for(world.clinician_a).post(url, data)

    field_error(response, "date_of_birth")
    participant.refresh_from_db()
    assert participant.date_of_birth == dt.date(1990, 5, 17)


def test_add_emergency_contact(world: World, client_for: ClientFor) -> None:
    participant = world.episode().participant
    url = reverse("participants:add_contact", args=[participant.pk])

    response = client_for(world.frontdesk).post(url, {"name": "Sam Parent", "relationship": "parent", "phone": "555"})

    assert response.status_code == 302
    assert EmergencyContact.objects.get(participant=participant).relationship == "parent"


def test_add_emergency_contact_requires_a_phone(world: World, client_for: ClientFor) -> None:
    participant = world.episode().participant

    response = client_for(world.frontdesk).post(
        reverse("participants:add_contact", args=[participant.pk]), {"name": "Sam Parent"}
    )

    field_error(response, "phone")
    assert not EmergencyContact.objects.exists()


def test_add_diagnosis_normalizes_the_code(world: World, client_for: ClientFor) -> None:
    participant = world.episode().participant
    url = reverse("participants:add_diagnosis", args=[participant.pk])

    response = client_for(world.clinician_a).post(url, {"code": "f3341", "rank": "primary", "noted_on": "2026-11-23"})

    assert response.status_code == 302
    assert Diagnosis.objects.get(participant=participant).code == "F33.41"


@pytest.mark.parametrize(("code", "rank", "field"), [("ZZ", "secondary", "code"), ("F10.20", "primary", "rank")])
def test_add_diagnosis_refusals(world: World, client_for: ClientFor, code: str, rank: str, field: str) -> None:
    participant = world.episode().participant
    Diagnosis.objects.create(participant=participant, code="F11.20", rank="primary", noted_on=dt.date(2026, 10, 1))
    url = reverse("participants:add_diagnosis", args=[participant.pk])

    response = client_for(world.clinician_a).post(url, {"code": code, "rank": rank, "noted_on": "2026-11-23"})

    field_error(response, field)
    assert Diagnosis.objects.count() == 1


def test_front_desk_cannot_add_a_diagnosis(world: World, client_for: ClientFor) -> None:
    participant = world.episode().participant
    url = reverse("participants:add_diagnosis", args=[participant.pk])

    response = client_for(world.frontdesk).post(url, {"code": "F10.20", "rank": "primary", "noted_on": "2026-11-23"})

    assert response.status_code == 403
    assert not Diagnosis.objects.exists()


# --- Referral, waitlist, close -----------------------------------------------------------------


def test_new_referral_to_another_program(world: World, client_for: ClientFor) -> None:
    episode = world.episode()
    url = reverse("participants:refer", args=[episode.participant_id])

    response = client_for(world.clinician_a).post(url, {"program": world.php_a.pk, "referred_on": "2026-11-22"})

    assert response.status_code == 302
    new = Episode.objects.get(program=world.php_a)
    assert (new.participant_id, new.status) == (episode.participant_id, EpisodeStatus.REFERRED)


def test_new_referral_to_a_program_with_an_open_episode_is_refused(world: World, client_for: ClientFor) -> None:
    episode = world.episode()
    url = reverse("participants:refer", args=[episode.participant_id])

    response = client_for(world.clinician_a).post(url, {"program": world.iop_a.pk, "referred_on": "2026-11-22"})

    assert "already has an open episode" in field_error(response, "program")
    assert Episode.objects.count() == 1


def test_waitlist_a_referral(world: World, client_for: ClientFor) -> None:
    episode = referral(world)

    response = client_for(world.frontdesk).post(reverse("participants:waitlist", args=[episode.pk]), follow=True)

    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.WAITLISTED
    assert "Moved to the waitlist" in response.content.decode()


def test_waitlisting_twice_shows_the_reason(world: World, client_for: ClientFor) -> None:
    episode = referral(world, status=EpisodeStatus.WAITLISTED)

    response = client_for(world.frontdesk).post(reverse("participants:waitlist", args=[episode.pk]), follow=True)

    assert "Only a referral can be put on the waitlist." in response.content.decode()


def test_close_a_referral_with_a_note(world: World, client_for: ClientFor) -> None:
    episode = referral(world)

    response = client_for(world.frontdesk).post(
        reverse("participants:close_referral", args=[episode.pk]), {"note": "Declined services"}
    )

    assert response.status_code == 302
    episode.refresh_from_db()
    assert (episode.status, episode.discharge_note) == (EpisodeStatus.CANCELLED, "Declined services")


def test_close_referral_needs_a_note(world: World, client_for: ClientFor) -> None:
    episode = referral(world)

    response = client_for(world.frontdesk).post(reverse("participants:close_referral", args=[episode.pk]), {})

    field_error(response, "note")
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.REFERRED


# --- Admission ---------------------------------------------------------------------------------


def admit_url(episode: Episode, program_id: int | None = None) -> str:
    url = reverse("participants:admit", args=[episode.participant_id])
    return f"{url}?program={program_id or episode.program_id}"


def admission(world: World, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "track": world.evening_a.pk,
        "admitted_on": "2026-11-23",
        "level_of_care": world.iop_a.level_of_care_id,
        "primary_clinician": world.clinician_a.pk,
    }
    data.update(overrides)
    return data


def test_successful_admission_shows_the_participant_on_the_caseload(world: World, client_for: ClientFor) -> None:
    episode = referral(world)
    client = client_for(world.clinician_a)

    response = client.post(admit_url(episode), admission(world))

    assert response.status_code == 302
    episode.refresh_from_db()
    assert (episode.status, episode.track, episode.primary_clinician) == ("active", world.evening_a, world.clinician_a)
    assert episode.admitted_on == dt.date(2026, 11, 23)
    assert LevelOfCareChange.objects.get(episode=episode).reason == "Admission"
    caseload = client.get(reverse("participants:caseload"), {"status": "active", "mine": "on"}).content.decode()
    assert episode.participant.display_name in caseload
    assert "Evening" in caseload


def test_admit_form_defaults_to_the_program_level_and_offers_only_its_tracks(
    world: World, client_for: ClientFor
) -> None:
    episode = referral(world)

    form = client_for(world.clinician_a).get(admit_url(episode)).context["form"]

    assert form.initial["level_of_care"] == world.iop_a.level_of_care_id
    assert form.initial["admitted_on"] == dt.date(2026, 11, 23)
    assert set(form.fields["track"].queryset) == {world.morning_a, world.evening_a}
    assert world.frontdesk not in form.fields["primary_clinician"].queryset
    assert world.clinician_b in form.fields["primary_clinician"].queryset


def test_admit_without_a_program_asks_for_one_first(world: World, client_for: ClientFor) -> None:
    episode = world.episode(status=EpisodeStatus.DISCHARGED, discharged_on=dt.date(2026, 11, 1), discharge_reason=1)

    response = client_for(world.clinician_a).get(reverse("participants:admit", args=[episode.participant_id]))

    assert response.status_code == 200
    assert "program" in response.context["form"].fields
    assert "track" not in response.context["form"].fields
    assert b'method="get"' in response.content


def test_duplicate_admission_is_refused(world: World, client_for: ClientFor) -> None:
    episode = world.episode()

    response = client_for(world.clinician_a).post(admit_url(episode), admission(world))

    assert "Already admitted" in field_error(response, "__all__")
    assert Episode.objects.count() == 1
    assert LevelOfCareChange.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"track": "php-track"}, "track"),
        ({"level_of_care": ""}, "level_of_care"),
        ({"admitted_on": "2026-11-01"}, "admitted_on"),
        ({"admitted_on": "2026-11-24"}, "admitted_on"),
        ({"track": ""}, "track"),
    ],
)
def test_admission_refusals_are_shown_on_the_field_and_change_nothing(
    world: World, client_for: ClientFor, overrides: dict[str, object], field: str
) -> None:
    episode = referral(world, referred_on=dt.date(2026, 11, 10))
    if overrides.get("track") == "php-track":
        overrides["track"] = world.php_day_a.pk  # a track of another program

    response = client_for(world.clinician_a).post(admit_url(episode), admission(world, **overrides))

    field_error(response, field)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.REFERRED
    assert not LevelOfCareChange.objects.exists()


# --- Level of care and discharge ---------------------------------------------------------------


def test_change_level_of_care(world: World, client_for: ClientFor) -> None:
    episode = world.episode()
    url = reverse("participants:change_level", args=[episode.pk])
    step_up = {"level_of_care": level("2.5").pk, "starts_on": "2026-11-20", "reason": "Relapse risk rising"}

    response = client_for(world.clinician_a).post(url, step_up)

    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.level_of_care == level("2.5")
    change = episode.level_changes.order_by("-starts_on").first()
    assert change is not None
    assert (change.reason, change.changed_by) == ("Relapse risk rising", world.clinician_a)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"level_of_care": ""}, "level_of_care"),
        ({"starts_on": "2026-10-05"}, "starts_on"),
        ({"level_of_care": "same"}, "level_of_care"),
    ],
)
def test_change_level_refusals(world: World, client_for: ClientFor, overrides: dict[str, object], field: str) -> None:
    episode = world.episode()
    data = {"level_of_care": level("2.5").pk, "starts_on": "2026-11-20", "reason": "Step up"} | overrides
    if data["level_of_care"] == "same":
        data["level_of_care"] = episode.level_of_care_id

    response = client_for(world.clinician_a).post(reverse("participants:change_level", args=[episode.pk]), data)

    field_error(response, field)
    assert episode.level_changes.count() == 1


def test_discharge_with_teds_reason(world: World, client_for: ClientFor) -> None:
    episode = world.episode()
    client = client_for(world.clinician_a)
    data = {"discharged_on": "2026-11-20", "reason": "1", "step_down_to": "OP level 1", "note": "Goals met"}

    response = client.post(reverse("participants:discharge", args=[episode.pk]), data, follow=True)

    episode.refresh_from_db()
    assert (episode.status, episode.discharged_on) == ("discharged", dt.date(2026, 11, 20))
    assert (episode.discharge_reason, episode.step_down_to) == (1, "OP level 1")
    html = response.content.decode()
    assert "1 — Treatment completed" in html
    assert "Discharged from Adult IOP." in html


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"discharged_on": "2026-10-01"}, "discharged_on"),  # before admission (5 Oct)
        ({"discharged_on": "2026-11-30"}, "discharged_on"),  # in the future
        ({"reason": ""}, "reason"),
        ({"reason": "9"}, "reason"),
    ],
)
def test_discharge_refusals_are_shown_on_the_field_and_change_nothing(
    world: World, client_for: ClientFor, overrides: dict[str, object], field: str
) -> None:
    episode = world.episode()
    data = {"discharged_on": "2026-11-20", "reason": "1"} | overrides

    response = client_for(world.clinician_a).post(reverse("participants:discharge", args=[episode.pk]), data)

    field_error(response, field)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ACTIVE
    assert episode.discharged_on is None


def test_discharge_before_admission_says_why(world: World, client_for: ClientFor) -> None:
    episode = world.episode()
    data = {"discharged_on": "2026-10-01", "reason": "2"}

    response = client_for(world.clinician_a).post(reverse("participants:discharge", args=[episode.pk]), data)

    assert field_error(response, "discharged_on") == "Discharge cannot be before admission (2026-10-05)."


def test_discharging_a_referral_is_refused_in_the_summary(world: World, client_for: ClientFor) -> None:
    episode = referral(world)
    data = {"discharged_on": "2026-11-20", "reason": "1"}

    response = client_for(world.clinician_a).post(reverse("participants:discharge", args=[episode.pk]), data)

    assert "Only an admitted participant" in field_error(response, "__all__")
