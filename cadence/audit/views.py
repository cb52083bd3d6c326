from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cadence.accounts.permissions import Capability, require

from .models import AuditEntry


def audit_log_view(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.VIEW_AUDIT)
    entries = AuditEntry.objects.select_related("actor")[:100]
    return render(request, "audit/log.html", {"entries": entries})
