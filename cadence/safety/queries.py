"""Reads shared by the pages, the API, the dashboard card and the chart banner. Every read goes through the
user's scope (a crisis event is in scope through its episode's program)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, roles_with
from cadence.accounts.scope import get_in_scope, out_of_scope, visible_programs
from cadence.participants.models import Participant
from cadence.participants.queries import participants_for
from cadence.programs.models import Program, Site

from .conf import ack_minutes
from .models import (
    OPEN_EVENT_STATUSES,
    CrisisEvent,
    Escalation,
    EventStatus,
    Notification,
    OnCallShift,
    RiskFlag,
)
from .rules import ack_deadline, percentile

EVENT_RELATIONS = ("participant", "episode__program__site", "acknowledged_by", "assessed_by", "resolved_by")


def events_for(user: User) -> QuerySet[CrisisEvent]:
    return CrisisEvent.objects.filter(episode__program__in=visible_programs(user)).select_related(*EVENT_RELATIONS)


def open_events_for(user: User) -> QuerySet[CrisisEvent]:
    """Open events in scope: unacknowledged first, then oldest first."""
    rows = events_for(user).filter(status__in=OPEN_EVENT_STATUSES)
    return rows.order_by("-status", "raised_at", "pk")  # "raised" sorts after "assessed"/"acknowledged"


def needing_response_for(user: User) -> list[CrisisEvent]:
    """Unacknowledged events in scope, oldest first (the dashboard card)."""
    return list(events_for(user).filter(status=EventStatus.RAISED).order_by("raised_at", "pk")[:50])


def get_event_for(user: User, pk: int) -> CrisisEvent:
    """The event if its participant's program is in scope, else an audited 404."""
    return get_in_scope(user, CrisisEvent.objects.select_related(*EVENT_RELATIONS), pk, program_path="episode__program")


def participant_events(participant: Participant) -> QuerySet[CrisisEvent]:
    return (
        CrisisEvent.objects.filter(participant=participant)
        .select_related("episode__program__site")
        .order_by("-raised_at", "-pk")
    )


def active_flags(participant: Participant) -> list[RiskFlag]:
    """Active flags, most severe first."""
    rank = {"critical": 0, "high": 1, "moderate": 2, "low": 3}
    flags = list(RiskFlag.objects.filter(participant=participant, cleared_at__isnull=True).select_related("raised_by"))
    return sorted(flags, key=lambda f: (rank.get(f.severity, 9), -f.raised_at.timestamp()))


def get_flag_for(user: User, pk: int) -> RiskFlag:
    """The flag if its participant is in scope, else an audited 404."""
    flag = RiskFlag.objects.select_related("participant").filter(pk=pk).first()
    if flag is None or not participants_for(user).filter(pk=flag.participant_id).exists():
        raise out_of_scope(user, "safety.riskflag", pk, flag.participant_id if flag else None)
    return flag


# --- On-call -------------------------------------------------------------------------------------


def sites_for(user: User) -> QuerySet[Site]:
    return Site.objects.filter(programs__in=visible_programs(user)).distinct().order_by("name")


def get_site_for(user: User, pk: int) -> Site:
    site = sites_for(user).filter(pk=pk).first()
    if site is None:
        raise Http404("Not found")
    return site


def shifts_between(site: Site, starts: dt.datetime, ends: dt.datetime) -> list[OnCallShift]:
    return list(
        OnCallShift.objects.filter(site=site, cancelled_at__isnull=True, starts_at__lt=ends, ends_at__gt=starts)
        .select_related("staff")
        .order_by("starts_at", "role", "pk")
    )


def get_shift_for(user: User, pk: int) -> OnCallShift:
    shift = OnCallShift.objects.filter(site__in=sites_for(user), pk=pk).select_related("site").first()
    if shift is None:
        raise out_of_scope(user, "safety.oncallshift", pk)
    return shift


def on_call_now(site: Site, at: dt.datetime) -> list[OnCallShift]:
    """The shifts of ``site`` running at ``at`` (started at or before it, not yet ended), earliest first."""
    return list(
        OnCallShift.objects.filter(site=site, cancelled_at__isnull=True, starts_at__lte=at, ends_at__gt=at)
        .select_related("staff")
        .order_by("starts_at", "role", "pk")
    )


def on_call_candidates(site: Site) -> QuerySet[User]:
    """Who may be put on call at ``site``: active staff of the site's organization whose role may respond
    to a crisis (the rule ``actions.add_on_call_shift`` enforces)."""
    return User.objects.filter(
        organization_id=site.organization_id, is_active=True, role__in=roles_with(Capability.RESPOND_TO_CRISIS)
    ).order_by("last_name", "first_name")


# --- Notifications -------------------------------------------------------------------------------


def unread_notifications(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).select_related("event")


# --- Report --------------------------------------------------------------------------------------


@dataclass
class ProgramLine:
    program: Program
    raised: int = 0
    acknowledged: int = 0
    in_time: int = 0
    escalated: int = 0
    minutes: list[float] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        return percentile(self.minutes, 50)

    @property
    def p90(self) -> float | None:
        return percentile(self.minutes, 90)

    @property
    def in_time_share(self) -> int | None:
        return round(100 * self.in_time / self.acknowledged) if self.acknowledged else None


@dataclass
class Report:
    since: dt.datetime
    until: dt.datetime
    ack_minutes: int
    lines: list[ProgramLine]
    total: ProgramLine
    open_events: list[CrisisEvent]


def response_report(user: User, *, since: dt.datetime, until: dt.datetime, program_id: int | None = None) -> Report:
    """Events raised in [since, until) in the user's programs: time to acknowledge (median, 90th percentile),
    the share acknowledged within the deadline and how many escalated, per program and in total; and the
    events open now."""
    programs = visible_programs(user).select_related("site").order_by("site__name", "name")
    if program_id is not None:
        programs = programs.filter(pk=program_id)
    limit = ack_minutes()
    lines = {p.pk: ProgramLine(program=p) for p in programs}
    total = ProgramLine(program=Program(name="All programs"))
    raised = CrisisEvent.objects.filter(episode__program__in=programs, raised_at__gte=since, raised_at__lt=until)
    escalated = set(Escalation.objects.filter(event__in=raised).values_list("event_id", flat=True).distinct())
    rows = raised.values_list("pk", "episode__program_id", "raised_at", "acknowledged_at")
    for pk, program_pk, raised_at, acknowledged_at in rows.iterator(chunk_size=2000):
        for line in (lines[program_pk], total):
            line.raised += 1
            if pk in escalated:
                line.escalated += 1
            if acknowledged_at is not None:
                line.acknowledged += 1
                line.minutes.append((acknowledged_at - raised_at).total_seconds() / 60)
                if acknowledged_at <= ack_deadline(raised_at, limit):
                    line.in_time += 1
    open_events = list(
        CrisisEvent.objects.filter(episode__program__in=programs, status__in=OPEN_EVENT_STATUSES)
        .select_related(*EVENT_RELATIONS)
        .order_by("raised_at", "pk")
    )
    return Report(since, until, limit, list(lines.values()), total, open_events)
