"""The home page: a dashboard shaped by the user's role (see ``cadence.core.queries``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cadence.accounts.request import staff_user
from cadence.participants.queries import audit_list

from .queries import dashboard_for


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    board = dashboard_for(user, timezone.now())
    if board.participant_rows:
        audit_list(user, what="Home dashboard", count=board.participant_rows)
    return render(request, "core/home.html", {"board": board})
