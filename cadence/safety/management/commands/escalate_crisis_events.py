"""``manage.py escalate_crisis_events [--enqueue]``: run the crisis escalation sweep now (from cron, every
minute), or queue it for ``manage.py db_worker``."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from cadence.safety.escalation import run_due_escalations
from cadence.safety.tasks import escalate_due_crisis_events


class Command(BaseCommand):
    help = "Escalate high and critical crisis events nobody acknowledged in time (on-call, then directors)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Queue the sweep for `manage.py db_worker`.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = escalate_due_crisis_events.enqueue()
            self.stdout.write(f"Queued the escalation sweep (task {result.id}).")
            return
        steps = run_due_escalations(at=timezone.now())
        self.stdout.write(f"{steps} escalation step(s) ran.")
