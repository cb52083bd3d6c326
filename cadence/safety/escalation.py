"""Escalation of high and critical crisis events nobody acknowledged in time.

``run_due_escalations(at=...)`` is the sweep: the background task (``tasks.escalate_due_crisis_events``,
queued with ``run_after`` = the deadline when an event is raised) and the management command
``escalate_crisis_events`` (for cron, and for tests) both call it; it never runs on a page view.
``rules.due_step`` decides what is due. Step 1 tells the on-call clinician of the participant's site at
that time (the primary, else the backup); step 2 the program director(s). Nobody without access to the
participant is ever told: when the on-call person lacks access (or nobody is on call) the step is
recorded as skipped with the reason and the next step runs at once.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction

from cadence.accounts.models import Role, User
from cadence.audit.actions import record
from cadence.audit.models import AuditAction

from . import queries
from .conf import ack_minutes, step_minutes
from .models import (
    CrisisEvent,
    Escalation,
    EscalationOutcome,
    EventStatus,
    ShiftRole,
)
from .notify import has_access, notify
from .rules import ESCALATING, LAST_STEP, EventClock, due_step, step_due_at

log = logging.getLogger(__name__)
#: The audit trail's actor for what Cadence does by itself (escalations, flags raised by an alert).
AUTOMATIC = "Cadence (automatic)"


def schedule_sweep(*, run_after: dt.datetime) -> None:
    """Queue the sweep to run at ``run_after`` when the task backend can defer; otherwise the cron command
    (``manage.py escalate_crisis_events``, every minute) does the work. A queue failure is logged, never
    raised: the event is already saved and the cron sweep still finds it."""
    from .tasks import escalate_due_crisis_events

    try:
        if escalate_due_crisis_events.get_backend().supports_defer:
            escalate_due_crisis_events.using(run_after=run_after).enqueue()
    except Exception:  # see the docstring
        log.exception("could not queue the crisis escalation sweep")


@dataclass(frozen=True)
class Recipients:
    users: list[User]
    skipped: list[tuple[User | None, str]]


def _on_call(event: CrisisEvent, at: dt.datetime) -> Recipients:
    if event.episode is None:
        return Recipients([], [(None, "The participant has no episode of care, so no site is on call.")])
    site = event.episode.program.site
    shifts = queries.on_call_now(site, at)
    skipped: list[tuple[User | None, str]] = []
    for role in (ShiftRole.PRIMARY, ShiftRole.BACKUP):
        allowed = []
        for shift in (s for s in shifts if s.role == role):
            if has_access(shift.staff, event):
                allowed.append(shift.staff)
            else:
                skipped.append(
                    (shift.staff, f"{shift.staff.display_name} ({role} on call) has no access to this participant.")
                )
        if allowed:
            return Recipients(allowed, skipped)
    if not shifts:
        skipped.append((None, f"Nobody is on call at {site.name} now."))
    return Recipients([], skipped)


def _directors(event: CrisisEvent) -> Recipients:
    if event.episode is None:
        return Recipients([], [(None, "The participant has no episode of care, so no program director applies.")])
    site = event.episode.program.site
    candidates = User.objects.filter(organization_id=site.organization_id, role=Role.DIRECTOR, is_active=True)
    allowed = [user for user in candidates if has_access(user, event)]
    if allowed:
        return Recipients(allowed, [])
    return Recipients([], [(None, "No program director has access to this participant's program.")])


def _run_step(event: CrisisEvent, step: int, at: dt.datetime) -> int:
    """Notify the step's recipients (or record why nobody); returns how many were notified."""
    found = _on_call(event, at) if step == 1 else _directors(event)
    for user, reason in found.skipped:
        Escalation.objects.create(
            event=event, step=step, recipient=user, outcome=EscalationOutcome.SKIPPED, reason=reason[:300], at=at
        )
    for user in found.users:
        Escalation.objects.create(event=event, step=step, recipient=user, outcome=EscalationOutcome.NOTIFIED, at=at)
        notify(recipient=user, event=event, at=at)
    who = "on-call clinician" if step == 1 else "program director"
    record(
        action=AuditAction.UPDATE,
        actor=None,
        actor_label=AUTOMATIC,
        obj=event,
        participant_id=event.participant_id,
        summary=f"Crisis event escalated to the {who} (step {step}): {len(found.users)} notified",
        changes={
            "step": step,
            "notified": [u.username for u in found.users],
            "skipped": [reason for _user, reason in found.skipped],
        },
        at=at,
    )
    return len(found.users)


def escalate_event(*, event: CrisisEvent, at: dt.datetime) -> list[int]:
    """Run the steps due for one event at ``at`` (locked, in one transaction); returns the steps run."""
    with transaction.atomic():
        event = (
            CrisisEvent.objects.select_for_update(of=("self",))
            .select_related("episode__program__site")
            .get(pk=event.pk)
        )
        done = set(event.escalations.values_list("step", flat=True))
        ack, period = ack_minutes(), step_minutes()

        def next_due() -> int | None:
            clock = EventClock(event.severity, event.status, event.raised_at, frozenset(done))
            return due_step(clock, at, ack_minutes=ack, step_minutes=period)

        ran: list[int] = []
        step = next_due()
        while step is not None:
            notified = _run_step(event, step, at)
            done.add(step)
            ran.append(step)
            step = step + 1 if notified == 0 and step < LAST_STEP else next_due()
        if ran and LAST_STEP not in done:
            later = step_due_at(event.raised_at, LAST_STEP, ack_minutes=ack, step_minutes=period)
            transaction.on_commit(lambda: schedule_sweep(run_after=later))
    return ran


def run_due_escalations(*, at: dt.datetime) -> int:
    """The sweep: run every due escalation step at ``at``; returns how many steps ran."""
    oldest_due = at - dt.timedelta(minutes=ack_minutes())
    candidates = CrisisEvent.objects.filter(
        status=EventStatus.RAISED, severity__in=ESCALATING, raised_at__lte=oldest_due
    ).order_by("raised_at", "pk")
    total = 0
    for event in candidates:
        total += len(escalate_event(event=event, at=at))
    return total
