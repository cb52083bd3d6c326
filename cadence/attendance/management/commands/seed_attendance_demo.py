"""``manage.py seed_attendance_demo [--weeks N]``: synthetic sessions, bookings and attendance for the demo
organization over the last N weeks and this week, default accountability rules, kiosk PINs for a few
participants, authorizations and the weekly ledger cache; then the accountability rules are evaluated once and
the nightly run is queued for the background worker (see attendance/demo.py and docs/attendance.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from cadence.attendance.actions import run_accountability
from cadence.attendance.demo import DEMO_PIN, seed_attendance
from cadence.attendance.tasks import schedule_next_nightly


class Command(BaseCommand):
    help = "Generate synthetic attendance for the demo organization (run after seed_demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--weeks", type=int, default=12, help="Weeks of history before this week (default 12).")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--codes", type=int, default=12, help="Kiosk PINs per site (default 12).")
        parser.add_argument("--no-outreach", action="store_true", help="Do not evaluate the accountability rules.")
        parser.add_argument(
            "--no-schedule", action="store_true", help="Do not queue the nightly run for the background worker."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        summary = seed_attendance(
            weeks=options["weeks"], now=now, seed=options["seed"], codes=options["codes"], progress=self.stdout.write
        )
        self.stdout.write(
            f"{summary.sessions} sessions, {summary.bookings} bookings, {summary.marks} attendance marks, "
            f"{summary.rules} accountability rules, {summary.authorizations} authorizations in {summary.seconds:.1f} s."
        )
        if summary.codes:
            shown = ", ".join(f"{record} {code}" for record, code in summary.codes[:6])
            self.stdout.write(f"Kiosk check-in codes (PIN {DEMO_PIN}): {shown} ...")
        if not options["no_outreach"]:
            opened = run_accountability(at=now)
            self.stdout.write(f"{opened} outreach task(s) opened by the accountability rules.")
        if not options["no_schedule"]:
            when = schedule_next_nightly(at=now)  # the demo has a worker but no cron
            if when is not None:
                self.stdout.write(f"Nightly run queued for the worker at {when:%Y-%m-%d %H:%M} UTC (then every night).")
