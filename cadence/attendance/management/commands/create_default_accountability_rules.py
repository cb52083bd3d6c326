"""``manage.py create_default_accountability_rules``: give every active program the default accountability
rules it lacks (2 unexcused absences in a row, 2 weeks below the minimum, a gap longer than the program's
maximum days between services or 3)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from cadence.attendance.actions import ensure_default_rules
from cadence.programs.models import Program


class Command(BaseCommand):
    help = "Create the default accountability rules for every active program that lacks them."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        for program in Program.objects.filter(active=True).select_related("site"):
            created = ensure_default_rules(program=program, at=now)
            if created:
                self.stdout.write(f"{program.name} ({program.site.name}): {len(created)} rule(s)")
