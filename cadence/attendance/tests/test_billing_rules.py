"""Billable days and authorization warnings on plain data (no database), at their edges."""

from __future__ import annotations

import datetime as dt

from cadence.attendance.billing import AuthWindow, BillingRule, ServiceDay, billable_days, choose_rule, units_used
from cadence.attendance.utilization import AuthorizationFacts, WarningKind, days_outside, urgency_key, warnings_for

H0015 = BillingRule(1, "H0015", "0906", level_code="2.1", priority=10)
S9480 = BillingRule(2, "S9480", "0905", level_code="2.1", priority=20)
PHP = BillingRule(3, "", "0913", level_code="2.5")
SELF_PAY = BillingRule(4, "H0015", "0906", payer_id=9, requires_authorization=False)
RULES = [H0015, S9480, PHP, SELF_PAY]
NOV_1 = dt.date(2026, 11, 1)
AUTH = AuthWindow(
    10, participant_id=1, payer_id=7, number="A-1", starts_on=NOV_1, ends_on=dt.date(2026, 12, 1), units_authorized=3
)


def day(
    n: int, minutes: int = 180, participant: int = 1, payer: int | None = 7, level: str | None = "2.1"
) -> ServiceDay:
    return ServiceDay(participant, NOV_1 + dt.timedelta(days=n), minutes, payer, level)


def test_180_minutes_is_billable_179_is_not() -> None:
    ok, short = billable_days([day(0, 180), day(1, 179)], rules=RULES, authorizations=[AUTH])
    assert ok.billable and ok.units == 1 and ok.rule == H0015
    assert not short.billable and short.units == 0
    assert short.reasons == ("too_few_minutes",)
    assert "179 of the 180" in short.flags[0].message


def test_a_day_outside_the_authorization_is_flagged() -> None:
    before, inside, after = billable_days(
        [
            ServiceDay(1, dt.date(2026, 10, 31), 200, 7, "2.1"),
            day(0),
            ServiceDay(1, dt.date(2026, 12, 1), 200, 7, "2.1"),
        ],
        rules=RULES,
        authorizations=[AUTH],
    )
    assert before.reasons == ("outside_authorization",)
    assert inside.billable
    assert after.reasons == ("outside_authorization",)  # ends_on is the first day not covered


def test_both_reasons_are_given_when_both_apply() -> None:
    (only,) = billable_days([ServiceDay(1, dt.date(2026, 12, 2), 60, 7, "2.1")], rules=RULES, authorizations=[AUTH])
    assert only.reasons == ("too_few_minutes", "outside_authorization")


def test_units_beyond_the_authorization_are_flagged_and_not_counted() -> None:
    days = billable_days([day(n) for n in range(4)], rules=RULES, authorizations=[AUTH])
    assert [d.billable for d in days] == [True, True, True, False]
    assert days[3].reasons == ("authorization_exhausted",)
    assert units_used(days) == {10: 3}


def test_a_payer_without_authorizations_bills_without_one() -> None:
    (only,) = billable_days([day(0, payer=9)], rules=RULES, authorizations=[])
    assert only.billable and only.rule == SELF_PAY


def test_the_authorizations_billing_code_picks_the_rule() -> None:
    s_auth = AuthWindow(11, 1, 7, "S-1", NOV_1, dt.date(2026, 12, 1), 5, billing_code="S9480")
    (only,) = billable_days([day(0)], rules=RULES, authorizations=[s_auth])
    assert only.rule == S9480


def test_rule_choice_prefers_payer_then_level_then_priority() -> None:
    assert choose_rule(RULES, payer_id=7, level_code="2.1") == H0015
    assert choose_rule(RULES, payer_id=9, level_code="2.1") == SELF_PAY
    assert choose_rule(RULES, payer_id=7, level_code="2.5") == PHP
    assert choose_rule(RULES, payer_id=7, level_code="1") is None


def test_a_day_without_a_rule_is_flagged() -> None:
    (only,) = billable_days([day(0, level="1")], rules=RULES, authorizations=[AUTH])
    assert only.reasons == ("no_rule",)


def test_the_signed_note_rule_applies_only_when_switched_on() -> None:
    strict = BillingRule(5, "H0015", "0906", requires_signed_note=True, requires_authorization=False)
    (off,) = billable_days([day(0)], rules=[strict], authorizations=[], note_signed=None)
    assert off.billable
    (on,) = billable_days([day(0)], rules=[strict], authorizations=[], note_signed=lambda p, d: False)
    assert on.reasons == ("no_signed_note",)


# --- Authorization warnings ---------------------------------------------------------------------

TODAY = dt.date(2026, 11, 23)


def facts(**kwargs: object) -> AuthorizationFacts:
    values: dict[str, object] = {
        "starts_on": dt.date(2026, 11, 1),
        "ends_on": dt.date(2026, 12, 31),
        "units_authorized": 20,
        "units_used": 5,
    }
    values.update(kwargs)
    return AuthorizationFacts(**values)  # type: ignore[arg-type]


def kinds(f: AuthorizationFacts, **kwargs: int) -> list[str]:
    return [w.kind.value for w in warnings_for(f, today=TODAY, **kwargs)]


def test_a_healthy_authorization_has_no_warnings() -> None:
    assert kinds(facts()) == []


def test_review_due_within_n_days_edges() -> None:
    assert kinds(facts(review_on=TODAY + dt.timedelta(days=3)), review_warn_days=3) == ["review_due"]
    assert kinds(facts(review_on=TODAY + dt.timedelta(days=4)), review_warn_days=3) == []
    assert kinds(facts(review_on=TODAY), review_warn_days=3) == ["review_due"]
    assert kinds(facts(review_on=TODAY - dt.timedelta(days=1)), review_warn_days=3) == ["review_overdue"]


def test_fewer_than_n_units_left_edges() -> None:
    assert kinds(facts(units_used=17), low_units=3) == []  # 3 left
    assert kinds(facts(units_used=18), low_units=3) == ["low_units"]  # 2 left
    assert kinds(facts(units_used=20), low_units=3) == ["no_units_left"]
    assert kinds(facts(units_used=21), low_units=3) == ["no_units_left"]


def test_expired_on_the_first_day_not_covered() -> None:
    assert kinds(facts(ends_on=TODAY + dt.timedelta(days=1))) == []
    assert kinds(facts(ends_on=TODAY)) == ["expired"]
    assert kinds(facts(ends_on=TODAY, units_used=20, review_on=TODAY - dt.timedelta(days=2))) == ["expired"]


def test_sessions_booked_outside_the_window() -> None:
    windows = [(dt.date(2026, 11, 1), dt.date(2026, 12, 1))]
    booked = [dt.date(2026, 11, 30), dt.date(2026, 12, 1), dt.date(2026, 12, 3), dt.date(2026, 12, 3)]
    outside = days_outside(booked, windows)
    assert outside == (dt.date(2026, 12, 1), dt.date(2026, 12, 3))
    found = warnings_for(facts(booked_outside=outside), today=TODAY)
    assert [w.kind for w in found] == [WarningKind.BOOKED_OUTSIDE]
    assert "2 sessions booked outside" in found[0].message


def test_urgency_orders_expired_before_review_due() -> None:
    expired = warnings_for(facts(ends_on=TODAY), today=TODAY)
    review = warnings_for(facts(review_on=TODAY), today=TODAY)
    healthy = warnings_for(facts(), today=TODAY)
    keys = [urgency_key(expired, TODAY), urgency_key(review, TODAY), urgency_key(healthy, TODAY)]
    assert keys == sorted(keys)
