"""Reads shared by the attendance views, API, tasks and commands. Everything goes through the user's
scope: an object outside it is a 404 and the attempt is audited (as in ``participants.queries``)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Exists, F, OuterRef, QuerySet
from django.db.models.functions import Cast

from cadence.accounts.models import User
from cadence.accounts.scope import get_in_scope, visible_programs
from cadence.accounts.scope import out_of_scope as deny
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Episode, EpisodeStatus, Participant, Payer
from cadence.participants.queries import participants_for
from cadence.programs.models import Program, Site
from cadence.scheduling.models import Booking, BookingStatus, Session, SessionStatus
from cadence.scheduling.queries import SESSION_RELATIONS
from cadence.scheduling.queries import get_session_for as get_session_for  # one reader for both apps

from . import billing, conf, utilization
from .ledger import WeekLedger, WeekTotals, ledger_from_totals
from .ledger_data import as_date, no_gc_pauses, raw_rows, spans_for, week_starts_on
from .models import (
    Attendance,
    AttendanceStatus,
    Authorization,
    CheckInStatus,
    KioskCheckIn,
    OutreachStatus,
    OutreachTask,
    PayerRule,
    WeeklyLedger,
)
from .rules import week_start_of
from .weekly import cached_of


def audit_read(user: User, *, what: str, object_type: str, object_id: object = "", count: int | None = None) -> None:
    """One audit entry for a list of participants' attendance (who looked at what, how many rows)."""
    summary = what if count is None else f"{what}: {count} participant(s)"
    record(
        action=AuditAction.LIST, actor=user, object_type=object_type, object_id=str(object_id), summary=summary[:300]
    )


def session_note_signed(session_id: int, participant_id: int) -> bool:
    """Whether the participant's clinical note of the session is signed (the notes app answers), which
    makes "changes after signing need a reason" (``rules.check_change_allowed``) apply."""
    from cadence.notes.queries import note_signed_for  # notes reads attendance: import when called

    return note_signed_for(session_id, participant_id)


# --- Scope ---------------------------------------------------------------------------------------


def programs_for(user: User) -> QuerySet[Program]:
    return visible_programs(user).select_related("site", "level_of_care")


def get_program_for(user: User, pk: int) -> Program:
    program = programs_for(user).filter(pk=pk).first()
    if program is None:
        raise deny(user, "programs.program", pk)
    return program


def get_site_for(user: User, pk: int) -> Site:
    """A site where the user sees at least one program."""
    site = Site.objects.filter(pk=pk, programs__in=visible_programs(user)).distinct().first()
    if site is None:
        raise deny(user, "programs.site", pk)
    return site


def get_check_in_for(user: User, pk: int) -> KioskCheckIn:
    check_ins = KioskCheckIn.objects.select_related("session__program__site", "participant")
    return get_in_scope(user, check_ins, pk, program_path="session__program")


def get_task_for(user: User, pk: int) -> OutreachTask:
    task = (
        OutreachTask.objects.filter(episode__program__in=visible_programs(user))
        .select_related("participant", "episode__program__site", "rule", "owner")
        .filter(pk=pk)
        .first()
    )
    if task is None:
        other = OutreachTask.objects.filter(pk=pk).values_list("participant_id", flat=True).first()
        raise deny(user, "attendance.outreachtask", pk, other)
    return task


def authorizations_for(user: User) -> QuerySet[Authorization]:
    return Authorization.objects.filter(participant__in=participants_for(user))


def get_authorization_for(user: User, pk: int) -> Authorization:
    found = (
        authorizations_for(user)
        .select_related("participant", "payer", "level_of_care", "episode__program__site")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        other = Authorization.objects.filter(pk=pk).values_list("participant_id", flat=True).first()
        raise deny(user, "attendance.authorization", pk, other)
    return found


def active_episode_in(participant: Participant, program_id: int) -> Episode | None:
    return (
        Episode.objects.filter(participant=participant, program_id=program_id, status=EpisodeStatus.ACTIVE)
        .select_related("program__site")
        .first()
    )


def current_admitted_episode(participant: Participant) -> Episode | None:
    """The active episode, else the most recent admitted one (with program and site loaded)."""
    return (
        Episode.objects.filter(participant=participant, admitted_on__isnull=False)
        .select_related("program__site", "level_of_care", "primary_clinician", "track")
        .order_by("-admitted_on", "-pk")
        .first()
    )


# --- Roster --------------------------------------------------------------------------------------


@dataclass
class RosterRow:
    """One participant on a session's roster: booked, marked, added, and/or checked in at the kiosk."""

    participant: Participant
    episode_id: int | None
    booking: Booking | None
    attendance: Attendance | None
    check_in: KioskCheckIn | None
    week: WeekLedger | None = None  # the participant's hours in the session's ledger week (no bookings)

    @property
    def on_roster(self) -> bool:
        return self.booking is not None or self.attendance is not None

    @property
    def state(self) -> str:
        """CSS/state key: a status, "late", "left_early", or "unmarked"."""
        mark = self.attendance
        if mark is None:
            return "unmarked"
        if mark.status == AttendanceStatus.PRESENT:
            if mark.late_minutes:
                return "late"
            if mark.left_early_minutes:
                return "left_early"
        return mark.status

    @property
    def pending_check_in(self) -> bool:
        return self.check_in is not None and self.check_in.status == CheckInStatus.PENDING


def roster(session: Session, *, participant_id: int | None = None) -> list[RosterRow]:
    """Every live booking, mark and check-in of the session, one row per participant, by name
    (3 queries whatever the size of the group)."""
    bookings = Booking.objects.filter(session=session, status=BookingStatus.BOOKED).select_related("participant")
    marks = Attendance.objects.filter(session=session).select_related("participant", "updated_by")
    check_ins = KioskCheckIn.objects.filter(session=session).select_related("participant")
    if participant_id is not None:
        bookings = bookings.filter(participant_id=participant_id)
        marks = marks.filter(participant_id=participant_id)
        check_ins = check_ins.filter(participant_id=participant_id)
    rows: dict[int, RosterRow] = {}
    for booking in bookings:
        rows[booking.participant_id] = RosterRow(booking.participant, booking.episode_id, booking, None, None)
    for mark in marks:
        row = rows.setdefault(mark.participant_id, RosterRow(mark.participant, mark.episode_id, None, None, None))
        row.attendance = mark
        row.episode_id = mark.episode_id
    for check_in in check_ins:
        row = rows.setdefault(check_in.participant_id, RosterRow(check_in.participant, None, None, None, None))
        row.check_in = check_in
    weeks = roster_weeks(session, [r.episode_id for r in rows.values() if r.episode_id is not None])
    for row in rows.values():
        row.week = weeks.get(row.episode_id) if row.episode_id is not None else None
    return sorted(
        rows.values(),
        key=lambda r: (r.participant.legal_last_name.lower(), r.participant.display_name.lower(), r.participant.pk),
    )


def roster_weeks(session: Session, episode_ids: list[int]) -> dict[int, WeekLedger]:
    """Hours and days so far in the ledger week of the session for each episode, against the minimum of
    their level of care: the cached attendance (``WeeklyLedger``) and the live level history, without the
    projection from bookings (the roster shows hours, not the status). 5 queries whatever the size."""
    program = session.program
    week_start = week_start_of(session.occurs_on, week_starts_on(program))
    cached = {
        row.episode_id: row for row in WeeklyLedger.objects.filter(episode_id__in=episode_ids, week_start=week_start)
    }
    spans = spans_for(Episode.objects.filter(pk__in=episode_ids), population=program.population)
    today = session.occurs_on
    out = {}
    for episode_id, span in spans.items():
        row = cached.get(episode_id)
        totals = cached_of(row).totals(week_start) if row is not None else WeekTotals()
        out[episode_id] = ledger_from_totals(span=span, week_start=week_start, totals=totals, today=today)
    return out


def addable_episodes(session: Session) -> QuerySet[Episode]:
    """Admitted episodes of the session's program whose participant is not on the roster yet."""
    booked = Booking.objects.filter(session=session, status=BookingStatus.BOOKED, participant=OuterRef("participant"))
    marked = Attendance.objects.filter(session=session, participant=OuterRef("participant"))
    return (
        Episode.objects.filter(program_id=session.program_id, status=EpisodeStatus.ACTIVE)
        .filter(~Exists(booked), ~Exists(marked))
        .select_related("participant", "track")
        .order_by("participant__legal_last_name", "participant__legal_first_name", "pk")
    )


def sessions_on(user: User, *, day: dt.date, program: Program | None = None) -> QuerySet[Session]:
    """Sessions of the user's programs on a local day, with their booked and marked counts."""
    from django.db.models import Count, Q

    programs = visible_programs(user)
    rows = Session.objects.filter(program__in=programs, occurs_on=day)
    if program is not None:
        rows = rows.filter(program=program)
    return (
        rows.select_related(*SESSION_RELATIONS)
        .annotate(
            booked=Count("bookings", filter=Q(bookings__status=BookingStatus.BOOKED), distinct=True),
            marked=Count("attendance", distinct=True),
        )
        .order_by("starts_at", "program__name", "room__name", "pk")
    )


def kiosk_sessions(site: Site, *, at: dt.datetime, before: int, after: int) -> QuerySet[Session]:
    """Scheduled sessions at the site whose check-in window contains ``at``."""
    return Session.objects.filter(
        program__site=site,
        status=SessionStatus.SCHEDULED,
        starts_at__gte=at - dt.timedelta(minutes=after),
        starts_at__lte=at + dt.timedelta(minutes=before),
    )


# --- Outreach ------------------------------------------------------------------------------------


def outreach_for_participant(participant: Participant, user: User) -> list[OutreachTask]:
    """The participant's outreach tasks in the user's programs, open ones first."""
    return list(
        OutreachTask.objects.filter(participant=participant, episode__program__in=visible_programs(user))
        .select_related("rule", "owner", "closed_by")
        .order_by("status", "due_on", "pk")
    )


def my_open_outreach(user: User) -> QuerySet[OutreachTask]:
    return (
        OutreachTask.objects.filter(owner=user, status=OutreachStatus.OPEN, episode__program__in=visible_programs(user))
        .select_related("participant", "rule")
        .order_by("due_on", "pk")
    )


# --- Billing and authorizations -------------------------------------------------------------------


def billing_rules() -> list[billing.BillingRule]:
    return [
        billing.BillingRule(
            id=r.pk,
            billing_code=r.billing_code,
            revenue_code=r.revenue_code,
            min_minutes=r.min_minutes_per_day,
            units_per_day=r.units_per_day,
            requires_authorization=r.requires_authorization,
            requires_signed_note=r.requires_signed_note,
            payer_id=r.payer_id,
            level_code=r.level_of_care.code if r.level_of_care else None,
            priority=r.priority,
        )
        for r in PayerRule.objects.filter(active=True).select_related("level_of_care")
    ]


def auth_window(a: Authorization) -> billing.AuthWindow:
    return billing.AuthWindow(
        id=a.pk,
        participant_id=a.participant_id,
        payer_id=a.payer_id,
        number=a.number,
        starts_on=a.starts_on,
        ends_on=a.ends_on,
        units_authorized=a.units_authorized,
        billing_code=a.billing_code,
    )


def service_days(
    participant_ids: list[int],
    *,
    starts_on: dt.date,
    ends_on: dt.date,
    within: Sequence[billing.AuthWindow] | None = None,
) -> list[billing.ServiceDay]:
    """Each participant's counted minutes per local day in ``[starts_on, ends_on)``, with their payer and
    the level of care in force that day (5 queries whatever the number of participants). The minutes
    come from the weekly ledger cache (``WeeklyLedger.day_minutes``: one row per participant and week,
    not one per mark), read raw, which spares SQLite Django's per-row converters.

    ``within``: only the days that one of these authorizations covers for the participant's payer. Those
    are the only days that can charge units (``billing`` charges a day to an authorization of the day's
    payer covering it, or to none), so ``billing.units_used_by_authorization`` over them gives the same
    totals as over every day, for less work (the authorization board)."""
    payers = dict(Participant.objects.filter(pk__in=participant_ids).values_list("pk", "payer_id"))
    covering: dict[int, list[tuple[dt.date, dt.date]]] | None = None
    if within is not None:
        covering = defaultdict(list)
        for window in within:
            if window.participant_id in payers and payers[window.participant_id] == window.payer_id:
                covering[window.participant_id].append((window.starts_on, window.ends_on))
    weeks = raw_rows(
        WeeklyLedger.objects.filter(
            participant_id__in=participant_ids,
            week_start__gt=starts_on - dt.timedelta(days=7),
            week_start__lt=ends_on,
            minutes__gt=0,
        )
        .order_by()
        .values_list("participant_id", "week_start", "episode_id", "day_minutes")
    )
    week_days: dict[object, list[dt.date]] = {}  # the 7 dates of each week start, computed once
    rows: list[tuple[int, dt.date, int, int]] = []
    for participant_id, raw_start, episode_id, raw_days in weeks:
        windows = covering.get(participant_id) if covering is not None else None
        if covering is not None and not windows:
            continue  # no authorization of the participant's payer: none of these days charges a unit
        dates = week_days.get(raw_start)
        if dates is None:
            start = raw_start if isinstance(raw_start, dt.date) else as_date(str(raw_start)[:10])
            dates = week_days[raw_start] = [start + dt.timedelta(days=offset) for offset in range(7)]
        if windows is not None and not any(first <= dates[6] and dates[0] < end for first, end in windows):
            continue  # the whole week is outside the authorizations
        day_minutes = json.loads(raw_days) if isinstance(raw_days, str | bytes) else raw_days
        for day, minutes in zip(dates, day_minutes, strict=False):
            if not minutes or not starts_on <= day < ends_on:
                continue
            if windows is None or any(first <= day < end for first, end in windows):
                rows.append((participant_id, day, episode_id, minutes))
    rows.sort()
    # Only the level's code matters for billing, so the population is irrelevant here.
    spans = spans_for(Episode.objects.filter(participant_id__in=participant_ids), population="adult")
    merged: dict[tuple[int, dt.date], billing.ServiceDay] = {}
    for participant_id, day, episode_id, total in rows:
        key = (participant_id, day)
        if key in merged:  # marks of two episodes on one day: add the minutes, keep the first level
            merged[key] = merged[key]._replace(minutes=merged[key].minutes + int(total))
            continue
        span = spans.get(episode_id)
        level = span.level_on(day) if span is not None else None
        code = level.code if level is not None else None
        merged[key] = billing.ServiceDay(participant_id, day, int(total), payers.get(participant_id), code)
    return list(merged.values())


@dataclass(frozen=True)
class BillingReport:
    payer: Payer
    starts_on: dt.date
    ends_on: dt.date
    days: list[billing.BillableDay]
    participants: dict[int, Participant]
    # Participants of the report with no TPO consent in effect on the report's day: their claims are held
    # (sending them would disclose Part 2 records without consent).
    held: frozenset[int] = frozenset()
    checked_on: dt.date | None = None

    @property
    def held_participants(self) -> list[Participant]:
        return sorted((self.participants[pk] for pk in self.held), key=lambda p: (p.legal_last_name, p.pk))

    @property
    def billable_days(self) -> int:
        return sum(1 for d in self.days if d.billable)

    @property
    def units(self) -> int:
        return sum(d.units for d in self.days)

    @property
    def rows(self) -> list[tuple[billing.BillableDay, Participant]]:
        return [(d, self.participants[d.participant_id]) for d in self.days]

    @property
    def flagged_days(self) -> int:
        return sum(1 for d in self.days if not d.billable)


def billing_report(user: User, *, payer: Payer, starts_on: dt.date, ends_on: dt.date, today: dt.date) -> BillingReport:
    """Billable days of the payer's participants in scope, ``starts_on`` to ``ends_on`` (exclusive).
    Days before ``starts_on`` inside an overlapping authorization are computed too (so units are charged
    in order), then left out of the report (constant queries). ``held``: the report's participants with
    no TPO consent in effect ``today`` (the consents app answers)."""
    from cadence.consents.queries import without_tpo_in_effect  # consents knows nothing of attendance

    participant_ids = list(participants_for(user).filter(payer=payer).values_list("pk", flat=True))
    auths = list(
        Authorization.objects.filter(
            participant_id__in=participant_ids,
            payer=payer,
            voided_at__isnull=True,
            starts_on__lt=ends_on,
            ends_on__gt=starts_on,
        )
    )
    lookup_from = min([starts_on, *(a.starts_on for a in auths)])
    days = service_days(participant_ids, starts_on=lookup_from, ends_on=ends_on)
    note_rule = session_day_note_signed if conf.billing_signed_note_rule_enabled() else None
    computed = billing.billable_days(
        days, rules=billing_rules(), authorizations=[auth_window(a) for a in auths], note_signed=note_rule
    )
    shown = [d for d in computed if d.day >= starts_on]
    people = {p.pk: p for p in Participant.objects.filter(pk__in={d.participant_id for d in shown})}
    held = without_tpo_in_effect(people, today) if people else frozenset()
    return BillingReport(payer, starts_on, ends_on, shown, people, held, today)


def session_day_note_signed(participant_id: int, day: dt.date) -> bool:
    """The signed-note billing rule: whether any of the participant's notes of sessions that day is
    signed (the notes app answers)."""
    from cadence.notes.queries import note_signed_on_day  # notes reads attendance: import when called

    return note_signed_on_day(participant_id, day)


def future_booked_days(participant_ids: list[int], *, at: dt.datetime) -> dict[int, list[dt.date]]:
    """Each participant's days with a live booking in a scheduled session from ``at`` on: 2 queries either
    way. For a few participants their bookings come first (index on participant); for many, the future
    sessions first (index on program and start), so neither case reads the other's whole history."""
    future = Session.objects.filter(starts_at__gte=at, status=SessionStatus.SCHEDULED)
    days: dict[int, dt.date] = {}
    pairs: list[tuple[Any, ...]]
    if len(participant_ids) <= FEW_PARTICIPANTS:
        pairs = raw_rows(
            Booking.objects.filter(
                participant_id__in=participant_ids,
                status=BookingStatus.BOOKED,
                session__starts_at__gte=at,
                session__status=SessionStatus.SCHEDULED,
            )
            .order_by()
            .values_list("participant_id", "session_id")
        )
        session_ids = {session_id for _participant, session_id in pairs}
        sessions = future.filter(pk__in=session_ids)
    else:
        sessions = future.filter(program_id__in=Program.objects.values("pk"))
    for pk, raw_day in raw_rows(
        sessions.order_by().annotate(day=Cast("occurs_on", CharField())).values_list("pk", "day")
    ):
        days[pk] = as_date(str(raw_day)[:10])
    if len(participant_ids) > FEW_PARTICIPANTS:
        # By session only: with a second IN list SQLite would walk every booking of the participants.
        wanted = set(participant_ids)
        pairs = [
            row
            for row in raw_rows(
                Booking.objects.filter(session_id__in=list(days), status=BookingStatus.BOOKED)
                .order_by()
                .values_list("participant_id", "session_id")
            )
            if row[0] in wanted
        ]
    booked: dict[int, list[dt.date]] = defaultdict(list)
    for participant_id, session_id in pairs:
        if session_id in days:
            booked[participant_id].append(days[session_id])
    return booked


FEW_PARTICIPANTS = 200


@functools.cache
def _zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    return zoneinfo.ZoneInfo(name) if name else None


@dataclass(frozen=True)
class AuthorizationRow:
    authorization: Authorization
    units_used: int
    warnings: list[utilization.Warning]
    today: dt.date

    @property
    def units_left(self) -> int:
        return self.authorization.units_authorized - self.units_used


def authorization_rows(
    authorizations: QuerySet[Authorization], *, at: dt.datetime, fallback_zone: dt.tzinfo = dt.UTC
) -> list[AuthorizationRow]:
    """Live authorizations with units used (from billable days), warnings, sorted by urgency (constant
    queries: authorizations, service days, rules, other authorizations, bookings)."""
    with no_gc_pauses():  # tens of thousands of short-lived service days (see ledger_data)
        return _authorization_rows(authorizations, at=at, fallback_zone=fallback_zone)


def _authorization_rows(
    authorizations: QuerySet[Authorization], *, at: dt.datetime, fallback_zone: dt.tzinfo
) -> list[AuthorizationRow]:
    live = authorizations.filter(voided_at__isnull=True)
    auths = list(
        live.select_related("participant", "payer", "level_of_care").annotate(
            site_time_zone=F("episode__program__site__time_zone")
        )
    )
    # The same queries run whether or not there are authorizations (constant query counts).
    ids = sorted({a.participant_id for a in auths})
    every = [
        billing.AuthWindow(*row)
        for row in Authorization.objects.filter(participant_id__in=ids, voided_at__isnull=True).values_list(
            "pk", "participant_id", "payer_id", "number", "starts_on", "ends_on", "units_authorized", "billing_code"
        )
    ]
    lo = min((a.starts_on for a in every), default=at.date())
    hi = max((a.ends_on for a in every), default=lo + dt.timedelta(days=1))
    # Only the days an authorization covers can use units: the others are left out (same totals).
    days = service_days(ids, starts_on=lo, ends_on=hi, within=every)
    used = billing.units_used_by_authorization(days, rules=billing_rules(), authorizations=every)
    windows: dict[tuple[int, int], list[tuple[dt.date, dt.date]]] = defaultdict(list)
    latest: dict[tuple[int, int], billing.AuthWindow] = {}
    for w in every:
        key = (w.participant_id, w.payer_id)
        windows[key].append((w.starts_on, w.ends_on))
        if key not in latest or (w.ends_on, w.id) > (latest[key].ends_on, latest[key].id):
            latest[key] = w
    booked = future_booked_days(ids, at=at)
    out = []
    for a in auths:
        today = at.astimezone(_zone(getattr(a, "site_time_zone", None)) or fallback_zone).date()
        key = (a.participant_id, a.payer_id)
        outside: tuple[dt.date, ...] = ()
        if latest[key].id == a.pk:
            outside = utilization.days_outside(booked.get(a.participant_id, []), windows[key])
        facts = utilization.AuthorizationFacts(
            starts_on=a.starts_on,
            ends_on=a.ends_on,
            units_authorized=a.units_authorized,
            units_used=used.get(a.pk, 0),
            review_on=a.review_on,
            booked_outside=outside,
        )
        warnings = utilization.warnings_for(
            facts,
            today=today,
            review_warn_days=conf.authorization_review_warn_days(),
            low_units=conf.authorization_low_units(),
        )
        out.append(AuthorizationRow(a, used.get(a.pk, 0), warnings, today))
    out.sort(key=lambda r: (*utilization.urgency_key(r.warnings, r.authorization.ends_on), r.authorization.pk))
    return out


def authorization_board(user: User, *, program: Program | None, at: dt.datetime) -> list[AuthorizationRow]:
    """Live authorizations of participants with an open episode in the user's programs (or one program),
    leaving out those that ended more than ``conf.authorization_board_expired_days`` ago."""
    programs = visible_programs(user)
    if program is not None:
        programs = programs.filter(pk=program.pk)
    open_episode = Episode.objects.filter(
        participant=OuterRef("participant"),
        program__in=programs,
        status__in=[EpisodeStatus.ACTIVE, EpisodeStatus.REFERRED, EpisodeStatus.WAITLISTED],
    )
    recent = at.date() - dt.timedelta(days=conf.authorization_board_expired_days())
    rows = authorizations_for(user).filter(Exists(open_episode), ends_on__gt=recent)
    return authorization_rows(rows, at=at)


def participant_authorizations(participant: Participant, *, at: dt.datetime) -> list[AuthorizationRow]:
    return authorization_rows(Authorization.objects.filter(participant=participant), at=at)
