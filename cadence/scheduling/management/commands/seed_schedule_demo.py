"""``manage.py seed_schedule_demo [--weeks N]``: weekly templates for every active track of the demo
organization (groups filling the track's hours, parallel groups where the caseload needs them), then
the sessions of this week and the next N-1 weeks. Skips tracks that already have a template."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from cadence.accounts.models import Role, User
from cadence.participants.models import EpisodeStatus
from cadence.programs.models import Program, Room, Track
from cadence.scheduling import actions
from cadence.scheduling.models import ServiceType, WeeklyTemplate
from cadence.scheduling.rules import SchedulingError, minute_of
from cadence.scheduling.weeks import monday_of

ROTATION = ("process-group", "relapse-prevention", "cbt-skills", "psychoeducation", "dbt-skills", "mindfulness")
BLOCK = 90


class Command(BaseCommand):
    help = "Create demo weekly templates and sessions for every active track without a template."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--weeks", type=int, default=2, help="Weeks of sessions to create from this week")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        for program in Program.objects.filter(active=True).select_related("site"):
            author = User.objects.filter(organization_id=program.site.organization_id, role=Role.ADMIN).first()
            if author is None:
                continue
            start = monday_of(now.astimezone(program.site.zone).date())
            for track in program.tracks.filter(active=True).order_by("starts_at"):
                if WeeklyTemplate.objects.filter(track=track).exists():
                    continue
                slots = self._template(program, track, author, start - dt.timedelta(days=7), now)
                self.stdout.write(f"{program.name} ({program.site.name}), {track.name}: {slots} group slot(s)")
            report = actions.generate_sessions(
                program=program,
                starts_on=start,
                ends_on=start + dt.timedelta(days=7 * options["weeks"]),
                by=author,
                at=now,
            )
            self.stdout.write(f"  {report.created} session(s) created")

    def _template(self, program: Program, track: Track, author: User, starts_on: dt.date, now: dt.datetime) -> int:
        template = actions.create_template(
            program=program, track=track, name=f"{track.name} week", starts_on=starts_on, by=author, at=now
        )
        caseload = track.episodes.filter(status=EpisodeStatus.ACTIVE).count()
        parallel = max(1, math.ceil(caseload / 10))
        rooms = list(Room.objects.filter(site_id=program.site_id, active=True, capacity__gte=6).order_by("-capacity"))
        begin, end = minute_of(track.starts_at), minute_of(track.ends_at)
        created = 0
        for weekday in track.weekdays:
            minute, turn = begin, weekday
            while minute + BLOCK <= end:
                service = ServiceType.objects.get(code=ROTATION[turn % len(ROTATION)])
                created += self._parallel(template, weekday, minute, service, rooms, parallel, author, now)
                minute, turn = minute + BLOCK, turn + 1
        return created

    def _parallel(
        self,
        template: WeeklyTemplate,
        weekday: int,
        minute: int,
        service: ServiceType,
        rooms: list[Room],
        wanted: int,
        author: User,
        now: dt.datetime,
    ) -> int:
        made = 0
        for room in rooms:
            if made == wanted:
                break
            try:
                actions.add_template_slot(
                    template=template,
                    weekday=weekday,
                    starts_at=dt.time(minute // 60, minute % 60),
                    ends_at=dt.time((minute + BLOCK) // 60, (minute + BLOCK) % 60),
                    service_type=service,
                    room=room,
                    max_size=min(service.max_size, room.capacity - 1),
                    by=author,
                    at=now,
                )
                made += 1
            except SchedulingError:
                continue  # room taken by another track at that time: try the next one
        return made
