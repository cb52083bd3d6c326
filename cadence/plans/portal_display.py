"""The participant's view of a signed plan revision, in plain words and their language (pure: works on the
revision's frozen snapshot, no database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cadence.portal.wording import short_date

from .rules import hours_label
from .wording import method_label, status_label, words


@dataclass(frozen=True)
class Step:
    text: str
    by: str  # "by 1 Dec 2026"
    status: str
    status_code: str


@dataclass(frozen=True)
class Help:
    method: str
    frequency: str
    responsible: str


@dataclass(frozen=True)
class GoalView:
    heading: str  # "Goal 1"
    text: str  # the participant's own words
    steps: list[Step] = field(default_factory=list)
    helps: list[Help] = field(default_factory=list)


@dataclass(frozen=True)
class ServiceView:
    name: str
    line: str  # "3 a week, 60 minutes each"


@dataclass(frozen=True)
class PlanView:
    goals: list[GoalView]
    services: list[ServiceView]
    weekly_total: str  # "" when no service
    responsible: list[str]  # everyone named on the plan, in order of first mention


def _day(value: Any, lang: str) -> str:
    try:
        return short_date(dt.date.fromisoformat(str(value)), lang)
    except ValueError:
        return ""


def plan_view(snapshot: dict[str, Any], lang: str) -> PlanView:
    """Goals (own words) with their objectives (target date, status) and how staff help; the prescribed
    services and weekly hours; who is responsible."""
    w = words(lang)
    goals: list[GoalView] = []
    people: list[str] = []
    for problem in snapshot.get("problems", []):
        for goal in problem.get("goals", []):
            steps = [
                Step(
                    text=o["text"],
                    by=w["by_day"].format(day=_day(o.get("target_on"), lang)),
                    status=status_label(o.get("status", ""), lang),
                    status_code=o.get("status", ""),
                )
                for o in goal.get("objectives", [])
            ]
            helps = []
            for i in goal.get("interventions", []):
                helps.append(Help(method_label(i["method"], lang), i.get("frequency", ""), i.get("responsible", "")))
                if i.get("responsible") and i["responsible"] not in people:
                    people.append(i["responsible"])
            goals.append(GoalView(w["goal"].format(n=goal["number"]), goal["text"], steps, helps))
    services = [
        ServiceView(s["name"], w["sessions"].format(n=s["sessions_per_week"], minutes=s["minutes_per_session"]))
        for s in snapshot.get("services", [])
    ]
    minutes = int(snapshot.get("weekly_minutes") or 0)
    total = w["weekly_total"].format(hours=hours_label(minutes)) if minutes else ""
    return PlanView(goals=goals, services=services, weekly_total=total, responsible=people)
