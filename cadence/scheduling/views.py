"""Week views (by program and track, room, clinician, participant) and editing one session from its
card: book and unbook participants, change facilitator and room, move it, with instant conflict
messages (htmx partials; every form also works as a plain POST).

Each view fetches through a scope-checking query (404, audited), checks the role (403), validates a
form, calls one action and responds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from cadence.accounts.models import Role, User
from cadence.accounts.permissions import Capability, has_capability, require
from cadence.accounts.request import staff_user
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Episode
from cadence.participants.queries import get_participant_for
from cadence.programs.models import Program

from . import actions, queries
from .forms import AvailabilityForm, BookForm, PreferenceForm, SessionChangeForm, SessionTimeForm
from .models import CalendarFeed, Closure, ParticipantAvailability, ParticipantPreference, Session
from .plans import published_plan
from .rules import SchedulingError, can_manage_schedule, require_schedule_manager
from .weeks import Week, parse_week


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and "HX-History-Restore-Request" not in request.headers


def _week(request: HttpRequest, program_or_zone: Program | Any) -> Week:
    zone = program_or_zone.site.zone if isinstance(program_or_zone, Program) else program_or_zone
    today = timezone.now().astimezone(zone).date()
    return Week(parse_week(request.GET.get("week"), today=today), zone)


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _closures(week: Week, programs: list[Program]) -> dict[dt.date, str]:
    sites = {p.site_id for p in programs}
    rows = Closure.objects.filter(
        Q(site_id__in=sites) | Q(program__in=programs), date__gte=week.start, date__lt=week.end
    )
    return {c.date: c.reason for c in rows}


def _week_page(
    request: HttpRequest, template: str, week: Week, sessions: list[Session], **context: Any
) -> HttpResponse:
    user = staff_user(request)
    context.update(
        week=week,
        days=queries.week_grid(week, sessions, context.pop("closures", {})),
        can_manage=can_manage_schedule(user.role),
        can_book=has_capability(user.role, Capability.ADMIT),
        today=timezone.now().astimezone(week.zone).date(),
    )
    with timezone.override(week.zone):  # every time on the page in the site's time zone
        response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def index_view(request: HttpRequest) -> HttpResponse:
    """The user's programs, rooms and own week; one program goes straight to its week."""
    user = staff_user(request)
    programs = list(queries.programs_for(user).prefetch_related("tracks"))
    rooms = list(queries.rooms_for(user).filter(active=True).order_by("site__name", "name"))
    clinicians = list(queries.staff_for(user).filter(role__in=[Role.CLINICIAN, Role.DIRECTOR]).order_by("last_name"))
    context = {
        "programs": programs,
        "rooms": rooms,
        "clinicians": clinicians,
        "can_manage": can_manage_schedule(user.role),
    }
    return render(request, "scheduling/index.html", context)


@require_GET
def program_week_view(request: HttpRequest, program_id: int) -> HttpResponse:
    user = staff_user(request)
    program = queries.get_program_for(user, program_id)
    track = queries.get_track_for(program, _int(request.GET.get("track")))
    week = _week(request, program)
    rows = queries.week_sessions(week, Program.objects.filter(pk=program.pk))
    if track is not None:
        rows = rows.filter(track=track)
    return _week_page(
        request,
        "scheduling/program_week.html",
        week,
        list(rows),
        program=program,
        track=track,
        tracks=list(program.tracks.filter(active=True)),
        closures=_closures(week, [program]),
        plans=queries.recent_plans(program, week.start),
        published=published_plan(program, track, week.start) is not None,
    )


@require_GET
def room_week_view(request: HttpRequest, room_id: int) -> HttpResponse:
    user = staff_user(request)
    room = queries.get_room_for(user, room_id)
    week = _week(request, room.site.zone)
    rows = queries.week_sessions(week, queries.programs_for(user)).filter(room=room)
    eyebrow = f"{room.site.name} · seats {room.capacity} · times in {room.site.time_zone}"
    return _week_page(
        request, "scheduling/room_week.html", week, list(rows), room=room, heading=room.name, eyebrow=eyebrow
    )


@require_GET
def staff_week_view(request: HttpRequest, staff_id: int) -> HttpResponse:
    user = staff_user(request)
    staff = queries.get_staff_for(user, staff_id)
    week = _week(request, queries.zone_of_staff(staff, user))
    rows = queries.week_sessions(week, queries.programs_for(user)).filter(facilitator=staff)
    may_feed = _may_feed(user, staff)
    feeds = list(CalendarFeed.objects.filter(staff=staff, revoked_at__isnull=True)) if may_feed else []
    return _week_page(
        request,
        "scheduling/staff_week.html",
        week,
        list(rows),
        staff=staff,
        feeds=feeds,
        may_feed=may_feed,
        may_time_off=_may_time_off(user, staff),
        heading=staff.display_name,
        eyebrow=f"Sessions led · times in {week.zone}",
    )


def _may_feed(user: User, staff: User) -> bool:
    return user.pk == staff.pk or can_manage_schedule(user.role)


def _may_time_off(user: User, staff: User) -> bool:
    return user.pk == staff.pk or can_manage_schedule(user.role)


@require_GET
def my_week_view(request: HttpRequest) -> HttpResponse:
    return redirect("scheduling:staff_week", staff_user(request).pk)


@require_GET
def participant_week_view(request: HttpRequest, participant_id: int) -> HttpResponse:
    """A participant's booked sessions (a read of their record, audited), their availability and feeds."""
    user = staff_user(request)
    participant = get_participant_for(user, participant_id, purpose="Viewed weekly schedule")
    require(user, Capability.VIEW_PARTICIPANT)
    week = _week(request, queries.zone_of_participant(participant, user))
    rows = queries.week_sessions(week, queries.programs_for(user)).filter(
        bookings__participant=participant, bookings__status="booked"
    )
    may_edit = has_capability(user.role, Capability.ADMIT)
    episode = queries.schedulable_episode(participant, user)
    form = AvailabilityForm(initial=_availability_initial(episode)) if episode is not None and may_edit else None
    preference = _preference_form(episode) if form is not None else None
    feeds = list(CalendarFeed.objects.filter(participant=participant, revoked_at__isnull=True))
    return _week_page(
        request,
        "scheduling/participant_week.html",
        week,
        list(rows),
        participant=participant,
        feeds=feeds,
        may_feed=may_edit,
        episode=episode,
        availability_form=form,
        preference_form=preference,
        heading=participant.display_name,
        eyebrow=f"{participant.record_number} · booked sessions · times in {week.zone}",
    )


def _availability_initial(episode: Episode | None) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for row in ParticipantAvailability.objects.filter(episode=episode):
        initial[f"earliest_{row.weekday}"], initial[f"latest_{row.weekday}"] = row.earliest, row.latest
    return initial


def _preference_form(episode: Episode | None, data: Any = None) -> PreferenceForm:
    row = ParticipantPreference.objects.filter(episode=episode).first()
    initial = {
        "avoid_days": [d for d in range(7) if row and row.avoid_days_mask & (1 << d)],
        "preferred_clinician": row.preferred_clinician_id if row else None,
    }
    staff = queries.facilitator_choices(episode.program) if episode is not None else User.objects.none()
    return PreferenceForm(data, initial=initial, staff=staff)


@require_POST
def preference_view(request: HttpRequest, participant_id: int) -> HttpResponse:
    """Set the days a participant would rather avoid and a preferred clinician (soft goals of the plan)."""
    user = staff_user(request)
    participant = get_participant_for(user, participant_id, audit_view=False)
    require(user, Capability.ADMIT)
    episode = queries.schedulable_episode(participant, user)
    if episode is None:
        raise Http404("No admitted episode")
    form = _preference_form(episode, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.set_participant_preference(
                episode=episode,
                avoid_days=set(data["avoid_days"]),
                preferred_clinician=data["preferred_clinician"],
                by=user,
                at=timezone.now(),
            )
            messages.success(request, "Preferences saved; the next plan will weigh them.")
        except SchedulingError as exc:
            messages.error(request, exc.reason)
    else:
        messages.error(request, "Choose weekdays and a clinician from the lists.")
    return redirect(reverse("scheduling:participant_week", args=[participant.pk]))


@require_POST
def availability_view(request: HttpRequest, participant_id: int) -> HttpResponse:
    """Set the weekly availability of the participant's current episode (empty days: not available;
    all empty: the track's days and hours)."""
    user = staff_user(request)
    participant = get_participant_for(user, participant_id, audit_view=False)
    require(user, Capability.ADMIT)
    episode = queries.schedulable_episode(participant, user)
    if episode is None:
        raise Http404("No admitted episode")
    form = AvailabilityForm(request.POST)
    try:
        if not form.is_valid():
            raise SchedulingError("availability", "Enter times as HH:MM.")
        actions.set_participant_availability(episode=episode, windows=form.windows(), by=user, at=timezone.now())
        messages.success(request, "Availability saved; the next plan will use it.")
    except SchedulingError as exc:
        messages.error(request, exc.reason)
    return redirect(
        reverse("scheduling:participant_week", args=[participant.pk]) + f"?week={request.GET.get('week', '')}"
    )


# --- One session ---------------------------------------------------------------------------------


def _panel_context(request: HttpRequest, user: User, session: Session, **forms: Any) -> dict[str, Any]:
    can_book = has_capability(user.role, Capability.ADMIT)
    can_manage = can_manage_schedule(user.role)
    people = queries.roster(session)
    record(
        action=AuditAction.LIST,
        actor=user,
        obj=session,
        summary=f"Session roster: {len(people)} participant(s)",
    )
    zone = session.program.site.zone
    start, end = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
    editable = session.is_scheduled and session.starts_at > timezone.now()
    context: dict[str, Any] = {
        "session": session,
        "roster": people,
        "booked": len(people),
        "local_start": start,
        "local_end": end,
        "editable": editable,
        "can_book": can_book and editable,
        "can_manage": can_manage and editable,
    }
    if context["can_book"]:
        context["book_form"] = forms.get("book_form") or BookForm(episodes=queries.bookable_episodes(session))
        context["change_form"] = forms.get("change_form") or SessionChangeForm(
            staff=queries.facilitator_choices(session.program),
            rooms=session.program.site.rooms.filter(active=True),
            initial={"facilitator": session.facilitator_id, "room": session.room_id},
        )
    if context["can_manage"]:
        context["time_form"] = forms.get("time_form") or SessionTimeForm(
            initial={
                "date": start.date(),
                "starts_at": start.time(),
                "ends_at": end.time(),
                "capacity": session.capacity,
            }
        )
    context.update({k: v for k, v in forms.items() if k.endswith("_message")})
    return context


def _panel(request: HttpRequest, user: User, session: Session, *, status: int = 200, **forms: Any) -> HttpResponse:
    session = Session.objects.select_related(*queries.SESSION_RELATIONS).get(pk=session.pk)
    context = _panel_context(request, user, session, **forms)
    template = "scheduling/_session_panel.html" if is_htmx(request) else "scheduling/session.html"
    if is_htmx(request):
        context["oob_card"] = True
        session.booked = context["booked"]  # type: ignore[attr-defined]
    with timezone.override(session.program.site.zone):
        response = render(request, template, context, status=status if not is_htmx(request) else 200)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def session_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    session = queries.get_session_for(user, pk)
    require(user, Capability.VIEW_PARTICIPANT)
    return _panel(request, user, session)


def _done(request: HttpRequest, user: User, session: Session, message: str) -> HttpResponse:
    if is_htmx(request):
        return _panel(request, user, session, ok_message=message)
    messages.success(request, message)
    return redirect("scheduling:session", session.pk)


@require_POST
def book_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    session = queries.get_session_for(user, pk)
    require(user, Capability.ADMIT)
    form = BookForm(request.POST, episodes=queries.bookable_episodes(session))
    if form.is_valid():
        episode = form.cleaned_data["episode"]
        try:
            actions.book_participant(session=session, episode=episode, by=user, at=timezone.now())
            return _done(request, user, session, f"Booked {episode.participant.display_name}.")
        except SchedulingError as exc:
            form.show_error(exc)
    return _panel(request, user, session, status=400, book_form=form, error_message="The booking was refused.")


@require_POST
def unbook_view(request: HttpRequest, pk: int, booking_id: int) -> HttpResponse:
    user = staff_user(request)
    session = queries.get_session_for(user, pk)
    require(user, Capability.ADMIT)
    booking = queries.get_booking_for(user, session, booking_id)
    try:
        actions.unbook_participant(booking=booking, by=user, at=timezone.now())
    except SchedulingError as exc:
        return _panel(request, user, session, status=400, error_message=exc.reason)
    return _done(request, user, session, f"Removed {booking.participant.display_name} from this session.")


@require_POST
def change_session_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the facilitator and the room (booking staff) of one session."""
    user = staff_user(request)
    session = queries.get_session_for(user, pk)
    require(user, Capability.ADMIT)
    rooms = session.program.site.rooms.filter(active=True)
    form = SessionChangeForm(request.POST, staff=queries.facilitator_choices(session.program), rooms=rooms)
    if form.is_valid():
        try:
            actions.change_session(
                session=session,
                facilitator=form.cleaned_data["facilitator"],
                room=form.cleaned_data["room"],
                by=user,
                at=timezone.now(),
            )
            return _done(request, user, session, "Session updated.")
        except SchedulingError as exc:
            form.show_error(exc)
    return _panel(request, user, session, status=400, change_form=form, error_message="The change was refused.")


@require_POST
def move_session_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a session or change its capacity (program directors)."""
    user = staff_user(request)
    session = queries.get_session_for(user, pk)
    require_schedule_manager(user)
    form = SessionTimeForm(request.POST)
    if form.is_valid():
        start, end = form.instants(session.program.site.zone)
        try:
            actions.change_session(
                session=session,
                starts_at=start,
                ends_at=end,
                capacity=form.cleaned_data["capacity"],
                by=user,
                at=timezone.now(),
            )
            return _done(request, user, session, "Session moved.")
        except SchedulingError as exc:
            form.show_error(exc)
    return _panel(request, user, session, status=400, time_form=form, error_message="The change was refused.")
