"""Background work (django-tasks; the database backend in production, run by ``manage.py db_worker``).

``escalate_due_crisis_events`` is queued with ``run_after`` = an event's acknowledgement deadline when a
high or critical event is raised; ``manage.py escalate_crisis_events`` runs the same sweep from cron.
"""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task


@task()
def escalate_due_crisis_events() -> int:
    """Run every escalation step that is due now; returns how many steps ran."""
    from .escalation import run_due_escalations

    return run_due_escalations(at=timezone.now())
