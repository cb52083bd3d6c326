"""Program-level schedule pages: "Build next week" -> progress -> summary -> Publish / Discard, the
re-plan diff (who moves where), templates and their slots, closures, one-off sessions, generating a
week, and recording a clinician's time off. Building, publishing, templates and closures are for
program directors and administrators (``rules.require_schedule_manager``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, require
from cadence.accounts.request import staff_user
from cadence.participants.models import Episode
from cadence.programs.models import Program

from . import actions, plans, queries
from .forms import BuildForm, ClosureForm, OneOffForm, SlotForm, TemplateForm, TimeOffForm
from .models import Closure, ServiceType, Session
from .rules import SchedulingError, can_manage_schedule, require_schedule_manager
from .views import is_htmx
from .weeks import Week, monday_of, parse_week

GET_POST = require_http_methods(["GET", "POST"])


def _week_url(program: Program, week_start: dt.date, track_id: int | None = None) -> str:
    url = reverse("scheduling:program_week", args=[program.pk]) + f"?week={week_start:%Y-%m-%d}"
    return url + (f"&track={track_id}" if track_id else "")


def _manager_program(request: HttpRequest, program_id: int) -> tuple[User, Program]:
    user = staff_user(request)
    program = queries.get_program_for(user, program_id)
    require_schedule_manager(user)
    return user, program


def _refused(request: HttpRequest, exc: SchedulingError, back: str) -> HttpResponse:
    messages.error(request, exc.reason)
    return redirect(back)


# --- Building, publishing, re-planning -----------------------------------------------------------


@require_POST
def build_view(request: HttpRequest, program_id: int) -> HttpResponse:
    """Start a background build (or re-plan, ``replan=1``) and go to its progress page."""
    user, program = _manager_program(request, program_id)
    form = BuildForm(request.POST, program=program)
    today = timezone.now().astimezone(program.site.zone).date()
    week = parse_week(request.POST.get("week"), today=today)
    if not form.is_valid():
        return _refused(request, SchedulingError("week", "Choose a week and a track."), _week_url(program, week))
    try:
        plan = plans.start_build(
            program=program,
            week_start=monday_of(form.cleaned_data["week"]),
            track=form.cleaned_data["track"],
            time_limit=form.cleaned_data["time_limit"],
            replan=request.POST.get("replan") == "1",
            by=user,
            at=timezone.now(),
        )
    except SchedulingError as exc:
        return _refused(request, exc, _week_url(program, week))
    return redirect("scheduling:plan", plan.pk)


def _plan_context(plan: Any) -> dict[str, Any]:
    summary = plan.summary or {}
    episodes = {
        e.pk: e
        for e in Episode.objects.filter(
            pk__in=[p["episode"] for p in summary.get("participants", [])]
            + [m["episode"] for m in (plan.diff or {}).get("moves", [])]
        ).select_related("participant")
    }
    rows = [
        dict(
            p,
            episode_obj=episodes.get(p["episode"]),
            hours=_hours(p["minutes"]),
            required_hours=_hours(p["required_minutes"]),
        )
        for p in summary.get("participants", [])
    ]
    rows.sort(key=lambda r: (r["met"], r["episode_obj"].participant.legal_last_name if r["episode_obj"] else ""))
    quality = plans.plan_quality(summary)
    # A build still queued after a minute means no worker is running (``manage.py db_worker``).
    stalled = plan.status == "queued" and (timezone.now() - plan.created_at).total_seconds() > 60
    unavoidable = [
        dict(u, name=episodes[u["episode"]].participant.display_name if u["episode"] in episodes else "")
        for u in summary.get("unavoidable_reasons", [])
    ]
    return {
        "plan": plan,
        "summary": summary,
        "rows": rows,
        "unavoidable": unavoidable,
        "moves": _moves(plan, episodes),
        "quality": quality,
        "stalled": stalled,
    }


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}".rstrip("0").rstrip(".")


def _moves(plan: Any, episodes: dict[int, Episode]) -> list[dict[str, Any]]:
    """The re-plan diff in words: who leaves which group, who joins which, which appointments move."""
    diff = plan.diff or {}
    ids = {s for m in diff.get("moves", []) for s in m["left"] + m["joined"]}
    ids |= {f["session"] for f in diff.get("facilitators", [])}
    sessions = {s.pk: s for s in Session.objects.filter(pk__in=ids).select_related(*queries.SESSION_RELATIONS)}
    people = {u.pk: u for u in User.objects.filter(pk__in=_staff_ids(diff))}
    services = {s.pk: s for s in ServiceType.objects.all()}
    zone = plan.program.site.zone

    def appt(b: dict[str, Any]) -> str:
        start = dt.datetime.fromisoformat(b["starts_at"]).astimezone(zone)
        who = people.get(b["clinician"])
        when = f"{start:%a} {start.day} {start:%b %H:%M}"
        return f"{services[b['service']].name}, {when} with {who.display_name if who else '?'}"

    moves = [
        {
            "episode": episodes.get(m["episode"]),
            "left": [sessions[s] for s in m["left"] if s in sessions],
            "joined": [sessions[s] for s in m["joined"] if s in sessions],
            "cancelled": [appt(b) for b in m["cancelled"]],
            "new": [appt(b) for b in m["new"]],
        }
        for m in diff.get("moves", [])
    ]
    leads = [
        {"session": sessions.get(f["session"]), "before": people.get(f["before"]), "after": people.get(f["after"])}
        for f in diff.get("facilitators", [])
    ]
    return [{"participants": moves, "facilitators": leads}] if diff else []


def _staff_ids(diff: dict[str, Any]) -> set[int]:
    ids = {b["clinician"] for m in diff.get("moves", []) for b in m["cancelled"] + m["new"]}
    return ids | {f[k] for f in diff.get("facilitators", []) for k in ("before", "after") if f[k]}


@require_GET
def plan_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    plan = queries.get_plan_for(user, pk)
    require(user, Capability.VIEW_PARTICIPANT)
    context = _plan_context(plan) | {"can_manage": can_manage_schedule(user.role)}
    template = "scheduling/_plan_body.html" if is_htmx(request) else "scheduling/plan.html"
    with timezone.override(plan.program.site.zone):
        return render(request, template, context)


@require_POST
def publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    plan = queries.get_plan_for(user, pk)
    require_schedule_manager(user)
    try:
        report = plans.publish_plan(plan=plan, by=user, at=timezone.now())
    except SchedulingError as exc:
        return _refused(request, exc, reverse("scheduling:plan", args=[plan.pk]))
    messages.success(
        request,
        f"Published: {report.booked} booking(s) made, {report.unbooked} removed, "
        f"{report.appointments_made} appointment(s) booked. Sessions already started were left as they were.",
    )
    return redirect(_week_url(plan.program, plan.week_start, plan.track_id))


@require_POST
def discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    plan = queries.get_plan_for(user, pk)
    require_schedule_manager(user)
    try:
        plans.discard_plan(plan=plan, by=user, at=timezone.now())
    except SchedulingError as exc:
        return _refused(request, exc, reverse("scheduling:plan", args=[plan.pk]))
    messages.success(request, "Plan discarded; the schedule is unchanged.")
    return redirect(_week_url(plan.program, plan.week_start, plan.track_id))


# --- Sessions of a week --------------------------------------------------------------------------


@require_POST
def generate_view(request: HttpRequest, program_id: int) -> HttpResponse:
    """Create the week's sessions from the templates (idempotent)."""
    user, program = _manager_program(request, program_id)
    week = Week(parse_week(request.POST.get("week"), today=timezone.now().date()), program.site.zone)
    try:
        report = actions.generate_sessions(
            program=program, starts_on=week.start, ends_on=week.end, by=user, at=timezone.now()
        )
    except SchedulingError as exc:
        return _refused(request, exc, _week_url(program, week.start))
    closed = f", {len(report.closed_days)} closed day(s) skipped" if report.closed_days else ""
    messages.success(request, f"{report.created} session(s) created, {report.existing} already there{closed}.")
    for line in report.skipped[:5]:
        messages.warning(request, f"Skipped {line}")
    return redirect(_week_url(program, week.start))


@GET_POST
def one_off_view(request: HttpRequest, program_id: int) -> HttpResponse:
    user, program = _manager_program(request, program_id)
    staff = queries.facilitator_choices(program)
    form = OneOffForm(request.POST if request.method == "POST" else None, program=program, staff=staff)
    if form.is_valid():
        start, end = form.instants(program.site.zone)
        data = form.cleaned_data
        try:
            session = actions.add_one_off_session(
                program=program,
                service_type=data["service_type"],
                track=data["track"],
                starts_at=start,
                ends_at=end,
                room=data["room"],
                facilitator=data["facilitator"],
                capacity=data["capacity"],
                by=user,
                at=timezone.now(),
            )
            messages.success(request, "Session added.")
            return redirect(_week_url(program, monday_of(session.occurs_on)))
        except SchedulingError as exc:
            form.show_error(exc)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "program": program, "title": "Add a one-off session", "submit": "Add session"}
    return render(request, "scheduling/form.html", context, status=status)


# --- Templates and closures ----------------------------------------------------------------------


@GET_POST
def templates_view(request: HttpRequest, program_id: int) -> HttpResponse:
    """The program's weekly templates with their slots; directors add templates here."""
    user = staff_user(request)
    program = queries.get_program_for(user, program_id)
    form = TemplateForm(request.POST if request.method == "POST" else None, program=program)
    if request.method == "POST":
        require_schedule_manager(user)
        if form.is_valid():
            try:
                actions.create_template(program=program, by=user, at=timezone.now(), **form.cleaned_data)
                messages.success(request, "Template created; add its groups below.")
                return redirect("scheduling:templates", program.pk)
            except SchedulingError as exc:
                form.show_error(exc)
    return _templates_page(request, user, program, template_form=form, status=400 if form.errors else 200)


def _templates_page(
    request: HttpRequest, user: User, program: Program, status: int = 200, **forms: Any
) -> HttpResponse:
    staff = queries.facilitator_choices(program)
    slot_forms = forms.pop("slot_forms", {})
    templates = queries.templates_of(program)
    for t in templates:
        t.slot_form = slot_forms.get(t.pk) or SlotForm(program=program, staff=staff, prefix=f"t{t.pk}")  # type: ignore[attr-defined]
    context = {"program": program, "templates": templates, "can_manage": can_manage_schedule(user.role), **forms}
    with timezone.override(program.site.zone):
        return render(request, "scheduling/templates.html", context, status=status)


@require_POST
def add_slot_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    template = queries.get_template_for(user, pk)
    require_schedule_manager(user)
    program = template.program
    form = SlotForm(request.POST, program=program, staff=queries.facilitator_choices(program), prefix=f"t{pk}")
    if form.is_valid():
        try:
            actions.add_template_slot(template=template, by=user, at=timezone.now(), **form.cleaned_data)
            messages.success(request, "Group added to the template.")
            return redirect("scheduling:templates", program.pk)
        except SchedulingError as exc:
            form.show_error(exc)
    return _templates_page(request, user, program, status=400, slot_forms={pk: form})


@require_POST
def remove_slot_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    slot = queries.get_slot_for(user, pk)
    require_schedule_manager(user)
    program_id = slot.template.program_id
    actions.remove_template_slot(slot=slot, by=user, at=timezone.now())
    messages.success(request, "Group removed from the template; sessions already created stay.")
    return redirect("scheduling:templates", program_id)


@GET_POST
def closures_view(request: HttpRequest, program_id: int) -> HttpResponse:
    user = staff_user(request)
    program = queries.get_program_for(user, program_id)
    form = ClosureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        require_schedule_manager(user)
        if form.is_valid():
            data = form.cleaned_data
            where = {"site": program.site} if data["whole_site"] else {"program": program}
            try:
                _closure, cancelled = actions.add_closure(
                    day=data["date"], reason=data["reason"], by=user, at=timezone.now(), **where
                )
                messages.success(request, f"Closed on {data['date']:%d %b %Y}; {cancelled} session(s) cancelled.")
                return redirect("scheduling:closures", program.pk)
            except SchedulingError as exc:
                form.show_error(exc)
    closures = Closure.objects.filter(Q(site_id=program.site_id) | Q(program=program)).select_related("program")
    context = {"program": program, "form": form, "closures": closures.order_by("-date")[:60]}
    context["can_manage"] = can_manage_schedule(user.role)
    return render(request, "scheduling/closures.html", context, status=400 if form.errors else 200)


@GET_POST
def time_off_view(request: HttpRequest, staff_id: int) -> HttpResponse:
    """A clinician calls out: record the time off, then offer to re-plan the weeks it touches."""
    user = staff_user(request)
    staff = queries.get_staff_for(user, staff_id)
    if user.pk != staff.pk:
        require_schedule_manager(user)
    zone = queries.zone_of_staff(staff, user)
    form = TimeOffForm(request.POST if request.method == "POST" else None)
    affected: list[Session] = []
    if form.is_valid():
        start, end = form.instants(zone)
        try:
            _off, affected = actions.record_time_off(
                staff=staff,
                starts_at=start,
                ends_at=end,
                reason=form.cleaned_data["reason"],
                by=user,
                at=timezone.now(),
            )
        except SchedulingError as exc:
            form.show_error(exc)
    weeks = sorted({(s.program, monday_of(s.occurs_on)) for s in affected}, key=lambda pw: (pw[1], pw[0].pk))
    context = {
        "staff": staff,
        "form": form,
        "affected": affected,
        "weeks": weeks,
        "recorded": bool(affected) or (request.method == "POST" and not form.errors),
        "can_manage": can_manage_schedule(user.role),
    }
    with timezone.override(zone):
        return render(request, "scheduling/time_off.html", context, status=400 if form.errors else 200)
