"""Utilization review and billing pages: the authorization board by urgency, adding, changing and voiding
an authorization, billable days per payer and date range, and their CSV export (audited EXPORT)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cadence.accounts.permissions import Capability, require
from cadence.accounts.request import staff_user
from cadence.core.queries import local_now
from cadence.participants.queries import get_participant_for

from . import actions, conf, queries
from .forms import AuthorizationFilterForm, AuthorizationForm, BillingFilterForm, VoidForm
from .rules import AttendanceError
from .views import can

GET_POST = require_http_methods(["GET", "POST"])


@require_GET
def authorizations_view(request: HttpRequest) -> HttpResponse:
    """Live authorizations of participants with an open episode in the user's programs, most urgent first."""
    user = staff_user(request)
    require(user, Capability.VIEW_PARTICIPANT)
    programs = queries.programs_for(user).filter(active=True).order_by("site__name", "name")
    program = None
    if (raw := request.GET.get("program")) and raw.isdigit():
        program = queries.get_program_for(user, int(raw))
    form = AuthorizationFilterForm(request.GET or None, programs=programs)
    rows = queries.authorization_board(user, program=program, at=timezone.now())
    queries.audit_read(
        user,
        what="Authorization board" + (f" of {program.name}" if program else ""),
        object_type="attendance.authorization",
        count=len({r.authorization.participant_id for r in rows}),
    )
    # Most urgent first, a page at a time: the units and warnings of every row are computed (they set
    # the order), but only the page is drawn (drawing every row was most of the page's time).
    page = Paginator(rows, conf.board_page_size()).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    context = {
        "form": form,
        "rows": page.object_list,
        "page": page,
        "total": len(rows),
        "needing_attention": sum(1 for r in rows if r.warnings),
        "filters_query": kept.urlencode() + "&" if kept else "",
        "program": program,
        "can": can(user),
    }
    return render(request, "attendance/authorizations.html", context)


def _form_page(request: HttpRequest, form: Any, **context: Any) -> HttpResponse:
    return render(request, "attendance/form.html", {"form": form} | context)


@GET_POST
def authorization_new_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    participant = get_participant_for(user, pk, audit_view=False)
    require(user, Capability.MANAGE_AUTHORIZATIONS)
    initial = {"payer": participant.payer_id, "starts_on": local_now(user, timezone.now()).date()}
    form = AuthorizationForm(
        request.POST if request.method == "POST" else None, organization_id=participant.organization_id, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            a = actions.create_authorization(
                participant=participant, details=form.details(), by=user, at=timezone.now()
            )
        except AttendanceError as err:
            form.apply_error(err)
        else:
            messages.success(request, f"Authorization {a.number} added.")
            return redirect("attendance:participant", participant.pk)
    return _form_page(request, form, title="Add an authorization", submit="Add authorization", participant=participant)


@GET_POST
def authorization_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    a = queries.get_authorization_for(user, pk)
    require(user, Capability.MANAGE_AUTHORIZATIONS)
    form = AuthorizationForm(
        request.POST if request.method == "POST" else None,
        organization_id=a.participant.organization_id,
        initial=AuthorizationForm.initial_from(a),
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_authorization(authorization=a, changes=form.changes(), by=user, at=timezone.now())
        except AttendanceError as err:
            form.apply_error(err)
        else:
            messages.success(request, f"Authorization {a.number} saved.")
            return redirect("attendance:participant", a.participant_id)
    return _form_page(
        request, form, title=f"Authorization {a.number}", submit="Save authorization", participant=a.participant
    )


@GET_POST
def authorization_void_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    a = queries.get_authorization_for(user, pk)
    require(user, Capability.MANAGE_AUTHORIZATIONS)
    form = VoidForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.void_authorization(authorization=a, reason=form.cleaned_data["reason"], by=user, at=timezone.now())
        except AttendanceError as err:
            form.apply_error(err)
        else:
            messages.success(request, f"Authorization {a.number} voided.")
            return redirect("attendance:participant", a.participant_id)
    return _form_page(
        request,
        form,
        title=f"Void authorization {a.number}",
        submit="Void authorization",
        participant=a.participant,
        danger=True,
    )


def _billing_filter(request: HttpRequest, user: Any) -> BillingFilterForm:
    today = local_now(user, timezone.now()).date()
    data = request.GET.copy()
    data.setdefault("starts_on", today.replace(day=1).isoformat())
    data.setdefault("last_day", today.isoformat())
    return BillingFilterForm(data, organization_id=user.organization_id)


@require_GET
def billing_view(request: HttpRequest) -> HttpResponse:
    """Billable days of one payer's participants over a date range, with the reason for every day that
    does not qualify."""
    user = staff_user(request)
    require(user, Capability.VIEW_BILLING)
    form = _billing_filter(request, user)
    report = None
    if request.GET.get("payer") and form.is_valid():
        data = form.cleaned_data
        report = queries.billing_report(
            user,
            payer=data["payer"],
            starts_on=data["starts_on"],
            ends_on=data["last_day"] + dt.timedelta(days=1),
            today=local_now(user, timezone.now()).date(),
        )
        queries.audit_read(
            user,
            what=f"Billable days for {data['payer'].name}",
            object_type="attendance.billableday",
            count=len(report.participants),
        )
    page = Paginator(report.rows if report else [], 100).get_page(request.GET.get("page"))
    context = {"form": form, "report": report, "page": page, "can": can(user)}
    return render(request, "attendance/billing.html", context)


CSV_HEADER = (
    "record_number",
    "participant",
    "member_id",
    "service_date",
    "minutes",
    "billing_code",
    "revenue_code",
    "units",
    "authorization",
    "billable",
    "reasons",
    "part2_consent",
)


@require_GET
def billing_export_view(request: HttpRequest) -> HttpResponse:
    """The billable days as CSV (one row per service day, flagged days included); an EXPORT audit entry
    records who exported what."""
    user = staff_user(request)
    require(user, Capability.VIEW_BILLING)
    form = _billing_filter(request, user)
    if not form.is_valid():
        return HttpResponse("Choose a payer and dates.", status=400, content_type="text/plain")
    data = form.cleaned_data
    ends_on = data["last_day"] + dt.timedelta(days=1)
    today = local_now(user, timezone.now()).date()
    report = queries.billing_report(
        user, payer=data["payer"], starts_on=data["starts_on"], ends_on=ends_on, today=today
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for day in report.days:
        person = report.participants[day.participant_id]
        writer.writerow(
            [
                person.record_number,
                person.legal_name,
                person.member_id,
                day.day.isoformat(),
                day.minutes,
                day.rule.billing_code if day.rule else "",
                day.rule.revenue_code if day.rule else "",
                day.units,
                day.authorization.number if day.authorization else "",
                "yes" if day.billable else "no",
                "; ".join(flag.message for flag in day.flags),
                "missing: hold the claim" if day.participant_id in report.held else "in effect",
            ]
        )
    actions.record_billing_export(
        payer=data["payer"],
        starts_on=data["starts_on"],
        ends_on=ends_on,
        rows=len(report.days),
        participants=len(report.participants),
        by=user,
        at=timezone.now(),
    )
    name = f"billable-days-{data['payer'].pk}-{data['starts_on']:%Y%m%d}-{data['last_day']:%Y%m%d}.csv"
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
