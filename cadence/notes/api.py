"""/api/v1/notes: progress notes and group notes: writing, signing, co-signing, addenda, curricula and templates.

The same access checks and actions as the pages: READ_CLINICAL_RECORD (403), the participant or session in
the user's scope (404, audited), an audit VIEW entry for every note read and LIST for every list. A broken
rule is a 400 ``{"detail": [{"field", "reason"}]}`` (``NoteError`` is a ``DomainError``). A group note
read through a participant shows the shared part and that participant's section only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, require
from cadence.accounts.request import staff_user
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.queries import get_participant_for

from . import actions, queries
from .models import Addendum, GroupNote, GroupNoteMember, ProgressNote

router = Router(tags=["Clinical notes"])


class AddendumOut(Schema):
    id: int
    by: str
    at: dt.datetime
    reason: str
    text: str


class SigningOut(Schema):
    status: str
    author: str
    signed_at: dt.datetime | None
    cosigned_by: str | None
    cosigned_at: dt.datetime | None
    return_comment: str


class ProgressNoteOut(SigningOut):
    id: int
    kind: str = "progress"
    session_id: int
    participant_id: int
    format: str
    sections: dict[str, str]
    goal_ids: list[int]
    addenda: list[AddendumOut]


class MemberOut(Schema):
    id: int
    participant_id: int
    on_roster: bool
    participation: str
    response: str
    goal_progress: str
    plan_changes: str
    goal_ids: list[int]
    name_warnings: list[str]


class GroupNoteOut(SigningOut):
    id: int
    kind: str = "group"
    session_id: int
    topic: str
    curriculum: str
    methods: str
    group_dynamics: str
    members: list[MemberOut]
    addenda: list[AddendumOut]


class ChartRowOut(Schema):
    kind: str
    note_id: int
    session_id: int
    starts_at: dt.datetime
    service: str
    status: str
    author: str


class ChartPageOut(Schema):
    count: int
    page: int
    pages: int
    notes: list[ChartRowOut]


class ProgressIn(Schema):
    participant_id: int
    format: str = Field("", description="dap, soap or birp; empty: the program's template (else DAP).")


class ProgressUpdateIn(Schema):
    sections: dict[str, str]
    format: str = ""
    goal_ids: list[int] | None = None


class SharedIn(Schema):
    topic: str = ""
    curriculum: str = ""
    methods: str = ""
    group_dynamics: str = ""


class MemberIn(Schema):
    participation: str = ""
    response: str = ""
    goal_progress: str = ""
    plan_changes: str = ""
    goal_ids: list[int] | None = None


class MemberSaved(Schema):
    name_warnings: list[str]


class SignIn(Schema):
    confirm_leaks: bool = Field(False, description="Group notes: sign although a section names another member.")


class ReturnIn(Schema):
    comment: str


class AddendumIn(Schema):
    reason: str
    text: str
    participant_id: int | None = Field(None, description="Group notes: the member's section it belongs to.")


def _signing(note: ProgressNote | GroupNote) -> dict[str, Any]:
    return {
        "status": note.status,
        "author": note.author.display_name,
        "signed_at": note.signed_at,
        "cosigned_by": note.cosigned_by.display_name if note.cosigned_by else None,
        "cosigned_at": note.cosigned_at,
        "return_comment": note.return_comment,
    }


def _addenda(rows: list[Addendum]) -> list[dict[str, Any]]:
    return [{"id": a.pk, "by": a.by.display_name, "at": a.at, "reason": a.reason, "text": a.text} for a in rows]


def _progress_out(note: ProgressNote) -> dict[str, Any]:
    return {
        **_signing(note),
        "id": note.pk,
        "session_id": note.session_id,
        "participant_id": note.participant_id,
        "format": note.format,
        "sections": note.sections,
        "goal_ids": [g.pk for g in note.goals.all()],
        "addenda": _addenda(queries.addenda_of(note)),
    }


def _member_out(member: GroupNoteMember, warnings: list[str]) -> dict[str, Any]:
    return {
        "id": member.pk,
        "participant_id": member.participant_id,
        "on_roster": member.on_roster,
        "participation": member.participation,
        "response": member.response,
        "goal_progress": member.goal_progress,
        "plan_changes": member.plan_changes,
        "goal_ids": [g.pk for g in member.goals.all()],
        "name_warnings": warnings,
    }


def _group_out(note: GroupNote, members: list[GroupNoteMember], addenda: list[Addendum]) -> dict[str, Any]:
    leaks = actions.member_leaks(members)
    return {
        **_signing(note),
        "id": note.pk,
        "session_id": note.session_id,
        **note.shared(),
        "members": [_member_out(m, leaks.get(m.participant_id, [])) for m in members],
        "addenda": _addenda(addenda),
    }


def _writer(request: HttpRequest) -> User:
    user = staff_user(request)
    require(user, Capability.WRITE_CLINICAL_RECORD)
    return user


def _out(note: ProgressNote | GroupNote) -> dict[str, Any]:
    if isinstance(note, ProgressNote):
        return _progress_out(note)
    return _group_out(note, queries.members_of(note), queries.addenda_of(note, everyone=True))


# --- Reading ---------------------------------------------------------------------------------------


@router.get("/participants/{participant_id}", response=ChartPageOut, summary="A participant's notes (paged)")
def list_notes(
    request: HttpRequest,
    participant_id: int,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    page: int = 1,
) -> dict[str, Any]:
    user = staff_user(request)
    require(user, Capability.READ_CLINICAL_RECORD)
    participant = get_participant_for(user, participant_id, audit_view=False)
    found = queries.chart_notes(user, participant, starts_on=starts_on, ends_on=ends_on, page=page)
    rows = [
        {
            "kind": row.kind,
            "note_id": row.note.pk,
            "session_id": row.session.pk,
            "starts_at": row.starts_at,
            "service": row.session.service_type.name,
            "status": row.note.status,
            "author": row.note.author.display_name,
        }
        for row in found.rows
    ]
    paginator = found.page.paginator
    return {"count": paginator.count, "page": found.page.number, "pages": paginator.num_pages, "notes": rows}


@router.get(
    "/participants/{participant_id}/group/{note_id}",
    response=GroupNoteOut,
    summary="A group note as a member's chart shows it: the shared part and their own section",
)
def read_member_group_note(request: HttpRequest, participant_id: int, note_id: int) -> dict[str, Any]:
    user = staff_user(request)
    require(user, Capability.READ_CLINICAL_RECORD)
    participant = get_participant_for(user, participant_id, audit_view=False)
    member = queries.get_member_section_for(user, participant, note_id)
    note = member.group_note
    own = note.leak_warnings.get(str(participant.pk), [])
    return {
        **_signing(note),
        "id": note.pk,
        "session_id": note.session_id,
        **note.shared(),
        "members": [_member_out(member, own)],
        "addenda": _addenda(queries.addenda_of(note, member=member)),
    }


@router.get("/progress/{note_id}", response=ProgressNoteOut, summary="A progress note")
def read_progress_note(request: HttpRequest, note_id: int) -> dict[str, Any]:
    return _progress_out(queries.get_progress_note_for(staff_user(request), note_id))


@router.get("/group/{note_id}", response=GroupNoteOut, summary="A whole group note (every member's section)")
def read_group_note(request: HttpRequest, note_id: int) -> dict[str, Any]:
    note = queries.get_group_note_for(staff_user(request), note_id)
    return _out(note)


# --- Writing ---------------------------------------------------------------------------------------


@router.post("/sessions/{session_id}/progress", response={201: ProgressNoteOut}, summary="Start a progress note")
def create_progress_note(request: HttpRequest, session_id: int, payload: ProgressIn) -> Status[dict[str, Any]]:
    user = _writer(request)
    session = queries.get_session_for(user, session_id)
    participant = get_participant_for(user, payload.participant_id, audit_view=False)
    note = actions.start_progress_note(
        session=session, participant=participant, by=user, at=timezone.now(), note_format=payload.format
    )
    return Status(201, _progress_out(queries.get_progress_note_for(user, note.pk, audit=False)))


@router.patch("/progress/{note_id}", response=ProgressNoteOut, summary="Save a draft progress note")
def update_progress_note(request: HttpRequest, note_id: int, payload: ProgressUpdateIn) -> dict[str, Any]:
    user = _writer(request)
    note = queries.get_progress_note_for(user, note_id, audit=False)
    actions.save_progress_note(
        note=note,
        by=user,
        at=timezone.now(),
        sections=payload.sections,
        note_format=payload.format,
        goal_ids=payload.goal_ids,
    )
    return _progress_out(queries.get_progress_note_for(user, note_id, audit=False))


@router.post("/sessions/{session_id}/group", response={201: GroupNoteOut}, summary="Start the group note")
def create_group_note(request: HttpRequest, session_id: int) -> Status[dict[str, Any]]:
    user = _writer(request)
    session = queries.get_session_for(user, session_id)
    note = actions.start_group_note(session=session, by=user, at=timezone.now())
    return Status(201, _out(queries.get_group_note_for(user, note.pk, audit=False)))


@router.patch("/group/{note_id}", response=GroupNoteOut, summary="Save the shared part of a group note")
def update_group_note(request: HttpRequest, note_id: int, payload: SharedIn) -> dict[str, Any]:
    user = _writer(request)
    note = queries.get_group_note_for(user, note_id, audit=False)
    actions.save_group_shared(note=note, by=user, at=timezone.now(), **payload.dict())
    return _out(queries.get_group_note_for(user, note_id, audit=False))


@router.patch(
    "/group/{note_id}/members/{participant_id}",
    response=MemberSaved,
    summary="Save a member's section; answers the other members' names it mentions",
)
def update_member_section(request: HttpRequest, note_id: int, participant_id: int, payload: MemberIn) -> dict[str, Any]:
    user = _writer(request)
    note = queries.get_group_note_for(user, note_id, audit=False)
    member = GroupNoteMember.objects.filter(group_note=note, participant_id=participant_id).first()
    if member is None:
        raise Http404("Not found")
    warnings = actions.save_member_section(member=member, by=user, at=timezone.now(), **payload.dict())
    return {"name_warnings": warnings}


@router.post("/{kind}/{note_id}/sign", response={200: dict[str, Any]}, summary="Sign a note (progress or group)")
def sign(request: HttpRequest, kind: str, note_id: int, payload: SignIn) -> dict[str, Any]:
    user = _writer(request)
    note = queries.get_note_for(user, kind, note_id)
    if isinstance(note, GroupNote):
        note = actions.sign_group_note(note=note, by=user, at=timezone.now(), confirm_leaks=payload.confirm_leaks)
    else:
        note = actions.sign_progress_note(note=note, by=user, at=timezone.now())
    return {"id": note.pk, "kind": kind, "status": note.status, "signed_at": note.signed_at}


@router.post("/{kind}/{note_id}/cosign", response={200: dict[str, Any]}, summary="Co-sign a supervisee's note")
def cosign(request: HttpRequest, kind: str, note_id: int) -> dict[str, Any]:
    user = staff_user(request)
    note = actions.cosign_note(note=queries.get_note_for(user, kind, note_id), by=user, at=timezone.now())
    return {"id": note.pk, "kind": kind, "status": note.status, "cosigned_at": note.cosigned_at}


@router.post("/{kind}/{note_id}/return", response={200: dict[str, Any]}, summary="Return a note with a comment")
def return_to_author(request: HttpRequest, kind: str, note_id: int, payload: ReturnIn) -> dict[str, Any]:
    user = staff_user(request)
    note = actions.return_note(
        note=queries.get_note_for(user, kind, note_id), by=user, at=timezone.now(), comment=payload.comment
    )
    return {"id": note.pk, "kind": kind, "status": note.status, "return_comment": note.return_comment}


@router.post("/{kind}/{note_id}/addenda", response={201: AddendumOut}, summary="Add an addendum to a signed note")
def add_addendum(request: HttpRequest, kind: str, note_id: int, payload: AddendumIn) -> Status[dict[str, Any]]:
    user = _writer(request)
    note = queries.get_note_for(user, kind, note_id)
    member = None
    if payload.participant_id is not None:
        member = GroupNoteMember.objects.filter(group_note_id=note.pk, participant_id=payload.participant_id).first()
        if member is None or not isinstance(note, GroupNote):
            raise Http404("Not found")
    addendum = actions.add_addendum(
        note=note, by=user, at=timezone.now(), reason=payload.reason, text=payload.text, member=member
    )
    return Status(201, _addenda([addendum])[0])


@router.get("/cosign-queue", response=list[dict[str, Any]], summary="Notes awaiting the user's co-signature")
def cosign_queue(request: HttpRequest) -> list[dict[str, Any]]:
    user = staff_user(request)
    notes = queries.cosign_queue(user)
    record(action=AuditAction.LIST, actor=user, object_type="notes.note", summary=f"Notes to co-sign: {len(notes)}")
    return [
        {
            "kind": n.kind,
            "id": n.pk,
            "session_id": n.session_id,
            "author": n.author.display_name,
            "signed_at": n.signed_at,
            "participant_id": n.participant_id if isinstance(n, ProgressNote) else None,
        }
        for n in notes
    ]
