"""Accountability: evaluate a program's rules (``accountability.evaluate``) and open outreach tasks,
after each attendance save (one episode) and nightly (every program, in bulk). A task is opened once
per rule, participant and period: the database's unique constraint has the last word."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max

from cadence.accounts.models import User
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Episode, EpisodeStatus
from cadence.programs.models import Program

from .. import conf
from ..accountability import RuleSpec, Trigger, evaluate
from ..ledger import WEEK, ledger_weeks
from ..ledger_data import EpisodeFacts, episode_ledger, program_facts, spans_for, week_starts_on
from ..models import (
    RULE_DEFAULT_PARAMETER,
    AccountabilityRule,
    Attendance,
    AttendanceStatus,
    OutreachOutcome,
    OutreachStatus,
    OutreachTask,
    RuleKind,
)
from ..rules import AttendanceError, week_start_of


def _specs(rules: list[AccountabilityRule]) -> list[RuleSpec]:
    return [RuleSpec(r.pk, r.kind, r.parameter) for r in rules]


def _last_services(episodes_filter: dict[str, object]) -> dict[int, dt.date]:
    rows = (
        Attendance.objects.filter(
            status=AttendanceStatus.PRESENT,
            minutes__gt=0,
            session__service_type__counts_toward_hours=True,
            **episodes_filter,
        )
        .values("episode_id")
        .annotate(last=Max("occurs_on"))
    )
    return {r["episode_id"]: r["last"] for r in rows}


def _open_tasks(
    triggers: list[tuple[Episode, Trigger]], *, existing: set[tuple[int, int, str]], at: dt.datetime
) -> list[OutreachTask]:
    """Create the tasks of ``triggers`` not in ``existing`` ((rule, participant, period) keys), audited."""
    created: list[OutreachTask] = []
    for episode, trigger in triggers:
        key = (trigger.rule_id, episode.participant_id, trigger.period_key)
        if key in existing:
            continue
        existing.add(key)
        today = at.astimezone(episode.program.site.zone).date()
        task = OutreachTask(
            participant_id=episode.participant_id,
            episode=episode,
            rule_id=trigger.rule_id,
            period_key=trigger.period_key,
            reason=trigger.reason[:300],
            owner_id=episode.primary_clinician_id,
            due_on=today + dt.timedelta(days=conf.outreach_due_days()),
            opened_at=at,
        )
        try:
            with transaction.atomic():
                task.save()
        except IntegrityError:
            continue  # opened meanwhile by another evaluation: no duplicate
        record(
            action=AuditAction.CREATE,
            actor=None,
            actor_label="accountability rules",
            obj=task,
            participant_id=episode.participant_id,
            summary=f"Opened an outreach task: {task.reason}",
            changes={"rule": trigger.kind, "period": trigger.period_key, "owner": task.owner_id},
            at=at,
        )
        created.append(task)
    return created


@transaction.atomic
def evaluate_accountability(*, episode: Episode, at: dt.datetime) -> list[OutreachTask]:
    """Evaluate the program's active rules for one admitted episode and open the tasks they call for;
    returns the tasks opened now (none twice for the same rule and period)."""
    if episode.status != EpisodeStatus.ACTIVE or episode.admitted_on is None:
        return []
    rules = list(AccountabilityRule.objects.filter(program_id=episode.program_id, active=True))
    if not rules:
        return []
    history = episode_ledger(episode, at=at, weeks=conf.accountability_history_weeks())
    triggers = evaluate(
        rules=_specs(rules),
        marks=history.marks,
        weeks=[w for w in history.weeks if w.is_over],
        last_service_on=_last_services({"episode_id": episode.pk}).get(episode.pk),
        admitted_on=episode.admitted_on,
        today=history.today,
    )
    if not triggers:
        return []
    existing = set(
        OutreachTask.objects.filter(participant_id=episode.participant_id, rule__in=rules).values_list(
            "rule_id", "participant_id", "period_key"
        )
    )
    return _open_tasks([(episode, t) for t in triggers], existing=existing, at=at)


def evaluate_program(program: Program, *, at: dt.datetime) -> list[OutreachTask]:
    """Evaluate one program's active rules for all its admitted episodes (constant queries, then one
    insert and one audit entry per task opened)."""
    rules = list(AccountabilityRule.objects.filter(program=program, active=True))
    if not rules:
        return []
    zone = program.site.zone
    today = at.astimezone(zone).date()
    current = week_start_of(today, week_starts_on(program))
    count = conf.accountability_history_weeks()
    starts = [current - (count - 1 - i) * WEEK for i in range(count)]
    admitted = Episode.objects.filter(program=program, status=EpisodeStatus.ACTIVE, admitted_on__isnull=False)
    episodes = list(admitted.select_related("program__site"))
    facts = [EpisodeFacts(e.pk, e.admitted_on, e.discharged_on, e.level_of_care_id) for e in episodes if e.admitted_on]
    spans = spans_for(admitted, population=program.population, facts=facts)
    marks, _booked = program_facts(program, starts_on=starts[0], ends_on=current + WEEK, at=at, with_booked=False)
    last_services = _last_services({"episode__program": program, "episode__status": EpisodeStatus.ACTIVE})
    specs = _specs(rules)
    triggers: list[tuple[Episode, Trigger]] = []
    for episode in episodes:
        if episode.admitted_on is None:
            continue
        episode_marks = marks.get(episode.pk, [])
        weeks = ledger_weeks(span=spans[episode.pk], week_starts=starts, marks=episode_marks, booked=(), today=today)
        found = evaluate(
            rules=specs,
            marks=episode_marks,
            weeks=[w for w in weeks if w.is_over],
            last_service_on=last_services.get(episode.pk),
            admitted_on=episode.admitted_on,
            today=today,
        )
        triggers.extend((episode, t) for t in found)
    existing = set(
        OutreachTask.objects.filter(rule__program=program).values_list("rule_id", "participant_id", "period_key")
    )
    return _open_tasks(triggers, existing=existing, at=at)


def run_accountability(*, at: dt.datetime) -> int:
    """The nightly sweep: every program with an active rule; returns how many tasks were opened. Each
    program is its own transaction, so a failure in one does not undo the others."""
    opened = 0
    programs = Program.objects.filter(active=True, accountability_rules__active=True).distinct().select_related("site")
    for program in programs:
        with transaction.atomic():
            opened += len(evaluate_program(program, at=at))
    return opened


@transaction.atomic
def close_outreach_task(
    *, task: OutreachTask, outcome: str, note: str, by: User, at: dt.datetime, cancel: bool = False
) -> OutreachTask:
    """Record the outcome of an open task and close it (``cancel``: close without outreach, e.g. the
    participant was discharged; a note is then required)."""
    task = OutreachTask.objects.select_for_update().get(pk=task.pk)
    if task.status != OutreachStatus.OPEN:
        raise AttendanceError("status", "This task is already closed.")
    if cancel:
        if not note.strip():
            raise AttendanceError("outcome_note", "Say why the task is cancelled.")
        status = OutreachStatus.CANCELLED
    else:
        if outcome not in OutreachOutcome.values:
            raise AttendanceError("outcome", "Choose the outcome of the outreach.")
        status = OutreachStatus.DONE
    task.status = status
    task.outcome = "" if cancel else outcome
    task.outcome_note = note.strip()
    task.closed_at, task.closed_by = at, by
    task.save(update_fields=["status", "outcome", "outcome_note", "closed_at", "closed_by"])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=task,
        participant_id=task.participant_id,
        summary=f"Outreach task {'cancelled' if cancel else 'done'}: {task.get_outcome_display() or note[:80]}",
        changes={"status": ["open", status], "outcome": task.outcome, "note": task.outcome_note},
        at=at,
    )
    return task


@transaction.atomic
def ensure_default_rules(*, program: Program, at: dt.datetime) -> list[AccountabilityRule]:
    """Give a program the default rules it does not have yet: 2 unexcused absences in a row, 2 weeks in
    a row below the minimum, and a gap longer than the program's ``max_days_between_services`` (3 when
    unset). Returns the rules created."""
    created = []
    for kind, default in RULE_DEFAULT_PARAMETER.items():
        parameter = default
        if kind == RuleKind.GAP_LONGER_THAN_DAYS and program.max_days_between_services:
            parameter = program.max_days_between_services
        if AccountabilityRule.objects.filter(program=program, kind=kind).exists():
            continue
        created.append(
            AccountabilityRule.objects.create(program=program, kind=kind, parameter=parameter, created_at=at)
        )
    if created:
        record(
            action=AuditAction.CREATE,
            actor=None,
            actor_label="system",
            obj=program,
            summary=f"Default accountability rules for {program.name}",
            changes={r.kind: r.parameter for r in created},
            at=at,
        )
    return created
