"""Background work (django-tasks; the database backend in production, run by ``manage.py db_worker``).

Nightly: ``manage.py evaluate_accountability --enqueue`` from cron (or any scheduler) queues
``nightly_accountability_task``, which opens the outreach tasks the programs' rules call for.
"""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task


@task()
def nightly_accountability_task() -> int:
    """Evaluate every program's accountability rules; returns how many outreach tasks were opened."""
    from .actions import run_accountability

    return run_accountability(at=timezone.now())
