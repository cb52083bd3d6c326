"""The nightly attendance run, for cron or the background worker: for every active program, rebuild the
recent weeks of the weekly ledger cache, then evaluate the accountability rules (outreach tasks).

Idempotent per local date: a program's run is recorded (``NightlyRun``, unique per program and site
date) and a second run on the same local date skips it, so cron plus a manual run, or two workers, do
the work once. Each program is its own transaction: a failure leaves the others done and its own
run unrecorded, so the next run retries it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from cadence.programs.models import Program

from . import conf
from .actions.outreach import evaluate_program
from .ledger import WEEK
from .models import NightlyRun
from .weekly import ledger_week_of, rebuild_program


@dataclass
class NightlyResult:
    programs: int = 0
    skipped: int = 0
    ledgers: int = 0
    tasks_opened: int = 0


def run_nightly(
    *, at: dt.datetime, force: bool = False, progress: Callable[[str], None] | None = None
) -> NightlyResult:
    """Run every active program's nightly work once for its local date (``force``: again even if it
    already ran today). Rebuilds ``conf.nightly_ledger_weeks()`` weeks of the cache (the current week
    and those before), then opens the outreach tasks the rules call for."""
    result = NightlyResult()
    weeks = conf.nightly_ledger_weeks()
    for program in Program.objects.filter(active=True).select_related("site").order_by("pk"):
        local_date = at.astimezone(program.site.zone).date()
        try:
            with transaction.atomic():
                run = NightlyRun.objects.select_for_update().filter(program=program, local_date=local_date).first()
                if run is not None and not force:
                    result.skipped += 1
                    continue
                if run is None:
                    run = NightlyRun.objects.create(program=program, local_date=local_date, started_at=at)
                current = ledger_week_of(program, local_date)
                run.ledgers = rebuild_program(program, first_week=current - (weeks - 1) * WEEK, last_week=current)
                run.tasks_opened = len(evaluate_program(program, at=at))
                run.started_at, run.finished_at = at, at
                run.save()
        except IntegrityError:  # another run of the same date got there first
            result.skipped += 1
            continue
        result.programs += 1
        result.ledgers += run.ledgers
        result.tasks_opened += run.tasks_opened
        if progress is not None:
            progress(
                f"{program.name} ({program.site.name}), {local_date:%Y-%m-%d}: {run.ledgers} ledger week(s), "
                f"{run.tasks_opened} outreach task(s) opened"
            )
    return result


def next_run_at(at: dt.datetime, *, hour: int, zone: dt.tzinfo) -> dt.datetime:
    """The next ``hour``:00 in ``zone`` strictly after ``at`` (where the worker schedules the next run)."""
    local = at.astimezone(zone)
    candidate = dt.datetime.combine(local.date(), dt.time(hour), tzinfo=zone)
    if candidate <= local:
        candidate = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(hour), tzinfo=zone)
    return candidate.astimezone(dt.UTC)
