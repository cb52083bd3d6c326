"""``manage.py seed_safetyplans_demo``: synthetic safety plans for the demo (see safetyplans/demo.py).
Run after ``seed_demo`` and ``seed_measures`` (which makes the portal login ``participant``)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from cadence.safetyplans.demo import seed_safetyplans
from cadence.safetyplans.models import SafetyPlanVersion


class Command(BaseCommand):
    help = (
        "Add signed Stanley-Brown safety plans for about half of the admitted demo participants (always the "
        "portal participant 'participant', who also gets a version awaiting their signature). Deterministic."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--seed", type=int, default=7, help="Random seed (default 7).")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when safety plans already exist.")

    def handle(self, *args: Any, **options: Any) -> None:
        if SafetyPlanVersion.objects.exists():
            if options["if_empty"]:
                self.stdout.write("safety plans already present")
                return
            self.stderr.write("Safety plans already exist; seed_safetyplans_demo only fills a database without any.")
            raise SystemExit(1)
        verbose = options["verbosity"] >= 1
        summary = seed_safetyplans(
            seed=options["seed"], now=timezone.now(), progress=self.stdout.write if verbose else None
        )
        if verbose:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Seeded {summary.signed} signed safety plans ({summary.awaiting} with a version awaiting the "
                    f"participant's signature), {summary.departments} emergency departments; "
                    f"{summary.skipped} skipped."
                )
            )
