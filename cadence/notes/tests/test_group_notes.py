"""Group notes: pre-filled from attendance, the curriculum and plan goals; roster changes never wipe a
section; name-leak warnings; signing locks every section; ``note_signed_for``."""

from __future__ import annotations

import datetime as dt

import pytest

from cadence.attendance.models import Attendance, AttendanceStatus
from cadence.audit.models import AuditAction, AuditEntry
from cadence.notes import actions
from cadence.notes.models import GroupNote, GroupNoteMember
from cadence.notes.queries import note_signed_for, note_signed_on_day
from cadence.notes.rules import NoteError
from cadence.plans.models import Goal, Problem, TreatmentPlan
from cadence.testing.personas import NOW

from .conftest import FRIDAY, NotesWorld

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def fill(note: GroupNote, **texts: str) -> None:
    actions.save_group_shared(
        note=note, by=note.author, at=NOW, topic="Triggers", curriculum="", methods="CBT", group_dynamics="Engaged"
    )
    for member in note.members.all():
        actions.save_member_section(
            member=member,
            by=note.author,
            at=NOW,
            participation=texts.get(str(member.participant_id), "Shared openly."),
            response="Practised the skill.",
            goal_progress="",
            plan_changes="",
        )


def plan_goal(episode, text: str = "Stay sober at weekends") -> Goal:  # type: ignore[no-untyped-def]
    plan = TreatmentPlan.objects.create(
        episode=episode,
        participant=episode.participant,
        status="active",
        created_at=NOW,
        created_by=episode.primary_clinician,
    )
    problem = Problem.objects.create(plan=plan, number=1, text="Alcohol use", created_at=NOW)
    return Goal.objects.create(plan=plan, problem=problem, number=1, text=text, created_at=NOW)


def test_a_group_note_starts_with_a_section_per_member_marked_present(nw: NotesWorld) -> None:
    ana, ben, cal = nw.member("Ana", "Lopez"), nw.member("Ben", "Okafor"), nw.member("Cal", "Diaz")
    session = nw.group(ana, ben)
    nw.attend(session, cal, status=AttendanceStatus.UNEXCUSED)

    note = actions.start_group_note(session=session, by=nw.world.clinician_a, at=NOW)

    assert set(note.members.values_list("participant_id", flat=True)) == {ana.participant_id, ben.participant_id}
    assert note.status == "draft"
    entry = AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="notes.groupnote").get()
    assert sorted(entry.changes["participants"]) == sorted([ana.participant_id, ben.participant_id])


def test_the_new_note_starts_from_the_weeks_curriculum_topic(nw: NotesWorld) -> None:
    curriculum = actions.create_curriculum(
        program=nw.world.iop_a,
        name="Relapse prevention",
        starts_on=dt.date(2026, 11, 2),
        service_type=None,
        by=nw.world.director,
        at=NOW,
    )
    for week, topic in [(1, "What is relapse"), (2, "Triggers"), (3, "Cravings")]:
        actions.set_curriculum_topic(
            curriculum=curriculum,
            week=week,
            topic=topic,
            methods="CBT, role-play",
            description="",
            by=nw.world.director,
            at=NOW,
        )
    session = nw.group(nw.member())  # Friday 20 Nov: third week after 2 Nov

    note = actions.start_group_note(session=session, by=nw.world.clinician_a, at=NOW)

    assert (note.topic, note.methods, note.curriculum) == ("Cravings", "CBT, role-play", "Relapse prevention, week 3")
    later = nw.group(nw.member(), day=FRIDAY + dt.timedelta(days=7))  # week 4 wraps around to week 1
    assert (
        actions.start_group_note(session=later, by=nw.world.clinician_a, at=NOW + dt.timedelta(days=7)).topic
        == "What is relapse"
    )


def test_curriculum_week_numbers_wrap_and_start_on_the_first_day() -> None:
    start = dt.date(2026, 11, 2)
    assert actions.week_number(start, start - dt.timedelta(days=1), 4) is None
    assert actions.week_number(start, start, 4) == 1
    assert actions.week_number(start, start + dt.timedelta(days=6), 4) == 1
    assert actions.week_number(start, start + dt.timedelta(days=7), 4) == 2
    assert actions.week_number(start, start + dt.timedelta(days=28), 4) == 1
    assert actions.week_number(start, start, 0) is None


def test_goal_progress_is_prefilled_from_the_members_current_plan_goals(nw: NotesWorld) -> None:
    ana = nw.member("Ana", "Lopez")
    goal = plan_goal(ana)
    session = nw.group(ana, nw.member())

    note = actions.start_group_note(session=session, by=nw.world.clinician_a, at=NOW)

    section = note.members.get(participant=ana.participant)
    assert section.goal_progress == "Goal 1 (Stay sober at weekends): "
    actions.save_member_section(
        member=section,
        by=nw.world.clinician_a,
        at=NOW,
        participation="p",
        response="r",
        goal_progress="Two sober weekends",
        plan_changes="",
        goal_ids=[goal.pk],
    )
    assert list(section.goals.all()) == [goal]


def test_linking_another_participants_goal_is_refused(nw: NotesWorld) -> None:
    ana, ben = nw.member("Ana", "Lopez"), nw.member("Ben", "Okafor")
    bens_goal = plan_goal(ben)
    note = actions.start_group_note(session=nw.group(ana, ben), by=nw.world.clinician_a, at=NOW)
    with pytest.raises(NoteError) as err:
        actions.save_member_section(
            member=note.members.get(participant=ana.participant),
            by=nw.world.clinician_a,
            at=NOW,
            participation="",
            response="",
            goal_progress="",
            plan_changes="",
            goal_ids=[bens_goal.pk],
        )
    assert err.value.field == "goals"


def test_one_group_note_per_session_and_none_for_a_one_to_one_session(nw: NotesWorld) -> None:
    session = nw.group(nw.member())
    actions.start_group_note(session=session, by=nw.world.clinician_a, at=NOW)
    with pytest.raises(NoteError, match="already has a group note"):
        actions.start_group_note(session=session, by=nw.world.clinician_a, at=NOW)
    single = nw.group(nw.member(), service="individual", hour=13, minutes=60)
    with pytest.raises(NoteError, match="not a group session"):
        actions.start_group_note(session=single, by=nw.world.clinician_a, at=NOW)


def test_a_session_that_has_not_started_has_no_note_yet(nw: NotesWorld) -> None:
    session = nw.group(nw.member(), day=dt.date(2026, 11, 24))
    with pytest.raises(NoteError, match="not started"):
        actions.start_group_note(session=session, by=nw.world.clinician_a, at=NOW)


def test_roster_changes_never_wipe_what_was_written(nw: NotesWorld) -> None:
    ana, ben, cal = nw.member("Ana", "Lopez"), nw.member("Ben", "Okafor"), nw.member("Cal", "Diaz")
    session = nw.group(ana, ben)
    note = actions.start_group_note(session=session, by=nw.world.clinician_a, at=NOW)
    bens = note.members.get(participant=ben.participant)
    actions.save_member_section(
        member=bens,
        by=nw.world.clinician_a,
        at=NOW,
        participation="Spoke about work",
        response="Calm",
        goal_progress="",
        plan_changes="",
    )
    Attendance.objects.filter(session=session, participant=ben.participant).update(
        status=AttendanceStatus.EXCUSED, minutes=0
    )
    nw.attend(session, cal)

    added, off = actions.sync_group_roster(note=note, by=nw.world.clinician_a, at=NOW)

    assert (added, off) == ([cal.participant_id], [ben.participant_id])
    bens.refresh_from_db()
    assert (bens.on_roster, bens.participation, bens.response) == (False, "Spoke about work", "Calm")
    assert note.members.count() == 3


def test_a_section_naming_another_member_warns_and_signing_needs_confirmation(nw: NotesWorld) -> None:
    ana, ben = nw.member("Ana", "Lopez"), nw.member("Benjamin", "Okafor", preferred="Ben")
    note = actions.start_group_note(session=nw.group(ana, ben), by=nw.world.clinician_a, at=NOW)
    fill(note)
    anas = note.members.get(participant=ana.participant)

    leaks = actions.save_member_section(
        member=anas,
        by=nw.world.clinician_a,
        at=NOW,
        participation="Gave ben feedback",
        response="ok",
        goal_progress="",
        plan_changes="",
    )

    assert leaks == ["Ben"]
    with pytest.raises(NoteError) as err:
        actions.sign_group_note(note=note, by=nw.world.clinician_a, at=NOW)
    assert err.value.field == "confirm_leaks" and "names Ben" in err.value.reason
    assert GroupNote.objects.get().status == "draft"
    signed = actions.sign_group_note(note=note, by=nw.world.clinician_a, at=NOW, confirm_leaks=True)
    assert signed.status == "signed"
    assert signed.leak_warnings == {str(ana.participant_id): ["Ben"]}


def test_signing_locks_every_section_and_answers_note_signed_for(nw: NotesWorld) -> None:
    ana, ben = nw.member("Ana", "Lopez"), nw.member("Ben", "Okafor")
    session = nw.group(ana, ben)
    note = actions.start_group_note(session=session, by=nw.world.clinician_a, at=NOW)
    fill(note)
    assert not note_signed_for(session.pk, ana.participant_id)

    actions.sign_group_note(note=note, by=nw.world.clinician_a, at=NOW)

    assert note_signed_for(session.pk, ana.participant_id) and note_signed_for(session.pk, ben.participant_id)
    assert note_signed_on_day(ana.participant_id, FRIDAY) and not note_signed_on_day(ana.participant_id, NOW.date())
    assert not note_signed_for(session.pk, nw.member().participant_id)
    with pytest.raises(NoteError, match="signed and locked"):
        actions.save_member_section(
            member=note.members.first(),
            by=nw.world.clinician_a,
            at=NOW,
            participation="x",
            response="x",  # type: ignore[arg-type]
            goal_progress="",
            plan_changes="",
        )
    with pytest.raises(NoteError, match="signed and locked"):
        actions.save_group_shared(
            note=note, by=nw.world.clinician_a, at=NOW, topic="x", curriculum="", methods="", group_dynamics="x"
        )


def test_an_incomplete_group_note_is_not_signed(nw: NotesWorld) -> None:
    ana = nw.member("Ana", "Lopez")
    note = actions.start_group_note(session=nw.group(ana, nw.member()), by=nw.world.clinician_a, at=NOW)
    with pytest.raises(NoteError) as err:
        actions.sign_group_note(note=note, by=nw.world.clinician_a, at=NOW)
    assert err.value.field == "sections"
    assert "Topic is empty." in err.value.reason
    assert (
        "Group dynamics is empty." in err.value.reason
        and "Ana Lopez: participation and response empty." in err.value.reason
    )


def test_signing_someone_elses_group_note_is_refused(nw: NotesWorld) -> None:
    note = actions.start_group_note(session=nw.group(nw.member()), by=nw.world.clinician_a, at=NOW)
    fill(note)
    with pytest.raises(NoteError, match="someone else's note"):
        actions.sign_group_note(note=note, by=nw.world.director, at=NOW)
    with pytest.raises(NoteError, match="Only the note's author"):
        actions.save_group_shared(
            note=note, by=nw.world.director, at=NOW, topic="x", curriculum="", methods="", group_dynamics=""
        )


def test_a_supervisees_group_note_waits_for_the_supervisor(nw: NotesWorld) -> None:
    note = actions.start_group_note(session=nw.group(nw.member()), by=nw.supervisee, at=NOW)
    fill(note)
    note = actions.sign_group_note(note=note, by=nw.supervisee, at=NOW)
    assert note.status == "awaiting_cosign"
    note = actions.cosign_note(note=note, by=nw.world.clinician_a, at=NOW)
    assert (note.status, note.cosigned_by) == ("cosigned", nw.world.clinician_a)


def test_a_member_addendum_belongs_to_that_members_section(nw: NotesWorld) -> None:
    ana, ben = nw.member("Ana", "Lopez"), nw.member("Ben", "Okafor")
    note = actions.start_group_note(session=nw.group(ana, ben), by=nw.world.clinician_a, at=NOW)
    fill(note)
    with pytest.raises(NoteError, match="not signed yet"):
        actions.add_addendum(note=note, by=nw.world.clinician_a, at=NOW, reason="r", text="t")
    actions.sign_group_note(note=note, by=nw.world.clinician_a, at=NOW)
    anas = GroupNoteMember.objects.get(participant=ana.participant)

    addendum = actions.add_addendum(
        note=note, by=nw.world.director, at=NOW, reason="Late entry", text="Called her sponsor.", member=anas
    )

    assert (addendum.group_note, addendum.member) == (note, anas)
    entry = AuditEntry.objects.filter(object_type="notes.addendum").get()
    assert entry.participant_id == ana.participant_id
