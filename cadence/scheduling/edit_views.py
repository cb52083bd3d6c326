"""Editing and ending weekly templates and their groups, and changing closures (program directors and
administrators). Each page is a form; the rules live in ``actions.template_edits`` and a refusal is
shown on the field it names."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cadence.accounts.request import staff_user

from . import actions, queries
from .forms import ClosureEditForm, EndTemplateForm, SlotForm, TemplateEditForm
from .rules import SchedulingError, require_schedule_manager

GET_POST = require_http_methods(["GET", "POST"])


def _report_message(request: HttpRequest, report: actions.EditReport) -> None:
    messages.success(request, f"Saved: {report.summary()}")
    for line in report.notes[:5]:
        messages.warning(request, line)


@GET_POST
def edit_template_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename a template or change its dates."""
    user = staff_user(request)
    template = queries.get_template_for(user, pk)
    require_schedule_manager(user)
    initial = {"name": template.name, "starts_on": template.starts_on, "ends_on": template.ends_on}
    form = TemplateEditForm(request.POST if request.method == "POST" else None, initial=initial)
    back = reverse("scheduling:templates", args=[template.program_id])
    if form.is_valid():
        try:
            report = actions.change_template(template=template, by=user, at=timezone.now(), **form.cleaned_data)
            _report_message(request, report)
            return redirect(back)
        except SchedulingError as exc:
            form.show_error(exc)
    context = {
        "form": form,
        "program": template.program,
        "title": f"Edit template “{template.name}”",
        "intro": "Upcoming sessions outside the new dates are cancelled; sessions already held stay.",
        "submit": "Save template",
        "back": back,
    }
    return render(request, "scheduling/form.html", context, status=400 if form.errors else 200)


@require_POST
def end_template_view(request: HttpRequest, pk: int) -> HttpResponse:
    """End a template on a date (exclusive); past sessions stay."""
    user = staff_user(request)
    template = queries.get_template_for(user, pk)
    require_schedule_manager(user)
    form = EndTemplateForm(request.POST)
    if form.is_valid():
        try:
            report = actions.end_template(
                template=template, ends_on=form.cleaned_data["ends_on"], by=user, at=timezone.now()
            )
            _report_message(request, report)
        except SchedulingError as exc:
            messages.error(request, exc.reason)
    else:
        messages.error(request, "Give the day the template stops (no sessions from that day on).")
    return redirect("scheduling:templates", template.program_id)


@GET_POST
def edit_slot_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change one recurring group; its upcoming sessions follow, held ones stay."""
    user = staff_user(request)
    slot = queries.get_slot_for(user, pk)
    require_schedule_manager(user)
    program = slot.template.program
    initial = {
        "weekday": slot.weekday,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "service_type": slot.service_type_id,
        "room": slot.room_id,
        "facilitator": slot.facilitator_id,
        "max_size": slot.max_size,
    }
    data = request.POST if request.method == "POST" else None
    form = SlotForm(data, program=program, staff=queries.facilitator_choices(program), initial=initial)
    back = reverse("scheduling:templates", args=[program.pk])
    if form.is_valid():
        try:
            report = actions.change_template_slot(slot=slot, by=user, at=timezone.now(), **form.cleaned_data)
            _report_message(request, report)
            return redirect(back)
        except SchedulingError as exc:
            form.show_error(exc)
    context = {
        "form": form,
        "program": program,
        "title": f"Edit {slot}",
        "intro": f"Times in {program.site.time_zone}. Upcoming sessions of this group move with it; sessions "
        "already held, or with attendance or notes recorded, stay as they were.",
        "submit": "Save group",
        "back": back,
    }
    return render(request, "scheduling/form.html", context, status=400 if form.errors else 200)


@GET_POST
def edit_closure_view(request: HttpRequest, program_id: int, pk: int) -> HttpResponse:
    user = staff_user(request)
    program = queries.get_program_for(user, program_id)
    closure = queries.get_closure_for(user, pk, program=program)
    require_schedule_manager(user)
    initial = {"date": closure.date, "reason": closure.reason}
    form = ClosureEditForm(request.POST if request.method == "POST" else None, initial=initial)
    back = reverse("scheduling:closures", args=[program.pk])
    if form.is_valid():
        try:
            reopened, cancelled = actions.change_closure(
                closure=closure,
                day=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
                by=user,
                at=timezone.now(),
            )
            messages.success(request, f"Closure saved; {reopened} session(s) re-opened, {cancelled} cancelled.")
            return redirect(back)
        except SchedulingError as exc:
            form.show_error(exc)
    context = {
        "form": form,
        "program": program,
        "title": f"Change the closure of {closure.date:%d %b %Y}",
        "intro": "Moving a closure re-opens the sessions it cancelled and cancels the sessions of the new day.",
        "submit": "Save closure",
        "back": back,
    }
    return render(request, "scheduling/form.html", context, status=400 if form.errors else 200)
