"""``manage.py seed_safety_demo [--if-empty]``: synthetic on-call shifts, risk flags and crisis events for
the demo organization (see safety/demo.py). Run after ``seed_demo``."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from cadence.safety.demo import seed_safety
from cadence.safety.models import CrisisEvent, OnCallShift


class Command(BaseCommand):
    help = "Add synthetic on-call shifts, risk flags and crisis events (past resolved ones and one open one)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--seed", type=int, default=7, help="Random seed (default 7).")
        parser.add_argument("--weeks", type=int, default=3, help="Weeks of on-call shifts from this week (default 3).")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when safety data already exist.")

    def handle(self, *args: Any, **options: Any) -> None:
        if OnCallShift.objects.exists() or CrisisEvent.objects.exists():
            if options["if_empty"]:
                self.stdout.write("safety data already present")
                return
            self.stderr.write("Safety data already exist; seed_safety_demo only fills a database without any.")
            raise SystemExit(1)
        verbose = options["verbosity"] >= 1
        summary = seed_safety(
            now=timezone.now(),
            seed=options["seed"],
            weeks=options["weeks"],
            progress=self.stdout.write if verbose else None,
        )
        if verbose:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Seeded {summary.shifts} on-call shifts, {summary.flags} risk flags and {summary.events} crisis "
                    f"events ({summary.open_events} open)."
                )
            )
