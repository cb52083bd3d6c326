"""``manage.py seed_demo``: fill an empty database with the synthetic demo organization (see programs/demo.py)."""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cadence.programs.demo import DEFAULT_PASSWORD, NAMED_LOGINS, SITES, DemoError, demo_state, seed_demo


def _date(raw: str) -> dt.date:
    return dt.date.fromisoformat(raw)


class Command(BaseCommand):
    help = (
        "Create a synthetic demo organization (two sites, programs, tracks, rooms, payers, staff of every role) and "
        "N fictional participants at every stage over the last W weeks. Deterministic for the same seed and day."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--participants", type=int, default=120, help="How many participants (default 120).")
        parser.add_argument("--weeks", type=int, default=8, help="Weeks of history ending today (default 8).")
        parser.add_argument("--seed", type=int, default=7, help="Random seed (default 7).")
        parser.add_argument(
            "--password",
            default=None,
            help=f"Password of every demo login (default: $CADENCE_DEMO_PASSWORD or {DEFAULT_PASSWORD}).",
        )
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when the database already has data.")
        parser.add_argument(
            "--today", type=_date, default=None, help="Reference day YYYY-MM-DD instead of today (reproducible data)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        state = demo_state()
        if state != "empty":
            if options["if_empty"]:
                if state == "demo":
                    self.stdout.write("demo data already present")
                else:
                    self.stdout.write("the database already holds other data; demo data not seeded")
                return
            raise CommandError(
                "The database is not empty (it already holds "
                + ("the demo organization" if state == "demo" else "organizations, participants or demo usernames")
                + "). seed_demo only fills an empty database: point CADENCE_SQLITE_PATH or DATABASE_URL at a new "
                "database (or delete var/cadence.sqlite3), run `manage.py migrate`, then seed again. "
                "Pass --if-empty to skip quietly instead."
            )
        password = options["password"] or os.environ.get("CADENCE_DEMO_PASSWORD") or DEFAULT_PASSWORD
        today: dt.date | None = options["today"]
        if today is None:
            now = timezone.now()
        else:  # noon at the first site: the same calendar day at both sites
            now = dt.datetime.combine(today, dt.time(12), tzinfo=zoneinfo.ZoneInfo(SITES[0].time_zone))
        verbose = options["verbosity"] >= 1
        try:
            summary = seed_demo(
                participants=options["participants"],
                weeks=options["weeks"],
                seed=options["seed"],
                now=now,
                password=password,
                progress=self.stdout.write if verbose else None,
            )
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        if not verbose:
            return
        statuses = ", ".join(f"{count} {status}" for status, count in summary.by_status.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {summary.participants} participants, {summary.episodes} episodes ({statuses}), "
                f"{summary.level_changes} level-of-care rows, {summary.diagnoses} diagnoses, "
                f"{summary.contacts} emergency contacts and {summary.staff} staff in {summary.seconds:.1f} s."
            )
        )
        self.stdout.write(f"Demo logins: {', '.join(NAMED_LOGINS)} (password: {password})")
