"""``manage.py seed_measures``: synthetic measures, check-ins, drug screens and alerts for the demo's admitted
participants, and a portal login for one of them (see measures/demo.py). Run after ``seed_demo``."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from cadence.measures.demo import seed_measures
from cadence.measures.models import MeasureResult
from cadence.programs.demo import DEFAULT_PASSWORD


class Command(BaseCommand):
    help = (
        "Add synthetic measures (weekly PHQ-9 and GAD-7, BAM, C-SSRS), daily check-ins, drug screens and the alerts "
        "they raise to every admitted demo participant, and a portal login 'participant'. Deterministic."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--seed", type=int, default=7, help="Random seed (default 7).")
        parser.add_argument("--password", default=None, help="Password of the portal login (default: the demo one).")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when measures already exist.")

    def handle(self, *args: Any, **options: Any) -> None:
        if MeasureResult.objects.exists():
            if options["if_empty"]:
                self.stdout.write("measures already present")
                return
            self.stderr.write("Measures already exist; seed_measures only fills a database without any.")
            raise SystemExit(1)
        password = options["password"] or os.environ.get("CADENCE_DEMO_PASSWORD") or DEFAULT_PASSWORD
        verbose = options["verbosity"] >= 1
        summary = seed_measures(
            seed=options["seed"], now=timezone.now(), password=password, progress=self.stdout.write if verbose else None
        )
        if verbose:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Seeded {summary.results} results, {summary.check_ins} check-ins, {summary.drug_screens} drug "
                    f"screens and {summary.alerts} alerts ({summary.open_alerts} open) for {summary.episodes} episodes."
                )
            )
            if summary.portal_login:
                self.stdout.write(f"Portal login: {summary.portal_login}, same password as the demo staff.")
