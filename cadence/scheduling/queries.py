"""Reads shared by the schedule's views, API and feeds. Everything goes through the user's scope:
an object outside it is a 404 and the attempt is audited (as in ``participants.queries``)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet

from cadence.accounts.models import Role, User
from cadence.accounts.scope import get_in_scope, visible_programs
from cadence.accounts.scope import out_of_scope as deny
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Episode, EpisodeStatus, Participant
from cadence.programs.models import Program, Room, Track

from .models import (
    Booking,
    BookingStatus,
    CalendarFeed,
    Closure,
    SchedulePlan,
    Session,
    TemplateSlot,
    WeeklyTemplate,
)
from .weeks import Week

SESSION_RELATIONS = ("program__site", "track", "service_type", "room", "facilitator")


def programs_for(user: User) -> QuerySet[Program]:
    return visible_programs(user).filter(active=True).select_related("site", "level_of_care")


def get_program_for(user: User, pk: int) -> Program:
    program = visible_programs(user).select_related("site", "level_of_care").filter(pk=pk).first()
    if program is None:
        raise deny(user, "programs.program", pk)
    return program


def get_closure_for(user: User, pk: int, *, program: Program | None = None) -> Closure:
    """A closure the user may manage: of a program the user sees or of the site of one (with
    ``program``: of that program or its site only, as a program's closure page asks). An audited 404
    otherwise. Callers check the schedule-manager role."""
    if program is not None:
        mine = Q(program=program) | Q(site_id=program.site_id)
    else:
        programs = visible_programs(user)
        mine = Q(program__in=programs) | Q(site__programs__in=programs)
    closure = Closure.objects.filter(mine, pk=pk).select_related("site", "program__site").first()
    if closure is None:
        raise deny(user, "scheduling.closure", pk)
    return closure


def get_track_for(program: Program, pk: int | None) -> Track | None:
    """A track of ``program`` (None for all tracks); an unknown track is treated as all tracks."""
    if not pk:
        return None
    return program.tracks.filter(pk=pk).first()


def sessions_for(user: User) -> QuerySet[Session]:
    return Session.objects.filter(program__in=visible_programs(user))


def get_session_for(user: User, pk: int) -> Session:
    return get_in_scope(user, Session.objects.select_related(*SESSION_RELATIONS), pk)


def get_booking_for(user: User, session: Session, pk: int) -> Booking:
    booking = Booking.objects.select_related("participant", "session").filter(pk=pk, session=session).first()
    if booking is None:
        raise deny(user, "scheduling.booking", pk)
    return booking


def get_plan_for(user: User, pk: int) -> SchedulePlan:
    related = ("program__site", "track", "created_by", "published_by", "replaces")
    return get_in_scope(user, SchedulePlan.objects.select_related(*related), pk)


def get_template_for(user: User, pk: int) -> WeeklyTemplate:
    return get_in_scope(user, WeeklyTemplate.objects.select_related("program__site", "track"), pk)


def get_slot_for(user: User, pk: int) -> TemplateSlot:
    slots = TemplateSlot.objects.select_related("template__program", "service_type")
    return get_in_scope(user, slots, pk, program_path="template__program")


def rooms_for(user: User) -> QuerySet[Room]:
    """Rooms of the sites where the user sees at least one program."""
    return Room.objects.filter(site__programs__in=visible_programs(user)).distinct().select_related("site")


def get_room_for(user: User, pk: int) -> Room:
    room = rooms_for(user).filter(pk=pk).first()
    if room is None:
        raise deny(user, "programs.room", pk)
    return room


def staff_for(user: User) -> QuerySet[User]:
    """Active staff of the user's organization who work in a program the user sees (and the user)."""
    if user.organization_id is None:
        return User.objects.none()
    programs = visible_programs(user)
    return (
        User.objects.filter(organization_id=user.organization_id, is_active=True)
        .filter(Q(programs__in=programs) | Q(pk=user.pk) | Q(role=Role.DIRECTOR, sites__programs__in=programs))
        .distinct()
    )


def get_staff_for(user: User, pk: int) -> User:
    staff = staff_for(user).filter(pk=pk).first()
    if staff is None:
        raise deny(user, "accounts.user", pk)
    return staff


def _default_zone(user: User) -> zoneinfo.ZoneInfo:
    first = programs_for(user).order_by("site__name").first()
    return first.site.zone if first is not None else zoneinfo.ZoneInfo(settings.TIME_ZONE)


def zone_of_staff(staff: User, user: User) -> zoneinfo.ZoneInfo:
    """The time zone of the staff member's first site (else of the viewer's first program)."""
    site = staff.sites.order_by("name").first()
    return site.zone if site is not None else _default_zone(user)


def zone_of_participant(participant: Participant, user: User) -> zoneinfo.ZoneInfo:
    """The time zone of the participant's newest episode the user can see."""
    episode = (
        participant.episodes.filter(program__in=visible_programs(user))
        .select_related("program__site")
        .order_by("-referred_on", "-pk")
        .first()
    )
    return episode.program.site.zone if episode is not None else _default_zone(user)


def schedulable_episode(participant: Participant, user: User) -> Episode | None:
    """The participant's newest admitted episode in a program the user sees."""
    return (
        participant.episodes.filter(program__in=visible_programs(user), status=EpisodeStatus.ACTIVE)
        .select_related("program__site", "track")
        .order_by("-admitted_on", "-pk")
        .first()
    )


def get_feed_for(user: User, pk: int) -> CalendarFeed:
    """A feed of a participant the user may see, or of a staff member the user may see."""
    from cadence.participants.queries import participants_for

    feed = (
        CalendarFeed.objects.filter(
            Q(participant__in=participants_for(user)) | Q(staff__in=staff_for(user)),
        )
        .filter(pk=pk)
        .first()
    )
    if feed is None:
        raise deny(user, "scheduling.calendarfeed", pk)
    return feed


def week_sessions(week: Week, programs: QuerySet[Program]) -> QuerySet[Session]:
    """Sessions starting in ``week`` of ``programs``, with everything a card shows and the booked count."""
    return (
        Session.objects.filter(program__in=programs, starts_at__gte=week.starts_at, starts_at__lt=week.ends_at)
        .select_related(*SESSION_RELATIONS)
        .annotate(booked=Count("bookings", filter=Q(bookings__status=BookingStatus.BOOKED)))
        .order_by("starts_at", "room__name", "pk")
    )


@dataclass(frozen=True)
class Day:
    date: dt.date
    sessions: list[Session]
    closed: str = ""


def week_grid(week: Week, sessions: list[Session], closures: dict[dt.date, str] | None = None) -> list[Day]:
    """Seven columns, Monday to Sunday, each with its sessions in order of local start."""
    by_day: dict[dt.date, list[Session]] = defaultdict(list)
    for s in sessions:
        by_day[s.starts_at.astimezone(week.zone).date()].append(s)
    return [Day(d, by_day.get(d, []), (closures or {}).get(d, "")) for d in week.days]


def roster(session: Session) -> list[Booking]:
    """Live bookings of a session with the participants' names (the caller audits the read)."""
    return list(
        Booking.objects.filter(session=session, status=BookingStatus.BOOKED)
        .select_related("participant", "episode")
        .order_by("participant__legal_last_name", "participant__legal_first_name")
    )


def bookable_episodes(session: Session) -> QuerySet[Episode]:
    """Admitted episodes of the session's program (and track) not yet booked in it."""
    rows = Episode.objects.filter(program_id=session.program_id, status=EpisodeStatus.ACTIVE)
    if session.track_id is not None:
        rows = rows.filter(track_id=session.track_id)
    booked = Booking.objects.filter(session=session, status=BookingStatus.BOOKED).values("participant_id")
    return (
        rows.exclude(participant_id__in=booked)
        .select_related("participant")
        .order_by("participant__legal_last_name", "participant__legal_first_name")
    )


def facilitator_choices(session_program: Program) -> QuerySet[User]:
    """Active clinical staff of the program's organization (credentials are checked when saving)."""
    return (
        User.objects.filter(
            organization_id=session_program.site.organization_id,
            is_active=True,
            role__in=[Role.CLINICIAN, Role.DIRECTOR],
        )
        .prefetch_related("credentials")
        .order_by("last_name", "first_name")
    )


def recent_plans(program: Program, week_start: dt.date) -> list[SchedulePlan]:
    return list(
        SchedulePlan.objects.filter(program=program, week_start=week_start)
        .select_related("track", "created_by")
        .order_by("-created_at", "-pk")[:5]
    )


def templates_of(program: Program, *, pk: int | None = None) -> list[WeeklyTemplate]:
    slots = TemplateSlot.objects.select_related("service_type", "room", "facilitator")
    rows = WeeklyTemplate.objects.filter(program=program)
    if pk is not None:
        rows = rows.filter(pk=pk)
    return list(
        rows.select_related("track")
        .prefetch_related(Prefetch("slots", queryset=slots))
        .order_by("track__starts_at", "-starts_on")
    )


def week_sessions_by_id(ids: list[int]) -> QuerySet[Session]:
    """Sessions by id with what a card or the API shows (booked count included)."""
    return (
        Session.objects.filter(pk__in=ids)
        .select_related(*SESSION_RELATIONS)
        .annotate(booked=Count("bookings", filter=Q(bookings__status=BookingStatus.BOOKED)))
    )


def session_with_roster(user: User, session: Session) -> Session:
    """The session with ``bookings`` (live ones) and ``booked`` set; the read of the roster is audited."""
    people = roster(session)
    record(action=AuditAction.LIST, actor=user, obj=session, summary=f"Session roster: {len(people)} participant(s)")
    session.bookings_list = people  # type: ignore[attr-defined]
    session.booked = len(people)  # type: ignore[attr-defined]
    return session


def get_live_booking_for(user: User, pk: int) -> Booking:
    booking = (
        Booking.objects.filter(session__program__in=visible_programs(user))
        .select_related("session__program__site", "participant")
        .filter(pk=pk)
        .first()
    )
    if booking is None:
        raise deny(user, "scheduling.booking", pk)
    return booking
