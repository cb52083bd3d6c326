"""``manage.py seed_consents_demo``: synthetic Part 2 consents and disclosures for the demo (see
consents/demo.py). Run after ``seed_demo`` and ``seed_measures`` (which makes the portal login ``participant``)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from cadence.consents.demo import seed_consents
from cadence.consents.models import Consent


class Command(BaseCommand):
    help = (
        "Add TPO consents for most participants with an open episode, a few specific consents (one revoked, one "
        "expired, one waiting on the portal participant's portal) and a handful of disclosures. Deterministic."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when consents already exist.")

    def handle(self, *args: Any, **options: Any) -> None:
        if Consent.objects.exists():
            if options["if_empty"]:
                self.stdout.write("consents already present")
                return
            self.stderr.write("Consents already exist; seed_consents_demo only fills a database without any.")
            raise SystemExit(1)
        verbose = options["verbosity"] >= 1
        summary = seed_consents(now=timezone.now(), progress=self.stdout.write if verbose else None)
        if verbose:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Seeded {summary.tpo} TPO consents, {summary.specific} specific consents ({summary.revoked} "
                    f"revoked, {summary.expired} expired, {summary.awaiting} awaiting the portal participant), "
                    f"{summary.disclosures} disclosures; {summary.skipped} skipped."
                )
            )
