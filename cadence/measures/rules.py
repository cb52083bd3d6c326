"""Pure rules for recording measures, check-ins and drug screens (no database access).

Every refusal is a ``MeasurementError(field, reason)``; one that concerns several fields at once (the
answers of a measure) lists them all in ``problems`` so a form or the API can show each one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from cadence.core.errors import DomainError

from .instruments import Instrument, ScoringError

MAX_AGE_YEARS = 120
MOOD_RANGE = (0, 10)
CRAVING_RANGE = (0, 10)
SLEEP_RANGE = (Decimal("0"), Decimal("24"))
NOTE_MAX = 1000
USED_WHAT_MAX = 200


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    reason: str


class MeasurementError(DomainError):
    """A broken rule: the first problem's ``field`` and ``reason`` (what ``DomainError`` carries, so the API
    answers 400 even where no view lists them all), and every problem in ``problems``."""

    def __init__(self, field: str, reason: str, *, problems: Sequence[FieldProblem] = ()) -> None:
        super().__init__(field, reason)
        self.problems: tuple[FieldProblem, ...] = tuple(problems) or (FieldProblem(field, reason),)

    @classmethod
    def many(cls, problems: Sequence[FieldProblem]) -> MeasurementError:
        first = problems[0]
        return cls(first.field, first.reason, problems=problems)

    def as_detail(self) -> list[dict[str, str]]:
        """The API's error items: ``[{"field": ..., "reason": ...}]``."""
        return [{"field": p.field, "reason": p.reason} for p in self.problems]


def answer_field(index: int) -> str:
    """The name of one answer in API errors and in form error mapping: ``answers[3]``."""
    return f"answers[{index}]"


def scoring_refusal(instrument: Instrument, answers: object, err: ScoringError) -> MeasurementError:
    """A ``ScoringError`` from the instrument library as a ``MeasurementError`` naming ``answers[i]``,
    ``answers`` (wrong shape or count) or ``sex``."""
    count = len(instrument.items)
    if isinstance(answers, (list, tuple)) and len(answers) != count:
        reason = (
            f"{instrument.abbreviation} has {count} items, so it needs {count} answers in item order; "
            f"got {len(answers)}. Are these answers for another instrument?"
        )
        return MeasurementError("answers", reason)
    problems = []
    for problem in err.problems:
        if problem.field == "sex":
            field = "sex"
        elif problem.index is not None:
            field = answer_field(problem.index)
        else:
            field = "answers"
        problems.append(FieldProblem(field, problem.reason))
    return MeasurementError.many(problems)


def check_day(field: str, day: dt.date, *, today: dt.date, born: dt.date, what: str) -> None:
    """``day`` must not be in the future (in the site's time zone) nor before the participant was born."""
    if day > today:
        raise MeasurementError(field, f"{what} cannot be in the future (today is {today.isoformat()}).")
    if day < born:
        raise MeasurementError(field, f"{what} cannot be before the participant's date of birth.")
    if today.year - day.year > MAX_AGE_YEARS:
        raise MeasurementError(field, f"{what} is more than {MAX_AGE_YEARS} years ago.")


@dataclass(frozen=True, slots=True)
class CheckInValues:
    """A daily check-in: mood and craving 0-10, hours of sleep 0-24 (one decimal), use since the last
    check-in (and what), and a free note."""

    mood: int
    craving: int
    sleep_hours: Decimal
    used: bool
    used_what: str = ""
    note: str = ""


def _whole(field: str, value: object, low: int, high: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise MeasurementError(field, f"{what} must be a whole number from {low} to {high}.")
    if not low <= value <= high:
        raise MeasurementError(field, f"{what} must be from {low} to {high}, not {value}.")
    return value


def check_check_in(values: CheckInValues) -> CheckInValues:
    """The values, normalized (sleep to one decimal, text trimmed); raises ``MeasurementError``."""
    _whole("mood", values.mood, *MOOD_RANGE, "Mood")
    _whole("craving", values.craving, *CRAVING_RANGE, "Craving")
    try:
        sleep = Decimal(str(values.sleep_hours))
    except (InvalidOperation, ValueError):
        raise MeasurementError("sleep_hours", "Hours of sleep must be a number from 0 to 24.") from None
    if not sleep.is_finite() or not SLEEP_RANGE[0] <= sleep <= SLEEP_RANGE[1]:
        raise MeasurementError("sleep_hours", "Hours of sleep must be from 0 to 24.")
    if sleep != sleep.quantize(Decimal("0.1")):
        raise MeasurementError("sleep_hours", "Give hours of sleep with at most one decimal (for example 6.5).")
    if not isinstance(values.used, bool):
        raise MeasurementError("used", "Answer yes or no.")
    used_what = values.used_what.strip()
    if not values.used and used_what:
        raise MeasurementError("used_what", "Only say what was used when the answer to 'used' is yes.")
    if len(used_what) > USED_WHAT_MAX:
        raise MeasurementError("used_what", f"Keep it under {USED_WHAT_MAX} characters.")
    note = values.note.strip()
    if len(note) > NOTE_MAX:
        raise MeasurementError("note", f"Keep the note under {NOTE_MAX} characters.")
    return CheckInValues(
        mood=values.mood,
        craving=values.craving,
        sleep_hours=sleep.quantize(Decimal("0.1")),
        used=values.used,
        used_what=used_what,
        note=note,
    )


@dataclass(frozen=True, slots=True)
class PanelEntry:
    """One substance of a drug screen: ``substance`` code, ``result`` (positive/negative/invalid) and
    whether a positive is expected because it is prescribed (e.g. buprenorphine)."""

    substance: str
    result: str
    expected: bool = False


def check_panels(panels: Sequence[PanelEntry], *, substances: Sequence[str], results: Sequence[str]) -> None:
    """At least one panel, each substance known and listed once, each result known."""
    if not panels:
        raise MeasurementError("panels", "Enter the result of at least one substance.")
    seen: set[str] = set()
    for i, panel in enumerate(panels):
        if panel.substance not in substances:
            raise MeasurementError(f"panels[{i}].substance", f"Unknown substance {panel.substance!r}.")
        if panel.substance in seen:
            raise MeasurementError(f"panels[{i}].substance", f"{panel.substance} is listed twice.")
        seen.add(panel.substance)
        if panel.result not in results:
            raise MeasurementError(
                f"panels[{i}].result", f"The result must be one of {', '.join(results)}, not {panel.result!r}."
            )
