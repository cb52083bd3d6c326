"""``manage.py run_nightly [--force] [--enqueue | --schedule]``: the nightly attendance run for cron (see
docs/attendance.md): rebuild the recent weeks of the weekly ledger cache and evaluate the accountability
rules, once per program and local date.

    30 2 * * *  cd /srv/cadence && .venv/bin/python manage.py run_nightly >>var/nightly.log 2>&1
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from cadence.attendance.nightly import run_nightly
from cadence.attendance.tasks import nightly_task, schedule_next_nightly


class Command(BaseCommand):
    help = "Nightly attendance run: rebuild recent weekly ledgers, evaluate accountability rules (once a day)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Run again even if today's run is done.")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--enqueue", action="store_true", help="Queue the run for `manage.py db_worker` now.")
        mode.add_argument(
            "--schedule",
            action="store_true",
            help="Queue the run for the next CADENCE_NIGHTLY_HOUR; each run then queues the next (no cron).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["enqueue"]:
            result = nightly_task.enqueue()
            self.stdout.write(f"Queued the nightly run (task {result.id}).")
            return
        if options["schedule"]:
            when = schedule_next_nightly(at=now)
            if when is None:
                self.stdout.write("The nightly run is already queued (or this task backend cannot defer).")
            else:
                self.stdout.write(
                    f"The worker will run the nightly work at {when:%Y-%m-%d %H:%M} UTC, then every night."
                )
            return
        done = run_nightly(at=now, force=options["force"], progress=self.stdout.write)
        self.stdout.write(
            f"{done.programs} program(s) run, {done.skipped} already done today; "
            f"{done.ledgers} ledger week(s) rebuilt, {done.tasks_opened} outreach task(s) opened."
        )
