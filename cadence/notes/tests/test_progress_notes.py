"""Progress notes of individual and family sessions: only for a participant who attended, DAP/SOAP/BIRP
sections, templates, signing and locking, supervision (co-sign, return), addenda."""

from __future__ import annotations

import pytest

from cadence.attendance.models import Attendance, AttendanceStatus
from cadence.audit.models import AuditAction, AuditEntry
from cadence.notes import actions
from cadence.notes.models import Addendum, ProgressNote
from cadence.notes.queries import note_signed_for
from cadence.notes.rules import NoteError
from cadence.testing.personas import NOW

from .conftest import NotesWorld

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

DAP = {"data": "Reported three sober days.", "assessment": "Engaged.", "plan": "Meet next week."}


def started(nw: NotesWorld, by=None, service: str = "individual") -> ProgressNote:  # type: ignore[no-untyped-def]
    episode = nw.member("Ana", "Lopez")
    session = nw.group(episode, service=service, hour=13, minutes=60)
    return actions.start_progress_note(
        session=session, participant=episode.participant, by=by or nw.world.clinician_a, at=NOW, note_format="dap"
    )


def test_a_progress_note_for_an_individual_or_family_session(nw: NotesWorld) -> None:
    note = started(nw)
    family = started(nw, service="family-therapy")
    assert (note.status, note.format, note.sections) == ("draft", "dap", {"data": "", "assessment": "", "plan": ""})
    assert family.session.service_type.code == "family-therapy"
    entry = AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_id=str(note.pk), object_type="notes.progressnote"
    ).first()
    assert entry is not None and entry.participant_id == note.participant_id


def test_no_note_for_a_session_the_participant_did_not_attend(nw: NotesWorld) -> None:
    absent, stranger = nw.member(), nw.member()
    session = nw.session(service="individual", hour=13, minutes=60)
    nw.attend(session, absent, status=AttendanceStatus.UNEXCUSED)
    for episode in (absent, stranger):
        with pytest.raises(NoteError) as err:
            actions.start_progress_note(
                session=session, participant=episode.participant, by=nw.world.clinician_a, at=NOW
            )
        assert err.value.field == "participant" and "did not attend" in err.value.reason
    assert not ProgressNote.objects.exists()


def test_a_group_session_gets_a_group_note_not_progress_notes(nw: NotesWorld) -> None:
    episode = nw.member()
    session = nw.group(episode)
    with pytest.raises(NoteError, match="group note"):
        actions.start_progress_note(session=session, participant=episode.participant, by=nw.world.clinician_a, at=NOW)


def test_one_progress_note_per_session_and_participant(nw: NotesWorld) -> None:
    note = started(nw)
    with pytest.raises(NoteError, match="already has a note"):
        actions.start_progress_note(session=note.session, participant=note.participant, by=nw.world.clinician_a, at=NOW)


def test_a_template_gives_the_format_and_starting_text(nw: NotesWorld) -> None:
    actions.save_note_template(
        program=nw.world.iop_a,
        name="Individual BIRP",
        kind="progress",
        note_format="birp",
        sections={"intervention": "MI: "},
        service_type=None,
        by=nw.world.director,
        at=NOW,
    )
    episode = nw.member()
    session = nw.group(episode, service="individual", hour=13, minutes=60)
    note = actions.start_progress_note(
        session=session, participant=episode.participant, by=nw.world.clinician_a, at=NOW
    )
    assert (note.format, note.sections["intervention"], note.sections["behavior"]) == ("birp", "MI:", "")


def test_a_template_with_sections_of_another_format_is_refused(nw: NotesWorld) -> None:
    with pytest.raises(NoteError, match="subjective is not a section of a DAP note"):
        actions.save_note_template(
            program=nw.world.iop_a,
            name="Bad",
            kind="progress",
            note_format="dap",
            sections={"subjective": "x"},
            service_type=None,
            by=nw.world.director,
            at=NOW,
        )


def test_sign_locks_the_note_and_edits_are_refused(nw: NotesWorld) -> None:
    note = started(nw)
    with pytest.raises(NoteError, match="Complete the note before signing: Data is empty. Assessment is empty."):
        actions.sign_progress_note(note=note, by=nw.world.clinician_a, at=NOW)
    actions.save_progress_note(note=note, by=nw.world.clinician_a, at=NOW, sections=DAP)

    note = actions.sign_progress_note(note=note, by=nw.world.clinician_a, at=NOW)

    assert (note.status, note.signed_at) == ("signed", NOW)
    assert note_signed_for(note.session_id, note.participant_id)
    with pytest.raises(NoteError, match="signed and locked"):
        actions.save_progress_note(note=note, by=nw.world.clinician_a, at=NOW, sections=DAP)
    assert ProgressNote.objects.get().sections == DAP


def test_signing_someone_elses_note_is_refused(nw: NotesWorld) -> None:
    note = started(nw)
    actions.save_progress_note(note=note, by=nw.world.clinician_a, at=NOW, sections=DAP)
    with pytest.raises(NoteError, match="someone else's note"):
        actions.sign_progress_note(note=note, by=nw.world.director, at=NOW)
    assert ProgressNote.objects.get().status == "draft"


def test_signing_after_the_mark_became_an_absence_is_refused(nw: NotesWorld) -> None:
    note = started(nw)
    actions.save_progress_note(note=note, by=nw.world.clinician_a, at=NOW, sections=DAP)
    Attendance.objects.filter(session=note.session).update(status=AttendanceStatus.EXCUSED, minutes=0)
    with pytest.raises(NoteError, match="no longer marked present"):
        actions.sign_progress_note(note=note, by=nw.world.clinician_a, at=NOW)


def test_a_supervisees_note_goes_to_the_supervisor_who_co_signs(nw: NotesWorld) -> None:
    note = started(nw, by=nw.supervisee)
    actions.save_progress_note(note=note, by=nw.supervisee, at=NOW, sections=DAP)
    note = actions.sign_progress_note(note=note, by=nw.supervisee, at=NOW)
    assert note.status == "awaiting_cosign"
    assert note_signed_for(note.session_id, note.participant_id)  # locked for attendance already

    with pytest.raises(NoteError, match="your own note"):
        actions.cosign_note(note=note, by=nw.supervisee, at=NOW)
    with pytest.raises(NoteError, match="supervisor or a program director"):
        actions.cosign_note(note=note, by=nw.world.admin, at=NOW)
    note = actions.cosign_note(note=note, by=nw.world.clinician_a, at=NOW)
    assert (note.status, note.cosigned_by, note.cosigned_at) == ("cosigned", nw.world.clinician_a, NOW)


def test_a_director_may_co_sign_but_never_their_own_note(nw: NotesWorld) -> None:
    note = started(nw, by=nw.supervisee)
    actions.save_progress_note(note=note, by=nw.supervisee, at=NOW, sections=DAP)
    actions.sign_progress_note(note=note, by=nw.supervisee, at=NOW)
    assert actions.cosign_note(note=note, by=nw.world.director, at=NOW).status == "cosigned"


def test_a_returned_note_is_edited_and_signed_again(nw: NotesWorld) -> None:
    note = started(nw, by=nw.supervisee)
    actions.save_progress_note(note=note, by=nw.supervisee, at=NOW, sections=DAP)
    actions.sign_progress_note(note=note, by=nw.supervisee, at=NOW)
    with pytest.raises(NoteError) as err:
        actions.return_note(note=note, by=nw.world.clinician_a, at=NOW, comment=" ")
    assert err.value.field == "comment"

    note = actions.return_note(note=note, by=nw.world.clinician_a, at=NOW, comment="Name the intervention.")

    assert (note.status, note.return_comment, note.signed_at) == ("returned", "Name the intervention.", None)
    assert not note_signed_for(note.session_id, note.participant_id)
    actions.save_progress_note(note=note, by=nw.supervisee, at=NOW, sections={**DAP, "data": "MI used."})
    assert actions.sign_progress_note(note=note, by=nw.supervisee, at=NOW).status == "awaiting_cosign"


def test_an_addendum_records_who_when_and_why(nw: NotesWorld) -> None:
    note = started(nw)
    actions.save_progress_note(note=note, by=nw.world.clinician_a, at=NOW, sections=DAP)
    actions.sign_progress_note(note=note, by=nw.world.clinician_a, at=NOW)

    addendum = actions.add_addendum(
        note=note, by=nw.world.director, at=NOW, reason="Late entry", text="Urine screen negative."
    )

    assert (addendum.by, addendum.at, addendum.reason, addendum.progress_note) == (
        nw.world.director,
        NOW,
        "Late entry",
        note,
    )
    with pytest.raises(NoteError) as err:
        actions.add_addendum(note=note, by=nw.world.director, at=NOW, reason="", text="x")
    assert err.value.field == "reason"
    with pytest.raises(NoteError, match="does not write"):
        actions.add_addendum(note=note, by=nw.world.auditor, at=NOW, reason="r", text="t")
    assert Addendum.objects.count() == 1


def test_switching_the_format_of_a_draft_never_drops_text(nw: NotesWorld) -> None:
    note = started(nw)
    actions.save_progress_note(note=note, by=nw.world.clinician_a, at=NOW, sections={"assessment": "a", "plan": "p"})
    soap = {"subjective": "s", "objective": "o", "assessment": "a", "plan": "p"}
    actions.save_progress_note(note=note, by=nw.world.clinician_a, at=NOW, sections=soap, note_format="soap")
    assert ProgressNote.objects.get().format == "soap"
    with pytest.raises(NoteError, match="Subjective, Objective, Assessment has text"):
        actions.save_progress_note(note=note, by=nw.world.clinician_a, at=NOW, sections={}, note_format="birp")
    assert ProgressNote.objects.get().sections == soap
