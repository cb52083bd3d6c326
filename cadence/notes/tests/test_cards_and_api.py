"""Dashboard cards and the chart link, the JSON API, and ``note_signed_for`` for attendance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client, override_settings

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.notes import actions, cards, rules
from cadence.notes.models import GroupNote, ProgressNote
from cadence.testing.personas import NOW

from .conftest import NotesWorld

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
ClientFor = Callable[[User], Client]
DAP = {"data": "d", "assessment": "a", "plan": "p"}
CARDS = ["cadence.notes.cards.notes_to_sign", "cadence.notes.cards.notes_to_cosign"]


def test_notes_to_sign_lists_overdue_drafts_and_sessions_without_a_note(nw: NotesWorld) -> None:
    me = nw.world.clinician_a
    ran = nw.group(nw.member("Ana", "Lopez"), facilitator=me)  # Friday, no note: overdue
    single_episode = nw.member("Ben", "Okafor")
    single = nw.group(single_episode, service="individual", hour=13, minutes=60, facilitator=me)
    recent = nw.group(nw.member(), day=dt.date(2026, 11, 23), hour=8, minutes=60, facilitator=me)  # ended 09:00 today
    draft = actions.start_group_note(session=recent, by=me, at=NOW)

    card = cards.notes_to_sign(me, NOW)

    assert card is not None
    rows = card.context["rows"]
    assert [(r.session, r.note, r.overdue) for r in rows] == [(ran, None, True), (single, None, True)]
    assert rows[1].participant == single_episode.participant and card.participant_rows == 1
    late = cards.notes_to_sign(me, NOW + dt.timedelta(days=1))
    assert late is not None and any(r.note == draft and r.overdue for r in late.context["rows"])
    assert cards.notes_to_sign(nw.world.auditor, NOW) is None
    assert cards.notes_to_sign(nw.world.director, NOW) is None  # ran nothing


def test_a_draft_joins_the_card_exactly_when_the_rule_calls_it_overdue(nw: NotesWorld) -> None:
    me = nw.world.clinician_a
    recent = nw.group(nw.member(), day=dt.date(2026, 11, 23), hour=8, minutes=60, facilitator=me)
    draft = actions.start_group_note(session=recent, by=me, at=NOW)
    deadline = recent.ends_at + dt.timedelta(hours=24)  # CADENCE_NOTE_SIGN_HOURS default
    just_before = deadline - dt.timedelta(microseconds=1)

    def listed(now: dt.datetime) -> bool:
        card = cards.notes_to_sign(me, now)
        return card is not None and any(r.note == draft for r in card.context["rows"])

    assert not rules.is_overdue(status=draft.status, session_ends_at=recent.ends_at, now=just_before, hours=24)
    assert not listed(just_before)
    assert rules.is_overdue(status=draft.status, session_ends_at=recent.ends_at, now=deadline, hours=24)
    assert listed(deadline)
    with override_settings(CADENCE_NOTE_SIGN_HOURS=48):
        assert not listed(deadline)


def test_a_signed_note_leaves_the_card(nw: NotesWorld) -> None:
    me = nw.world.clinician_a
    episode = nw.member()
    session = nw.group(episode, service="individual", hour=13, minutes=60, facilitator=me)
    note = actions.start_progress_note(session=session, participant=episode.participant, by=me, at=NOW)
    card = cards.notes_to_sign(me, NOW)
    assert card is not None and card.context["rows"][0].note == note
    actions.save_progress_note(note=note, by=me, at=NOW, sections=DAP)
    actions.sign_progress_note(note=note, by=me, at=NOW)
    assert cards.notes_to_sign(me, NOW) is None


@override_settings(CADENCE_DASHBOARD_CARDS=CARDS)
def test_the_supervisor_sees_notes_to_co_sign_on_the_dashboard(nw: NotesWorld, client_for: ClientFor) -> None:
    episode = nw.member("Ana", "Lopez")
    session = nw.group(episode, service="individual", hour=13, minutes=60)
    note = actions.start_progress_note(session=session, participant=episode.participant, by=nw.supervisee, at=NOW)
    actions.save_progress_note(note=note, by=nw.supervisee, at=NOW, sections=DAP)
    actions.sign_progress_note(note=note, by=nw.supervisee, at=NOW)

    page = client_for(nw.world.clinician_a).get("/").content.decode()

    assert 'data-card="notes-to-cosign"' in page and "Ana Lopez" in page
    assert cards.notes_to_cosign(nw.supervisee, NOW) is None
    assert cards.notes_to_cosign(nw.world.clinician_b, NOW) is None
    director = cards.notes_to_cosign(nw.world.director, NOW)
    assert director is not None and director.context["notes"] == [note]


@override_settings(CADENCE_CHART_PANELS=["cadence.notes.cards.notes_link"])
def test_the_chart_links_to_notes_for_clinical_readers(nw: NotesWorld, client_for: ClientFor) -> None:
    participant = nw.member().participant
    page = client_for(nw.world.clinician_a).get(f"/participants/{participant.pk}/").content.decode()
    assert f'href="/notes/participant/{participant.pk}/">Notes</a>' in page
    desk = client_for(nw.world.frontdesk).get(f"/participants/{participant.pk}/").content.decode()
    assert f"/notes/participant/{participant.pk}/" not in desk


def test_api_progress_note_lifecycle(nw: NotesWorld, api_for: ClientFor) -> None:
    episode = nw.member()
    session = nw.group(episode, service="individual", hour=13, minutes=60)
    api = api_for(nw.world.clinician_a)

    created = api.post(
        f"/api/v1/notes/sessions/{session.pk}/progress",
        {"participant_id": episode.participant_id, "format": "birp"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    note_id = created.json()["id"]
    sections = {"behavior": "b", "intervention": "MI", "response": "r", "plan": "p"}
    updated = api.patch(f"/api/v1/notes/progress/{note_id}", {"sections": sections}, content_type="application/json")
    assert updated.json()["sections"] == sections
    signed = api.post(f"/api/v1/notes/progress/{note_id}/sign", {}, content_type="application/json")
    assert signed.json()["status"] == "signed"

    again = api.patch(f"/api/v1/notes/progress/{note_id}", {"sections": sections}, content_type="application/json")
    assert again.status_code == 400
    assert again.json()["detail"][0]["reason"] == "This note is signed and locked; add an addendum instead."
    added = api.post(
        f"/api/v1/notes/progress/{note_id}/addenda",
        {"reason": "Late entry", "text": "More."},
        content_type="application/json",
    )
    assert added.status_code == 201
    listed = api.get(f"/api/v1/notes/participants/{episode.participant_id}").json()
    assert listed["count"] == 1 and listed["notes"][0]["kind"] == "progress"
    read = api.get(f"/api/v1/notes/progress/{note_id}").json()
    assert read["addenda"][0]["reason"] == "Late entry"
    assert AuditEntry.objects.filter(action=AuditAction.VIEW, object_type="notes.progressnote").count() == 1


def test_api_refuses_a_note_for_an_absent_participant_and_out_of_scope_sessions(
    nw: NotesWorld, api_for: ClientFor
) -> None:
    episode = nw.member()
    session = nw.session(service="individual", hour=13, minutes=60)
    response = api_for(nw.world.clinician_a).post(
        f"/api/v1/notes/sessions/{session.pk}/progress",
        {"participant_id": episode.participant_id},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["detail"][0]["field"] == "participant"
    other = api_for(nw.world.clinician_b).post(
        f"/api/v1/notes/sessions/{session.pk}/progress",
        {"participant_id": episode.participant_id},
        content_type="application/json",
    )
    assert other.status_code == 404
    assert api_for(nw.world.frontdesk).get(f"/api/v1/notes/participants/{episode.participant_id}").status_code == 403
    assert not ProgressNote.objects.exists()


def test_api_group_note_sign_cosign_and_return(nw: NotesWorld, api_for: ClientFor) -> None:
    ana, ben = nw.member("Ana", "Lopez"), nw.member("Ben", "Okafor")
    session = nw.group(ana, ben)
    intern = api_for(nw.supervisee)
    created = intern.post(f"/api/v1/notes/sessions/{session.pk}/group")
    assert created.status_code == 201
    note_id = created.json()["id"]
    intern.patch(
        f"/api/v1/notes/group/{note_id}", {"topic": "Anger", "group_dynamics": "Tense"}, content_type="application/json"
    )
    for episode in (ana, ben):
        saved = intern.patch(
            f"/api/v1/notes/group/{note_id}/members/{episode.participant_id}",
            {"participation": "Lopez listened" if episode == ben else "Talked", "response": "ok"},
            content_type="application/json",
        )
    assert saved.json() == {"name_warnings": ["Lopez"]}
    refused = intern.post(f"/api/v1/notes/group/{note_id}/sign", {}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["detail"][0]["field"] == "confirm_leaks"
    signed = intern.post(
        f"/api/v1/notes/group/{note_id}/sign", {"confirm_leaks": True}, content_type="application/json"
    )
    assert signed.json()["status"] == "awaiting_cosign"
    own = intern.post(f"/api/v1/notes/group/{note_id}/cosign")
    assert own.status_code == 400

    supervisor = api_for(nw.world.clinician_a)
    assert [n["id"] for n in supervisor.get("/api/v1/notes/cosign-queue").json()] == [note_id]
    returned = supervisor.post(
        f"/api/v1/notes/group/{note_id}/return", {"comment": "Remove the name."}, content_type="application/json"
    )
    assert returned.json()["status"] == "returned"
    assert GroupNote.objects.get().return_comment == "Remove the name."


@override_settings(CADENCE_DASHBOARD_CARDS=CARDS)
def test_the_author_sees_notes_to_sign_on_the_dashboard(nw: NotesWorld, client_for: ClientFor) -> None:
    session = nw.group(nw.member("Ana", "Lopez"), facilitator=nw.world.clinician_a)
    page = client_for(nw.world.clinician_a).get("/").content.decode()
    assert 'data-card="notes-to-sign"' in page and "1 overdue" in page
    assert f'href="/notes/session/{session.pk}/"' in page and "no note yet" in page
    assert 'data-card="notes-to-sign"' not in client_for(nw.world.clinician_b).get("/").content.decode()
