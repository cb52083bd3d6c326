from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cadence.accounts.models import User

from .queries import CaseloadFilter, audit_list, caseload, current_episode, get_participant_for


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def caseload_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    flt = CaseloadFilter(q=request.GET.get("q", ""))
    page = Paginator(caseload(user, flt), 50).get_page(request.GET.get("page"))
    audit_list(user, what="Caseload", count=len(page.object_list), query=flt.q)
    return render(request, "participants/caseload.html", {"page": page, "filter": flt})


def chart_view(request: HttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_for(_user(request), pk)
    return render(request, "participants/chart.html", {"participant": participant,
                                                       "episode": current_episode(participant)})
