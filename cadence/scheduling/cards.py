"""The home dashboard's "Today's sessions" card.

Register in settings: ``CADENCE_DASHBOARD_CARDS`` += ``cadence.scheduling.cards.todays_sessions``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse

from cadence.accounts.models import Role, User
from cadence.accounts.scope import visible_programs
from cadence.core.cards import Card

from .models import BookingStatus, Session, SessionStatus
from .queries import SESSION_RELATIONS

MAX_ROWS = 12
SCOPE_ROLES = frozenset({Role.DIRECTOR, Role.FRONT_DESK})


@dataclass(frozen=True)
class TodayRow:
    session: Session
    starts: str  # HH:MM at the session's site
    ends: str
    booked: int
    url: str


def _roster_url(session_id: int) -> str:
    """The attendance roster of a session when the attendance app is installed, else the schedule's panel."""
    try:
        return reverse("attendance:roster", args=[session_id])
    except NoReverseMatch:
        return reverse("scheduling:session", args=[session_id])


def todays_sessions(user: User, now: dt.datetime) -> Card | None:
    """Clinicians: the sessions they lead today. Directors and front desk: every session of their
    programs today. "Today" is the local date at each session's site. Four queries whatever the count.
    None for other roles and when there is nothing today."""
    if user.role == Role.CLINICIAN:
        programs = visible_programs(user)
        mine = Q(facilitator=user)
    elif user.role in SCOPE_ROLES:
        programs = visible_programs(user)
        mine = Q()
    else:
        return None
    zones = set(programs.values_list("site__time_zone", flat=True))
    if not zones:
        return None
    today = Q()
    for name in sorted(zones):
        local = now.astimezone(zoneinfo.ZoneInfo(name)).date()
        today |= Q(program__site__time_zone=name, occurs_on=local)
    sessions = list(
        Session.objects.filter(mine, today, program__in=programs, status=SessionStatus.SCHEDULED)
        .select_related(*SESSION_RELATIONS)
        .annotate(booked=Count("bookings", filter=Q(bookings__status=BookingStatus.BOOKED)))
        .order_by("starts_at", "room__name", "pk")[: MAX_ROWS + 1]
    )
    if not sessions:
        return None
    rows = [
        TodayRow(
            s,
            f"{s.starts_at.astimezone(s.program.site.zone):%H:%M}",
            f"{s.ends_at.astimezone(s.program.site.zone):%H:%M}",
            s.booked,
            _roster_url(s.pk),
        )
        for s in sessions[:MAX_ROWS]
    ]
    context = {
        "rows": rows,
        "more": len(sessions) > MAX_ROWS,
        "mine": user.role == Role.CLINICIAN,
        "week_url": reverse("scheduling:my_week" if user.role == Role.CLINICIAN else "scheduling:index"),
    }
    return Card(key="todays-sessions", template="scheduling/_today_card.html", context=context, column="side", order=10)
