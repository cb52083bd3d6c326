"""``manage.py build_schedule --program P --week YYYY-MM-DD [--track T] [--time-limit S] [--as USER] [--publish]``

Builds one program week synchronously (the same actions as the "Build" button, without the background
worker) and prints the summary: hours met, groups, continuity, and what could not be met and why.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone

from cadence.accounts.models import Role, User
from cadence.participants.models import Episode
from cadence.programs.models import Program, Track
from cadence.scheduling import plans
from cadence.scheduling.models import PlanStatus, SchedulePlan
from cadence.scheduling.rules import SchedulingError
from cadence.scheduling.weeks import monday_of


class Command(BaseCommand):
    help = "Build (and optionally publish) the schedule of one program week with the solver."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", required=True, help="Program id or code")
        parser.add_argument("--week", required=True, help="Any day of the week (YYYY-MM-DD); its Monday is used")
        parser.add_argument("--track", help="Track id or name (default: all tracks)")
        parser.add_argument("--time-limit", type=int, default=None, help="Solver time budget in seconds")
        parser.add_argument("--as", dest="username", help="Staff member recorded as the author (default: an admin)")
        parser.add_argument("--replan", action="store_true", help="Re-plan the published week after a change")
        parser.add_argument("--publish", action="store_true", help="Publish the plan when the build succeeds")

    def handle(self, *args: Any, **options: Any) -> None:
        program = self._program(options["program"])
        track = self._track(program, options["track"])
        try:
            week = monday_of(dt.date.fromisoformat(options["week"]))
        except ValueError as exc:
            raise CommandError("--week must look like 2026-11-30") from exc
        user = self._author(program, options["username"])
        try:
            plan = plans.request_build(
                program=program,
                week_start=week,
                track=track,
                time_limit=options["time_limit"],
                replan=options["replan"],
                by=user,
                at=timezone.now(),
            )
        except SchedulingError as exc:
            raise CommandError(f"{exc.field}: {exc.reason}") from exc
        self.stdout.write(f"Building plan {plan.pk} for {program.name}, week of {week} ({plan.time_limit} s budget)…")
        plan = plans.run_build(plan_id=plan.pk, at=timezone.now())
        if plan.status == PlanStatus.FAILED:
            raise CommandError(f"The build failed: {plan.error}")
        self._print(plan)
        if options["publish"]:
            try:
                report = plans.publish_plan(plan=plan, by=user, at=timezone.now())
            except SchedulingError as exc:
                raise CommandError(f"Not published: {exc.reason}") from exc
            self.stdout.write(
                self.style.SUCCESS(
                    f"Published: {report.booked} booked, {report.unbooked} unbooked, "
                    f"{report.appointments_made} appointment(s) made, {report.skipped_past} past item(s) left alone."
                )
            )

    def _program(self, raw: str) -> Program:
        rows = Program.objects.select_related("site").filter(Q(code=raw) | Q(pk=int(raw) if raw.isdigit() else None))
        found = list(rows)
        if not found:
            raise CommandError(f"No program {raw!r}.")
        if len(found) > 1:
            choices = ", ".join(f"{p.pk} ({p.name}, {p.site.name})" for p in found)
            raise CommandError(f"{raw!r} names several programs; give the id: {choices}")
        return found[0]

    def _track(self, program: Program, raw: str | None) -> Track | None:
        if not raw:
            return None
        track = program.tracks.filter(Q(name__iexact=raw) | Q(pk=int(raw) if raw.isdigit() else None)).first()
        if track is None:
            raise CommandError(f"{program.name} has no track {raw!r}.")
        return track

    def _author(self, program: Program, username: str | None) -> User:
        org = program.site.organization_id
        rows = User.objects.filter(organization_id=org, is_active=True)
        user = rows.filter(username=username).first() if username else rows.filter(role=Role.ADMIN).first()
        if user is None:
            raise CommandError("Name an active staff member of the organization with --as USERNAME.")
        return user

    def _print(self, plan: SchedulePlan) -> None:
        s = plan.summary
        out = self.stdout.write
        out(self.style.SUCCESS(f"Plan {plan.pk}: {s['status'].lower()} in {s['seconds']} s"))
        out(f"  objective {s['objective']}, bound {s['bound']} (gap {s['gap'] * 100:.1f}%)")
        out(f"  checker: {'every rule holds' if s['checker']['ok'] else '; '.join(s['checker']['violations'])}")
        out(f"  participants meeting their hours: {s['met']} of {s['total']}")
        g = s["groups"]
        sizes = f"sizes {g['smallest']}-{g['largest']} (mean {g['mean']})"
        out(f"  groups running: {g['running']} of {g['offered']}, {sizes}")
        c = s["continuity"]
        if c["last_week"]:
            out(f"  continuity: {c['kept']} of {c['last_week']} of last week's groups kept ({c['share']}%)")
        out(f"  one-to-one appointments: {s['appointments']}")
        names = {
            e.pk: e.participant.display_name
            for e in Episode.objects.filter(pk__in=[p["episode"] for p in s["participants"]]).select_related(
                "participant"
            )
        }
        for p in s["participants"]:
            if not p["met"]:
                hours = f"{p['minutes'] / 60:.1f} of {p['required_minutes'] / 60:.1f} h"
                out(f"  - {names.get(p['episode'], p['episode'])}: {hours}")
                for reason in p["reasons"]:
                    out(f"      {reason}")
        if plan.diff:
            out(f"  moved participants: {len(plan.diff['moves'])}")
        out(f"Review and publish at /schedule/plans/{plan.pk}/")
