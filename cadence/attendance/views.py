"""Attendance pages: today's sessions, the roster of a session (htmx per-row saves), a participant's
attendance page (12-week ledger strip, outreach, authorizations, kiosk PIN), the program's "this week"
board and outreach tasks.

Each view fetches through an access-checking helper (404 and a DENIED audit entry for what the user may
not see), checks the role (403), validates a form, calls one action and responds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, has_capability, require
from cadence.accounts.request import staff_user
from cadence.accounts.scope import out_of_scope, visible_programs
from cadence.core.queries import local_now
from cadence.participants.models import Participant
from cadence.participants.queries import get_participant_for, participants_for
from cadence.programs.models import Program, Site

from . import actions, conf, queries
from .forms import AddToRosterForm, BoardFilterForm, MarkForm, OutreachForm, PinForm
from .ledger import STATUS_LABELS
from .ledger_data import episode_ledger, local_today, program_board, week_starts_on
from .models import Attendance, AttendanceCode, Weekday
from .rules import AttendanceError, MarkChoice, week_start_of

GET_POST = require_http_methods(["GET", "POST"])


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and "HX-History-Restore-Request" not in request.headers


def _viewer(request: HttpRequest) -> User:
    user = staff_user(request)
    require(user, Capability.VIEW_PARTICIPANT)
    return user


def can(user: User) -> dict[str, bool]:
    return {
        "mark": has_capability(user.role, Capability.TAKE_ATTENDANCE),
        "set_pin": has_capability(user.role, Capability.TAKE_ATTENDANCE),
        "outreach": has_capability(user.role, Capability.RECORD_OUTREACH),
        "authorize": has_capability(user.role, Capability.MANAGE_AUTHORIZATIONS),
        "billing": has_capability(user.role, Capability.VIEW_BILLING),
    }


# --- Today's sessions ------------------------------------------------------------------------------


@require_GET
def index_view(request: HttpRequest) -> HttpResponse:
    """Sessions of the user's programs on a day (default today at their site), with links to rosters."""
    user = _viewer(request)
    today = local_now(user, timezone.now()).date()
    try:
        day = dt.date.fromisoformat(request.GET.get("day", "")) if request.GET.get("day") else today
    except ValueError:
        day = today
    program = None
    if (raw := request.GET.get("program")) and raw.isdigit():
        program = queries.get_program_for(user, int(raw))
    sessions = list(queries.sessions_on(user, day=day, program=program))
    context = {
        "program": program,
        "day": day,
        "today": today,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "sessions": sessions,
        "programs": list(queries.programs_for(user).filter(active=True)),
        "sites": _kiosk_sites(user),
        "can": can(user),
    }
    return render(request, "attendance/index.html", context)


def _kiosk_sites(user: User) -> list[Site]:
    return list(Site.objects.filter(programs__in=visible_programs(user)).distinct().order_by("name"))


# --- Roster ----------------------------------------------------------------------------------------


def _roster_context(user: User, session: Any, now: dt.datetime) -> dict[str, Any]:
    zone = session.program.site.zone
    return {
        "session": session,
        "local_start": session.starts_at.astimezone(zone),
        "local_end": session.ends_at.astimezone(zone),
        "started": session.starts_at <= now,
        "cancelled": session.status == "cancelled",
        "choices": [(c, MarkChoice.LABELS[c]) for c in MarkChoice.ALL],
        "can": can(user),
        "zone": zone,
        "can_read_notes": has_capability(user.role, Capability.READ_CLINICAL_RECORD),
    }


@require_GET
def roster_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The roster of one session: one row per participant, each saved on its own (htmx)."""
    user = _viewer(request)
    session = queries.get_session_for(user, pk)
    rows = queries.roster(session)
    queries.audit_read(
        user,
        what=f"Opened the roster of session {session.pk}",
        object_type="scheduling.session",
        object_id=session.pk,
        count=len(rows),
    )
    counts = {"booked": sum(1 for r in rows if r.booking), "unmarked": sum(1 for r in rows if r.attendance is None)}
    counts["present"] = sum(1 for r in rows if r.attendance and r.attendance.status == "present")
    counts["pending"] = sum(1 for r in rows if r.pending_check_in)
    context = _roster_context(user, session, timezone.now()) | {"rows": rows, "counts": counts}
    return render(request, "attendance/roster.html", context)


def _roster_participant(user: User, session: Any, participant_id: int) -> Participant:
    participant = participants_for(user).filter(pk=participant_id).first()
    if participant is None:
        raise out_of_scope(user, "participants.participant", participant_id)
    return participant


def _row_response(
    request: HttpRequest, user: User, session: Any, participant_id: int, form: MarkForm | None
) -> HttpResponse:
    rows = queries.roster(session, participant_id=participant_id)
    context = _roster_context(user, session, timezone.now()) | {"row": rows[0] if rows else None, "form": form}
    return render(request, "attendance/_roster_row.html", context)


@require_POST
def mark_view(request: HttpRequest, pk: int, participant_id: int) -> HttpResponse:
    """Save one roster row. htmx gets the row back (with the refusal, if any); a plain form post is
    redirected to the roster with a message."""
    user = staff_user(request)
    session = queries.get_session_for(user, pk)
    require(user, Capability.TAKE_ATTENDANCE)
    participant = _roster_participant(user, session, participant_id)
    form = MarkForm(request.POST)
    if form.is_valid():
        try:
            actions.mark_attendance(
                session=session,
                participant=participant,
                mark=form.mark(),
                reason=form.cleaned_data.get("reason") or "",
                by=user,
                at=timezone.now(),
            )
        except AttendanceError as err:
            form.apply_error(err)
        else:
            form = None  # type: ignore[assignment]
    if is_htmx(request):
        return _row_response(request, user, session, participant.pk, form)
    if form is not None:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{participant.display_name}: {error}")
    else:
        messages.success(request, f"Saved {participant.display_name}.")
    return redirect("attendance:roster", session.pk)


@require_POST
def all_present_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    session = queries.get_session_for(user, pk)
    require(user, Capability.TAKE_ATTENDANCE)
    try:
        count = actions.mark_all_present(session=session, by=user, at=timezone.now())
    except AttendanceError as err:
        messages.error(request, err.reason)
    else:
        messages.success(request, f"Marked {count} participant{'s' if count != 1 else ''} present.")
    return redirect("attendance:roster", session.pk)


@GET_POST
def add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a participant who is not booked (walk-in, make-up) with a reason."""
    user = staff_user(request)
    session = queries.get_session_for(user, pk)
    require(user, Capability.TAKE_ATTENDANCE)
    form = AddToRosterForm(
        request.POST if request.method == "POST" else None, episodes=queries.addable_episodes(session)
    )
    if request.method == "POST" and form.is_valid():
        episode = form.cleaned_data["episode"]
        try:
            actions.mark_attendance(
                session=session,
                participant=episode.participant,
                mark=form.mark(),
                add_reason=form.cleaned_data["add_reason"],
                by=user,
                at=timezone.now(),
            )
        except AttendanceError as err:
            form.apply_error(err)
        else:
            messages.success(request, f"Added {episode.participant.display_name} to the roster.")
            return redirect("attendance:roster", session.pk)
    context = _roster_context(user, session, timezone.now()) | {"form": form}
    return render(request, "attendance/add.html", context)


@require_POST
def check_in_view(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """Confirm (marks present, late from the check-in time) or dismiss a kiosk check-in."""
    user = staff_user(request)
    check_in = queries.get_check_in_for(user, pk)
    require(user, Capability.TAKE_ATTENDANCE)
    try:
        if decision == "confirm":
            actions.confirm_check_in(check_in=check_in, by=user, at=timezone.now())
        else:
            actions.dismiss_check_in(check_in=check_in, by=user, at=timezone.now())
    except AttendanceError as err:
        messages.error(request, err.reason)
    if is_htmx(request):
        return _row_response(request, user, check_in.session, check_in.participant_id, None)
    return redirect("attendance:roster", check_in.session_id)


# --- A participant's attendance ---------------------------------------------------------------------


def _participant_context(user: User, participant: Participant, now: dt.datetime) -> dict[str, Any]:
    """Everything the participant's attendance page shows, in a fixed number of queries."""
    episode = (
        participant.episodes.filter(program__in=visible_programs(user), admitted_on__isnull=False)
        .select_related("program__site", "level_of_care", "primary_clinician", "track")
        .order_by("-admitted_on", "-pk")
        .first()
    )
    ledger = episode_ledger(episode, at=now) if episode is not None else None
    recent = (
        Attendance.objects.filter(participant=participant, episode__program__in=visible_programs(user))
        .select_related("session__service_type", "session__program__site")
        .order_by("-occurs_on", "-session__starts_at")[:15]
    )
    return {
        "episode": episode,
        "ledger": ledger,
        "weeks": list(reversed(ledger.weeks)) if ledger else [],
        "strip": ledger.weeks if ledger else [],
        "recent": list(recent),
        "tasks": queries.outreach_for_participant(participant, user),
        "authorizations": queries.participant_authorizations(participant, at=now),
        "code": AttendanceCode.objects.filter(participant=participant).select_related("set_by").first(),
        "status_labels": STATUS_LABELS,
        "week_starts_label": Weekday(ledger.week_starts_on).label if ledger else "",
    }


@require_GET
def participant_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    participant = get_participant_for(user, pk, purpose="Opened the attendance page")
    require(user, Capability.VIEW_PARTICIPANT)
    context = _participant_context(user, participant, timezone.now()) | {"participant": participant, "can": can(user)}
    return render(request, "attendance/participant.html", context)


@GET_POST
def pin_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Set or reset the participant's kiosk PIN (the check-in code is created the first time)."""
    user = staff_user(request)
    participant = get_participant_for(user, pk, audit_view=False)
    require(user, Capability.TAKE_ATTENDANCE)
    form = PinForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            row = actions.set_attendance_code(
                participant=participant, pin=form.cleaned_data["pin"], by=user, at=timezone.now()
            )
        except AttendanceError as err:
            form.apply_error(err)
        else:
            messages.success(request, f"PIN saved. {participant.display_name}'s check-in code is {row.code}.")
            return redirect("attendance:participant", participant.pk)
    context = {
        "form": form,
        "title": "Set the kiosk PIN",
        "submit": "Save PIN",
        "participant": participant,
        "intro": "The participant checks in at the lobby kiosk with their check-in code and this PIN. "
        "Cadence stores only a hash of the PIN; it cannot be shown again.",
        "cancel_url": "attendance:participant",
    }
    return render(request, "attendance/form.html", context)


# --- Program board ------------------------------------------------------------------------------------


@require_GET
def board_view(request: HttpRequest) -> HttpResponse:
    """This week's hours of every admitted participant of a program, most at risk first."""
    user = _viewer(request)
    programs = queries.programs_for(user).filter(active=True).order_by("site__name", "name")
    data = request.GET.copy()
    requested = data.get("program")
    program: Program | None
    if requested and requested.isdigit():
        program = queries.get_program_for(user, int(requested))  # 404 (audited) out of scope
    else:
        program = programs.first()
        if program is not None:
            data["program"] = str(program.pk)
    form = BoardFilterForm(data, programs=programs)
    form.is_valid()
    # One reverse() for all rows: {% url %} per row costs more than the rest of a row.
    participant_base = reverse("attendance:participant", args=[0]).removesuffix("0/")
    context: dict[str, Any] = {"form": form, "program": program, "can": can(user), "participant_base": participant_base}
    if program is not None:
        track = form.cleaned_data.get("track")
        mine = bool(form.cleaned_data.get("mine"))
        week = None
        if request.GET.get("week"):
            try:
                week = week_start_of(dt.date.fromisoformat(request.GET["week"]), week_starts_on(program))
            except ValueError:
                week = None
        board = program_board(
            program,
            at=timezone.now(),
            week_start=week,
            track_id=track.pk if track and track.program_id == program.pk else None,
            clinician_id=user.pk if mine else None,
        )
        page = Paginator(board.rows, conf.board_page_size()).get_page(request.GET.get("page"))
        queries.audit_read(
            user,
            what=f"Attendance board of {program.name}, week of {board.week_start:%Y-%m-%d}",
            object_type="programs.program",
            object_id=program.pk,
            count=len(board.rows),
        )
        current = program_board_week(program, timezone.now())
        kept = data.copy()
        kept.pop("page", None)
        context |= {
            "board": board,
            "page": page,
            "filters_query": kept.urlencode() + "&" if kept else "",  # the paging links keep the filters
            "previous_week": board.week_start - dt.timedelta(days=7),
            "next_week": board.week_start + dt.timedelta(days=7) if board.week_start < current else None,
        }
    template = "attendance/_board_results.html" if is_htmx(request) else "attendance/board.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def program_board_week(program: Program, now: dt.datetime) -> dt.date:
    """The first day of the program's current ledger week."""
    return week_start_of(local_today(program, now), week_starts_on(program))


# --- Outreach ------------------------------------------------------------------------------------------


@require_GET
def outreach_list_view(request: HttpRequest) -> HttpResponse:
    """The signed-in clinician's open outreach tasks."""
    user = _viewer(request)
    tasks = list(queries.my_open_outreach(user))
    queries.audit_read(user, what="My outreach tasks", object_type="attendance.outreachtask", count=len(tasks))
    return render(request, "attendance/outreach_list.html", {"tasks": tasks, "can": can(user)})


@GET_POST
def outreach_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    task = queries.get_task_for(user, pk)
    require(user, Capability.RECORD_OUTREACH)
    form = OutreachForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.close_outreach_task(
                task=task, outcome=data["outcome"], note=data["note"], cancel=data["cancel"], by=user, at=timezone.now()
            )
        except AttendanceError as err:
            form.apply_error(err)
        else:
            messages.success(request, "Outreach recorded.")
            return redirect("attendance:participant", task.participant_id)
    context = {
        "form": form,
        "title": "Record outreach",
        "submit": "Close the task",
        "participant": task.participant,
        "intro": f"{task.reason}. Due {task.due_on:%a %d %b %Y}.",
        "cancel_url": "attendance:participant",
    }
    return render(request, "attendance/form.html", context)
