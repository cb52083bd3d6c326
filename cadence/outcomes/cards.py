"""The home-dashboard card of program outcomes (registered in ``CADENCE_DASHBOARD_CARDS``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, has_capability
from cadence.core.cards import Card

from .queries import period_episodes, programs_for
from .rules import COMPLETED, MIN_TO_COMPARE, Period, percent


@dataclass(frozen=True, slots=True)
class Discharges:
    discharged: int
    completed: int
    min_to_compare: int = MIN_TO_COMPARE

    @property
    def completion_rate(self) -> float | None:
        return percent(self.completed, self.discharged)

    @property
    def too_few(self) -> bool:
        return self.discharged < self.min_to_compare


def outcomes_card(user: User, now: dt.datetime) -> Card | None:
    """ "Program outcomes, last 90 days" for those who see program reports (directors, admins, auditors):
    discharges and the completion rate over every program the user may see, linking to the report (which
    has the measures). Two queries whatever the size: the home page must stay quick, and comparing every
    episode's measures is the report's work, not the dashboard's."""
    if not has_capability(user.role, Capability.VIEW_OUTCOMES):
        return None
    programs = programs_for(user)
    if not programs:
        return None
    period = Period.last_days(now.astimezone(programs[0].site.zone).date())
    counts = dict(
        period_episodes(programs, period)
        .order_by()
        .values_list("discharge_reason")
        .annotate(n=Count("pk"))
        .values_list("discharge_reason", "n")
    )
    summary = Discharges(discharged=sum(counts.values()), completed=counts.get(COMPLETED, 0))
    context = {"summary": summary, "period": period, "programs": len(programs)}
    return Card(key="outcomes", template="outcomes/card.html", context=context, column="main", order=60)
