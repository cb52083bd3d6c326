"""Background work (django-tasks; the database backend in production, run by ``manage.py db_worker``).

django-tasks has no scheduler, so the nightly run is started one of two ways (docs/attendance.md):

- **cron** (production): ``manage.py run_nightly`` at night (or ``run_nightly --enqueue`` to hand it to
  the worker);
- **the worker alone** (the demo): ``manage.py run_nightly --schedule`` queues ``nightly_task`` for the
  next ``CADENCE_NIGHTLY_HOUR`` (02:00), and each run queues the next one, so a worker that keeps running
  runs the nightly work every night. A run that finds the next one already queued queues nothing.

The run itself is idempotent per local date (``nightly.run_nightly``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from . import conf


@task()
def nightly_task(reschedule: bool = False) -> dict[str, Any]:
    """The nightly run (weekly ledger cache, then accountability rules); ``reschedule``: queue the next
    night's run afterwards. Returns the counts of ``nightly.NightlyResult``."""
    from .nightly import run_nightly

    now = timezone.now()
    result = run_nightly(at=now)
    if reschedule:
        schedule_next_nightly(at=now)
    return dataclasses.asdict(result)


@task()
def nightly_accountability_task() -> int:
    """Evaluate every program's accountability rules; returns how many outreach tasks were opened."""
    from .actions import run_accountability

    return run_accountability(at=timezone.now())


def schedule_next_nightly(*, at: dt.datetime) -> dt.datetime | None:
    """Queue ``nightly_task`` (rescheduling itself) for the next nightly hour after ``at``, unless a run
    is already queued for later; returns when it will run, or None when nothing was queued (already
    queued, or a backend that cannot defer tasks, such as the immediate backend of the tests)."""
    from .nightly import next_run_at

    if not nightly_task.get_backend().supports_defer:
        return None
    when = next_run_at(at, hour=conf.nightly_hour(), zone=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    if _already_queued(after=at):
        return None
    nightly_task.using(run_after=when).enqueue(reschedule=True)
    return when


def _already_queued(*, after: dt.datetime) -> bool:
    """Whether the database backend holds a nightly run still to come."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another backend: nothing to look at
        return False
    return DBTaskResult.objects.filter(task_path=nightly_task.module_path, status="READY", run_after__gt=after).exists()
