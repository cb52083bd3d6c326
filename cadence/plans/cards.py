"""The plan's dashboard card ("Plan reviews due") and chart panels (a link and a card with the goals).

Register with ``CADENCE_DASHBOARD_CARDS += ["cadence.plans.cards.plan_reviews_card"]`` and
``CADENCE_CHART_PANELS += ["cadence.plans.cards.plan_link_panel", "cadence.plans.cards.plan_goals_panel"]``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, has_capability
from cadence.core.cards import Card
from cadence.participants.queries import today_in

from .models import Goal, RevisionStatus
from .queries import plan_for_participant, review_for, reviews_due_for
from .rules import is_overdue

CARD_LIMIT = 12


def plan_reviews_card(user: User, now: dt.datetime) -> Card | None:
    """Overdue and soon-due plan reviews: a clinician's own participants, everyone in scope for directors."""
    if not has_capability(user.role, Capability.WRITE_CLINICAL_RECORD):
        return None
    rows = reviews_due_for(user, now=now)  # each plan's day in its site's time zone
    if not rows:
        return None
    shown = rows[:CARD_LIMIT]
    context = {
        "rows": shown,
        "total": len(rows),
        "overdue": sum(1 for row in rows if row.overdue),
        "more": len(rows) - len(shown),
    }
    return Card(
        key="plan-reviews",
        template="plans/card_reviews.html",
        context=context,
        column="side",
        order=40,
        participant_rows=len(shown),
    )


def plan_link_panel(user: User, participant: Any, now: dt.datetime) -> Card | None:
    """'Treatment plan' in the chart's link row, for roles that read the clinical record."""
    if not has_capability(user.role, Capability.READ_CLINICAL_RECORD):
        return None
    url = reverse("plans:participant", args=[participant.pk])
    return Card(key="plan-link", template="", context={"label": "Treatment plan", "url": url}, column="links", order=20)


def plan_goals_panel(user: User, participant: Any, now: dt.datetime) -> Card | None:
    """The current goals and the next review date of the participant's plan."""
    if not has_capability(user.role, Capability.READ_CLINICAL_RECORD):
        return None
    plan = plan_for_participant(participant)
    context: dict[str, Any] = {"participant": participant, "plan": plan, "goals": [], "current": None}
    if plan is not None:
        context["current"] = plan.revisions.filter(status=RevisionStatus.CURRENT).first()
        context["goals"] = list(
            Goal.objects.filter(plan=plan, removed_at__isnull=True).prefetch_related("objectives").order_by("number")
        )
        review = review_for(plan)
        context["review"] = review
        context["overdue"] = is_overdue(review, today_in(plan.episode, now))
    return Card(key="plan-goals", template="plans/panel_goals.html", context=context, column="main", order=20)
