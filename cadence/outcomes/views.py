"""The program outcomes report and its CSV export (directors, admins and auditors: VIEW_OUTCOMES,
the capability of program-level reports). A program the user may not see is an audited 404; a role that
may not is a 403; a bad date is shown next to its field (the CSV answers 400 naming it)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, require
from cadence.accounts.request import staff_user
from cadence.accounts.scope import out_of_scope
from cadence.participants.queries import audit_list
from cadence.programs.models import Program

from . import actions, queries
from .display import CSV_HEADER, SHORT_TEDS, TEDS_LABELS, csv_rows, measure_label, rule_text
from .rules import HEADLINE_MEASURES, MODE_LABELS, Mode, Period, PeriodError, parse_period


def _program(user: User, request: HttpRequest, programs: list[Program]) -> Program | None:
    """The program asked for (an audited 404 when not the user's), else the user's first program."""
    asked = request.GET.get("program", "").strip()
    if not asked:
        return programs[0] if programs else None
    found = next((p for p in programs if str(p.pk) == asked), None)
    if found is None:
        raise out_of_scope(user, "programs.program", asked[:64])
    return found


def _period(request: HttpRequest, program: Program) -> Period:
    today = timezone.now().astimezone(program.site.zone).date()
    get = request.GET
    return parse_period(starts=get.get("from"), ends=get.get("to"), mode=get.get("mode"), today=today)


@require_GET
def report_view(request: HttpRequest) -> HttpResponse:
    """The outcomes of one program over a period: change per measure, recovery, discharges, length of stay."""
    user = staff_user(request)
    require(user, Capability.VIEW_OUTCOMES)
    programs = queries.programs_for(user)
    program = _program(user, request, programs)
    context: dict[str, Any] = {"programs": programs, "program": program, "modes": MODE_LABELS, "errors": {}}
    if program is None:
        return render(request, "outcomes/report.html", context)
    try:
        period = _period(request, program)
    except PeriodError as err:
        context["errors"] = {err.field: err.reason}
        context["asked"] = {k: request.GET.get(k, "") for k in ("from", "to", "mode")}
        return render(request, "outcomes/report.html", context)
    report = queries.outcome_report(programs=[program], period=period)
    audit_list(
        user,
        what=f"Program outcomes of {program.name} ({period.mode.value}, {period.starts_on} to {period.ends_on})",
        count=report.participant_count,
    )
    context.update(_report_context(report, period))
    return render(request, "outcomes/report.html", context)


def _report_context(report: queries.OutcomeReport, period: Period) -> dict[str, Any]:
    summary = report.summary
    panels = [
        {"m": m, "label": measure_label(m.measure), "rule": rule_text(m.measure)}
        for m in summary.measures
        if m.measure in HEADLINE_MEASURES
    ]
    others = [
        {"m": m, "label": measure_label(m.measure), "rule": rule_text(m.measure)}
        for m in summary.measures
        if m.measure not in HEADLINE_MEASURES and (m.compared or m.not_enough_data)
    ]
    discharges = [
        {"line": line, "label": TEDS_LABELS[line.reason], "short": SHORT_TEDS[line.reason]}
        for line in summary.discharges
    ]
    return {
        "report": report,
        "summary": summary,
        "period": period,
        "mode": period.mode.value,
        "asked": {"from": period.starts_on.isoformat(), "to": period.ends_on.isoformat(), "mode": period.mode.value},
        "panels": panels,
        "others": others,
        "discharges": discharges,
        "active_mode": period.mode is Mode.ACTIVE,
    }


@require_GET
def export_view(request: HttpRequest) -> HttpResponse:
    """The per-episode rows as CSV (record numbers, never names); the export is audited."""
    user = staff_user(request)
    require(user, Capability.VIEW_OUTCOMES)
    program = _program(user, request, queries.programs_for(user))
    if program is None:
        return HttpResponse("You have no program to report on.", status=400, content_type="text/plain")
    try:
        period = _period(request, program)
    except PeriodError as err:
        return HttpResponse(f"{err.field}: {err.reason}", status=400, content_type="text/plain")
    report = queries.outcome_report(programs=[program], period=period)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    rows = 0
    for row in csv_rows(report.outcomes):
        writer.writerow(row)
        rows += 1
    actions.record_outcome_export(
        program=program,
        period=period,
        rows=rows,
        participants=report.participant_count,
        by=user,
        at=timezone.now(),
    )
    name = f"outcomes-{program.pk}-{period.mode.value}-{period.starts_on:%Y%m%d}-{period.ends_on:%Y%m%d}.csv"
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
