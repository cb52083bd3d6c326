"""The plan's dashboard card ("Plan reviews due") and chart panels (a link and a card with the goals).

Register with ``CADENCE_DASHBOARD_CARDS += ["cadence.plans.cards.plan_reviews_card"]`` and
``CADENCE_CHART_PANELS += ["cadence.plans.cards.plan_link_panel", "cadence.plans.cards.plan_goals_panel"]``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, has_capability
from cadence.core.cards import Card
from cadence.participants.queries import today_in

from .models import ObjectiveStatus, RevisionStatus
from .queries import plan_for_participant, review_for, reviews_due_for
from .rules import diff_snapshots, is_overdue
from .snapshot import build_snapshot

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


@dataclass(frozen=True)
class PanelObjective:
    text: str
    status: str  # "In progress"
    target_on: dt.date | None


@dataclass(frozen=True)
class PanelGoal:
    number: int
    text: str
    objectives: list[PanelObjective]


def panel_goals(snapshot: dict[str, Any]) -> list[PanelGoal]:
    """The goals of a plan snapshot with their objectives, in plan order (pure: no database).

    A snapshot holds only the rows that were in the plan when it was taken, so removed goals and
    objectives never appear."""
    labels = dict(ObjectiveStatus.choices)
    goals = [goal for problem in snapshot.get("problems", []) for goal in problem.get("goals", [])]
    return [
        PanelGoal(
            number=int(goal["number"]),
            text=str(goal["text"]),
            objectives=[
                PanelObjective(
                    text=str(o["text"]),
                    status=labels.get(str(o.get("status", "")), str(o.get("status", ""))),
                    target_on=_day(o.get("target_on")),
                )
                for o in goal.get("objectives", [])
            ],
        )
        for goal in sorted(goals, key=lambda g: int(g["number"]))
    ]


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def plan_goals_panel(user: User, participant: Any, now: dt.datetime) -> Card | None:
    """The goals and the next review date of the participant's plan.

    Under the signed heading the panel shows the signed revision's content (its frozen snapshot), never
    the live rows: when a draft holds changes nobody has signed yet it says how many, without showing
    them. A plan never signed shows its draft goals, marked as not signed."""
    if not has_capability(user.role, Capability.READ_CLINICAL_RECORD):
        return None
    plan = plan_for_participant(participant)
    context: dict[str, Any] = {"participant": participant, "plan": plan, "goals": [], "current": None}
    if plan is not None:
        revisions = list(plan.revisions.filter(status__in=[RevisionStatus.CURRENT, RevisionStatus.DRAFT]))
        current = next((r for r in revisions if r.status == RevisionStatus.CURRENT), None)
        has_draft = any(r.status == RevisionStatus.DRAFT for r in revisions)
        live = build_snapshot(plan) if has_draft or current is None else None
        if current is not None:
            context["goals"] = panel_goals(current.snapshot)
            context["unsigned_changes"] = len(diff_snapshots(current.snapshot, live)) if live is not None else 0
        elif live is not None:
            context["goals"] = panel_goals(live)
        context["current"] = current
        review = review_for(plan)
        context["review"] = review
        context["overdue"] = is_overdue(review, today_in(plan.episode, now))
    return Card(key="plan-goals", template="plans/panel_goals.html", context=context, column="main", order=20)
