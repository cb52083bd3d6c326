"""``manage.py verify_audit``: recompute the audit hash chain; exit 1 at the first broken link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cadence.audit.actions import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit log's hash chain and report the first edited or missing entry (exit 1)."

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(checked: int) -> None:
            if options["verbosity"] >= 2:
                self.stderr.write(f"  {checked} entries checked…")

        report = verify_chain(progress=progress)
        if report.ok:
            self.stdout.write(f"audit chain intact: {report.checked} entries")
            return
        if report.first_broken_id is None:
            raise CommandError(f"audit chain broken after entry {report.checked}: {report.reason}")
        raise CommandError(
            f"audit chain broken at entry id {report.first_broken_id}: {report.reason} "
            f"({report.checked} entries before it are intact)"
        )
