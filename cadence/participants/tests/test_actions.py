"""Participant and episode actions against the database: rules, constraints, audit rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from cadence.audit.models import AuditAction, AuditEntry
from cadence.participants import actions
from cadence.participants.models import (
    Diagnosis,
    Episode,
    EpisodeStatus,
    LevelOfCareChange,
    Participant,
    TedsReason,
)
from cadence.participants.rules import ParticipantError
from cadence.testing.factories import level
from cadence.testing.personas import NOW, World

pytestmark = pytest.mark.django_db


def details(**overrides: object) -> actions.ParticipantDetails:
    values: dict[str, object] = {
        "legal_first_name": "Jordan",
        "legal_last_name": "Sample",
        "date_of_birth": dt.date(1988, 4, 2),
        "preferred_name": "Jo",
        "pronouns": "they/them",
    }
    values.update(overrides)
    return actions.ParticipantDetails(**values)  # type: ignore[arg-type]


def register(world: World, **overrides: object) -> Episode:
    return actions.register_participant(
        details=details(**overrides),
        program=world.iop_a,
        referred_on=dt.date(2026, 11, 20),
        by=world.frontdesk,
        at=NOW,
        contacts=[actions.ContactDetails(name="Pat Sample", phone="555-0100", relationship="sibling")],
        diagnoses=[actions.DiagnosisDetails(code="f1020", rank="primary", description="Alcohol use disorder")],
    )


def test_registering_creates_participant_referral_contact_diagnosis_and_audit(world: World) -> None:
    episode = register(world)
    participant = episode.participant
    assert episode.status == EpisodeStatus.REFERRED
    assert participant.record_number == f"C{participant.pk:06d}"
    assert participant.search_text == f"jordan sample jo c{participant.pk:06d}"
    assert participant.emergency_contacts.get().phone == "555-0100"
    assert participant.diagnoses.get().code == "F10.20"
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, participant_id=participant.pk)
    assert entry.actor == world.frontdesk
    assert entry.changes["legal_last_name"] == "Sample"


def test_registering_with_a_bad_icd10_code_saves_nothing(world: World) -> None:
    with pytest.raises(ParticipantError) as err:
        actions.register_participant(
            details=details(),
            program=world.iop_a,
            referred_on=dt.date(2026, 11, 20),
            by=world.frontdesk,
            at=NOW,
            diagnoses=[actions.DiagnosisDetails(code="alcohol")],
        )
    assert err.value.field == "code"
    assert not Participant.objects.exists()
    assert not Episode.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.CREATE).exclude(object_type="accounts.apitoken").exists()


def test_future_date_of_birth_is_refused(world: World) -> None:
    with pytest.raises(ParticipantError) as err:
        register(world, date_of_birth=dt.date(2026, 11, 24))
    assert err.value.field == "date_of_birth"
    assert not Participant.objects.exists()


def test_admitting_a_referral_makes_it_active_with_level_history(world: World) -> None:
    episode = register(world)
    admitted = actions.admit_participant(
        participant=episode.participant,
        program=world.iop_a,
        track=world.morning_a,
        admitted_on=dt.date(2026, 11, 23),
        primary_clinician=world.clinician_a,
        by=world.frontdesk,
        at=NOW,
    )
    assert admitted.pk == episode.pk
    assert admitted.status == EpisodeStatus.ACTIVE
    assert admitted.level_of_care == level("2.1")
    change = LevelOfCareChange.objects.get(episode=admitted)
    assert (change.starts_on, change.level_of_care.code) == (dt.date(2026, 11, 23), "2.1")
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(admitted.pk)).exists()


def test_admission_dated_tomorrow_in_new_york_is_refused_even_though_utc_says_today(world: World) -> None:
    episode = register(world)
    late_evening_utc = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)  # 22:00 on the 23rd in New York
    with pytest.raises(ParticipantError, match="future"):
        actions.admit_participant(
            participant=episode.participant,
            program=world.iop_a,
            track=world.morning_a,
            admitted_on=dt.date(2026, 11, 24),
            by=world.frontdesk,
            at=late_evening_utc,
        )


def test_duplicate_admission_is_refused_and_changes_nothing(world: World) -> None:
    episode = world.episode()
    count = AuditEntry.objects.count()
    with pytest.raises(ParticipantError, match="Already admitted") as err:
        actions.admit_participant(
            participant=episode.participant,
            program=world.iop_a,
            track=world.evening_a,
            admitted_on=dt.date(2026, 11, 20),
            by=world.clinician_a,
            at=NOW,
        )
    assert err.value.field == "program"
    episode.refresh_from_db()
    assert episode.track == world.morning_a
    assert AuditEntry.objects.count() == count


def test_track_of_another_program_is_refused(world: World) -> None:
    episode = register(world)
    with pytest.raises(ParticipantError) as err:
        actions.admit_participant(
            participant=episode.participant,
            program=world.iop_a,
            track=world.php_day_a,
            admitted_on=dt.date(2026, 11, 23),
            by=world.clinician_a,
            at=NOW,
        )
    assert err.value.field == "track"


def test_inactive_level_of_care_is_refused(world: World) -> None:
    episode = register(world)
    with pytest.raises(ParticipantError) as err:
        actions.admit_participant(
            participant=episode.participant,
            program=world.iop_a,
            track=world.morning_a,
            admitted_on=dt.date(2026, 11, 23),
            level_of_care=level("2.7"),
            by=world.clinician_a,
            at=NOW,
        )
    assert err.value.field == "level_of_care"


def test_readmission_overlapping_an_earlier_episode_is_refused_but_after_it_is_allowed(world: World) -> None:
    episode = world.episode(admitted_on=dt.date(2026, 9, 1), referred_on=dt.date(2026, 9, 1))
    actions.discharge_participant(
        episode=episode, discharged_on=dt.date(2026, 10, 15), reason=TedsReason.COMPLETED, by=world.clinician_a, at=NOW
    )
    with pytest.raises(ParticipantError) as err:
        actions.admit_participant(
            participant=episode.participant,
            program=world.iop_a,
            track=world.morning_a,
            admitted_on=dt.date(2026, 10, 15),
            by=world.clinician_a,
            at=NOW,
        )
    assert err.value.field == "admitted_on"
    again = actions.admit_participant(
        participant=episode.participant,
        program=world.iop_a,
        track=world.morning_a,
        admitted_on=dt.date(2026, 10, 16),
        by=world.clinician_a,
        at=NOW,
    )
    assert again.pk != episode.pk
    assert episode.participant.episodes.count() == 2


def test_level_change_updates_current_level_and_keeps_history(world: World) -> None:
    episode = world.episode(program=world.php_a, track=world.php_day_a, level_of_care=level("2.5"))
    actions.change_level_of_care(
        episode=episode,
        level_of_care=level("2.1"),
        starts_on=dt.date(2026, 11, 16),
        reason="Met PHP goals; stepping down",
        by=world.clinician_a,
        at=NOW,
    )
    episode.refresh_from_db()
    assert episode.level_of_care == level("2.1")
    assert [c.level_of_care.code for c in episode.level_changes.all()] == ["2.5", "2.1"]


def test_level_change_of_a_discharged_episode_is_refused(world: World) -> None:
    episode = world.episode()
    actions.discharge_participant(
        episode=episode, discharged_on=dt.date(2026, 11, 20), reason=2, by=world.clinician_a, at=NOW
    )
    with pytest.raises(ParticipantError) as err:
        actions.change_level_of_care(
            episode=episode,
            level_of_care=level("1"),
            starts_on=dt.date(2026, 11, 21),
            reason="x",
            by=world.clinician_a,
            at=NOW,
        )
    assert err.value.field == "episode"


def test_discharge_before_admission_is_refused_and_episode_stays_active(world: World) -> None:
    episode = world.episode(admitted_on=dt.date(2026, 10, 5))
    with pytest.raises(ParticipantError) as err:
        actions.discharge_participant(
            episode=episode, discharged_on=dt.date(2026, 10, 4), reason=1, by=world.clinician_a, at=NOW
        )
    assert err.value.field == "discharged_on"
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ACTIVE


@pytest.mark.parametrize("reason", [0, 8])
def test_discharge_reason_outside_teds_codes_is_refused(world: World, reason: int) -> None:
    episode = world.episode()
    with pytest.raises(ParticipantError) as err:
        actions.discharge_participant(
            episode=episode, discharged_on=dt.date(2026, 11, 20), reason=reason, by=world.clinician_a, at=NOW
        )
    assert err.value.field == "reason"


def test_discharge_records_teds_reason_and_step_down(world: World) -> None:
    episode = world.episode()
    actions.discharge_participant(
        episode=episode,
        discharged_on=dt.date(2026, 11, 20),
        reason=TedsReason.COMPLETED,
        step_down_to="Outpatient (level 1)",
        by=world.clinician_a,
        at=NOW,
    )
    episode.refresh_from_db()
    assert (episode.status, episode.discharge_reason, episode.step_down_to) == ("discharged", 1, "Outpatient (level 1)")


def test_second_active_primary_diagnosis_is_refused(world: World) -> None:
    episode = register(world)
    with pytest.raises(ParticipantError) as err:
        actions.add_diagnosis(
            participant=episode.participant,
            noted_on=dt.date(2026, 11, 21),
            diagnosis=actions.DiagnosisDetails(code="F32.1", rank="primary"),
            by=world.clinician_a,
            at=NOW,
        )
    assert err.value.field == "rank"
    actions.add_diagnosis(
        participant=episode.participant,
        noted_on=dt.date(2026, 11, 21),
        diagnosis=actions.DiagnosisDetails(code="F32.1"),
        by=world.clinician_a,
        at=NOW,
    )
    assert Diagnosis.objects.filter(participant=episode.participant).count() == 2


def test_update_records_only_changed_fields(world: World) -> None:
    participant = register(world).participant
    actions.update_participant(
        participant=participant, changes={"phone": "555-0199", "pronouns": "they/them"}, by=world.frontdesk, at=NOW
    )
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE, participant_id=participant.pk).get()
    assert entry.changes == {"phone": ["", "555-0199"]}


def test_update_of_an_unknown_field_is_refused(world: World) -> None:
    participant = register(world).participant
    with pytest.raises(ParticipantError) as err:
        actions.update_participant(participant=participant, changes={"record_number": "X"}, by=world.admin, at=NOW)
    assert err.value.field == "record_number"


def test_database_refuses_two_open_episodes_in_one_program(world: World) -> None:
    episode = world.episode()
    with pytest.raises(IntegrityError), transaction.atomic():
        Episode.objects.create(
            participant=episode.participant, program=world.iop_a, referred_on=dt.date(2026, 11, 1), created_at=NOW
        )


def test_database_refuses_discharge_without_reason(world: World) -> None:
    episode = world.episode()
    with pytest.raises(IntegrityError), transaction.atomic():
        Episode.objects.filter(pk=episode.pk).update(status="discharged", discharged_on=dt.date(2026, 11, 20))


def test_referral_waitlist_and_close(world: World) -> None:
    episode = register(world)
    actions.waitlist_episode(episode=episode, by=world.frontdesk, at=NOW)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.WAITLISTED
    actions.close_referral(episode=episode, note="Chose another provider", by=world.frontdesk, at=NOW)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.CANCELLED
    again = actions.refer_participant(
        participant=episode.participant,
        program=world.iop_a,
        referred_on=dt.date(2026, 11, 22),
        by=world.frontdesk,
        at=NOW,
    )
    assert again.status == EpisodeStatus.REFERRED


def test_diagnosis_dated_tomorrow_at_the_site_is_refused_in_the_evening(world: World) -> None:
    participant = register(world).participant
    evening_utc = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)  # still the 23rd in New York
    with pytest.raises(ParticipantError) as err:
        actions.add_diagnosis(
            participant=participant,
            noted_on=dt.date(2026, 11, 24),
            diagnosis=actions.DiagnosisDetails(code="F41.1"),
            by=world.clinician_a,
            at=evening_utc,
        )
    assert err.value.field == "noted_on"
