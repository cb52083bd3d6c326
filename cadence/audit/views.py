"""The audit log: a filtered, paginated list and a CSV export, for roles with ``VIEW_AUDIT``.

Reading the log is not itself logged (every page view would push a new entry onto the page being
read); exporting it is, because an export copies entries out of the system. Nothing here edits or
deletes an entry: the model, the database triggers and the read-only Django admin all refuse.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, require
from cadence.accounts.request import staff_user

from .actions import record
from .forms import AuditFilterForm
from .models import AuditAction
from .queries import csv_lines, display_zone, entries_for, filter_entries, record_numbers


def _auditor(request: HttpRequest) -> User:
    user = staff_user(request)
    require(user, Capability.VIEW_AUDIT)
    return user


@require_safe
def audit_log_view(request: HttpRequest) -> HttpResponse:
    """Entries the user may see, newest first, one page at a time (a fixed number of queries)."""
    user = _auditor(request)
    zone = display_zone()
    form = AuditFilterForm(request.GET, viewer=user, zone=zone)
    entries = filter_entries(entries_for(user), form.to_filter()) if form.is_valid() else entries_for(user).none()
    page = Paginator(entries, settings.CADENCE_PAGE_SIZE).get_page(request.GET.get("page"))
    entries_on_page = list(page.object_list)
    numbers = record_numbers(e.participant_id for e in entries_on_page)
    rows = [(e, numbers.get(e.participant_id) if e.participant_id is not None else None) for e in entries_on_page]
    context = {"form": form, "page": page, "rows": rows, "zone": zone}
    return render(request, "audit/log.html", context)


@require_safe
def audit_export_view(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The filtered entries as CSV (streamed). The export writes an EXPORT entry first; the file holds
    the entries older than that one, so it never contains its own export record."""
    user = _auditor(request)
    zone = display_zone()
    form = AuditFilterForm(request.GET, viewer=user, zone=zone)
    if not form.is_valid():
        return render(request, "audit/log.html", {"form": form, "rows": [], "zone": zone}, status=400)
    flt = form.to_filter()
    entries = filter_entries(entries_for(user), flt)
    now = timezone.now()
    export = record(
        action=AuditAction.EXPORT,
        actor=user,
        object_type="audit.auditentry",
        at=now,
        summary=f"Exported {entries.count()} audit entries (CSV)",
        changes={"filters": flt.as_dict()},
    )
    response = StreamingHttpResponse(csv_lines(entries.filter(pk__lt=export.pk)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{now.astimezone(dt.UTC):%Y%m%d-%H%M%S}.csv"'
    response["Cache-Control"] = "no-store"
    return response
