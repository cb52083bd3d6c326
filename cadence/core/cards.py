"""Home-dashboard cards and chart panels contributed by other apps.

An app adds a card by writing a function ``(user, now) -> Card | None`` and listing its dotted path in
``settings.CADENCE_DASHBOARD_CARDS``; ``None`` means "nothing for this user" (wrong role, no data worth a
card). The function reads only what the user may see (its app's scoped queries) and says how many
participant rows it shows, so the home page's LIST audit entry counts them. Core stays unaware of the
apps that contribute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from cadence.accounts.models import User


@dataclass
class Card:
    """One card: ``template`` is rendered with ``card`` in its context (``card.context`` holds the data).

    ``column`` is "top" (full width above everything: urgent items), "side" (the right column of the first
    row) or "main" (a grid below the first rows); ``order``
    sorts cards within a column (lower first); ``participant_rows`` counts rows naming a participant."""

    key: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    column: str = "side"
    order: int = 50
    participant_rows: int = 0


CardFunction = Callable[[User, dt.datetime], "Card | None"]


@cache
def _card_functions(paths: tuple[str, ...]) -> list[CardFunction]:
    return [import_string(path) for path in paths]


def cards_for(user: User, now: dt.datetime) -> list[Card]:
    """Every registered card that has something for ``user`` at ``now``, sorted by column order."""
    paths = tuple(getattr(settings, "CADENCE_DASHBOARD_CARDS", ()))
    found = [card for function in _card_functions(paths) if (card := function(user, now)) is not None]
    return sorted(found, key=lambda card: (card.order, card.key))


# --- Chart panels ---------------------------------------------------------------------------------
# The same idea on a participant's chart: ``(user, participant, now) -> Card | None`` functions listed in
# ``settings.CADENCE_CHART_PANELS``. Columns: "banner" (right under the chart header: risk flags, things
# no one may miss), "links" (a button in the chart's link row: ``context`` has ``label`` and ``url``),
# "main" (a card in the chart's grid). A panel function reads through its app's own scope checks; the
# chart itself has already checked that the user may see the participant.

ChartPanelFunction = Callable[[User, Any, dt.datetime], "Card | None"]


@cache
def _panel_functions(paths: tuple[str, ...]) -> list[ChartPanelFunction]:
    return [import_string(path) for path in paths]


def chart_panels_for(user: User, participant: Any, now: dt.datetime) -> dict[str, list[Card]]:
    """Registered chart panels with something for ``user`` on ``participant``'s chart, by column."""
    paths = tuple(getattr(settings, "CADENCE_CHART_PANELS", ()))
    found = [card for function in _panel_functions(paths) if (card := function(user, participant, now)) is not None]
    columns: dict[str, list[Card]] = {"banner": [], "links": [], "main": []}
    for card in sorted(found, key=lambda card: (card.order, card.key)):
        columns.setdefault(card.column, []).append(card)
    return columns
