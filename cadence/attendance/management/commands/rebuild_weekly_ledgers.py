"""``manage.py rebuild_weekly_ledgers [--weeks N | --all] [--program ID]``: recompute the weekly ledger cache
from the attendance marks and bookings (after an upgrade, a bulk import, a change of a program's week
start or of a service type's "counts toward hours"). Safe to run at any time; the nightly run
(``run_nightly``) rebuilds the last ``CADENCE_NIGHTLY_LEDGER_WEEKS`` weeks."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cadence.attendance.weekly import rebuild_weekly_ledgers
from cadence.programs.models import Program


class Command(BaseCommand):
    help = "Rebuild the weekly ledger cache of every active program (or one) from the attendance marks."

    def add_arguments(self, parser: CommandParser) -> None:
        span = parser.add_mutually_exclusive_group()
        span.add_argument("--weeks", type=int, default=2, help="Weeks up to the current one (default 2).")
        span.add_argument("--all", action="store_true", help="Every week with an attendance mark.")
        parser.add_argument("--program", type=int, help="Only this program (id).")

    def handle(self, *args: Any, **options: Any) -> None:
        programs = Program.objects.filter(active=True).select_related("site")
        if options["program"] is not None:
            programs = Program.objects.filter(pk=options["program"]).select_related("site")
            if not programs.exists():
                raise CommandError(f"No program {options['program']}.")
        if options["weeks"] < 1:
            raise CommandError("--weeks must be at least 1.")
        started = time.perf_counter()
        written = rebuild_weekly_ledgers(
            at=timezone.now(),
            weeks=None if options["all"] else options["weeks"],
            programs=programs,
            progress=self.stdout.write,
        )
        self.stdout.write(f"{written} weekly ledger row(s) written in {time.perf_counter() - started:.1f} s.")
