"""Synthetic clinical notes for the demo organization (after ``seed_demo``, ``seed_schedule_demo`` and
``seed_attendance_demo``): a 12-week relapse-prevention curriculum and note templates for each program,
group notes of recent group sessions (signed, unsigned, one with a confirmed name warning, one awaiting
co-signature), and individual sessions with progress notes (signed, draft, awaiting co-signature).

Written through the actions (every note is audited as in real use). Deterministic for the same data and
``now``; synthetic text only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef

from cadence.accounts.models import Role, User
from cadence.attendance.models import Attendance, AttendanceStatus
from cadence.attendance.weekly import rebuild_weekly_ledgers
from cadence.participants.models import Episode, EpisodeStatus
from cadence.programs.models import Program, Room
from cadence.scheduling.models import Booking, ServiceFormat, ServiceType, Session, SessionStatus

from . import actions
from .models import GroupNote, NoteStatus

Progress = Callable[[str], None]

TOPICS = [
    ("What relapse is: a process, not an event", "Psychoeducation, discussion"),
    ("Triggers: people, places, things", "CBT, worksheet"),
    ("Cravings and urge surfing", "Mindfulness"),
    ("High-risk situations and a coping plan", "CBT, role-play"),
    ("Thinking traps", "CBT"),
    ("Saying no: refusal skills", "Role-play with peer feedback"),
    ("Emotions and distress tolerance", "DBT skills"),
    ("Sleep, food and exercise", "Psychoeducation"),
    ("Repairing relationships", "Motivational interviewing, discussion"),
    ("Mutual-help meetings", "12-step facilitation"),
    ("Warning signs of relapse", "CBT, worksheet"),
    ("My recovery plan after the program", "Motivational interviewing"),
]
PARTICIPATION = [
    "Arrived on time and shared about a stressful week at work.",
    "Quiet at first; joined the role-play in the second half.",
    "Active throughout; gave supportive feedback to peers.",
    "Shared a recent craving and how they handled it.",
    "Listened attentively; spoke briefly when invited.",
]
RESPONSE = [
    "Identified two personal triggers and one coping skill to practise.",
    "Practised urge surfing and rated the craving lower afterwards.",
    "Said the exercise was useful; will try it at home this week.",
    "Struggled with the worksheet; agreed to review it in individual session.",
]


@dataclass
class NotesDemoSummary:
    curricula: int = 0
    templates: int = 0
    group_notes: int = 0
    progress_notes: int = 0
    signed: int = 0
    awaiting: int = 0


def _staff(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _author_for(program: Program, fallback: User) -> User:
    return (
        User.objects.filter(programs=program, role=Role.CLINICIAN, is_active=True, needs_supervision=False)
        .order_by("username")
        .first()
        or fallback
    )


def _setup_program(program: Program, by: User, now: dt.datetime, summary: NotesDemoSummary) -> None:
    monday = (now - dt.timedelta(weeks=8)).date()
    monday -= dt.timedelta(days=monday.weekday())
    curriculum = actions.create_curriculum(
        program=program, name="Relapse prevention, 12 weeks", starts_on=monday, service_type=None, by=by, at=now
    )
    for week, (topic, methods) in enumerate(TOPICS, start=1):
        actions.set_curriculum_topic(
            curriculum=curriculum, week=week, topic=topic, methods=methods, description="", by=by, at=now
        )
    actions.save_note_template(
        program=program,
        name="Individual session (DAP)",
        kind="progress",
        note_format="dap",
        sections={"plan": "Next session: "},
        service_type=None,
        by=by,
        at=now,
    )
    actions.save_note_template(
        program=program,
        name="Group session",
        kind="group",
        note_format="dap",
        sections={"group_dynamics": "Cohesion: ; conflict: ; peer support: "},
        service_type=None,
        by=by,
        at=now,
    )
    summary.curricula += 1
    summary.templates += 2


def _write_group(session: Session, author: User, n: int, *, sign: bool, leak: bool, now: dt.datetime) -> GroupNote:
    at = min(session.ends_at + dt.timedelta(hours=1), now)
    note = actions.start_group_note(session=session, by=author, at=at)
    actions.save_group_shared(
        note=note,
        by=author,
        at=at,
        topic=note.topic or "Coping skills",
        curriculum=note.curriculum,
        methods=note.methods or "CBT",
        group_dynamics="Cohesive group; members offered each other practical suggestions.",
    )
    members = list(note.members.select_related("participant"))
    for i, member in enumerate(members):
        participation = PARTICIPATION[(n + i) % len(PARTICIPATION)]
        if leak and i == 0 and len(members) > 1:
            participation += f" Sat with {members[1].participant.legal_first_name} during the break."
        actions.save_member_section(
            member=member,
            by=author,
            at=at,
            participation=participation,
            response=RESPONSE[(n + i) % len(RESPONSE)],
            goal_progress=member.goal_progress,
            plan_changes="",
        )
    if sign:
        note = actions.sign_group_note(note=note, by=author, at=at, confirm_leaks=leak)
    return note


def _individual_sessions(program: Program, author: User, now: dt.datetime, count: int) -> list[tuple[Session, Episode]]:
    """Recent individual counseling sessions, each attended by one admitted participant (synthetic)."""
    service = ServiceType.objects.get(code="individual")
    room = Room.objects.filter(site=program.site, active=True).order_by("name").first()
    episodes = list(Episode.objects.filter(program=program, status=EpisodeStatus.ACTIVE).order_by("pk")[:count])
    if room is None:
        return []
    made = []
    for i, episode in enumerate(episodes):
        day = (now - dt.timedelta(days=1 + i % 4)).astimezone(program.site.zone).date()
        starts = dt.datetime.combine(day, dt.time(13 + i % 3), tzinfo=program.site.zone)
        session = Session.objects.create(
            program=program,
            service_type=service,
            occurs_on=day,
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=60),
            room=room,
            facilitator=author,
            capacity=1,
            created_at=starts - dt.timedelta(days=7),
            created_by=author,
        )
        booking = Booking.objects.create(
            session=session,
            episode=episode,
            participant_id=episode.participant_id,
            created_at=session.created_at,
            created_by=author,
        )
        Attendance.objects.create(
            session=session,
            participant_id=episode.participant_id,
            episode=episode,
            booking=booking,
            occurs_on=day,
            status=AttendanceStatus.PRESENT,
            session_minutes=60,
            minutes=60,
            created_at=session.ends_at,
            created_by=author,
            updated_at=session.ends_at,
            updated_by=author,
        )
        made.append((session, episode))
    return made


@transaction.atomic
def seed_notes(*, now: dt.datetime, progress: Progress | None = None) -> NotesDemoSummary:
    say = progress or (lambda _msg: None)
    summary = NotesDemoSummary()
    director = _staff("director") or User.objects.filter(role=Role.DIRECTOR).first()
    if director is None:
        raise RuntimeError("Run seed_demo first: there is no director to own the curricula.")
    supervised = User.objects.filter(needs_supervision=True, supervisor__isnull=False, is_active=True).first()
    programs = list(Program.objects.filter(active=True).select_related("site").order_by("site__name", "name"))
    for program in programs:
        _setup_program(program, director, now, summary)
    say(f"{summary.curricula} curricula and {summary.templates} note templates")

    present = Attendance.objects.filter(session=OuterRef("pk"), status=AttendanceStatus.PRESENT)
    n = 0
    for program in programs:
        author = _author_for(program, director)
        recent = list(
            Session.objects.filter(
                program=program,
                status=SessionStatus.SCHEDULED,
                service_type__format=ServiceFormat.GROUP,
                ends_at__lte=now,
                ends_at__gte=now - dt.timedelta(days=6),
            )
            .filter(Exists(present))
            .order_by("-ends_at")[:6]
        )
        for i, session in enumerate(recent):
            writer = author
            if supervised is not None and i == 1 and program.pk in {p.pk for p in supervised.programs.all()}:
                writer = supervised
            Session.objects.filter(pk=session.pk).update(facilitator=writer)
            if i == 0:
                continue  # the latest session has no note yet ("Notes to sign")
            group = _write_group(session, writer, n, sign=i != 2, leak=i == 3, now=now)
            n += 1
            summary.group_notes += 1
            summary.signed += group.status != NoteStatus.DRAFT
            summary.awaiting += group.status == NoteStatus.AWAITING_COSIGN
        for j, (session, episode) in enumerate(_individual_sessions(program, author, now, 3)):
            writer = (
                supervised
                if supervised is not None and j == 2 and session.program in supervised.programs.all()
                else author
            )
            if writer != author:
                Session.objects.filter(pk=session.pk).update(facilitator=writer)
            at = min(session.ends_at + dt.timedelta(minutes=30), now)
            note = actions.start_progress_note(session=session, participant=episode.participant, by=writer, at=at)
            sections = {
                "data": "Reviewed the week: attended all groups, one strong craving on Saturday.",
                "assessment": "Engaged and motivated; coping skills emerging.",
                "plan": "Next session: review the relapse-prevention worksheet.",
            }
            actions.save_progress_note(note=note, by=writer, at=at, sections=sections, note_format="dap")
            if j != 1:
                note = actions.sign_progress_note(note=note, by=writer, at=at)
                summary.signed += 1
                summary.awaiting += note.status == NoteStatus.AWAITING_COSIGN
            summary.progress_notes += 1
    # The sessions and marks above were written directly (no marking action ran): bring the attendance
    # boards' weekly cache in line, as the attendance demo does after its own bulk writes.
    rebuild_weekly_ledgers(at=now, weeks=None)
    say(f"{summary.group_notes} group notes and {summary.progress_notes} progress notes")
    return summary
