"""Every state change of clinical documentation. Keyword-only, atomic, audited.

Each raises ``NoteError(field, reason)`` for a broken rule (see ``rules``) and leaves the database
unchanged. Time is passed in (``at``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.db import IntegrityError, transaction
from django.db.models import Q

from cadence.accounts.models import Role, User
from cadence.accounts.permissions import Capability, has_capability
from cadence.attendance.models import Attendance, AttendanceStatus
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Participant
from cadence.plans.models import Goal
from cadence.programs.models import Program
from cadence.scheduling.models import ServiceFormat, ServiceType, Session, SessionStatus

from . import rules
from .conf import name_min_length
from .models import (
    Addendum,
    Curriculum,
    CurriculumTopic,
    GroupNote,
    GroupNoteMember,
    MemberGoal,
    NoteStatus,
    NoteTemplate,
    ProgressNote,
    ProgressNoteGoal,
    TemplateKind,
)
from .rules import NoteError

Note = ProgressNote | GroupNote


# --- Facts for the pure rules ----------------------------------------------------------------------


def actor_of(user: User) -> rules.Actor:
    return rules.Actor(
        user_id=user.pk,
        is_director=user.role == Role.DIRECTOR,
        can_write=has_capability(user.role, Capability.WRITE_CLINICAL_RECORD),
        can_cosign=has_capability(user.role, Capability.COSIGN_NOTES),
    )


def author_of(user: User) -> rules.Author:
    return rules.Author(user_id=user.pk, needs_supervision=user.needs_supervision, supervisor_id=user.supervisor_id)


def _require_writer(by: User) -> None:
    if not has_capability(by.role, Capability.WRITE_CLINICAL_RECORD):
        raise NoteError("note", "Your role does not write clinical notes.")


def attended_ids(session: Session) -> set[int]:
    """Participants marked present (on time, late or leaving early) at the session."""
    return set(
        Attendance.objects.filter(session=session, status=AttendanceStatus.PRESENT).values_list(
            "participant_id", flat=True
        )
    )


def _check_session_for_note(session: Session, at: dt.datetime) -> None:
    if session.status == SessionStatus.CANCELLED:
        raise NoteError("session", "The session was cancelled; there is nothing to document.")
    if session.starts_at > at:
        raise NoteError("session", "The session has not started yet.")


def current_goals(participant_ids: Sequence[int]) -> dict[int, list[Goal]]:
    """Each participant's goals on their open (draft or active) treatment plans, in plan order."""
    goals: dict[int, list[Goal]] = {pid: [] for pid in participant_ids}
    rows = (
        Goal.objects.filter(plan__participant_id__in=participant_ids, removed_at__isnull=True)
        .exclude(plan__status="closed")
        .select_related("plan")
        .order_by("plan_id", "number")
    )
    for goal in rows:
        goals[goal.plan.participant_id].append(goal)
    return goals


def _goal_prefill(goals: Sequence[Goal]) -> str:
    return "\n".join(f"Goal {g.number} ({g.text}): " for g in goals)


def _checked_goals(participant_id: int, goal_ids: Sequence[int] | None) -> list[Goal] | None:
    if goal_ids is None:
        return None
    goals = list(Goal.objects.filter(pk__in=set(goal_ids)).select_related("plan"))
    if len(goals) != len(set(goal_ids)) or any(g.plan.participant_id != participant_id for g in goals):
        raise NoteError("goals", "Link only goals of this participant's own treatment plan.")
    return goals


# --- Curricula and templates -----------------------------------------------------------------------


def week_number(starts_on: dt.date, day: dt.date, weeks: int) -> int | None:
    """The curriculum week (1..weeks) of ``day``: the curriculum starts over after its last week."""
    if weeks < 1 or day < starts_on:
        return None
    return (day - starts_on).days // 7 % weeks + 1


def curriculum_topic_for(session: Session) -> CurriculumTopic | None:
    """The topic of the session's week in the program's active curriculum for its kind of group (a
    curriculum for this service type first, else one for any group)."""
    curricula = (
        Curriculum.objects.filter(program_id=session.program_id, active=True, starts_on__lte=session.occurs_on)
        .filter(Q(service_type_id=session.service_type_id) | Q(service_type__isnull=True))
        .prefetch_related("topics")
        .order_by("service_type_id", "name")
    )
    ordered = sorted(curricula, key=lambda c: c.service_type_id is None)
    for curriculum in ordered:
        topics = {t.week: t for t in curriculum.topics.all()}
        week = week_number(curriculum.starts_on, session.occurs_on, max(topics, default=0))
        if week is not None and week in topics:
            return topics[week]
    return None


def template_for(session: Session, kind: str) -> NoteTemplate | None:
    """The program's active template of that kind for the session's service (else a general one)."""
    rows = NoteTemplate.objects.filter(program_id=session.program_id, kind=kind, active=True)
    return rows.filter(service_type_id=session.service_type_id).first() or rows.filter(service_type=None).first()


@transaction.atomic
def create_curriculum(
    *, program: Program, name: str, starts_on: dt.date, service_type: ServiceType | None, by: User, at: dt.datetime
) -> Curriculum:
    if not name.strip():
        raise NoteError("name", "Name the curriculum.")
    if service_type is not None and service_type.format != ServiceFormat.GROUP:
        raise NoteError("service_type", "A curriculum is for a group service.")
    if Curriculum.objects.filter(program=program, name=name.strip()).exists():
        raise NoteError("name", "The program already has a curriculum with this name.")
    curriculum = Curriculum.objects.create(
        program=program, name=name.strip(), starts_on=starts_on, service_type=service_type, created_at=at, created_by=by
    )
    record(action=AuditAction.CREATE, actor=by, obj=curriculum, summary=f"Created curriculum {curriculum.name}", at=at)
    return curriculum


@transaction.atomic
def set_curriculum_topic(
    *, curriculum: Curriculum, week: int, topic: str, methods: str, description: str, by: User, at: dt.datetime
) -> CurriculumTopic:
    """Add or replace the topic of one week."""
    if week < 1 or week > 104:
        raise NoteError("week", "The week is a number from 1 to 104.")
    if not topic.strip():
        raise NoteError("topic", "Give the week's topic.")
    row, created = CurriculumTopic.objects.update_or_create(
        curriculum=curriculum,
        week=week,
        defaults={"topic": topic.strip(), "methods": methods.strip(), "description": description.strip()},
    )
    record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        actor=by,
        obj=row,
        summary=f"{curriculum.name}, week {week}: {row.topic}",
        at=at,
    )
    return row


@transaction.atomic
def save_note_template(
    *,
    program: Program,
    name: str,
    kind: str,
    note_format: str,
    sections: Mapping[str, str],
    service_type: ServiceType | None,
    by: User,
    at: dt.datetime,
    template: NoteTemplate | None = None,
) -> NoteTemplate:
    """Create (``template`` None) or update a note template; its sections must belong to its kind/format."""
    if not name.strip():
        raise NoteError("name", "Name the template.")
    if kind not in TemplateKind.values:
        raise NoteError("kind", "A template is for a progress note or a group note.")
    if kind == TemplateKind.GROUP:
        unknown = sorted(set(sections) - {"topic", "methods", "group_dynamics"})
        if unknown:
            raise NoteError("sections", f"{', '.join(unknown)} is not part of a group note.")
        clean = {k: str(v).strip() for k, v in sections.items()}
    else:
        clean = rules.clean_sections(note_format, sections)
    duplicate = NoteTemplate.objects.filter(program=program, name=name.strip())
    if template is not None:
        duplicate = duplicate.exclude(pk=template.pk)
    if duplicate.exists():
        raise NoteError("name", "The program already has a template with this name.")
    row = template or NoteTemplate(program=program, created_at=at, created_by=by)
    row.name, row.kind, row.format, row.sections, row.service_type = (
        name.strip(),
        kind,
        note_format,
        clean,
        service_type,
    )
    row.save()
    record(
        action=AuditAction.UPDATE if template else AuditAction.CREATE,
        actor=by,
        obj=row,
        summary=f"Note template {row.name}",
        at=at,
    )
    return row


# --- Group notes -----------------------------------------------------------------------------------


def _names(participant: Participant) -> rules.PersonNames:
    return rules.PersonNames(participant.legal_first_name, participant.legal_last_name, participant.preferred_name)


def member_leaks(members: Sequence[GroupNoteMember]) -> dict[int, list[str]]:
    """For each section (by participant id) the other members' names it mentions (members must have
    their participant loaded)."""
    names = {m.participant_id: _names(m.participant) for m in members}
    found: dict[int, list[str]] = {}
    for member in members:
        others = [n for pid, n in names.items() if pid != member.participant_id]
        leaks = rules.name_leaks(
            member.text(), own=names[member.participant_id], others=others, min_length=name_min_length()
        )
        if leaks:
            found[member.participant_id] = leaks
    return found


@transaction.atomic
def start_group_note(*, session: Session, by: User, at: dt.datetime, template: NoteTemplate | None = None) -> GroupNote:
    """The group note of a group session, pre-filled: the week's curriculum topic (else the template),
    one section per member marked present, each with their current plan goals to comment on."""
    _require_writer(by)
    if session.service_type.format != ServiceFormat.GROUP:
        raise NoteError("session", "This is not a group session; write a progress note for each participant.")
    _check_session_for_note(session, at)
    if GroupNote.objects.filter(session=session).exists():
        raise NoteError("session", "This session already has a group note.")
    template = template or template_for(session, TemplateKind.GROUP)
    topic = curriculum_topic_for(session)
    start = dict(template.sections) if template is not None else {}
    note = GroupNote(
        session=session,
        author=by,
        created_at=at,
        updated_at=at,
        template=template,
        curriculum_topic=topic,
        topic=topic.topic if topic else str(start.get("topic", "")),
        curriculum=f"{topic.curriculum.name}, week {topic.week}" if topic else "",
        methods=topic.methods if topic and topic.methods else str(start.get("methods", "")),
        group_dynamics=str(start.get("group_dynamics", "")),
    )
    try:
        with transaction.atomic():
            note.save()
    except IntegrityError:
        raise NoteError("session", "This session already has a group note.") from None
    present = sorted(attended_ids(session))
    goals = current_goals(present)
    GroupNoteMember.objects.bulk_create(
        [
            GroupNoteMember(group_note=note, participant_id=pid, goal_progress=_goal_prefill(goals[pid]), updated_at=at)
            for pid in present
        ]
    )
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=note,
        summary=f"Started the group note of session {session.pk} with {len(present)} member section(s)",
        changes={"participants": present},
        at=at,
    )
    return note


def pending_roster_changes(note: GroupNote) -> rules.RosterChanges:
    """What ``sync_group_roster`` would change, without changing it (``rules.roster_changes`` on the
    note's attendance and sections, read here). Nothing for a signed note."""
    if note.is_locked:
        return rules.RosterChanges()
    rows = dict(GroupNoteMember.objects.filter(group_note=note).values_list("participant_id", "on_roster"))
    return rules.roster_changes(
        attended_ids(note.session),
        [pid for pid, on in rows.items() if on],
        [pid for pid, on in rows.items() if not on],
    )


@transaction.atomic
def update_group_roster(*, note: GroupNote, by: User, at: dt.datetime) -> tuple[list[int], list[int]]:
    """The author's "Update members": ``sync_group_roster`` on the note locked for the change. Raises
    ``NoteError`` unless ``by`` may edit the note (its author, while it is unsigned)."""
    locked = GroupNote.objects.select_for_update().get(pk=note.pk)
    rules.check_can_edit(status=locked.status, author_id=locked.author_id, actor=actor_of(by))
    return sync_group_roster(note=locked, by=by, at=at)


@transaction.atomic
def sync_group_roster(*, note: GroupNote, by: User, at: dt.datetime) -> tuple[list[int], list[int]]:
    """Bring the sections of an unsigned group note in line with attendance: a section for each new
    attendee; a member no longer present keeps their section, marked off the roster (nothing written is
    ever deleted). Returns (added, marked off) participant ids; a signed note is left as signed."""
    if note.is_locked:
        return [], []
    changes = pending_roster_changes(note)
    if not changes:
        return [], []
    added, off, back = list(changes.added), list(changes.off), list(changes.back)
    goals = current_goals(added)
    GroupNoteMember.objects.bulk_create(
        [
            GroupNoteMember(group_note=note, participant_id=pid, goal_progress=_goal_prefill(goals[pid]), updated_at=at)
            for pid in added
        ]
    )
    GroupNoteMember.objects.filter(group_note=note, participant_id__in=off).update(on_roster=False)
    GroupNoteMember.objects.filter(group_note=note, participant_id__in=back).update(on_roster=True)
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=note,
        summary="Group note roster follows attendance",
        changes={"added": added, "off_roster": off, "back_on_roster": back},
        at=at,
    )
    return added, off


@transaction.atomic
def save_group_shared(
    *, note: GroupNote, by: User, at: dt.datetime, topic: str, curriculum: str, methods: str, group_dynamics: str
) -> GroupNote:
    """Save the shared part (topic, curriculum, methods, group dynamics) of an unsigned group note."""
    note = GroupNote.objects.select_for_update().get(pk=note.pk)
    rules.check_can_edit(status=note.status, author_id=note.author_id, actor=actor_of(by))
    for field, value, limit in (("topic", topic, 200), ("curriculum", curriculum, 200), ("methods", methods, 300)):
        if len(value.strip()) > limit:
            raise NoteError(field, f"Keep the {field} under {limit} characters.")
    before = note.shared()
    note.topic, note.curriculum, note.methods = topic.strip(), curriculum.strip(), methods.strip()
    note.group_dynamics = group_dynamics.strip()
    note.updated_at = at
    note.save(update_fields=["topic", "curriculum", "methods", "group_dynamics", "updated_at"])
    changed = sorted(k for k, v in note.shared().items() if v != before[k])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=note,
        summary="Saved the shared part",
        changes={"fields": changed},
        at=at,
    )
    return note


@transaction.atomic
def save_member_section(
    *,
    member: GroupNoteMember,
    by: User,
    at: dt.datetime,
    participation: str,
    response: str,
    goal_progress: str,
    plan_changes: str,
    goal_ids: Sequence[int] | None = None,
) -> list[str]:
    """Save one member's section of an unsigned group note; returns the other members' names it mentions
    (a warning, not a refusal: the signer confirms before signing)."""
    note = GroupNote.objects.select_for_update().get(pk=member.group_note_id)
    rules.check_can_edit(status=note.status, author_id=note.author_id, actor=actor_of(by))
    goals = _checked_goals(member.participant_id, goal_ids)
    member.participation, member.response = participation.strip(), response.strip()
    member.goal_progress, member.plan_changes = goal_progress.strip(), plan_changes.strip()
    member.updated_at = at
    member.save(update_fields=["participation", "response", "goal_progress", "plan_changes", "updated_at"])
    if goals is not None:
        MemberGoal.objects.filter(member=member).exclude(goal__in=goals).delete()
        MemberGoal.objects.bulk_create([MemberGoal(member=member, goal=g) for g in goals], ignore_conflicts=True)
    members = list(GroupNoteMember.objects.filter(group_note=note).select_related("participant"))
    leaks = member_leaks(members).get(member.participant_id, [])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=member,
        participant_id=member.participant_id,
        summary=f"Saved a section of group note {note.pk}" + (" (mentions another member)" if leaks else ""),
        changes={"goals": [g.pk for g in goals]} if goals is not None else {},
        at=at,
    )
    return leaks


@transaction.atomic
def sign_group_note(*, note: GroupNote, by: User, at: dt.datetime, confirm_leaks: bool = False) -> GroupNote:
    """Sign the group note and every member section at once. A section naming another member is a
    warning the signer must confirm (``confirm_leaks``); the confirmed warnings are kept on the note."""
    note = GroupNote.objects.select_for_update().select_related("author", "session").get(pk=note.pk)
    sync_group_roster(note=note, by=by, at=at)
    members = list(GroupNoteMember.objects.filter(group_note=note).select_related("participant"))
    sections = [
        rules.MemberSection(m.participant_id, m.participant.display_name, m.on_roster, m.participation, m.response)
        for m in members
    ]
    rules.check_can_sign(
        status=note.status,
        author_id=note.author_id,
        actor=actor_of(by),
        problems=rules.group_problems(note.shared(), sections),
    )
    leaks = member_leaks(members)
    if leaks and not confirm_leaks:
        named = "; ".join(
            f"{m.participant.display_name}'s section names {', '.join(leaks[m.participant_id])}"
            for m in members
            if m.participant_id in leaks
        )
        raise NoteError("confirm_leaks", f"{named}. Remove the names, or confirm to sign anyway.")
    note.status = rules.status_after_signing(author_of(note.author))
    note.signed_at, note.updated_at = at, at
    note.leak_warnings = {str(pid): names for pid, names in leaks.items()}
    note.returned_by, note.returned_at = None, None
    note.save()
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=note,
        summary=f"Signed the group note ({note.status_label})" + (" with name warnings confirmed" if leaks else ""),
        changes={
            "status": note.status,
            "participants": [m.participant_id for m in members],
            "leaks": note.leak_warnings,
        },
        at=at,
    )
    return note


# --- Progress notes --------------------------------------------------------------------------------


@transaction.atomic
def start_progress_note(
    *,
    session: Session,
    participant: Participant,
    by: User,
    at: dt.datetime,
    note_format: str = "",
    template: NoteTemplate | None = None,
) -> ProgressNote:
    """A draft progress note of an individual or family session for a participant who attended it,
    started from the program's template (its format and text) when there is one."""
    _require_writer(by)
    if session.service_type.format == ServiceFormat.GROUP:
        raise NoteError("session", "This is a group session; document it in the group note.")
    _check_session_for_note(session, at)
    if participant.pk not in attended_ids(session):
        raise NoteError("participant", "The participant did not attend this session (no present mark); no note.")
    template = template or template_for(session, TemplateKind.PROGRESS)
    chosen = note_format or (template.format if template else rules.DAP)
    start = template.sections if template is not None and template.format == chosen else {}
    sections = rules.clean_sections(chosen, start)
    note = ProgressNote(
        session=session,
        participant=participant,
        author=by,
        format=chosen,
        sections=sections,
        template=template,
        created_at=at,
        updated_at=at,
    )
    try:
        with transaction.atomic():
            note.save()
    except IntegrityError:
        raise NoteError("session", "This participant already has a note for this session.") from None
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=note,
        participant_id=participant.pk,
        summary=f"Started a {rules.FORMAT_LABELS[chosen]} progress note for session {session.pk}",
        at=at,
    )
    return note


@transaction.atomic
def save_progress_note(
    *,
    note: ProgressNote,
    by: User,
    at: dt.datetime,
    sections: Mapping[str, str],
    note_format: str = "",
    goal_ids: Sequence[int] | None = None,
) -> ProgressNote:
    """Save the sections (and format, goals addressed) of a draft or returned progress note."""
    note = ProgressNote.objects.select_for_update().get(pk=note.pk)
    rules.check_can_edit(status=note.status, author_id=note.author_id, actor=actor_of(by))
    chosen = note_format or note.format
    if chosen != note.format:
        rules.section_keys(chosen)
        rules.check_format_change(note.format, chosen, note.sections)
    note.sections = rules.clean_sections(chosen, sections)
    note.format, note.updated_at = chosen, at
    note.save(update_fields=["sections", "format", "updated_at"])
    goals = _checked_goals(note.participant_id, goal_ids)
    if goals is not None:
        ProgressNoteGoal.objects.filter(note=note).exclude(goal__in=goals).delete()
        ProgressNoteGoal.objects.bulk_create(
            [ProgressNoteGoal(note=note, goal=g) for g in goals], ignore_conflicts=True
        )
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=note,
        participant_id=note.participant_id,
        summary="Saved the progress note",
        changes={"format": chosen, **({"goals": [g.pk for g in goals]} if goals is not None else {})},
        at=at,
    )
    return note


@transaction.atomic
def sign_progress_note(*, note: ProgressNote, by: User, at: dt.datetime) -> ProgressNote:
    """The author signs a complete note; a supervisee's note then waits for a co-signature. The
    participant must still be marked present at the session."""
    note = ProgressNote.objects.select_for_update().select_related("author", "session").get(pk=note.pk)
    rules.check_can_sign(
        status=note.status,
        author_id=note.author_id,
        actor=actor_of(by),
        problems=[f"{label} is empty." for label in rules.missing_sections(note.format, note.sections)],
    )
    if note.participant_id not in attended_ids(note.session):
        raise NoteError("participant", "The participant is no longer marked present at this session.")
    note.status = rules.status_after_signing(author_of(note.author))
    note.signed_at, note.updated_at = at, at
    note.save(update_fields=["status", "signed_at", "updated_at"])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=note,
        participant_id=note.participant_id,
        summary=f"Signed the progress note ({note.status_label})",
        changes={"status": note.status},
        at=at,
    )
    return note


# --- Both kinds: co-sign, return, addendum ---------------------------------------------------------


def _locked_copy(note: Note) -> Note:
    model = type(note)
    return model.objects.select_for_update().select_related("author").get(pk=note.pk)


def _participants_of(note: Note) -> tuple[int | None, list[int]]:
    if isinstance(note, ProgressNote):
        return note.participant_id, [note.participant_id]
    return None, list(GroupNoteMember.objects.filter(group_note=note).values_list("participant_id", flat=True))


@transaction.atomic
def cosign_note(*, note: Note, by: User, at: dt.datetime) -> Note:
    """The author's supervisor (or a director) co-signs a note awaiting co-signature."""
    note = _locked_copy(note)
    rules.check_can_cosign(status=note.status, author=author_of(note.author), actor=actor_of(by))
    note.status, note.cosigned_by, note.cosigned_at, note.updated_at = NoteStatus.COSIGNED, by, at, at
    note.save(update_fields=["status", "cosigned_by", "cosigned_at", "updated_at"])
    participant_id, everyone = _participants_of(note)
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=note,
        participant_id=participant_id,
        summary=f"Co-signed the note of {note.author.display_name}",
        changes={"status": note.status, "participants": everyone},
        at=at,
    )
    return note


@transaction.atomic
def return_note(*, note: Note, by: User, at: dt.datetime, comment: str) -> Note:
    """The supervisor returns the note to its author with a comment; the author edits and signs again."""
    note = _locked_copy(note)
    rules.check_can_return(status=note.status, author=author_of(note.author), actor=actor_of(by), comment=comment)
    note.status, note.returned_by, note.returned_at = NoteStatus.RETURNED, by, at
    note.return_comment, note.signed_at, note.updated_at = comment.strip(), None, at
    note.save(update_fields=["status", "returned_by", "returned_at", "return_comment", "signed_at", "updated_at"])
    participant_id, everyone = _participants_of(note)
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=note,
        participant_id=participant_id,
        summary=f"Returned the note to {note.author.display_name} with a comment",
        changes={"status": note.status, "comment": note.return_comment, "participants": everyone},
        at=at,
    )
    return note


@transaction.atomic
def add_addendum(
    *, note: Note, by: User, at: dt.datetime, reason: str, text: str, member: GroupNoteMember | None = None
) -> Addendum:
    """Add to a signed note (who, when, why). On a group note, ``member`` puts it in that member's
    section (seen only in their chart); without it the addendum belongs to the shared part."""
    note = _locked_copy(note)
    rules.check_can_add_addendum(status=note.status, actor=actor_of(by), reason=reason, text=text)
    if member is not None and (not isinstance(note, GroupNote) or member.group_note_id != note.pk):
        raise NoteError("member", "That section is not part of this note.")
    if len(reason.strip()) > 300:
        raise NoteError("reason", "Keep the reason under 300 characters; put the detail in the addendum.")
    addendum = Addendum(by=by, at=at, reason=reason.strip(), text=text.strip(), member=member)
    if isinstance(note, ProgressNote):
        addendum.progress_note = note
    else:
        addendum.group_note = note
    addendum.save()
    participant_id = member.participant_id if member is not None else _participants_of(note)[0]
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=addendum,
        participant_id=participant_id,
        summary=f"Addendum to {note}: {addendum.reason}",
        at=at,
    )
    return addendum
