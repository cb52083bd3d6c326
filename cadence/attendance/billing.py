"""Billable service days: pure rules over plain data (no Django), reused by the billing page, the CSV
export, the API and the authorization board (units used).

A **service day** is one participant's local day with the minutes of services that count toward hours
(present marks only). For each day:

1. the **authorization** is the participant's live authorization for their payer covering that day (the
   latest-starting one if several overlap);
2. the **rule** is the most specific active ``PayerRule`` for the payer and the level of care in force
   that day (payer-specific over the default, level-specific over any level, then the lowest priority),
   restricted to the authorization's billing code when it names one;
3. the day **qualifies** when none of these hold, and otherwise is flagged with every reason that does:
   ``no_rule``, ``too_few_minutes`` (fewer than the rule's minimum, 180 by default: 179 fails, 180
   passes), ``outside_authorization`` (the rule requires one and none covers the day),
   ``authorization_exhausted`` (the authorization's units are used up by earlier days), ``no_signed_note``
   (only when the signed-note rule is switched on; notes do not exist yet, so it is off);
4. a qualifying day is worth the rule's ``units_per_day`` (one per diem unit by default), charged to the
   authorization in date order.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple


class Reason(StrEnum):
    NO_RULE = "no_rule"
    TOO_FEW_MINUTES = "too_few_minutes"
    OUTSIDE_AUTHORIZATION = "outside_authorization"
    AUTHORIZATION_EXHAUSTED = "authorization_exhausted"
    NO_SIGNED_NOTE = "no_signed_note"


@dataclass(frozen=True)
class BillingRule:
    id: int
    billing_code: str
    revenue_code: str
    min_minutes: int = 180
    units_per_day: int = 1
    requires_authorization: bool = True
    requires_signed_note: bool = False
    payer_id: int | None = None
    level_code: str | None = None
    priority: int = 10


@dataclass(frozen=True)
class AuthWindow:
    """A live authorization: ``starts_on`` to ``ends_on`` exclusive."""

    id: int
    participant_id: int
    payer_id: int
    number: str
    starts_on: dt.date
    ends_on: dt.date
    units_authorized: int
    billing_code: str = ""

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day < self.ends_on


class ServiceDay(NamedTuple):
    participant_id: int
    day: dt.date
    minutes: int
    payer_id: int | None
    level_code: str | None


@dataclass(frozen=True)
class Flag:
    reason: Reason
    message: str


class BillableDay(NamedTuple):
    """A service day with its rule, authorization, units and flags (a named tuple: reports hold many)."""

    participant_id: int
    day: dt.date
    minutes: int
    payer_id: int | None
    rule: BillingRule | None
    authorization: AuthWindow | None
    units: int
    flags: tuple[Flag, ...] = ()

    @property
    def billable(self) -> bool:
        return not self.flags

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(flag.reason.value for flag in self.flags)


def choose_rule(
    rules: Sequence[BillingRule], *, payer_id: int | None, level_code: str | None, billing_code: str = ""
) -> BillingRule | None:
    """The most specific rule for the payer and level (see the module docstring), or None."""
    candidates = [
        r
        for r in rules
        if (r.payer_id is None or r.payer_id == payer_id)
        and (r.level_code is None or r.level_code == level_code)
        and (not billing_code or r.billing_code == billing_code)
    ]
    if not candidates:
        return None
    candidates.sort(key=lambda r: (r.payer_id is None, r.level_code is None, r.priority, r.id))
    return candidates[0]


def _authorization_for(windows: Sequence[AuthWindow], payer_id: int | None, day: dt.date) -> AuthWindow | None:
    if len(windows) == 1:  # the common case
        only = windows[0]
        return only if only.payer_id == payer_id and only.starts_on <= day < only.ends_on else None
    covering = [w for w in windows if w.payer_id == payer_id and w.covers(day)]
    if not covering:
        return None
    return max(covering, key=lambda w: (w.starts_on, w.id))


def billable_days(
    days: Sequence[ServiceDay],
    *,
    rules: Sequence[BillingRule],
    authorizations: Sequence[AuthWindow],
    note_signed: Callable[[int, dt.date], bool] | None = None,
) -> list[BillableDay]:
    """Every service day with its rule, authorization, units and flags, in participant and date order.
    ``note_signed`` None: the signed-note rule is off. Units are charged to authorizations in date order,
    so pass all service days of an authorization's window to get its usage right."""
    out: list[BillableDay] = []
    _walk(days, rules=rules, authorizations=authorizations, note_signed=note_signed, out=out)
    return out


def units_used_by_authorization(
    days: Sequence[ServiceDay], *, rules: Sequence[BillingRule], authorizations: Sequence[AuthWindow]
) -> dict[int, int]:
    """``units_used(billable_days(...))`` without building the days and their messages (the authorization
    board only needs the totals; the signed-note rule does not change units already charged)."""
    return dict(_walk(days, rules=rules, authorizations=authorizations, note_signed=None, out=None))


def _walk(
    days: Sequence[ServiceDay],
    *,
    rules: Sequence[BillingRule],
    authorizations: Sequence[AuthWindow],
    note_signed: Callable[[int, dt.date], bool] | None,
    out: list[BillableDay] | None,
) -> dict[int, int]:
    """The rules of the module docstring over every day, in participant and date order; appends each
    day to ``out`` (unless None) and returns the units charged to each authorization."""
    by_participant: dict[int, list[AuthWindow]] = defaultdict(list)
    for window in authorizations:
        by_participant[window.participant_id].append(window)
    used: dict[int, int] = defaultdict(int)
    chosen: dict[tuple[int | None, str | None, str], BillingRule | None] = {}

    def rule_for(payer_id: int | None, level_code: str | None, billing_code: str) -> BillingRule | None:
        key = (payer_id, level_code, billing_code)
        if key not in chosen:
            chosen[key] = choose_rule(rules, payer_id=payer_id, level_code=level_code, billing_code=billing_code)
        return chosen[key]

    for item in sorted(days, key=lambda d: (d.participant_id, d.day)):
        auth = _authorization_for(by_participant.get(item.participant_id, []), item.payer_id, item.day)
        rule = None
        if auth is not None and auth.billing_code:
            rule = rule_for(item.payer_id, item.level_code, auth.billing_code)
        if rule is None:
            rule = rule_for(item.payer_id, item.level_code, "")
        reasons: list[Reason] = []
        if rule is None:
            reasons.append(Reason.NO_RULE)
        else:
            if item.minutes < rule.min_minutes:
                reasons.append(Reason.TOO_FEW_MINUTES)
            if rule.requires_authorization and auth is None:
                reasons.append(Reason.OUTSIDE_AUTHORIZATION)
            if auth is not None and not reasons and used[auth.id] + rule.units_per_day > auth.units_authorized:
                reasons.append(Reason.AUTHORIZATION_EXHAUSTED)
            if note_signed is not None and rule.requires_signed_note and not note_signed(item.participant_id, item.day):
                reasons.append(Reason.NO_SIGNED_NOTE)
        units = rule.units_per_day if rule is not None and not reasons else 0
        if auth is not None and units:
            used[auth.id] += units
        if out is not None:
            flags = tuple(Flag(reason, _message(reason, item, rule, auth)) for reason in reasons)
            out.append(
                BillableDay(item.participant_id, item.day, item.minutes, item.payer_id, rule, auth, units, flags)
            )
    return used


def _message(reason: Reason, item: ServiceDay, rule: BillingRule | None, auth: AuthWindow | None) -> str:
    if reason == Reason.NO_RULE:
        return f"No billing rule for level {item.level_code or 'unknown'}."
    if reason == Reason.TOO_FEW_MINUTES and rule is not None:
        return f"{item.minutes} of the {rule.min_minutes} minutes required."
    if reason == Reason.OUTSIDE_AUTHORIZATION:
        return f"No authorization covers {item.day:%d %b %Y}."
    if reason == Reason.AUTHORIZATION_EXHAUSTED and auth is not None:
        return f"All {auth.units_authorized} units of authorization {auth.number} are used."
    return "No signed note for this day."


def units_used(days: Sequence[BillableDay]) -> dict[int, int]:
    """Units charged to each authorization (by id)."""
    used: dict[int, int] = defaultdict(int)
    for day in days:
        if day.authorization is not None and day.units:
            used[day.authorization.id] += day.units
    return dict(used)
