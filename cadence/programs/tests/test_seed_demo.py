"""manage.py seed_demo: the synthetic demo organization (cadence/programs/demo.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from cadence.accounts.models import Role, User
from cadence.audit.actions import verify_chain
from cadence.audit.models import AuditEntry
from cadence.participants.actions import ParticipantDetails, register_participant
from cadence.participants.models import (
    Diagnosis,
    DiagnosisRank,
    EmergencyContact,
    Episode,
    EpisodeStatus,
    LevelOfCareChange,
    Participant,
)
from cadence.participants.queries import CaseloadFilter, caseload, participants_for
from cadence.participants.rules import Period, check_admission, check_discharge, check_level_change, check_no_overlap
from cadence.programs.demo import DEMO_ORG_SLUG, NAMED_LOGINS, seed_demo
from cadence.programs.models import Organization, Program, Site

# Monday 23 November 2026, 15:00 UTC, as in conftest.NOW.
NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 23)
PARTICIPANTS = 80


def seed(**options: object) -> str:
    out = StringIO()
    defaults: dict[str, object] = {"participants": PARTICIPANTS, "weeks": 8, "seed": 7, "today": TODAY}
    call_command("seed_demo", stdout=out, **{**defaults, **options})
    return out.getvalue()


@pytest.fixture
def seeded(db: None) -> None:
    seed()


def user(username: str) -> User:
    return User.objects.get(username=username)


def fingerprint() -> str:
    """A digest of what a person would see: names, dates, programs, statuses, clinicians, diagnoses."""
    lines: list[str] = []
    for p in Participant.objects.order_by("record_number"):
        lines.append(f"{p.record_number} {p.legal_name} {p.preferred_name} {p.date_of_birth} {p.phone} {p.member_id}")
    for e in Episode.objects.select_related("participant", "program__site", "track", "primary_clinician").order_by(
        "participant__record_number", "referred_on", "program__code"
    ):
        clinician = e.primary_clinician.username if e.primary_clinician else ""
        lines.append(
            f"{e.participant.record_number} {e.program.site.name}/{e.program.code} {e.status} {e.referred_on} "
            f"{e.admitted_on} {e.discharged_on} {e.discharge_reason} {e.track} {clinician} {e.step_down_to}"
        )
    for d in Diagnosis.objects.select_related("participant").order_by("participant__record_number", "code"):
        lines.append(f"{d.participant.record_number} {d.code} {d.rank} {d.noted_on}")
    for c in EmergencyContact.objects.select_related("participant").order_by("participant__record_number", "id"):
        lines.append(f"{c.participant.record_number} {c.name} {c.relationship} {c.phone}")
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def fingerprint_of_seed(seed_value: int) -> str:
    """Seed inside a savepoint, fingerprint, then roll the savepoint back so the next seed starts empty."""
    with transaction.atomic():
        seed_demo(participants=PARTICIPANTS, weeks=8, seed=seed_value, now=NOW)
        digest = fingerprint()
        transaction.set_rollback(True)
    return digest


def test_named_users_have_their_roles_sites_and_programs(seeded: None) -> None:
    org = Organization.objects.get(slug=DEMO_ORG_SLUG)
    first, second = Site.objects.filter(organization=org).order_by("pk")
    assert {first.time_zone, second.time_zone} == {"America/New_York", "America/Chicago"}
    roles = dict(User.objects.filter(username__in=NAMED_LOGINS).values_list("username", "role"))
    assert roles == {
        "admin": Role.ADMIN,
        "director": Role.DIRECTOR,
        "clinician": Role.CLINICIAN,
        "clinician2": Role.CLINICIAN,
        "frontdesk": Role.FRONT_DESK,
        "billing": Role.BILLING,
        "auditor": Role.AUDITOR,
    }
    assert set(user("director").sites.all()) == {first, second}
    assert set(user("clinician").programs.all()) == set(Program.objects.filter(site=first))
    assert set(user("clinician2").programs.all()) == set(Program.objects.filter(site=second))
    assert set(user("frontdesk").sites.all()) == {first}
    assert {c.code for c in user("clinician").credentials.all()} == {"LPC", "LADC"}
    credentials = set(User.objects.filter(organization=org).values_list("credentials__code", flat=True))
    assert {"LCSW", "LPC", "LADC", "MD", "RN", "CPRS"} <= credentials
    assert User.objects.filter(organization=org, role=Role.CLINICIAN, sites=first).count() > 2
    assert User.objects.filter(organization=org, role=Role.CLINICIAN, sites=second).count() > 2


def test_each_site_has_adult_iop_and_php_with_tracks_and_rooms(seeded: None) -> None:
    for site in Site.objects.all():
        levels = set(site.programs.values_list("level_of_care__code", flat=True))
        assert {"2.1", "2.5"} <= levels
        capacities = list(site.rooms.values_list("capacity", flat=True))
        assert capacities and all(8 <= c <= 15 for c in capacities)
        iop = site.programs.get(code="adult-iop")
        assert set(iop.tracks.values_list("kind", flat=True)) == {"morning", "evening"}


def test_all_demo_logins_use_the_given_password(db: None) -> None:
    seed(password="a-different-demo-pass")
    for username in NAMED_LOGINS:
        assert user(username).check_password("a-different-demo-pass")


def test_the_password_comes_from_the_environment_by_default(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CADENCE_DEMO_PASSWORD", "env-demo-password")
    output = seed(participants=5)
    assert user("clinician").check_password("env-demo-password")
    assert "env-demo-password" in output


def test_same_seed_gives_the_same_data_and_another_seed_does_not(db: None) -> None:
    first = fingerprint_of_seed(7)
    again = fingerprint_of_seed(7)
    other = fingerprint_of_seed(8)
    assert first == again
    assert first != other


def test_every_episode_status_appears(seeded: None) -> None:
    statuses = set(Episode.objects.values_list("status", flat=True))
    assert statuses == set(EpisodeStatus.values)
    reasons = set(Episode.objects.filter(status="discharged").values_list("discharge_reason", flat=True))
    assert {1, 2} <= reasons
    assert Episode.objects.exclude(step_down_to="").exists()


def test_some_participants_have_two_episodes_and_some_changed_level_of_care(seeded: None) -> None:
    two = [p for p in Participant.objects.all() if p.episodes.count() == 2]
    assert two
    changes = {(first.level_of_care.code, second.level_of_care.code) for first, second in _consecutive_changes()}
    assert ("2.5", "2.1") in changes  # PHP -> IOP
    assert ("2.1", "1") in changes  # IOP -> OP


def _consecutive_changes() -> list[tuple[LevelOfCareChange, LevelOfCareChange]]:
    pairs = []
    for episode in Episode.objects.prefetch_related("level_changes__level_of_care"):
        rows = list(episode.level_changes.all())
        pairs += list(zip(rows, rows[1:], strict=False))
    return pairs


def test_dates_and_levels_follow_the_episode_rules(seeded: None) -> None:
    episodes = Episode.objects.select_related("participant", "program__site", "track", "primary_clinician")
    for e in episodes.prefetch_related("level_changes", "primary_clinician__programs"):
        today = NOW.astimezone(e.program.site.zone).date()
        assert e.referred_on <= today
        if e.status in (EpisodeStatus.REFERRED, EpisodeStatus.WAITLISTED, EpisodeStatus.CANCELLED):
            assert e.admitted_on is None and e.track is None
            continue
        assert e.admitted_on is not None and e.track is not None and e.level_of_care_id is not None
        check_admission(
            admitted_on=e.admitted_on, referred_on=e.referred_on, born=e.participant.date_of_birth, today=today
        )
        assert e.track.program_id == e.program_id
        assert e.primary_clinician is not None and e.program in e.primary_clinician.programs.all()
        changes = list(e.level_changes.all())
        assert changes[0].starts_on == e.admitted_on and changes[0].level_of_care_id == e.program.level_of_care_id
        for before, after in zip(changes, changes[1:], strict=False):
            check_level_change(
                starts_on=after.starts_on,
                admitted_on=e.admitted_on,
                last_change_on=before.starts_on,
                today=today,
                same_level=before.level_of_care_id == after.level_of_care_id,
                reason=after.reason,
            )
        assert changes[-1].level_of_care_id == e.level_of_care_id
        if e.status == EpisodeStatus.DISCHARGED:
            assert e.discharged_on is not None and e.discharge_reason is not None
            check_discharge(
                discharged_on=e.discharged_on,
                admitted_on=e.admitted_on,
                last_level_change=changes[-1].starts_on,
                today=today,
            )


def test_admissions_in_the_same_program_never_overlap(seeded: None) -> None:
    seen: dict[tuple[int, int], list[Period]] = {}
    for e in Episode.objects.filter(admitted_on__isnull=False).order_by("admitted_on"):
        assert e.admitted_on is not None
        period = Period(e.admitted_on, e.discharged_on)
        earlier = seen.setdefault((e.participant_id, e.program_id), [])
        check_no_overlap(period, earlier, field="admitted_on")
        earlier.append(period)


def test_each_participant_has_one_primary_diagnosis_and_valid_details(seeded: None) -> None:
    assert Participant.objects.count() == PARTICIPANTS
    for p in Participant.objects.prefetch_related("diagnoses", "episodes"):
        assert [d.rank for d in p.diagnoses.all()].count(DiagnosisRank.PRIMARY) == 1
        assert (
            p.search_text
            == f"{p.legal_first_name} {p.legal_last_name} {p.preferred_name} {p.record_number}".replace(
                "  ", " "
            ).lower()
        )
        assert p.record_number == f"C{p.pk:06d}"
        assert p.payer is not None
        assert "555-01" in p.phone
    assert EmergencyContact.objects.count() >= PARTICIPANTS // 2


def test_clinician_caseload_has_active_participants(seeded: None) -> None:
    rows = caseload(user("clinician"), CaseloadFilter())
    assert rows.filter(status=EpisodeStatus.ACTIVE).exists()
    assert caseload(user("clinician"), CaseloadFilter(mine=True, status="active")).exists()


def test_clinician2_sees_none_of_the_first_sites_participants(seeded: None) -> None:
    clinician2 = user("clinician2")
    first_site = Site.objects.order_by("pk").first()
    rows = list(caseload(clinician2, CaseloadFilter(status="all")))
    assert rows
    assert all(e.program.site_id != first_site.pk for e in rows)
    first_site_people = Participant.objects.filter(episodes__program__site=first_site)
    assert not participants_for(clinician2).filter(pk__in=first_site_people).exists()


def test_one_audit_entry_summarises_the_seeding(seeded: None) -> None:
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type) == ("create", "demo.seed")
    assert entry.changes["participants"] == PARTICIPANTS
    assert verify_chain().ok


def test_if_empty_is_idempotent(db: None) -> None:
    seed(if_empty=True)
    counts = (Participant.objects.count(), Episode.objects.count(), User.objects.count())
    output = seed(if_empty=True)
    assert "demo data already present" in output
    assert (Participant.objects.count(), Episode.objects.count(), User.objects.count()) == counts
    assert AuditEntry.objects.filter(object_type="demo.seed").count() == 1


def test_seeding_a_non_empty_database_is_refused(seeded: None) -> None:
    with pytest.raises(CommandError, match="not empty"):
        seed()
    assert Participant.objects.count() == PARTICIPANTS


def test_if_empty_skips_a_database_with_other_data(db: None) -> None:
    Organization.objects.create(name="Another clinic", slug="another")
    output = seed(if_empty=True)
    assert "not seeded" in output
    assert not Participant.objects.exists()


def test_registering_after_the_seed_gets_the_next_record_number(seeded: None) -> None:
    program = Program.objects.get(site__name="Eastbrook Center", code="adult-iop")
    episode = register_participant(
        details=ParticipantDetails(
            legal_first_name="Newly", legal_last_name="Registered", date_of_birth=dt.date(1990, 1, 2)
        ),
        program=program,
        referred_on=TODAY,
        by=user("frontdesk"),
        at=NOW,
    )
    assert episode.participant.record_number == f"C{PARTICIPANTS + 1:06d}"
