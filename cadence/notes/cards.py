"""Dashboard cards ("Notes to sign", "Notes to co-sign") and the chart's "Notes" link.

Register in settings: ``CADENCE_DASHBOARD_CARDS`` += ``cadence.notes.cards.notes_to_sign``,
``cadence.notes.cards.notes_to_cosign``; ``CADENCE_CHART_PANELS`` += ``cadence.notes.cards.notes_link``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from cadence.accounts.models import User
from cadence.core.cards import Card

from . import queries
from .models import ProgressNote


def notes_to_sign(user: User, now: dt.datetime) -> Card | None:
    """The user's unsigned notes past the deadline and the sessions they ran with no note yet."""
    if not queries.can_write(user):
        return None
    rows = queries.notes_to_sign(user, now)
    if not rows:
        return None
    named = sum(1 for row in rows if row.participant is not None)
    context = {"rows": rows, "overdue": sum(1 for row in rows if row.overdue)}
    return Card(
        key="notes-to-sign",
        template="notes/card_to_sign.html",
        context=context,
        column="side",
        order=20,
        participant_rows=named,
    )


def notes_to_cosign(user: User, now: dt.datetime) -> Card | None:
    """Notes of the user's supervisees (a director: of anyone in their programs) awaiting co-signature."""
    notes = queries.cosign_queue(user)
    if not notes:
        return None
    named = sum(1 for note in notes if isinstance(note, ProgressNote))
    return Card(
        key="notes-to-cosign",
        template="notes/card_to_cosign.html",
        context={"notes": notes[:10], "total": len(notes)},
        column="side",
        order=21,
        participant_rows=named,
    )


def notes_link(user: User, participant: Any, now: dt.datetime) -> Card | None:
    """ "Notes" in the chart's link row, for those who read the clinical record."""
    if not queries.can_read(user):
        return None
    link = {"label": "Notes", "url": reverse("notes:chart", args=[participant.pk])}
    return Card(key="notes", template="", context=link, column="links", order=30)
