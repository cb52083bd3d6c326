"""Reads shared by the measures pages, the API, the home dashboard and the portal.

Every read of a participant's measures goes through the user's scope (``participants.queries``): what
the user may not see is a 404 with a DENIED audit entry.
"""

from __future__ import annotations

import datetime as dt
import heapq
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Case, Exists, IntegerField, Max, OuterRef, QuerySet, Value, When

from cadence.accounts.models import Role, User
from cadence.accounts.scope import out_of_scope, visible_programs
from cadence.participants.models import OPEN_STATUSES, Episode, EpisodeStatus, Participant
from cadence.participants.queries import current_episode, today_in

from .alert_rules import SEVERITY_RANK
from .instruments import INSTRUMENTS
from .models import ACTIVE_ALERT_STATUSES, Alert, MeasureRequest, MeasureResult, MeasureScheduleRule
from .schedule import (
    ADMISSION_WINDOW_DAYS,
    DEFAULT_SCHEDULE,
    DueMeasure,
    ScheduleRule,
    due_measures,
    overdue_count_while_open,
    overdue_while_open,
)

#: An episode covers results from this many days before admission (intake) to after discharge.
EPISODE_MARGIN_DAYS = 7


# --- Days and episodes ---------------------------------------------------------------------------


def episode_for_day(participant: Participant, day: dt.date) -> Episode | None:
    """The episode a result of ``day`` belongs to: the newest one whose span (admission or referral, from
    a week before, to a week after discharge) covers the day, an active one first; else the current one."""
    episodes = list(participant.episodes.select_related("program__site").order_by("-referred_on", "-pk"))
    margin = dt.timedelta(days=EPISODE_MARGIN_DAYS)

    def covers(e: Episode) -> bool:
        start = e.admitted_on or e.referred_on
        end = e.discharged_on + margin if e.discharged_on else dt.date.max
        return e.status != EpisodeStatus.CANCELLED and start - margin <= day <= end

    covering = [e for e in episodes if covers(e)]
    for episode in covering:
        if episode.status == EpisodeStatus.ACTIVE:
            return episode
    if covering:
        return covering[0]
    return current_episode(participant)


# --- Schedules -----------------------------------------------------------------------------------


def rules_by_program(program_ids: Iterable[int]) -> dict[int, list[ScheduleRule]]:
    """The schedule of each program (one query): its own active rules, or the defaults when it has none."""
    ids = set(program_ids)
    own: dict[int, list[ScheduleRule]] = defaultdict(list)
    configured: set[int] = set()
    for row in MeasureScheduleRule.objects.filter(program_id__in=ids).order_by("program_id", "pk"):
        configured.add(row.program_id)
        if row.active:
            own[row.program_id].append(ScheduleRule(row.instrument, row.at_admission, row.every_days, row.at_discharge))
    return {pid: own[pid] if pid in configured else list(DEFAULT_SCHEDULE) for pid in ids}


def due_for_episode(
    episode: Episode | None, results: Iterable[tuple[str, dt.date]], today: dt.date, rules: Sequence[ScheduleRule]
) -> list[DueMeasure]:
    if episode is None or episode.status not in (EpisodeStatus.ACTIVE, EpisodeStatus.DISCHARGED):
        return []
    return due_measures(
        rules, admitted_on=episode.admitted_on, discharged_on=episode.discharged_on, today=today, results=results
    )


def due_for_participant(participant: Participant, now: dt.datetime) -> tuple[Episode | None, list[DueMeasure]]:
    """The current episode and the measures due in it today (3 queries)."""
    episode = current_episode(participant)
    if episode is None:
        return None, []
    today = today_in(episode, now)
    rules = rules_by_program([episode.program_id])[episode.program_id]
    since = (episode.admitted_on or episode.referred_on) - dt.timedelta(days=ADMISSION_WINDOW_DAYS)
    done = MeasureResult.objects.filter(participant=participant, administered_on__gte=since).values_list(
        "instrument", "administered_on"
    )
    return episode, due_for_episode(episode, list(done), today, rules)


@dataclass(frozen=True)
class OverdueRow:
    episode: Episode
    due: DueMeasure

    @property
    def abbreviation(self) -> str:
        return INSTRUMENTS[self.due.instrument].abbreviation


def overdue_measures(episodes: QuerySet[Episode], now: dt.datetime, *, limit: int = 10) -> tuple[list[OverdueRow], int]:
    """The ``limit`` most overdue measures of the active episodes in ``episodes`` and how many there are in
    all. Four queries whatever the number of episodes: the schedule is computed over plain values, and only
    the rows shown are loaded as objects."""
    active = episodes.filter(status=EpisodeStatus.ACTIVE, admitted_on__isnull=False)
    plain = list(active.values_list("pk", "participant_id", "program_id", "admitted_on", "program__site__time_zone"))
    if not plain:
        return [], 0
    rules = rules_by_program({program_id for _pk, _p, program_id, _a, _tz in plain})
    latest = (
        MeasureResult.objects.filter(participant_id__in=active.values("participant_id"))
        .values("participant_id", "instrument")
        .annotate(last=Max("administered_on"))
    )
    done: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
    for row in latest:
        done[row["participant_id"]].append((row["instrument"], row["last"]))
    todays = {tz: now.astimezone(zoneinfo.ZoneInfo(tz)).date() for tz in {p[4] for p in plain}}
    window = dt.timedelta(days=ADMISSION_WINDOW_DAYS)
    # Per episode: its rules, its local today, its admission day and its latest result per instrument.
    state: dict[int, tuple[Sequence[ScheduleRule], dt.date, dt.date, dict[str, dt.date]]] = {}
    keys: list[tuple[int, int, str]] = []  # (-days overdue, episode, instrument): the order shown
    for pk, participant_id, program_id, admitted_on, tz in plain:
        if admitted_on is None:
            continue
        today = todays[tz]
        since = admitted_on - window
        mine = {code: day for code, day in done[participant_id] if since <= day <= today}
        state[pk] = (rules[program_id], today, admitted_on, mine)
        for days, code in overdue_count_while_open(
            rules[program_id], admitted_on=admitted_on, today=today, latest=mine
        ):
            keys.append((-days, pk, code))
    shown = heapq.nsmallest(limit, keys)
    loaded = Episode.objects.select_related("participant", "program__site", "primary_clinician").in_bulk(
        [pk for _days, pk, _code in shown]
    )
    rows = []
    for _days, pk, code in shown:
        episode_rules, today, admitted_on, mine = state[pk]
        due = overdue_while_open(episode_rules, admitted_on=admitted_on, today=today, latest=mine)
        rows.append(OverdueRow(loaded[pk], next(d for d in due if d.instrument == code)))
    return rows, len(keys)


# --- Alerts --------------------------------------------------------------------------------------

_SEVERITY_ORDER = Case(
    *(When(severity=severity, then=Value(rank)) for severity, rank in SEVERITY_RANK.items()),
    default=Value(9),
    output_field=IntegerField(),
)
_STATUS_ORDER = Case(When(status="open", then=Value(0)), default=Value(1), output_field=IntegerField())


def alerts_for(user: User, *, mine_only: bool = False) -> QuerySet[Alert]:
    """Alerts of participants in the user's scope; ``mine_only``: of participants with an open episode in
    scope whose primary clinician is the user. Most urgent first (open, severity, newest)."""
    if user.organization_id is None:
        return Alert.objects.none()
    episodes = Episode.objects.filter(participant=OuterRef("participant_id"), program__in=visible_programs(user))
    if mine_only:
        episodes = episodes.filter(primary_clinician=user, status__in=OPEN_STATUSES)
    return (
        Alert.objects.filter(participant__organization_id=user.organization_id)
        .filter(Exists(episodes))
        .select_related("participant", "episode__program__site", "acknowledged_by")
        .annotate(status_rank=_STATUS_ORDER, severity_rank=_SEVERITY_ORDER)
        .order_by("status_rank", "severity_rank", "-raised_at", "-pk")
    )


def active_alerts_for(user: User, *, mine_only: bool = False) -> QuerySet[Alert]:
    return alerts_for(user, mine_only=mine_only).filter(status__in=ACTIVE_ALERT_STATUSES)


def get_alert_for(user: User, pk: int) -> Alert:
    """The alert if its participant is in the user's scope (else 404, audited)."""
    alert = alerts_for(user).filter(pk=pk).first()
    if alert is None:
        other = Alert.objects.filter(pk=pk).values_list("participant_id", flat=True).first()
        raise out_of_scope(user, "measures.alert", pk, other)
    return alert


def shows_alerts(user: User) -> bool:
    """Roles whose dashboard shows alerts: the clinical roles that act on them."""
    return user.role in (Role.ADMIN, Role.DIRECTOR, Role.CLINICIAN)


# --- One-time links ------------------------------------------------------------------------------


def open_requests(participant: Participant, now: dt.datetime) -> list[MeasureRequest]:
    rows = MeasureRequest.objects.filter(participant=participant, used_at__isnull=True, expires_at__gt=now)
    return list(rows.select_related("created_by").order_by("-created_at"))
