"""Synthetic safety data for the demo organization (``manage.py seed_safety_demo``), after ``seed_demo``:

- on-call shifts for every site from this week's Monday for the next weeks: a 24-hour primary shift a day
  (08:00 to 08:00, site time) rotating among the site's clinicians who see all its programs, the director
  as backup;
- a few active risk flags on admitted participants;
- resolved crisis events over the last 30 days, acknowledged after 2 to 40 minutes (so the report has
  figures; the late ones have an escalation row), and one open unacknowledged event raised 5 minutes ago.

Deterministic for a seed; one audit entry for the whole seeding.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.db import transaction

from cadence.accounts.models import Role, User
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Episode, EpisodeStatus
from cadence.programs.demo import DEMO_ORG_SLUG
from cadence.programs.models import Site

from .conf import ack_minutes
from .models import (
    AssessmentKind,
    CrisisEvent,
    CrisisEventChange,
    CrisisSource,
    Disposition,
    Escalation,
    EscalationOutcome,
    EventStatus,
    FlagKind,
    FlagSource,
    OnCallShift,
    RiskFlag,
    Severity,
    ShiftRole,
)
from .rules import ack_deadline

SHIFT_START = dt.time(8)
DEMO_PORTAL_USERNAME = "participant"


@dataclass
class SafetySummary:
    shifts: int = 0
    flags: int = 0
    events: int = 0
    open_events: int = 0


def _responders(site: Site) -> list[User]:
    """Clinicians of the site whose programs include every program of the site (so they have access)."""
    programs = set(site.programs.values_list("pk", flat=True))
    found = []
    for user in User.objects.filter(role=Role.CLINICIAN, is_active=True, sites=site).order_by("username"):
        if programs <= set(user.programs.values_list("pk", flat=True)):
            found.append(user)
    return found


def _director(site: Site) -> User | None:
    return User.objects.filter(role=Role.DIRECTOR, is_active=True, sites=site).order_by("username").first()


def _shifts(site: Site, now: dt.datetime, weeks: int, creator: User) -> list[OnCallShift]:
    people, backup = _responders(site), _director(site)
    if not people:
        return []
    today = now.astimezone(site.zone).date()
    monday = today - dt.timedelta(days=today.weekday())
    rows = []
    for offset in range(7 * weeks):
        day = monday + dt.timedelta(days=offset)
        starts = dt.datetime.combine(day, SHIFT_START, tzinfo=site.zone)
        ends = dt.datetime.combine(day + dt.timedelta(days=1), SHIFT_START, tzinfo=site.zone)
        staff = people[offset % len(people)]
        common = {"site": site, "starts_at": starts, "ends_at": ends, "created_by": creator, "created_at": now}
        rows.append(OnCallShift(staff=staff, role=ShiftRole.PRIMARY, **common))
        if backup is not None:
            rows.append(OnCallShift(staff=backup, role=ShiftRole.BACKUP, **common))
    return rows


def _resolved_event(rng: random.Random, episode: Episode, raised: dt.datetime, responder: User) -> CrisisEvent:
    ack = raised + dt.timedelta(minutes=rng.choice([2, 3, 4, 5, 6, 8, 9, 11, 12, 14, 18, 25, 40]))
    assessed = ack + dt.timedelta(minutes=rng.randint(10, 60))
    resolved = assessed + dt.timedelta(hours=rng.randint(1, 20))
    return CrisisEvent(
        participant=episode.participant,
        episode=episode,
        severity=rng.choice([Severity.HIGH, Severity.HIGH, Severity.CRITICAL]),
        source=rng.choice([CrisisSource.MEASURE, CrisisSource.PARTICIPANT, CrisisSource.STAFF, CrisisSource.CHECK_IN]),
        summary="Synthetic demo event: safety concern reported.",
        status=EventStatus.RESOLVED,
        raised_at=raised,
        acknowledged_at=ack,
        acknowledged_by=responder,
        assessed_at=assessed,
        assessed_by=responder,
        assessment=rng.choice(AssessmentKind.values),
        disposition=rng.choice(
            [Disposition.SAFETY_PLAN_REVIEWED, Disposition.SAFETY_PLAN_REVIEWED, Disposition.SAME_DAY_APPOINTMENT]
            + [Disposition.MOBILE_CRISIS, Disposition.CRISIS_LINE_988, Disposition.EMERGENCY_DEPARTMENT]
        ),
        resolved_at=resolved,
        resolved_by=responder,
        notes="Synthetic demo note.",
    )


def _history(event: CrisisEvent) -> list[CrisisEventChange]:
    steps = [
        ("", EventStatus.RAISED, event.raised_at, None),
        (EventStatus.RAISED, EventStatus.ACKNOWLEDGED, event.acknowledged_at, event.acknowledged_by),
        (EventStatus.ACKNOWLEDGED, EventStatus.ASSESSED, event.assessed_at, event.assessed_by),
        (EventStatus.ASSESSED, EventStatus.RESOLVED, event.resolved_at, event.resolved_by),
    ]
    return [
        CrisisEventChange(event=event, at=at, by=by, from_status=before, to_status=after)
        for before, after, at, by in steps
        if at is not None
    ]


def seed_safety(
    *, now: dt.datetime, seed: int = 7, weeks: int = 3, progress: Callable[[str], None] | None = None
) -> SafetySummary:
    """Fill the demo organization's safety data (see the module docstring)."""
    say = progress or (lambda _message: None)
    rng = random.Random(seed)  # noqa: S311 (synthetic demo data, not security)
    summary = SafetySummary()
    with transaction.atomic():
        creator = (
            User.objects.filter(role__in=[Role.DIRECTOR, Role.ADMIN], is_active=True, organization__slug=DEMO_ORG_SLUG)
            .order_by("role", "username")
            .first()
        )
        if creator is None or creator.organization_id is None:
            return summary
        org_id: int = creator.organization_id
        shifts: list[OnCallShift] = []
        for site in Site.objects.filter(organization_id=org_id).order_by("name"):
            shifts += _shifts(site, now, weeks, creator)
        OnCallShift.objects.bulk_create(shifts)
        summary.shifts = len(shifts)
        say(f"{summary.shifts} on-call shifts")
        episodes = list(
            Episode.objects.filter(
                status=EpisodeStatus.ACTIVE,
                primary_clinician__isnull=False,
                program__site__organization_id=org_id,
            )
            .exclude(participant__portal_user__username=DEMO_PORTAL_USERNAME)
            .select_related("participant", "primary_clinician", "program__site")
            .order_by("pk")
        )
        if not episodes:
            return summary
        flagged = rng.sample(episodes, min(5, len(episodes)))
        kinds = [FlagKind.SUICIDE_RISK, FlagKind.RELAPSE, FlagKind.OVERDOSE_RISK, FlagKind.MEDICAL, FlagKind.RELAPSE]
        flags = [
            RiskFlag(
                participant=episode.participant,
                kind=kind,
                severity=Severity.HIGH
                if kind in (FlagKind.SUICIDE_RISK, FlagKind.OVERDOSE_RISK)
                else Severity.MODERATE,
                source=FlagSource.STAFF,
                note="Synthetic demo flag.",
                raised_at=now - dt.timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 8)),
                raised_by=episode.primary_clinician,
            )
            for episode, kind in zip(flagged, kinds, strict=False)
        ]
        RiskFlag.objects.bulk_create(flags)
        summary.flags = len(flags)
        events = []
        for _ in range(min(24, 3 * len(episodes))):
            episode = rng.choice(episodes)
            raised = now - dt.timedelta(days=rng.randint(1, 29), minutes=rng.randint(0, 600))
            responder = episode.primary_clinician or creator
            events.append(_resolved_event(rng, episode, raised, responder))
        clinician_episode = next(
            (e for e in episodes if e.primary_clinician and e.primary_clinician.username == "clinician"), episodes[0]
        )
        events.append(
            CrisisEvent(
                participant=clinician_episode.participant,
                episode=clinician_episode,
                severity=Severity.HIGH,
                source=CrisisSource.MEASURE,
                summary="Synthetic demo event: PHQ-9 item 9 answered above 0.",
                raised_at=now - dt.timedelta(minutes=5),
            )
        )
        CrisisEvent.objects.bulk_create(events)
        changes = [change for event in events for change in _history(event)]
        CrisisEventChange.objects.bulk_create(changes)
        limit = ack_minutes()  # events acknowledged after the deadline were escalated at it
        escalations = [
            Escalation(
                event=event,
                step=1,
                recipient=event.acknowledged_by,
                outcome=EscalationOutcome.NOTIFIED,
                at=ack_deadline(event.raised_at, limit),
            )
            for event in events
            if event.acknowledged_at is not None and event.acknowledged_at > ack_deadline(event.raised_at, limit)
        ]
        Escalation.objects.bulk_create(escalations)
        summary.events = len(events)
        summary.open_events = sum(1 for e in events if e.status != EventStatus.RESOLVED)
        record(
            action=AuditAction.CREATE,
            actor=None,
            actor_label="seed_safety_demo",
            object_type="demo.seed",
            object_id="safety",
            at=now,
            summary=f"Seeded synthetic on-call shifts, risk flags and crisis events (seed {seed})",
            changes=asdict(summary),
        )
    return summary
