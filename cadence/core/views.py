"""The home page: a dashboard shaped by the user's role (see ``cadence.core.queries``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cadence.accounts.request import staff_user
from cadence.participants.queries import audit_list

from .cards import cards_for
from .queries import dashboard_for


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    now = timezone.now()
    board = dashboard_for(user, now)
    cards = cards_for(user, now)
    rows = board.participant_rows + sum(card.participant_rows for card in cards)
    if rows:
        audit_list(user, what="Home dashboard", count=rows)
    context = {
        "board": board,
        "top_cards": [card for card in cards if card.column == "top"],
        "side_cards": [card for card in cards if card.column == "side"],
        "main_cards": [card for card in cards if card.column == "main"],
    }
    return render(request, "core/home.html", context)
