"""Treatment-plan rules as plain functions over plain data (no Django): measurable objectives, whether
a plan may be signed, when its next review is due, and what changed between two versions.

A plan version is a *snapshot*: the JSON-ready dict that ``PlanRevision.snapshot`` stores (built by
``cadence.plans.snapshot.build_snapshot``)::

    {"review_days": 30, "weekly_minutes": 540,
     "problems": [{"id", "number", "text", "diagnosis", "asam_dimension",
                   "goals": [{"id", "number", "text",
                              "objectives": [{"id", "number", "text", "target_on": "2026-12-01", "status"}],
                              "interventions": [{"id", "method", "method_label", "description",
                                                 "frequency", "responsible", "objective"}]}]}],
     "services": [{"id", "service_type", "name", "sessions_per_week", "minutes_per_session"}]}

Removed rows are not in a snapshot. Rows are matched across versions by ``id`` (rows are edited in place).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cadence.core.errors import DomainError

DEFAULT_REVIEW_DAYS = 30
DEFAULT_SOON_DAYS = 7

Snapshot = Mapping[str, Any]


class PlanError(DomainError):
    """A treatment-plan rule was broken (``field``: what it concerns, ``reason``: why, in plain words)."""


# --- Measurable objectives -------------------------------------------------------------------------

_NUMBER_WORDS = (
    "once twice one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty "
    "half all every each"
)
_TIME_WORDS = (
    "daily weekly monthly nightly per times minute minutes hour hours day days week weeks month months "
    "morning mornings evening evenings session sessions percent"
)
_MEASURABLE = re.compile(
    r"\d|%|\b(" + "|".join(sorted(set((_NUMBER_WORDS + " " + _TIME_WORDS).split()), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)

MEASURABLE_HINT = (
    "Say how much or how often, with a number (3, three) or a frequency or time word "
    "(daily, weekly, each, every, per, times, minutes, days...), e.g. 'attend 3 groups a week'."
)


def is_measurable(text: str) -> bool:
    """True when the wording says how much or how often: it contains a number, a number word, or a
    frequency or time word. Deliberately simple so a clinician can see why a statement was refused."""
    return bool(_MEASURABLE.search(text or ""))


def objective_refusal(text: str, target_on: dt.date | None) -> DomainError | None:
    """Why an objective cannot be saved as written (``None`` when it can)."""
    if not (text or "").strip():
        return PlanError("text", "Write the objective.")
    if not is_measurable(text):
        return PlanError("text", f"The objective is not measurable. {MEASURABLE_HINT}")
    if target_on is None:
        return PlanError("target_on", "An objective needs a target date.")
    return None


@dataclass(frozen=True)
class Issue:
    """One reason a plan version cannot be signed."""

    field: str
    reason: str


def validate_plan(snapshot: Snapshot) -> list[Issue]:
    """Every reason the plan cannot be signed yet; an empty list means it may be signed.

    A plan needs at least one problem; each problem at least one goal; each goal at least one open
    objective (not discontinued) that is measurable and has a target date.
    """
    issues: list[Issue] = []
    problems = list(snapshot.get("problems", []))
    if not problems:
        issues.append(Issue("problems", "Add at least one problem."))
    for problem in problems:
        goals = list(problem.get("goals", []))
        if not goals:
            issues.append(Issue(f"problem-{problem['id']}", f"Problem {problem['number']} has no goal."))
        for goal in goals:
            label = f"Goal {goal['number']}"
            objectives = [o for o in goal.get("objectives", []) if o.get("status") != "discontinued"]
            if not objectives:
                issues.append(Issue(f"goal-{goal['id']}", f"{label} has no measurable objective with a target date."))
            for objective in objectives:
                target = _date(objective.get("target_on"))
                refusal = objective_refusal(str(objective.get("text", "")), target)
                if refusal is not None:
                    issues.append(Issue(f"objective-{objective['id']}", f"{label}: {refusal.reason}"))
    return issues


def signing_refusal(snapshot: Snapshot) -> PlanError | None:
    """The first reason the plan cannot be signed, as an error (``None`` when it can)."""
    issues = validate_plan(snapshot)
    if not issues:
        return None
    more = f" ({len(issues) - 1} more problem(s) listed on the plan)" if len(issues) > 1 else ""
    return PlanError("plan", issues[0].reason + more)


# --- Hours ---------------------------------------------------------------------------------------


def weekly_minutes(services: Iterable[Mapping[str, Any]]) -> int:
    """Minutes a week the prescribed services add up to."""
    return sum(int(s["sessions_per_week"]) * int(s["minutes_per_session"]) for s in services)


def counted_minutes(services: Iterable[Mapping[str, Any]]) -> int:
    """Weekly minutes of the services that count toward program hours (aftercare, drug screens do not)."""
    return weekly_minutes(s for s in services if s.get("counts_toward_hours", True))


def hours_warning(
    minutes: int, *, level: str, minimum_hours: float | None, maximum_hours: float | None = None
) -> str | None:
    """A note when the prescribed hours do not fit the level of care (not a refusal: the clinician
    decides, e.g. while stepping down); ``None`` when they fit or no bounds are known."""
    hours = minutes / 60
    if minimum_hours and hours < minimum_hours:
        return (
            f"The plan prescribes {hours_label(minutes)} a week of counted services; {level} expects at "
            f"least {minimum_hours:g} h."
        )
    if maximum_hours is not None and hours >= maximum_hours:
        return f"The plan prescribes {hours_label(minutes)} a week; {level} is under {maximum_hours:g} h."
    return None


def hours_label(minutes: int) -> str:
    """'9 h', '10.5 h', '1 h 20 min'."""
    hours, rest = divmod(minutes, 60)
    if rest == 0:
        return f"{hours} h"
    if rest == 30:
        return f"{hours}.5 h"
    return f"{hours} h {rest} min" if hours else f"{rest} min"


# --- Reviews -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewDue:
    due_on: dt.date
    reason: str  # "scheduled" or "level_change"
    level_changed_on: dt.date | None = None

    @property
    def label(self) -> str:
        if self.reason == "level_change" and self.level_changed_on is not None:
            return f"level of care changed on {self.level_changed_on.isoformat()}"
        return "scheduled review"


def review_due(
    *, last_signed_on: dt.date | None, review_days: int, level_changes_on: Iterable[dt.date] = ()
) -> ReviewDue | None:
    """When the next review is due: ``review_days`` after the last signed revision, or earlier, on the day
    the level of care changed if it changed after that signature (a change on the signing day is taken
    as reviewed). ``None`` for a plan never signed (the initial plan is outstanding, not a review)."""
    if last_signed_on is None:
        return None
    if review_days < 1:
        raise ValueError("review_days must be at least 1")
    scheduled = last_signed_on + dt.timedelta(days=review_days)
    later = sorted(day for day in level_changes_on if day > last_signed_on)
    if later and later[0] <= scheduled:
        return ReviewDue(due_on=later[0], reason="level_change", level_changed_on=later[0])
    return ReviewDue(due_on=scheduled, reason="scheduled")


def is_overdue(due: ReviewDue | dt.date | None, today: dt.date) -> bool:
    """Overdue from the day after the due date."""
    day = due.due_on if isinstance(due, ReviewDue) else due
    return day is not None and today > day


def is_due_soon(due: ReviewDue | dt.date | None, today: dt.date, soon_days: int = DEFAULT_SOON_DAYS) -> bool:
    """Due today or within ``soon_days`` (not yet overdue)."""
    day = due.due_on if isinstance(due, ReviewDue) else due
    return day is not None and today <= day <= today + dt.timedelta(days=soon_days)


# --- What changed ----------------------------------------------------------------------------------


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def short_date(value: object, *, with_year: bool = True) -> str:
    day = _date(value)
    if day is None:
        return "none"
    return f"{day.day} {day:%b} {day.year}" if with_year else f"{day.day} {day:%b}"


def _dates(before: object, after: object) -> str:
    a, b = _date(before), _date(after)
    same_year = a is not None and b is not None and a.year == b.year
    return f"{short_date(a, with_year=not same_year)} → {short_date(b, with_year=not same_year)}"


def _quote(text: object, limit: int = 60) -> str:
    words = " ".join(str(text or "").split())
    return f"'{words if len(words) <= limit else words[: limit - 1] + '…'}'"


def _by_id(rows: Iterable[Mapping[str, Any]]) -> dict[Any, Mapping[str, Any]]:
    return {row["id"]: row for row in rows}


def _goals(snapshot: Snapshot) -> dict[Any, tuple[Mapping[str, Any], Mapping[str, Any]]]:
    return {
        goal["id"]: (goal, problem) for problem in snapshot.get("problems", []) for goal in problem.get("goals", [])
    }


_STATUS_WORDS = {
    "not_started": "not started",
    "in_progress": "in progress",
    "met": "met",
    "partially_met": "partially met",
    "not_met": "not met",
    "discontinued": "discontinued",
}


def _status(value: object) -> str:
    return _STATUS_WORDS.get(str(value), str(value))


def _field_changes(
    label: str, before: Mapping[str, Any], after: Mapping[str, Any], fields: Sequence[tuple[str, str]]
) -> list[str]:
    out = []
    for key, words in fields:
        if before.get(key) != after.get(key):
            out.append(
                f"{label} {words} {_quote(before.get(key)) if before.get(key) else 'none'} → "
                f"{_quote(after.get(key)) if after.get(key) else 'none'}"
            )
    return out


def diff_snapshots(before: Snapshot | None, after: Snapshot) -> list[str]:
    """What changed from ``before`` to ``after``, one plain sentence per change, in plan order.

    ``before`` is ``None`` (or empty) for the first version: everything is listed as added.
    """
    before = before or {}
    changes: list[str] = []
    old_problems = _by_id(before.get("problems", []))
    new_problems = _by_id(after.get("problems", []))
    for pid, problem in new_problems.items():
        label = f"Problem {problem['number']}"
        if pid not in old_problems:
            changes.append(f"{label} added: {_quote(problem['text'])}")
            continue
        old = old_problems[pid]
        changes += _field_changes(label, old, problem, [("text", "wording"), ("diagnosis", "diagnosis")])
        if old.get("asam_dimension") != problem.get("asam_dimension"):
            was, now = old.get("asam_dimension") or "none", problem.get("asam_dimension") or "none"
            changes.append(f"{label} ASAM dimension {was} → {now}")
    for pid, problem in old_problems.items():
        if pid not in new_problems:
            changes.append(f"Problem {problem['number']} removed: {_quote(problem['text'])}")

    old_goals, new_goals = _goals(before), _goals(after)
    for gid, (goal, problem) in new_goals.items():
        label = f"Goal {goal['number']}"
        if gid not in old_goals:
            changes.append(f"{label} added under Problem {problem['number']}: {_quote(goal['text'])}")
            changes += [
                f"{label}: objective {_quote(o['text'])} added, target date {short_date(o.get('target_on'))}"
                for o in goal.get("objectives", [])
            ]
            changes += [f"{label}: {_intervention_words(i)} added" for i in goal.get("interventions", [])]
            continue
        old_goal, old_problem = old_goals[gid]
        if old_goal.get("text") != goal.get("text"):
            changes.append(f"{label} wording {_quote(old_goal.get('text'))} → {_quote(goal.get('text'))}")
        if old_problem["id"] != problem["id"]:
            changes.append(f"{label} moved from Problem {old_problem['number']} to Problem {problem['number']}")
        changes += _objective_changes(label, old_goal, goal)
        changes += _intervention_changes(label, old_goal, goal)
    for gid, (goal, _problem) in old_goals.items():
        if gid not in new_goals:
            changes.append(f"Goal {goal['number']} removed: {_quote(goal['text'])}")

    changes += _service_changes(before, after)
    if before and before.get("review_days") != after.get("review_days"):
        changes.append(f"Review every {before.get('review_days')} days → every {after.get('review_days')} days")
    return changes


def _objective_changes(label: str, old_goal: Mapping[str, Any], goal: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    old = _by_id(old_goal.get("objectives", []))
    new = _by_id(goal.get("objectives", []))
    for oid, objective in new.items():
        if oid not in old:
            out.append(
                f"{label}: objective {_quote(objective['text'])} added, target date "
                f"{short_date(objective.get('target_on'))}"
            )
            continue
        prev = old[oid]
        name = _quote(objective["text"])
        if prev.get("text") != objective.get("text"):
            out.append(f"{label}: objective {_quote(prev.get('text'))} reworded {name}")
        if prev.get("target_on") != objective.get("target_on"):
            out.append(
                f"{label}: objective {name} target date {_dates(prev.get('target_on'), objective.get('target_on'))}"
            )
        if prev.get("status") != objective.get("status"):
            out.append(
                f"{label}: objective {name} status {_status(prev.get('status'))} → {_status(objective.get('status'))}"
            )
    for oid, objective in old.items():
        if oid not in new:
            out.append(f"{label}: objective {_quote(objective['text'])} removed")
    return out


def _intervention_words(intervention: Mapping[str, Any]) -> str:
    who = f", {intervention['responsible']}" if intervention.get("responsible") else ""
    method = intervention.get("method_label") or intervention["method"]
    return f"intervention {method} ({intervention.get('frequency', '')}{who})"


def _intervention_changes(label: str, old_goal: Mapping[str, Any], goal: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    old = _by_id(old_goal.get("interventions", []))
    new = _by_id(goal.get("interventions", []))
    for iid, intervention in new.items():
        if iid not in old:
            out.append(f"{label}: {_intervention_words(intervention)} added")
            continue
        prev = old[iid]
        name = f"{label}: intervention {prev.get('method_label') or prev['method']}"
        if prev.get("method") != intervention.get("method"):
            out.append(f"{name} method → {intervention.get('method_label') or intervention['method']}")
        out += _field_changes(
            name,
            prev,
            intervention,
            [("frequency", "frequency"), ("responsible", "responsible staff"), ("description", "description")],
        )
    for iid, intervention in old.items():
        if iid not in new:
            out.append(f"{label}: {_intervention_words(intervention)} removed")
    return out


def _service_changes(before: Snapshot, after: Snapshot) -> list[str]:
    out: list[str] = []
    old = _by_id(before.get("services", []))
    new = _by_id(after.get("services", []))
    for sid, service in new.items():
        each = f"{service['sessions_per_week']} a week, {service['minutes_per_session']} min"
        if sid not in old:
            out.append(f"Service {service['name']} added ({each})")
            continue
        prev = old[sid]
        if (prev["sessions_per_week"], prev["minutes_per_session"]) != (
            service["sessions_per_week"],
            service["minutes_per_session"],
        ):
            was = f"{prev['sessions_per_week']} a week, {prev['minutes_per_session']} min"
            out.append(f"Service {service['name']} {was} → {each}")
    for sid, service in old.items():
        if sid not in new:
            out.append(f"Service {service['name']} removed")
    old_minutes = weekly_minutes(before.get("services", []))
    new_minutes = weekly_minutes(after.get("services", []))
    if before and old_minutes != new_minutes:
        out.append(f"Weekly hours {hours_label(old_minutes)} → {hours_label(new_minutes)}")
    return out
