"""Validating answers and scoring them.

Answers are a list (or tuple) with one entry per item, in the instrument's item order: an ``int`` for
a scale item, a ``bool`` for a yes/no item, ``None`` for an item that was skipped by the form's own skip
logic. A mapping from item field to answer is accepted too (absent fields count as None), which also
catches answers meant for another instrument. Missing answers are never scored as 0: any required item
that is None makes the whole administration unscorable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .errors import MeasureError, Problem, ScoringError
from .model import Answer, Band, Flag, Instrument, Item, ItemKind, ScoreResult
from .registry import get_instrument
from .settings import DEFAULT_SETTINGS, MeasureSettings

#: Values accepted for ``sex`` where an instrument needs it (AUDIT-C).
SEXES = ("male", "female")


def _allowed_text(item: Item) -> str:
    return ", ".join(repr(v) if isinstance(v, bool) else str(v) for v in item.allowed_values)


def _skip_reason(instrument: Instrument, item: Item, controlling: Answer) -> str:
    condition = item.asked_when
    assert condition is not None  # noqa: S101 - only called for conditional items
    parent = instrument.item(condition.field)
    given = "unanswered" if controlling is None else repr(parent.label_for(controlling))
    empty = " or " + ", ".join(str(v) for v in item.empty_values) if item.empty_values else ""
    return f"item {item.number} is skipped because item {parent.number} was {given}; leave it empty (None{empty})"


def _rows(instrument: Instrument, answers: object) -> Sequence[object]:
    """The raw answers in item order; raises ``ScoringError`` for a wrong shape or foreign fields."""
    count = len(instrument.items)
    if isinstance(answers, Mapping):
        unknown = [key for key in answers if key not in instrument.fields]
        if unknown:
            raise ScoringError(
                instrument.code,
                [Problem(None, str(key), f"{key!r} is not an item of {instrument.abbreviation}") for key in unknown],
            )
        return [answers.get(name) for name in instrument.fields]
    if not isinstance(answers, (list, tuple)):
        reason = f"answers must be a list in item order (or a mapping by field), not {type(answers).__name__}"
        raise ScoringError(instrument.code, [Problem(None, None, reason)])
    if len(answers) != count:
        first_bad = min(len(answers), count)
        name = instrument.items[first_bad].field if first_bad < count else None
        reason = (
            f"{instrument.abbreviation} has {count} items, so it needs {count} answers in item order; "
            f"got {len(answers)}"
        )
        raise ScoringError(instrument.code, [Problem(first_bad, name, reason)])
    return answers


def _check(item: Item, value: object) -> tuple[Answer, str | None]:
    """The normalized answer to a required item, or a reason it is not acceptable."""
    # Fast path for the common, valid case (bool cannot be subclassed; exact int excludes bool).
    if item.kind is ItemKind.YES_NO:
        if type(value) is bool:
            return value, None
    elif type(value) is int and value in item.points_by_value:
        return value, None
    if value is None:
        return None, f"item {item.number} is unanswered; a measure with missing items is incomplete"
    if item.kind is ItemKind.YES_NO:
        if not isinstance(value, bool):
            return None, f"item {item.number} is a yes/no item: answer True or False, not {value!r}"
        return value, None
    if isinstance(value, bool) or not isinstance(value, int):
        return None, f"item {item.number} needs a whole number ({_allowed_text(item)}), not {value!r}"
    if not item.is_allowed(value):
        return None, f"item {item.number}: {value} is not an allowed answer (allowed: {_allowed_text(item)})"
    return int(value), None


def validate_answers(instrument: Instrument, answers: object) -> tuple[Answer, ...]:
    """Check answers against the instrument and return them normalized, in item order.

    Raises ``ScoringError`` listing every problem: wrong container or count, unknown fields (mapping),
    missing required answers, wrong types (an int for a yes/no item, a bool for a scale item), values
    that are not options, and answers given for items the skip logic leaves out.
    """
    rows = _rows(instrument, answers)
    problems: list[Problem] = []
    clean: list[Answer] = []
    by_field: dict[str, Answer] = {}
    undecidable: set[str] = set()
    for index, (item, value) in enumerate(zip(instrument.items, rows, strict=True)):
        condition = item.asked_when
        if condition is not None and condition.field in undecidable:
            # The controlling answer was invalid, so whether this item is asked is unknown.
            undecidable.add(item.field)
            clean.append(None)
            continue
        if condition is not None and not condition.holds(by_field[condition.field]):
            agrees = any(type(value) is type(empty) and value == empty for empty in item.empty_values)
            if value is not None and not agrees:
                skipped = _skip_reason(instrument, item, by_field[condition.field])
                problems.append(Problem(index, item.field, skipped))
            by_field[item.field] = None
            clean.append(None)
            continue
        normalized, reason = _check(item, value)
        if reason is not None:
            problems.append(Problem(index, item.field, reason))
            undecidable.add(item.field)
        by_field[item.field] = normalized
        clean.append(normalized)
    if problems:
        raise ScoringError(instrument.code, problems)
    return tuple(clean)


def _check_sex(instrument: Instrument, sex: object) -> None:
    if instrument.requires_sex and sex not in SEXES:
        reason = (
            f"{instrument.abbreviation} uses a different cut-off for men and women: "
            f"give sex as 'male' or 'female', not {sex!r}"
        )
        raise ScoringError(instrument.code, [Problem(None, "sex", reason)])


def score_instrument(
    instrument: Instrument,
    answers: object,
    *,
    sex: str | None = None,
    settings: MeasureSettings | None = None,
) -> ScoreResult:
    """Score answers for ``instrument`` (see ``score``). Raises ``ScoringError`` for bad answers."""
    if settings is not None and not isinstance(settings, MeasureSettings):
        raise MeasureError(f"settings must be a MeasureSettings, not {type(settings).__name__}")
    active = settings or DEFAULT_SETTINGS
    _check_sex(instrument, sex)
    values = validate_answers(instrument, answers)
    points: dict[str, int] = {}
    by_field: dict[str, Answer] = {}
    for item, value in zip(instrument.items, values, strict=True):
        by_field[item.field] = value
        if value is not None:
            points[item.field] = item.points(value)

    total = sum(points.values()) if instrument.total_range is not None else None
    subscales = {sub.code: sum(points[name] for name in sub.fields) for sub in instrument.subscales}

    band: Band | None = None
    bands = instrument.bands_for(active)
    if instrument.band_rule is not None:
        band_code = instrument.band_rule(by_field)
        band = next(b for b in bands if b.code == band_code)
    elif total is not None and bands:
        band = next(b for b in bands if b.contains(total, sex))

    flags: list[Flag] = [f.flag for f in instrument.item_flags if points[f.field] > f.above]
    if band is not None and band.flag is not None:
        flags.append(band.flag)
    for sub in instrument.subscales:
        if sub.concern_flag is not None and sub.is_concern(subscales[sub.code]):
            flags.append(sub.concern_flag)

    threshold = instrument.case_threshold(active)
    case = None if threshold is None or total is None else total >= threshold
    return ScoreResult(
        code=instrument.code,
        version=instrument.version,
        answers=values,
        total=total,
        subscales=subscales,
        band=band,
        flags=tuple(flags),
        case=case,
    )


def score(
    code: str,
    answers: Sequence[Answer] | Mapping[str, Answer],
    *,
    sex: str | None = None,
    settings: MeasureSettings | None = None,
) -> ScoreResult:
    """Score one administration of the instrument ``code``.

    ``answers``: one entry per item in item order (see each instrument module for the exact shape:
    C-SSRS 7 entries with q3-q5 None when q2 is no; BAM 23 entries with 7A-7G flattened), or a mapping
    by item field. ``sex`` (``"male"``/``"female"``) is required for AUDIT-C and ignored elsewhere.
    ``settings`` carries the PCL-5 cut-off (default 33).

    Raises ``UnknownInstrumentError`` for an unknown code and ``ScoringError`` (with the item index,
    field and a plain reason) for incomplete, out-of-range, wrongly typed or foreign answers, or a
    missing/unknown ``sex`` where it is required.
    """
    return score_instrument(get_instrument(code), answers, sex=sex, settings=settings)


def missing_items(instrument: Instrument, answers: Sequence[Answer]) -> list[str]:
    """Fields of the items that were asked (skip logic followed) but have no answer: a result with any is
    incomplete, and is never scored as if they were 0 (DOMAIN.md section 4)."""
    answered: dict[str, Answer] = {}
    missing = []
    for position, item in enumerate(instrument.items):
        answer = answers[position] if position < len(answers) else None
        answered[item.field] = answer
        if answer is None and instrument.is_asked(item, answered):
            missing.append(item.field)
    return missing
