"""``manage.py seed_notes_demo [--if-empty]``: synthetic curricula, note templates, group notes and progress
notes for the demo organization (see notes/demo.py). Run after seed_demo, seed_schedule_demo and
seed_attendance_demo."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from cadence.notes.demo import seed_notes
from cadence.notes.models import Curriculum, GroupNote, ProgressNote


class Command(BaseCommand):
    help = (
        "Add a 12-week curriculum and note templates to every demo program, and group and progress notes of "
        "recent sessions (signed, unsigned, one awaiting co-signature). Needs the schedule and attendance demo data."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when notes or curricula exist.")

    def handle(self, *args: Any, **options: Any) -> None:
        if Curriculum.objects.exists() or GroupNote.objects.exists() or ProgressNote.objects.exists():
            if options["if_empty"]:
                self.stdout.write("notes already present")
                return
            self.stderr.write("Notes already exist; seed_notes_demo only fills a database without any.")
            raise SystemExit(1)
        summary = seed_notes(now=timezone.now(), progress=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {summary.group_notes} group notes and {summary.progress_notes} progress notes "
                f"({summary.signed} signed, {summary.awaiting} awaiting co-signature)."
            )
        )
