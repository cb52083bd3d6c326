"""Background work (django-tasks; the database backend in production, run by ``manage.py db_worker``)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task


@task()
def build_plan_task(plan_id: int) -> str:
    """Build a queued schedule plan; returns its final status."""
    from .plans import run_build

    return run_build(plan_id=plan_id, at=timezone.now()).status
