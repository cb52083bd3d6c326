"""Synthetic attendance for the demo organization and the benchmark: sessions, bookings and marks for
the last ``weeks`` weeks and the current week, written with ``bulk_create``; then default accountability
rules, a few kiosk PINs and authorizations. Deterministic for the same seed and ``now``; synthetic only.

Each admitted episode gets one place in a group per block of its track's hours on its track's days
(parallel groups of at most 12). Sessions that have started are marked: each episode has its own
likelihood of attending (most attend well, some are at risk), with late arrivals, early departures,
excused and unexcused absences, and an occasional session cancelled by the program. Days that already
have sessions for a track (e.g. from ``seed_schedule_demo``) are left alone.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models, transaction

from cadence.accounts.models import Role, User
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Episode, EpisodeStatus, Payer
from cadence.programs.models import Program, Room, Track, weekdays_from_mask
from cadence.scheduling.models import Booking, BookingSource, ServiceType, Session, SessionStatus

from .actions.outreach import ensure_default_rules
from .models import Attendance, AttendanceCode, AttendanceStatus, Authorization, AuthorizationUnit
from .rules import CODE_ALPHABET, CODE_LENGTH, week_start_of
from .weekly import rebuild_weekly_ledgers

BATCH = 2000
BLOCK = 90
ROTATION = ("process-group", "relapse-prevention", "cbt-skills", "psychoeducation", "dbt-skills", "mindfulness")
DEMO_PIN = "246810"  # noqa: S105 (the documented PIN of the demo participants, not a secret)

Progress = Callable[[str], None]


@dataclass
class AttendanceDemoSummary:
    sessions: int = 0
    bookings: int = 0
    marks: int = 0
    rules: int = 0
    codes: list[tuple[str, str]] = field(default_factory=list)  # (record number, code)
    authorizations: int = 0
    ledger_weeks: int = 0
    seconds: float = 0.0


def _blocks(track: Track) -> list[tuple[int, int]]:
    """(start minute, minutes) blocks of about 90 minutes covering the track's hours."""
    start = track.starts_at.hour * 60 + track.starts_at.minute
    end = track.ends_at.hour * 60 + track.ends_at.minute
    blocks = []
    while end - start >= BLOCK + 30:
        blocks.append((start, BLOCK))
        start += BLOCK
    if end - start > 0:
        blocks.append((start, end - start))
    return blocks


def _bulk(model: type[models.Model], rows: Sequence[models.Model], say: Progress, label: str) -> None:
    for offset in range(0, len(rows), BATCH):
        model._default_manager.bulk_create(rows[offset : offset + BATCH], batch_size=500)
    if rows:
        say(f"  wrote {len(rows)} {label}")


def seed_attendance(
    *,
    weeks: int,
    now: dt.datetime,
    seed: int = 7,
    codes: int = 12,
    authorizations: bool = True,
    progress: Progress | None = None,
) -> AttendanceDemoSummary:
    """Generate attendance for every active program (see the module docstring)."""
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
    summary = AttendanceDemoSummary()
    services = {s.code: s for s in ServiceType.objects.filter(code__in=ROTATION)}
    with transaction.atomic():
        for program in Program.objects.filter(active=True).select_related("site").order_by("pk"):
            author = User.objects.filter(organization_id=program.site.organization_id, role=Role.ADMIN).first()
            rooms = list(Room.objects.filter(site=program.site, active=True).order_by("pk"))
            if author is None or not rooms:
                continue
            summary.rules += len(ensure_default_rules(program=program, at=now))
            for track in program.tracks.filter(active=True).order_by("starts_at"):
                _seed_track(program, track, rooms, author, services, weeks, now, rng, summary, say)
        if codes:
            summary.codes = _seed_codes(codes, now, say)
        if authorizations:
            summary.authorizations = _seed_authorizations(now, rng, say)
        # The marks were bulk-created (no action ran): fill the weekly ledger cache from them.
        summary.ledger_weeks = rebuild_weekly_ledgers(at=now, weeks=None)
        say(f"  wrote {summary.ledger_weeks} weekly ledger rows")
        record(
            action=AuditAction.CREATE,
            actor=None,
            actor_label="seed_attendance_demo",
            object_type="demo.seed",
            object_id="attendance",
            at=now,
            summary=f"Seeded synthetic attendance: {summary.sessions} sessions, {summary.marks} marks",
            changes={"weeks": weeks, "seed": seed, "sessions": summary.sessions, "bookings": summary.bookings},
        )
    summary.seconds = time.perf_counter() - started
    return summary


def _seed_track(
    program: Program,
    track: Track,
    rooms: list[Room],
    author: User,
    services: dict[str, ServiceType],
    weeks: int,
    now: dt.datetime,
    rng: random.Random,
    summary: AttendanceDemoSummary,
    say: Progress,
) -> None:
    zone = program.site.zone
    today = now.astimezone(zone).date()
    first = week_start_of(today) - dt.timedelta(weeks=weeks)
    last = week_start_of(today) + dt.timedelta(days=7)
    taken = set(
        Session.objects.filter(track=track, occurs_on__gte=first, occurs_on__lt=last).values_list(
            "occurs_on", flat=True
        )
    )
    episodes: list[dict[str, Any]] = [
        dict(e)
        for e in Episode.objects.filter(
            track=track, admitted_on__isnull=False, status__in=[EpisodeStatus.ACTIVE, EpisodeStatus.DISCHARGED]
        ).values("id", "participant_id", "admitted_on", "discharged_on")
    ]
    likelihood = {e["id"]: rng.choice((0.97, 0.95, 0.92, 0.9, 0.85, 0.75, 0.6)) for e in episodes}
    weekdays = set(weekdays_from_mask(track.weekdays_mask))
    blocks = _blocks(track)
    sessions: list[Session] = []
    members: list[list[dict[str, Any]]] = []
    day = first
    while day < last:
        if day.weekday() in weekdays and day not in taken:
            caseload = [
                e
                for e in episodes
                if e["admitted_on"] <= day and (e["discharged_on"] is None or day <= e["discharged_on"])
            ]
            groups = max(1, math.ceil(len(caseload) / 12))
            for b, (start, minutes) in enumerate(blocks):
                code = ROTATION[(day.toordinal() + b) % len(ROTATION)]
                starts_at = dt.datetime.combine(day, dt.time(start // 60, start % 60), tzinfo=zone).astimezone(dt.UTC)
                cancelled = starts_at <= now and rng.random() < 0.015
                for g in range(groups):
                    sessions.append(
                        Session(
                            program=program,
                            track=track,
                            service_type=services[code],
                            occurs_on=day,
                            starts_at=starts_at,
                            ends_at=starts_at + dt.timedelta(minutes=minutes),
                            room=rooms[g % len(rooms)],
                            facilitator=None,
                            capacity=12,
                            status=SessionStatus.CANCELLED if cancelled else SessionStatus.SCHEDULED,
                            cancel_reason="Weather closure" if cancelled else "",
                            created_at=starts_at - dt.timedelta(days=14),
                            created_by=author,
                        )
                    )
                    members.append([e for i, e in enumerate(caseload) if i % groups == g])
        day += dt.timedelta(days=1)
    _bulk(Session, sessions, say, f"sessions for {program.name} ({program.site.name}), {track.name}")
    bookings: list[Booking] = []
    marks: list[Attendance] = []
    for session, group in zip(sessions, members, strict=True):
        minutes = session.minutes
        for e in group:
            booking = Booking(
                session=session,
                episode_id=e["id"],
                participant_id=e["participant_id"],
                source=BookingSource.SOLVER,
                created_at=session.created_at,
                created_by=author,
            )
            bookings.append(booking)
            if session.starts_at <= now:
                marks.append(_mark(session, booking, e, minutes, likelihood[e["id"]], rng, author))
    _bulk(Booking, bookings, say, "bookings")
    _bulk(Attendance, marks, say, "attendance marks")
    summary.sessions += len(sessions)
    summary.bookings += len(bookings)
    summary.marks += len(marks)


def _mark(
    session: Session,
    booking: Booking,
    episode: dict[str, Any],
    minutes: int,
    likelihood: float,
    rng: random.Random,
    author: User,
) -> Attendance:
    late = early = 0
    if session.status == SessionStatus.CANCELLED:
        status = AttendanceStatus.PROGRAM_CANCELLED
    else:
        roll = rng.random()
        if roll < likelihood:
            status = AttendanceStatus.PRESENT
            if rng.random() < 0.1:
                late = rng.choice((5, 10, 15, 20, 30))
            if rng.random() < 0.05:
                early = rng.choice((10, 15, 30, 45))
        elif roll < likelihood + (1 - likelihood) * 0.4:
            status = AttendanceStatus.EXCUSED
        else:
            status = AttendanceStatus.UNEXCUSED
    late, early = min(late, minutes), min(early, max(0, minutes - late))
    attended = max(0, minutes - late - early) if status == AttendanceStatus.PRESENT else 0
    marked_at = session.ends_at
    return Attendance(
        session=session,
        participant_id=episode["participant_id"],
        episode_id=episode["id"],
        booking=booking,
        occurs_on=session.occurs_on,
        status=status,
        session_minutes=minutes,
        late_minutes=late,
        left_early_minutes=early,
        minutes=attended,
        created_at=marked_at,
        created_by=author,
        updated_at=marked_at,
        updated_by=author,
    )


def _seed_codes(count: int, now: dt.datetime, say: Progress) -> list[tuple[str, str]]:
    """Kiosk codes with the demo PIN for the first ``count`` admitted participants of each site."""
    pin_hash = make_password(DEMO_PIN)
    out = []
    per_site: dict[int, int] = defaultdict(int)
    episodes = (
        Episode.objects.filter(status=EpisodeStatus.ACTIVE, participant__attendance_code__isnull=True)
        .select_related("participant", "program__site")
        .order_by("program__site_id", "participant__legal_last_name", "pk")
    )
    rows = []
    used = set(AttendanceCode.objects.values_list("code", flat=True))
    rng = random.Random(11)  # noqa: S311 (synthetic data)
    for episode in episodes:
        if per_site[episode.program.site_id] >= count:
            continue
        per_site[episode.program.site_id] += 1
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        while code in used:
            code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        used.add(code)
        setter = (
            episode.primary_clinician_id or User.objects.filter(role=Role.ADMIN).values_list("pk", flat=True).first()
        )
        if setter is None:
            continue
        rows.append(
            AttendanceCode(participant=episode.participant, code=code, pin_hash=pin_hash, set_at=now, set_by_id=setter)
        )
        out.append((episode.participant.record_number, code))
    _bulk(AttendanceCode, rows, say, "kiosk codes")
    return out


def _seed_authorizations(now: dt.datetime, rng: random.Random, say: Progress) -> int:
    """One authorization for most admitted participants with an insurer: 20 days from admission (or four
    weeks ago), a review two weeks in; a few close to their end or their units, some expired."""
    episodes = (
        Episode.objects.filter(status=EpisodeStatus.ACTIVE, participant__payer__isnull=False)
        .exclude(participant__payer__kind=Payer.Kind.SELF_PAY)
        .exclude(participant__authorizations__isnull=False)
        .select_related("participant", "program__site", "level_of_care")
        .order_by("pk")
    )
    author = User.objects.filter(role=Role.BILLING).first() or User.objects.filter(role=Role.ADMIN).first()
    if author is None:
        return 0
    rows = []
    for episode in episodes:
        payer_id = episode.participant.payer_id
        if rng.random() < 0.15 or episode.admitted_on is None or payer_id is None:
            continue  # left without an authorization: its days are flagged "outside authorization"
        today = now.astimezone(episode.program.site.zone).date()
        starts_on = max(episode.admitted_on, today - dt.timedelta(days=rng.choice((7, 14, 21, 28, 35))))
        length = rng.choice((28, 30, 35, 42))
        level = episode.level_of_care
        code = "H0015" if level is not None and level.code == "2.1" else ""
        rows.append(
            Authorization(
                participant_id=episode.participant_id,
                episode=episode,
                payer_id=payer_id,
                number=f"AUTH-{episode.pk:06d}",
                level_of_care=level,
                billing_code=code,
                unit=AuthorizationUnit.DAYS,
                units_authorized=rng.choice((12, 15, 20, 24)),
                starts_on=starts_on,
                ends_on=starts_on + dt.timedelta(days=length),
                review_on=starts_on + dt.timedelta(days=rng.choice((10, 14, 21))),
                created_at=now,
                created_by=author,
                updated_at=now,
                updated_by=author,
            )
        )
    _bulk(Authorization, rows, say, "authorizations")
    return len(rows)
