"""The notes pages through their URLs: status, database state, audit rows, the forbidden cases, the
member-scoped view of a group note, and bounded queries."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from cadence.accounts.models import User
from cadence.attendance.models import Attendance, AttendanceStatus
from cadence.audit.models import AuditAction, AuditEntry
from cadence.notes import actions
from cadence.notes.models import GroupNote, GroupNoteMember, ProgressNote
from cadence.participants.models import Episode
from cadence.testing.personas import NOW

from .conftest import NotesWorld

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
ClientFor = Callable[[User], Client]
DAP = {"data": "Reported three sober days.", "assessment": "Engaged.", "plan": "Meet next week."}


def signed_group(nw: NotesWorld, *episodes: Episode, texts: dict[int, str] | None = None) -> GroupNote:
    note = actions.start_group_note(session=nw.group(*episodes), by=nw.world.clinician_a, at=NOW)
    actions.save_group_shared(
        note=note,
        by=nw.world.clinician_a,
        at=NOW,
        topic="Coping with cravings",
        curriculum="",
        methods="CBT",
        group_dynamics="Supportive group.",
    )
    for member in note.members.select_related("participant"):
        actions.save_member_section(
            member=member,
            by=nw.world.clinician_a,
            at=NOW,
            participation=(texts or {}).get(member.participant_id, f"Section of {member.participant.legal_last_name}"),
            response="Responded well.",
            goal_progress="",
            plan_changes="",
        )
    return actions.sign_group_note(note=note, by=nw.world.clinician_a, at=NOW, confirm_leaks=True)


def test_a_members_chart_shows_the_shared_part_and_only_their_own_section(
    nw: NotesWorld, client_for: ClientFor
) -> None:
    ana, ben = nw.member("Ana", "Lopez"), nw.member("Ben", "Okafor")
    note = signed_group(nw, ana, ben)
    client = client_for(nw.world.clinician_a)

    page = client.get(f"/notes/participant/{ana.participant_id}/group/{note.pk}/").content.decode()

    assert "Supportive group." in page and "Section of Lopez" in page
    assert "Section of Okafor" not in page and "Okafor" not in page
    listing = client.get(f"/notes/participant/{ana.participant_id}/").content.decode()
    assert "Coping with cravings" in listing and "Okafor" not in listing
    entry = AuditEntry.objects.filter(action=AuditAction.VIEW, object_type="notes.groupnote").first()
    assert entry is not None and entry.participant_id == ana.participant_id


def test_a_chart_cannot_open_a_group_note_the_member_was_not_in(nw: NotesWorld, client_for: ClientFor) -> None:
    note = signed_group(nw, nw.member(), nw.member())
    outsider = nw.member()
    response = client_for(nw.world.clinician_a).get(f"/notes/participant/{outsider.participant_id}/group/{note.pk}/")
    assert response.status_code == 404
    assert AuditEntry.objects.filter(action=AuditAction.DENIED, object_type="notes.groupnote").exists()


def test_the_api_member_read_returns_only_the_members_section(nw: NotesWorld, api_for: ClientFor) -> None:
    ana, ben = nw.member("Ana", "Lopez"), nw.member("Ben", "Okafor")
    note = signed_group(nw, ana, ben)
    body = api_for(nw.world.clinician_a).get(f"/api/v1/notes/participants/{ana.participant_id}/group/{note.pk}").json()
    assert [m["participant_id"] for m in body["members"]] == [ana.participant_id]
    assert "Okafor" not in str(body)


def test_the_group_note_page_prefills_and_saves_a_section_with_htmx(nw: NotesWorld, client_for: ClientFor) -> None:
    ana, ben = nw.member("Ana", "Lopez"), nw.member("Ben", "Okafor")
    session = nw.group(ana, ben)
    client = client_for(nw.world.clinician_a)
    response = client.post(f"/notes/session/{session.pk}/group/")
    note = GroupNote.objects.get()
    assert response["Location"] == f"/notes/group/{note.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Ana Lopez" in page and "Ben Okafor" in page and "style=" not in page and "<script>" not in page
    anas = GroupNoteMember.objects.get(participant=ana.participant)
    prefix = f"m{anas.pk}"

    saved = client.post(
        f"/notes/group/{note.pk}/members/{anas.pk}/",
        {f"{prefix}-participation": "Helped Ben with his plan", f"{prefix}-response": "Open"},
        headers={"HX-Request": "true"},
    )

    assert saved.status_code == 200
    html = saved.content.decode()
    assert "Privacy: this section names another member (Ben)" in html and "<html" not in html
    anas.refresh_from_db()
    assert anas.participation == "Helped Ben with his plan"


def test_signing_with_a_name_warning_needs_the_confirm_box(nw: NotesWorld, client_for: ClientFor) -> None:
    ana, ben = nw.member("Ana", "Lopez"), nw.member("Ben", "Okafor")
    note = actions.start_group_note(session=nw.group(ana, ben), by=nw.world.clinician_a, at=NOW)
    actions.save_group_shared(
        note=note, by=nw.world.clinician_a, at=NOW, topic="t", curriculum="", methods="", group_dynamics="g"
    )
    for m in note.members.all():
        actions.save_member_section(
            member=m,
            by=nw.world.clinician_a,
            at=NOW,
            participation="Sat next to Okafor",
            response="r",
            goal_progress="",
            plan_changes="",
        )
    client = client_for(nw.world.clinician_a)

    refused = client.post(f"/notes/group/{note.pk}/sign/", follow=True).content.decode()
    assert "confirm to sign anyway" in refused and GroupNote.objects.get().status == "draft"
    client.post(f"/notes/group/{note.pk}/sign/", {"confirm_leaks": "on"})
    assert GroupNote.objects.get().status == "signed"
    auditor_page = client_for(nw.world.auditor).get(f"/notes/group/{note.pk}/").content.decode()
    assert "Signed with name warnings confirmed: Okafor" in auditor_page


def test_editing_a_signed_progress_note_is_refused(nw: NotesWorld, client_for: ClientFor) -> None:
    episode = nw.member()
    session = nw.group(episode, service="individual", hour=13, minutes=60)
    client = client_for(nw.world.clinician_a)
    response = client.post(f"/notes/session/{session.pk}/participant/{episode.participant_id}/", {"format": "soap"})
    note = ProgressNote.objects.get()
    assert response["Location"] == f"/notes/progress/{note.pk}/" and note.format == "soap"
    client.post(f"/notes/progress/{note.pk}/", {"format": "dap", **DAP})
    note.refresh_from_db()
    assert (note.format, note.sections) == ("dap", DAP)
    client.post(f"/notes/progress/{note.pk}/sign/")
    assert ProgressNote.objects.get().status == "signed"

    assert client.post(f"/notes/progress/{note.pk}/", {"format": "dap", **DAP, "plan": "changed"}).status_code == 403
    assert ProgressNote.objects.get().sections["plan"] == DAP["plan"]


def test_reading_a_progress_note_is_audited_and_scoped(nw: NotesWorld, client_for: ClientFor) -> None:
    episode = nw.member()
    session = nw.group(episode, service="individual", hour=13, minutes=60)
    note = actions.start_progress_note(
        session=session, participant=episode.participant, by=nw.world.clinician_a, at=NOW
    )
    url = f"/notes/progress/{note.pk}/"

    assert client_for(nw.world.auditor).get(url).status_code == 200
    entry = AuditEntry.objects.filter(action=AuditAction.VIEW, object_type="notes.progressnote").get()
    assert (entry.actor, entry.participant_id) == (nw.world.auditor, episode.participant_id)
    assert client_for(nw.world.clinician_b).get(url).status_code == 404
    assert client_for(nw.world.frontdesk).get(url).status_code == 403
    assert client_for(nw.world.billing).get(f"/notes/participant/{episode.participant_id}/").status_code == 403


def test_an_auditor_reads_but_cannot_sign_or_add(nw: NotesWorld, client_for: ClientFor) -> None:
    note = signed_group(nw, nw.member())
    client = client_for(nw.world.auditor)
    assert client.post(f"/notes/group/{note.pk}/addendum/", {"reason": "r", "text": "t"}).status_code == 403
    assert client.post(f"/notes/session/{note.session_id}/group/").status_code == 403


def test_the_supervisor_co_signs_from_the_queue_and_returns_with_a_comment(
    nw: NotesWorld, client_for: ClientFor
) -> None:
    first, second = nw.member(), nw.member()
    notes = []
    for episode, hour in ((first, 13), (second, 15)):
        session = nw.group(episode, service="individual", hour=hour, minutes=60)
        note = actions.start_progress_note(session=session, participant=episode.participant, by=nw.supervisee, at=NOW)
        actions.save_progress_note(note=note, by=nw.supervisee, at=NOW, sections=DAP)
        notes.append(actions.sign_progress_note(note=note, by=nw.supervisee, at=NOW))
    supervisor = client_for(nw.world.clinician_a)
    queue = supervisor.get("/notes/cosign/").content.decode()
    assert queue.count("Co-sign</button>") == 2
    assert (
        client_for(nw.supervisee)
        .post(f"/notes/progress/{notes[0].pk}/cosign/", follow=True)
        .content.decode()
        .count("You cannot co-sign your own note.")
        == 1
    )

    supervisor.post(f"/notes/progress/{notes[0].pk}/cosign/", {"next": "/notes/cosign/"})
    supervisor.post(f"/notes/progress/{notes[1].pk}/return/", {"comment": "Add the plan's goal."})

    assert ProgressNote.objects.get(pk=notes[0].pk).status == "cosigned"
    returned = ProgressNote.objects.get(pk=notes[1].pk)
    assert (returned.status, returned.return_comment) == ("returned", "Add the plan's goal.")
    page = client_for(nw.supervisee).get(f"/notes/progress/{returned.pk}/").content.decode()
    assert "Add the plan&#x27;s goal." in page and "Save draft" in page


def test_the_chart_pdf_has_the_notes_and_the_part2_notice(nw: NotesWorld, client_for: ClientFor) -> None:
    ana, ben = nw.member("Ana", "Lopez"), nw.member("Ben", "Okafor")
    signed_group(nw, ana, ben)
    response = client_for(nw.world.clinician_a).get(
        f"/notes/participant/{ana.participant_id}/pdf/?starts_on=2026-11-01&ends_on=2026-11-30"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Coping with cravings" in text and "Section of Lopez" in text and "Okafor" not in text
    assert "42 CFR part 2 prohibits unauthorized use or disclosure of these records." in text
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).get()
    assert entry.participant_id == ana.participant_id and "1 note" in entry.summary


def test_a_fifteen_member_group_note_opens_and_saves_in_bounded_queries(
    nw: NotesWorld, client_for: ClientFor, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    def open_and_save(size: int) -> None:
        members = [nw.member() for _ in range(size)]
        note = actions.start_group_note(session=nw.group(*members), by=nw.world.clinician_a, at=NOW)
        client = client_for(nw.world.clinician_a)
        first = note.members.first()
        assert first is not None
        with django_assert_max_num_queries(30):
            assert client.get(f"/notes/group/{note.pk}/").status_code == 200
        with django_assert_max_num_queries(25):
            data = {f"m{first.pk}-participation": "p", f"m{first.pk}-response": "r"}
            client.post(f"/notes/group/{note.pk}/members/{first.pk}/", data, headers={"HX-Request": "true"})

    open_and_save(2)
    open_and_save(15)


def test_chart_list_pages_in_constant_queries(
    nw: NotesWorld, client_for: ClientFor, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    ana = nw.member("Ana", "Lopez")
    for hour in range(8, 14):
        session = nw.group(ana, service="individual", hour=hour, minutes=60)
        actions.start_progress_note(session=session, participant=ana.participant, by=nw.world.clinician_a, at=NOW)
    signed_group(nw, ana, nw.member())
    client = client_for(nw.world.clinician_a)
    with django_assert_max_num_queries(25):
        page = client.get(f"/notes/participant/{ana.participant_id}/").content.decode()
    assert page.count('data-note="') == 7
    listed = AuditEntry.objects.filter(action=AuditAction.LIST, object_type="notes.note").get()
    assert listed.summary.endswith("7 note(s)")
    filtered = client.get(f"/notes/participant/{ana.participant_id}/?starts_on=2026-11-21").content.decode()
    assert 'data-note="' not in filtered and "No notes in these dates" in filtered


def test_a_whole_group_note_is_audited_with_its_members_and_scoped(nw: NotesWorld, client_for: ClientFor) -> None:
    ana, ben = nw.member("Ana", "Lopez"), nw.member("Ben", "Okafor")
    note = signed_group(nw, ana, ben)
    url = f"/notes/group/{note.pk}/"

    assert client_for(nw.world.director).get(url).status_code == 200

    entry = AuditEntry.objects.filter(action=AuditAction.VIEW, object_type="notes.groupnote").get()
    assert entry.actor == nw.world.director
    assert sorted(entry.changes["participants"]) == sorted([ana.participant_id, ben.participant_id])
    assert client_for(nw.world.clinician_b).get(url).status_code == 404
    assert AuditEntry.objects.filter(action=AuditAction.DENIED, object_type="notes.groupnote").exists()
    assert client_for(nw.world.frontdesk).get(url).status_code == 403
    assert client_for(nw.world.billing).get(f"/notes/participant/{ana.participant_id}/pdf/").status_code == 403


def test_opening_a_group_note_after_attendance_changed_writes_nothing_and_offers_the_update(
    nw: NotesWorld, client_for: ClientFor
) -> None:
    ana, ben, cal = nw.member("Ana", "Lopez"), nw.member("Ben", "Okafor"), nw.member("Cal", "Diaz")
    session = nw.group(ana, ben)
    note = actions.start_group_note(session=session, by=nw.world.clinician_a, at=NOW)
    nw.attend(session, cal)  # arrives after the note was started
    client = client_for(nw.world.clinician_a)
    updates = AuditEntry.objects.filter(action=AuditAction.UPDATE, summary="Group note roster follows attendance")

    page = client.get(f"/notes/group/{note.pk}/").content.decode()

    assert "Attendance has changed since these sections were made: 1 newly present" in page
    assert note.members.count() == 2 and not updates.exists()  # a GET never writes

    client.post(f"/notes/group/{note.pk}/roster/")

    assert set(note.members.values_list("participant_id", flat=True)) == {
        ana.participant_id,
        ben.participant_id,
        cal.participant_id,
    }
    assert updates.count() == 1
    assert "Attendance has changed" not in client.get(f"/notes/group/{note.pk}/").content.decode()


def test_the_roster_notice_reads_attendance_and_the_sections_once(nw: NotesWorld, client_for: ClientFor) -> None:
    ana, ben, cal = nw.member("Ana", "Lopez"), nw.member("Ben", "Okafor"), nw.member("Cal", "Diaz")
    session = nw.group(ana, ben)
    note = actions.start_group_note(session=session, by=nw.world.clinician_a, at=NOW)
    bens_mark = Attendance.objects.filter(session=session, participant=ben.participant)
    bens_mark.update(status=AttendanceStatus.EXCUSED, minutes=0)
    nw.attend(session, cal)
    client = client_for(nw.world.clinician_a)

    with CaptureQueriesContext(connection) as opened:
        page = client.get(f"/notes/group/{note.pk}/").content.decode()

    assert "Attendance has changed since these sections were made: 1 newly present, 1 no longer present." in page
    sql = [q["sql"] for q in opened.captured_queries]
    assert sum('FROM "attendance_attendance"' in q for q in sql) == 1
    # the member ids of the audited read, and the sections shown (the notice reuses both reads)
    assert sum('FROM "notes_groupnotemember"' in q for q in sql) == 2
    assert len(sql) <= 18  # 20 while the notice read attendance and the sections a second time

    client.post(f"/notes/group/{note.pk}/roster/")
    bens_mark.update(status=AttendanceStatus.PRESENT, minutes=90)
    again = client.get(f"/notes/group/{note.pk}/").content.decode()
    assert "Attendance has changed since these sections were made: 1 present again." in again


def test_only_the_author_updates_a_group_notes_members(nw: NotesWorld, client_for: ClientFor) -> None:
    ana, cal = nw.member("Ana", "Lopez"), nw.member("Cal", "Diaz")
    session = nw.group(ana)
    note = actions.start_group_note(session=session, by=nw.world.clinician_a, at=NOW)
    nw.attend(session, cal)

    client_for(nw.world.director).post(f"/notes/group/{note.pk}/roster/")
    client_for(nw.world.clinician_b).post(f"/notes/group/{note.pk}/roster/")  # out of scope: 404

    assert note.members.count() == 1
