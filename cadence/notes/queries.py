"""Reads of clinical notes shared by views, the API, cards and other apps.

Every read of a note goes through an access-checking helper here: READ_CLINICAL_RECORD (403 without it)
and the participant (or, for a whole group note, the session's program) in the user's scope (an audited
404 outside it); each read writes an audit VIEW entry, each list a LIST entry with its count. A member's
chart sees a group note only as its shared part and that member's own section.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Value
from django.http import Http404

from cadence.accounts.models import Role, User
from cadence.accounts.permissions import Capability, has_capability, require
from cadence.accounts.scope import get_in_scope, out_of_scope, visible_programs
from cadence.attendance.models import Attendance, AttendanceStatus
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Participant
from cadence.participants.queries import get_participant_for
from cadence.scheduling.models import ServiceFormat, Session, SessionStatus

from . import conf, rules
from .models import LOCKED_STATUSES, Addendum, GroupNote, GroupNoteMember, NoteStatus, ProgressNote

EDITABLE_STATUSES = sorted(rules.EDITABLE)
SESSION_RELATIONS = ("program__site", "service_type", "facilitator", "room")


# --- For other apps --------------------------------------------------------------------------------


def note_signed_for(session_id: int, participant_id: int) -> bool:
    """Whether the participant's progress note or group-note section for the session is signed (signed,
    awaiting co-signature or co-signed). Attendance locks its marks on this."""
    progress = ProgressNote.objects.filter(
        session_id=session_id, participant_id=participant_id, status__in=LOCKED_STATUSES
    )
    section = GroupNoteMember.objects.filter(
        group_note__session_id=session_id,
        participant_id=participant_id,
        on_roster=True,
        group_note__status__in=LOCKED_STATUSES,
    )
    return progress.exists() or section.exists()


def note_signed_on_day(participant_id: int, day: dt.date) -> bool:
    """Whether any of the participant's notes of sessions on ``day`` (site date) is signed (billing rule)."""
    progress = ProgressNote.objects.filter(
        participant_id=participant_id, session__occurs_on=day, status__in=LOCKED_STATUSES
    )
    section = GroupNoteMember.objects.filter(
        participant_id=participant_id,
        on_roster=True,
        group_note__session__occurs_on=day,
        group_note__status__in=LOCKED_STATUSES,
    )
    return progress.exists() or section.exists()


# --- Access ----------------------------------------------------------------------------------------


def can_read(user: User) -> bool:
    return has_capability(user.role, Capability.READ_CLINICAL_RECORD)


def can_write(user: User) -> bool:
    return has_capability(user.role, Capability.WRITE_CLINICAL_RECORD)


def audit_note_read(
    user: User,
    note: ProgressNote | GroupNote,
    *,
    participant_id: int | None,
    purpose: str,
    participants: list[int] | None = None,
) -> None:
    record(
        action=AuditAction.VIEW,
        actor=user,
        obj=note,
        participant_id=participant_id,
        summary=purpose,
        changes={"participants": participants} if participants is not None else {},
    )


def get_session_for(user: User, pk: int) -> Session:
    """A session of the user's programs (audited 404 otherwise), for writing or reading its notes."""
    require(user, Capability.READ_CLINICAL_RECORD)
    return get_in_scope(user, Session.objects.select_related(*SESSION_RELATIONS), pk)


def get_progress_note_for(user: User, pk: int, *, audit: bool = True) -> ProgressNote:
    """A progress note whose participant is in the user's scope; the read is audited (VIEW)."""
    require(user, Capability.READ_CLINICAL_RECORD)
    note = (
        ProgressNote.objects.select_related(
            "author", "cosigned_by", "returned_by", "participant", *(f"session__{r}" for r in SESSION_RELATIONS)
        )
        .filter(pk=pk)
        .first()
    )
    if note is None:
        raise out_of_scope(user, "notes.progressnote", pk)
    get_participant_for(user, note.participant_id, audit_view=False)
    if audit:
        audit_note_read(user, note, participant_id=note.participant_id, purpose=f"Read progress note {pk}")
    return note


def get_group_note_for(user: User, pk: int, *, audit: bool = True) -> GroupNote:
    """A whole group note (every member's section) of a session in the user's programs; audited (VIEW)
    with the participants whose sections it shows."""
    require(user, Capability.READ_CLINICAL_RECORD)
    rows = GroupNote.objects.select_related(
        "author", "cosigned_by", "returned_by", "curriculum_topic", *(f"session__{r}" for r in SESSION_RELATIONS)
    )
    note = get_in_scope(user, rows, pk, program_path="session__program")
    if audit:
        ids = list(GroupNoteMember.objects.filter(group_note=note).values_list("participant_id", flat=True))
        audit_note_read(user, note, participant_id=None, purpose=f"Read group note {pk}", participants=ids)
    return note


def get_note_for(user: User, kind: str, pk: int, *, audit: bool = False) -> ProgressNote | GroupNote:
    """A progress note (``kind`` "progress") or a whole group note ("group") through its access check;
    any other kind is a 404. Not audited by default: the actions that sign, co-sign, return or add to a
    note audit themselves, and fetching it for them is not a disclosure."""
    if kind == "progress":
        return get_progress_note_for(user, pk, audit=audit)
    if kind == "group":
        return get_group_note_for(user, pk, audit=audit)
    raise Http404("Unknown kind of note")


def get_member_section_for(
    user: User, participant: Participant, note_pk: int, *, audit: bool = True
) -> GroupNoteMember:
    """A member's own section of a group note, with the note, for their chart (the participant has been
    checked in scope by the caller). A group note the participant has no section in is a 404."""
    require(user, Capability.READ_CLINICAL_RECORD)
    member = (
        GroupNoteMember.objects.select_related(
            "participant",
            "group_note__author",
            "group_note__cosigned_by",
            *(f"group_note__session__{r}" for r in SESSION_RELATIONS),
        )
        .filter(group_note_id=note_pk, participant=participant)
        .first()
    )
    if member is None:
        raise out_of_scope(user, "notes.groupnote", note_pk)
    if audit:
        audit_note_read(
            user, member.group_note, participant_id=participant.pk, purpose=f"Read group note {note_pk} (own section)"
        )
    return member


def addenda_of(
    note: ProgressNote | GroupNote, *, member: GroupNoteMember | None = None, everyone: bool = False
) -> list[Addendum]:
    """Addenda of a progress note; of a group note: the shared part's and ``member``'s (or all of them
    with ``everyone``, for the whole note)."""
    rows = Addendum.objects.select_related("by", "member__participant")
    if isinstance(note, ProgressNote):
        return list(rows.filter(progress_note=note))
    rows = rows.filter(group_note=note)
    if not everyone:
        rows = rows.filter(Q(member__isnull=True) | Q(member=member))
    return list(rows)


def members_of(note: GroupNote) -> list[GroupNoteMember]:
    return list(GroupNoteMember.objects.filter(group_note=note).select_related("participant").prefetch_related("goals"))


def attendance_of(session: Session) -> dict[int, Attendance]:
    return {a.participant_id: a for a in Attendance.objects.filter(session=session)}


def progress_attendees(user: User, session: Session) -> list[tuple[Attendance, ProgressNote | None]]:
    """Participants marked present at a one-to-one session with their progress note (if any); audited LIST."""
    present = list(
        Attendance.objects.filter(session=session, status=AttendanceStatus.PRESENT)
        .select_related("participant")
        .order_by("participant__legal_last_name")
    )
    notes = {n.participant_id: n for n in ProgressNote.objects.filter(session=session)}
    record(
        action=AuditAction.LIST,
        actor=user,
        obj=session,
        summary=f"Notes of a session: {len(present)} participant(s)",
    )
    return [(a, notes.get(a.participant_id)) for a in present]


# --- A participant's chart -------------------------------------------------------------------------


IndexRow = tuple[dt.datetime, str, int]


@dataclass
class ChartRow:
    kind: str  # "progress" or "group"
    starts_at: dt.datetime
    note: ProgressNote | GroupNote
    member: GroupNoteMember | None = None
    addenda: list[Addendum] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.note.pk}"

    @property
    def session(self) -> Session:
        return self.note.session


@dataclass
class ChartNotes:
    page: Page[IndexRow]
    rows: list[ChartRow] = field(default_factory=list)


def _chart_index(
    participant: Participant, starts_on: dt.date | None, ends_on: dt.date | None
) -> QuerySet[Any, IndexRow]:
    """(session start, kind, note id) of every note of the participant in the date range, newest first:
    one union query, so paging does not load notes it does not show."""
    progress = ProgressNote.objects.filter(participant=participant)
    groups = GroupNoteMember.objects.filter(participant=participant)
    if starts_on:
        progress = progress.filter(session__occurs_on__gte=starts_on)
        groups = groups.filter(group_note__session__occurs_on__gte=starts_on)
    if ends_on:
        progress = progress.filter(session__occurs_on__lte=ends_on)
        groups = groups.filter(group_note__session__occurs_on__lte=ends_on)
    first = (
        progress.order_by()
        .annotate(starts=F("session__starts_at"), note_kind=Value("progress", output_field=CharField()), note=F("pk"))
        .values_list("starts", "note_kind", "note")
    )
    second = (
        groups.order_by()
        .annotate(
            starts=F("group_note__session__starts_at"),
            note_kind=Value("group", output_field=CharField()),
            note=F("group_note_id"),
        )
        .values_list("starts", "note_kind", "note")
    )
    return first.union(second, all=True).order_by("-starts", "-note")


def _rows_for(participant: Participant, index: list[IndexRow]) -> list[ChartRow]:
    progress_ids = [pk for _s, kind, pk in index if kind == "progress"]
    group_ids = [pk for _s, kind, pk in index if kind == "group"]
    session = [f"session__{r}" for r in SESSION_RELATIONS]
    progress = {
        n.pk: n
        for n in ProgressNote.objects.filter(pk__in=progress_ids).select_related("author", "cosigned_by", *session)
    }
    members = {
        m.group_note_id: m
        for m in GroupNoteMember.objects.filter(group_note_id__in=group_ids, participant=participant).select_related(
            "group_note__author", "group_note__cosigned_by", *(f"group_note__{s}" for s in session)
        )
    }
    rows = []
    for starts, kind, pk in index:
        if kind == "progress":
            rows.append(ChartRow("progress", starts, progress[pk]))
        else:
            rows.append(ChartRow("group", starts, members[pk].group_note, members[pk]))
    return rows


def chart_notes(
    user: User, participant: Participant, *, starts_on: dt.date | None, ends_on: dt.date | None, page: int | str = 1
) -> ChartNotes:
    """One page of the participant's notes (progress notes and their own group-note sections), newest
    first; a constant number of queries whatever the number of notes. Audited LIST with the count."""
    require(user, Capability.READ_CLINICAL_RECORD)
    paginator = Paginator(_chart_index(participant, starts_on, ends_on), conf.page_size())
    shown = paginator.get_page(page)
    rows = _rows_for(participant, list(shown.object_list))
    record(
        action=AuditAction.LIST,
        actor=user,
        object_type="notes.note",
        participant_id=participant.pk,
        summary=f"Clinical notes of a chart: {len(rows)} note(s)",
        changes={"from": starts_on, "to": ends_on, "page": shown.number},
    )
    return ChartNotes(shown, rows)


def chart_notes_for_document(
    participant: Participant, *, starts_on: dt.date | None, ends_on: dt.date | None
) -> list[ChartRow]:
    """Every note of the participant in the range, oldest first, for a PDF (the caller audits EXPORT)."""
    index = list(_chart_index(participant, starts_on, ends_on))
    rows = _rows_for(participant, index)
    rows.reverse()
    return rows


# --- Dashboard and queue ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ToSign:
    session: Session
    deadline: dt.datetime
    overdue: bool
    note: ProgressNote | GroupNote | None = None
    participant: Participant | None = None  # one-to-one sessions without a note


def notes_to_sign(user: User, now: dt.datetime, *, limit: int = 20) -> list[ToSign]:
    """The user's unsigned notes past the deadline (session end + CADENCE_NOTE_SIGN_HOURS), and the
    sessions they ran in the last days with a present participant and no note yet; oldest first."""
    hours = conf.sign_hours()
    since = now - dt.timedelta(days=conf.card_lookback_days())
    found: list[ToSign] = []

    def row(session: Session, note: ProgressNote | GroupNote | None, participant: Participant | None) -> ToSign:
        status = note.status if note is not None else None
        overdue = rules.is_overdue(status=status, session_ends_at=session.ends_at, now=now, hours=hours)
        return ToSign(session, rules.sign_deadline(session.ends_at, hours), overdue, note, participant)

    session_rel = [f"session__{r}" for r in ("service_type", "program__site")]
    # The database side of rules.is_overdue: unsigned, and the session ended by the cut-off.
    unsigned = {
        "author": user,
        "status__in": EDITABLE_STATUSES,
        "session__ends_at__lte": rules.overdue_cutoff(now, hours),
    }
    progress = ProgressNote.objects.filter(**unsigned).select_related("participant", *session_rel)
    for note in progress.order_by("session__ends_at")[:limit]:
        found.append(row(note.session, note, note.participant))
    for group in GroupNote.objects.filter(**unsigned).select_related(*session_rel).order_by("session__ends_at")[:limit]:
        found.append(row(group.session, group, None))
    ran = Session.objects.filter(
        facilitator=user, status=SessionStatus.SCHEDULED, ends_at__gte=since, ends_at__lte=now
    ).select_related("service_type", "program__site")
    present = Attendance.objects.filter(session=OuterRef("pk"), status=AttendanceStatus.PRESENT)
    groups = (
        ran.filter(service_type__format=ServiceFormat.GROUP, group_note__isnull=True)
        .filter(Exists(present))
        .order_by("ends_at")[:limit]
    )
    for session in groups:
        found.append(row(session, None, None))
    has_note = ProgressNote.objects.filter(session=OuterRef("session"), participant=OuterRef("participant"))
    singles = (
        Attendance.objects.filter(
            session__in=ran.filter(service_type__format=ServiceFormat.ONE_TO_ONE), status=AttendanceStatus.PRESENT
        )
        .exclude(Exists(has_note))
        .select_related("participant", "session__service_type", "session__program__site")
        .order_by("session__ends_at")[:limit]
    )
    for mark in singles:
        found.append(row(mark.session, None, mark.participant))
    found.sort(key=lambda row: row.deadline)
    return found[:limit]


def cosign_queue(user: User) -> list[ProgressNote | GroupNote]:
    """Notes awaiting the user's co-signature: by their supervisees, or, for a director, by anyone in
    their programs (never their own). Empty for a role that does not co-sign."""
    if not has_capability(user.role, Capability.COSIGN_NOTES):
        return []
    mine = Q(author__supervisor=user)
    if user.role == Role.DIRECTOR:
        mine |= Q(session__program__in=visible_programs(user))
    base = Q(status=NoteStatus.AWAITING_COSIGN) & mine & ~Q(author=user)
    rel = ("author", "session__service_type", "session__program__site")
    progress = list(ProgressNote.objects.filter(base).select_related("participant", *rel).order_by("signed_at"))
    groups = list(GroupNote.objects.filter(base).select_related(*rel).order_by("signed_at"))
    return sorted([*progress, *groups], key=lambda n: (n.signed_at or n.created_at, n.pk))


def attach_addenda(rows: list[ChartRow]) -> None:
    """Put each chart row's addenda on it (of a group note only the shared part's and this member's
    own). One query."""
    progress = [r.note.pk for r in rows if r.kind == "progress"]
    members = {r.note.pk: r.member.pk for r in rows if r.kind == "group" and r.member is not None}
    found: dict[str, list[Addendum]] = {}
    query = Addendum.objects.filter(
        Q(progress_note_id__in=progress) | Q(group_note_id__in=list(members))
    ).select_related("by")
    for addendum in query.order_by("at", "pk"):
        if addendum.progress_note_id is not None:
            found.setdefault(f"progress-{addendum.progress_note_id}", []).append(addendum)
        elif addendum.member_id is None or addendum.member_id == members.get(addendum.group_note_id or 0):
            found.setdefault(f"group-{addendum.group_note_id}", []).append(addendum)
    for row in rows:
        row.addenda = found.get(row.key, [])
