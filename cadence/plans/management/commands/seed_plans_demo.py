"""``manage.py seed_plans_demo [--if-empty]``: synthetic treatment plans for the demo's admitted
participants (see plans/demo.py). Run after ``seed_demo``."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from cadence.plans.demo import seed_plans
from cadence.plans.models import TreatmentPlan


class Command(BaseCommand):
    help = (
        "Add synthetic treatment plans to most admitted demo participants: some signed, some reviewed, some with "
        "a review overdue, some still drafts. Deterministic."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when plans already exist.")

    def handle(self, *args: Any, **options: Any) -> None:
        if TreatmentPlan.objects.exists():
            if options["if_empty"]:
                self.stdout.write("treatment plans already present")
                return
            self.stderr.write("Treatment plans already exist; seed_plans_demo only fills a database without any.")
            raise SystemExit(1)
        verbose = options["verbosity"] >= 1
        summary = seed_plans(now=timezone.now(), progress=self.stdout.write if verbose else None)
        if verbose:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Seeded {summary.plans} treatment plans: {summary.signed} signed "
                    f"({summary.overdue} with a review overdue), {summary.drafts} drafts."
                )
            )
