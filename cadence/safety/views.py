"""Staff pages: open crisis events, one event with its workflow, raising and clearing risk flags, the
on-call roster, the response-time report, and the user's notifications.

Each view fetches through an access-checking helper (audited 404 out of scope; 403 for a role that may
not), validates a form, calls one action and redirects; an action's refusal is shown as a message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, has_capability, require
from cadence.accounts.request import staff_user
from cadence.accounts.scope import visible_programs
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.queries import audit_list, get_participant_for
from cadence.scheduling.weeks import Week, parse_week

from . import actions, queries
from .conf import ack_minutes
from .forms import AssessForm, ClearFlagForm, NoteForm, RaiseEventForm, RaiseFlagForm, ReopenForm, ShiftForm
from .models import CrisisEvent, Notification
from .rules import SafetyError, ack_deadline

GET_POST = require_http_methods(["GET", "POST"])


def _chart(participant_id: int) -> str:
    return reverse("participants:chart", args=[participant_id])


def _event_url(event: CrisisEvent) -> str:
    return reverse("safety:event", args=[event.pk])


# --- Events --------------------------------------------------------------------------------------


@require_GET
def events_view(request: HttpRequest) -> HttpResponse:
    """Open crisis events in the user's programs, unacknowledged first."""
    user = staff_user(request)
    require(user, Capability.READ_CLINICAL_RECORD)
    events = list(queries.open_events_for(user)[:200])
    audit_list(user, what="Open crisis events", count=len({e.participant_id for e in events}))
    now = timezone.now()
    report = has_capability(user.role, Capability.VIEW_CRISIS_REPORT)
    return render(request, "safety/events.html", {"events": events, "now": now, "perms_report": report})


@require_GET
def event_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One event: its timeline, escalations and the next workflow step (the read is audited)."""
    user = staff_user(request)
    require(user, Capability.READ_CLINICAL_RECORD)
    event = queries.get_event_for(user, pk)
    record(
        action=AuditAction.VIEW,
        actor=user,
        obj=event,
        participant_id=event.participant_id,
        summary="Opened a crisis event",
    )
    actions.mark_notifications_read(recipient=user, event=event, at=timezone.now())
    context = {
        "event": event,
        "changes": event.changes.select_related("by"),
        "escalations": event.escalations.select_related("recipient"),
        "deadline": ack_deadline(event.raised_at, ack_minutes()),
        "zone": event.episode.program.site.time_zone if event.episode else "UTC",
        "can_respond": has_capability(user.role, Capability.RESPOND_TO_CRISIS),
        "note_form": NoteForm(),
        "assess_form": AssessForm(),
        "reopen_form": ReopenForm(),
    }
    return render(request, "safety/event.html", context)


def _event_step(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    step: Callable[[CrisisEvent, User, dict[str, Any]], object],
    done: str,
    *,
    invalid: str | None = None,
    refused: str = "",
) -> HttpResponse:
    """One step of a crisis event's workflow from its page: scope (404), capability (403), the form, the
    action, a message, back to the event. With ``invalid`` set, an invalid form stops before the action;
    otherwise the action gets empty values and refuses with its own reason."""
    user = staff_user(request)
    event = queries.get_event_for(user, pk)
    require(user, Capability.RESPOND_TO_CRISIS)
    form = form_class(request.POST)
    valid = form.is_valid()
    if not valid and invalid is not None:
        messages.error(request, invalid)
        return redirect(_event_url(event))
    try:
        step(event, user, form.cleaned_data if valid else {})
    except SafetyError as err:
        messages.error(request, refused + err.reason)
    else:
        messages.success(request, done)
    return redirect(_event_url(event))


@require_POST
def acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    def step(event: CrisisEvent, user: User, data: dict[str, Any]) -> object:
        return actions.acknowledge_crisis_event(event=event, note=data.get("note", ""), by=user, at=timezone.now())

    return _event_step(request, pk, NoteForm, step, "Acknowledged: escalation stopped. Assess the participant next.")


@require_POST
def assess_view(request: HttpRequest, pk: int) -> HttpResponse:
    def step(event: CrisisEvent, user: User, data: dict[str, Any]) -> object:
        return actions.assess_crisis_event(event=event, by=user, at=timezone.now(), **data)

    invalid = "Choose the assessment and the disposition."
    return _event_step(request, pk, AssessForm, step, "Assessment and disposition recorded.", invalid=invalid)


@require_POST
def resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    def step(event: CrisisEvent, user: User, data: dict[str, Any]) -> object:
        return actions.resolve_crisis_event(event=event, note=data.get("note", ""), by=user, at=timezone.now())

    return _event_step(request, pk, NoteForm, step, "Event resolved.")


@require_POST
def reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    def step(event: CrisisEvent, user: User, data: dict[str, Any]) -> object:
        return actions.reopen_crisis_event(event=event, reason=data.get("reason", ""), by=user, at=timezone.now())

    return _event_step(request, pk, ReopenForm, step, "Event reopened.", refused="The event was not reopened: ")


# --- Flags and staff-raised events (forms in the chart banner) ----------------------------------


@require_POST
def raise_flag_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    participant = get_participant_for(user, pk, audit_view=False)
    require(user, Capability.RAISE_RISK_FLAG)
    form = RaiseFlagForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The flag was not raised: choose the risk and its severity.")
        return redirect(_chart(pk))
    try:
        actions.raise_risk_flag(participant=participant, by=user, at=timezone.now(), **form.cleaned_data)
    except SafetyError as err:
        messages.error(request, f"The flag was not raised: {err.reason}")
    else:
        messages.success(request, "Risk flag raised.")
    return redirect(_chart(pk))


@require_POST
def clear_flag_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    flag = queries.get_flag_for(user, pk)
    require(user, Capability.RESPOND_TO_CRISIS)
    form = ClearFlagForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        actions.clear_risk_flag(flag=flag, reason=reason, by=user, at=timezone.now())
    except SafetyError as err:
        messages.error(request, f"The flag was not cleared: {err.reason}")
    else:
        messages.success(request, "Risk flag cleared.")
    return redirect(_chart(flag.participant_id))


@require_POST
def raise_event_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    participant = get_participant_for(user, pk, audit_view=False)
    require(user, Capability.RAISE_RISK_FLAG)
    form = RaiseEventForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The crisis event was not raised: give its severity and a short summary.")
        return redirect(_chart(pk))
    try:
        event = actions.raise_crisis_event(
            participant=participant, source="staff", by=user, at=timezone.now(), **form.cleaned_data
        )
    except SafetyError as err:
        messages.error(request, f"The crisis event was not raised: {err.reason}")
        return redirect(_chart(pk))
    messages.success(request, "Crisis event raised.")
    if has_capability(user.role, Capability.READ_CLINICAL_RECORD):
        return redirect(_event_url(event))
    return redirect(_chart(pk))


# --- On-call roster ------------------------------------------------------------------------------


@GET_POST
def on_call_view(request: HttpRequest) -> HttpResponse:
    """A week of on-call shifts per site (site time); directors and admins add shifts here."""
    user = staff_user(request)
    sites = list(queries.sites_for(user))
    wanted = request.GET.get("site") or request.POST.get("site")
    site = next((s for s in sites if str(s.pk) == wanted), sites[0] if sites else None)
    can_manage = has_capability(user.role, Capability.MANAGE_ON_CALL)
    if site is None:
        return render(request, "safety/on_call.html", {"sites": [], "site": None})
    now = timezone.now()
    week = Week(parse_week(request.GET.get("week"), today=now.astimezone(site.zone).date()), site.zone)
    form = ShiftForm(request.POST if request.method == "POST" else None, staff=queries.on_call_candidates(site))
    if request.method == "POST":
        require(user, Capability.MANAGE_ON_CALL)
        with timezone.override(site.zone):
            valid = form.is_valid()
        if valid:
            try:
                actions.add_on_call_shift(site=site, by=user, at=now, **form.cleaned_data)
            except SafetyError as err:
                form.apply_error(err)
            else:
                messages.success(request, "On-call shift added.")
                return redirect(f"{reverse('safety:on_call')}?site={site.pk}&week={week.start.isoformat()}")
    shifts = queries.shifts_between(site, week.starts_at, week.ends_at)
    bounds = [week.at(i, 0) for i in range(8)]  # local midnights, the next Monday's last
    days = [
        (day, [s for s in shifts if s.starts_at < bounds[i + 1] and s.ends_at > bounds[i]])
        for i, day in enumerate(week.days)
    ]
    context = {
        "sites": sites,
        "site": site,
        "week": week,
        "days": days,
        "now_on_call": queries.on_call_now(site, now),
        "form": form,
        "can_manage": can_manage,
    }
    with timezone.override(site.zone):  # shown in the roster's site time, as its form reads times
        return render(request, "safety/on_call.html", context)


@require_POST
def end_shift_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    require(user, Capability.MANAGE_ON_CALL)
    shift = queries.get_shift_for(user, pk)
    try:
        actions.end_on_call_shift(shift=shift, by=user, at=timezone.now())
    except SafetyError as err:
        messages.error(request, err.reason)
    else:
        messages.success(request, "On-call shift ended.")
    return redirect(f"{reverse('safety:on_call')}?site={shift.site_id}")


# --- Report and notifications --------------------------------------------------------------------


@require_GET
def report_view(request: HttpRequest) -> HttpResponse:
    """Time to acknowledge (median and 90th percentile) per program over the last N days, and open events."""
    user = staff_user(request)
    require(user, Capability.VIEW_CRISIS_REPORT)
    try:
        days = min(max(int(request.GET.get("days", "30")), 1), 366)
    except ValueError:
        days = 30
    program_id = request.GET.get("program")
    programs = list(visible_programs(user).select_related("site").order_by("site__name", "name"))
    chosen = next((p.pk for p in programs if str(p.pk) == program_id), None)
    now = timezone.now()
    report = queries.response_report(user, since=now - dt.timedelta(days=days), until=now, program_id=chosen)
    audit_list(user, what="Crisis response report", count=len({e.participant_id for e in report.open_events}))
    context = {"report": report, "days": days, "programs": programs, "chosen": chosen, "now": now}
    return render(request, "safety/report.html", context)


@GET_POST
def notifications_view(request: HttpRequest) -> HttpResponse:
    """The user's crisis notifications; POST marks them all read."""
    user = staff_user(request)
    if request.method == "POST":
        actions.mark_notifications_read(recipient=user, at=timezone.now())
        return redirect("safety:notifications")
    rows = list(Notification.objects.filter(recipient=user).select_related("event")[:100])
    return render(request, "safety/notifications.html", {"notifications": rows})
