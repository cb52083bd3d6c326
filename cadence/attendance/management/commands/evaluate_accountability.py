"""``manage.py evaluate_accountability [--enqueue]``: evaluate every program's accountability rules now and
open the outreach tasks they call for (or queue the nightly task for the worker). Run it nightly."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from cadence.attendance.actions import run_accountability
from cadence.attendance.tasks import nightly_accountability_task


class Command(BaseCommand):
    help = "Evaluate the accountability rules of every program and open outreach tasks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Queue the task for `manage.py db_worker`.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = nightly_accountability_task.enqueue()
            self.stdout.write(f"Queued task {result.id}.")
            return
        opened = run_accountability(at=timezone.now())
        self.stdout.write(f"{opened} outreach task(s) opened.")
