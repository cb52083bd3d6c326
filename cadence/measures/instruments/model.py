"""Plain data that describes an instrument and the result of scoring it.

Nothing here knows about a database or the web: an ``Instrument`` is an immutable description (items,
answer options, bands, subscales, flags) and ``ScoreResult`` is what ``score`` returns.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, TypeAlias

from .errors import MeasureError
from .settings import MeasureSettings

#: One answer as callers pass it: an int for a scale item, a bool for a yes/no item, None when
#: unanswered or skipped.
Answer: TypeAlias = int | bool | None

#: A value an answer option can take.
OptionValue: TypeAlias = int | bool

LANGUAGES = ("en", "es")


def normalize_language(language: str) -> str:
    """Map a language tag to a supported language: ``"en"``, ``"es"`` (``"es-MX"`` -> ``"es"``).

    Raises ``MeasureError`` for any other language.
    """
    base = language.split("-")[0].split("_")[0].lower() if isinstance(language, str) else ""
    if base not in LANGUAGES:
        raise MeasureError(f"unsupported language {language!r}; supported: {', '.join(LANGUAGES)}")
    return base


@dataclass(frozen=True, slots=True)
class Text:
    """A piece of wording in every supported language."""

    en: str
    es: str

    def get(self, language: str = "en") -> str:
        """The wording in ``language``; raises ``MeasureError`` for an unsupported language."""
        return self.es if normalize_language(language) == "es" else self.en


class ItemKind(StrEnum):
    """How an item is answered: a number from a scale, or yes/no (a bool)."""

    SCALE = "scale"
    YES_NO = "yes_no"


@dataclass(frozen=True, slots=True)
class Option:
    """One answer option: the value a caller passes, its label, and the points it adds to a score."""

    value: OptionValue
    label: Text
    points: int


@dataclass(frozen=True, slots=True)
class Condition:
    """An item is asked only when an earlier item (``field``) was answered with one of ``values``."""

    field: str
    values: tuple[OptionValue, ...]

    def holds(self, answer: Answer) -> bool:
        """True when ``answer`` is one of ``values`` (a bool never matches an int, nor the reverse)."""
        if answer is None:
            return False
        return any(type(answer) is type(value) and answer == value for value in self.values)


@dataclass(frozen=True, slots=True)
class Item:
    """One question.

    ``field`` is a stable, instrument-unique name (``phq9_9``, ``bam_7a``) used for mapping answers and
    for storage; ``number`` is the label printed on the form (``9``, ``7A``). ``asked_when`` makes the
    item conditional; a skipped item must be left empty (None) unless its value is one of
    ``empty_values`` (values that agree with the skip, such as "0 days").

    Raises ``ValueError`` for options that mix bools and ints or repeat a value.
    """

    field: str
    number: str
    text: Text
    options: tuple[Option, ...]
    asked_when: Condition | None = None
    empty_values: tuple[OptionValue, ...] = ()
    kind: ItemKind = dataclasses.field(init=False)
    points_by_value: Mapping[OptionValue, int] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        values = [option.value for option in self.options]
        if not values:
            raise ValueError(f"{self.field}: an item needs answer options")
        if all(isinstance(value, bool) for value in values):
            kind = ItemKind.YES_NO
        elif not any(isinstance(value, bool) for value in values):
            kind = ItemKind.SCALE
        else:
            raise ValueError(f"{self.field}: options mix yes/no and numeric values")
        if len(set(values)) != len(values):
            raise ValueError(f"{self.field}: repeated option values")
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "points_by_value", MappingProxyType({o.value: o.points for o in self.options}))

    @property
    def allowed_values(self) -> tuple[OptionValue, ...]:
        """Every value a caller may pass for this item, in option order."""
        return tuple(option.value for option in self.options)

    def points(self, value: OptionValue) -> int:
        """Points for an allowed value (the value itself for most scales; yes/no items map to 0/1 etc.)."""
        return self.points_by_value[value]

    def is_allowed(self, value: object) -> bool:
        """True when ``value`` has the right type and is one of the allowed values."""
        if self.kind is ItemKind.YES_NO:
            return isinstance(value, bool)
        return isinstance(value, int) and not isinstance(value, bool) and value in self.points_by_value

    def label_for(self, value: OptionValue, language: str = "en") -> str:
        """The option label for ``value``; raises ``KeyError`` for a value that is not an option."""
        for option in self.options:
            if type(option.value) is type(value) and option.value == value:
                return option.label.get(language)
        raise KeyError(value)


@dataclass(frozen=True, slots=True)
class Flag:
    """Something a clinician must see, with a stable ``code`` and a plain message."""

    code: str
    message: Text


@dataclass(frozen=True, slots=True)
class Band:
    """A named range of totals (``low``-``high`` inclusive), or a named risk level without a range.

    ``sex`` limits the band to one sex (AUDIT-C); ``flag`` is raised whenever the band applies.
    """

    code: str
    label: Text
    low: int | None = None
    high: int | None = None
    sex: str | None = None
    flag: Flag | None = None

    def contains(self, total: int, sex: str | None = None) -> bool:
        """True when ``total`` (and ``sex``, for sex-specific bands) falls in this band."""
        if self.sex is not None and self.sex != sex:
            return False
        if self.low is None or self.high is None:
            return False
        return self.low <= total <= self.high


@dataclass(frozen=True, slots=True)
class ItemFlag:
    """Raise ``flag`` when the item ``field`` scores above ``above`` points, whatever the total."""

    field: str
    above: int
    flag: Flag


@dataclass(frozen=True, slots=True)
class Subscale:
    """A sum over some items, with its range, direction and optional concern threshold.

    A subscale is "of concern" at or above ``concern_at_or_above`` or at or below
    ``concern_at_or_below``; ``concern_flag`` is then raised.
    """

    code: str
    label: Text
    fields: tuple[str, ...]
    low: int
    high: int
    higher_is_better: bool = False
    concern_at_or_above: int | None = None
    concern_at_or_below: int | None = None
    concern_flag: Flag | None = None

    def is_concern(self, value: int) -> bool:
        """True when ``value`` crosses the concern threshold."""
        if self.concern_at_or_above is not None and value >= self.concern_at_or_above:
            return True
        return self.concern_at_or_below is not None and value <= self.concern_at_or_below


#: Chooses a band code from the validated answers (by field); used where no total exists (C-SSRS).
BandRule: TypeAlias = Callable[[Mapping[str, Answer]], str]


@dataclass(frozen=True, slots=True)
class Instrument:
    """An instrument definition: wording, options, and how it is scored.

    Answers are passed as a list in ``items`` order (see ``score``). ``total_range`` is None for an
    instrument without a total (C-SSRS, BAM). ``bands`` are checked against the total, except that
    ``band_rule`` (C-SSRS) picks the band from the answers and ``bands_from_settings`` (PCL-5) builds them
    from settings. ``case_at_or_above`` / ``case_from_settings`` give the caseness cut used for recovery.

    Raises ``ValueError`` when the definition refers to fields it does not have.
    """

    code: str
    abbreviation: str
    name: Text
    version: str
    recall_period: Text
    recall_duration: str
    instructions: Text
    items: tuple[Item, ...]
    source: str
    total_range: tuple[int, int] | None = None
    bands: tuple[Band, ...] = ()
    subscales: tuple[Subscale, ...] = ()
    item_flags: tuple[ItemFlag, ...] = ()
    higher_is_better: bool = False
    loinc_total: str | None = None
    loinc_panel: str | None = None
    requires_sex: bool = False
    case_at_or_above: int | None = None
    band_rule: BandRule | None = None
    bands_from_settings: Callable[[MeasureSettings], tuple[Band, ...]] | None = None
    case_from_settings: Callable[[MeasureSettings], int] | None = None
    _index: Mapping[str, int] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, int] = {}
        for position, item in enumerate(self.items):
            if item.field in index:
                raise ValueError(f"{self.code}: repeated field {item.field}")
            condition = item.asked_when
            if condition is not None and condition.field not in index:
                raise ValueError(f"{self.code}: {item.field} depends on {condition.field}, not an earlier item")
            index[item.field] = position
        referenced = [f for s in self.subscales for f in s.fields] + [f.field for f in self.item_flags]
        unknown = [name for name in referenced if name not in index]
        if unknown:
            raise ValueError(f"{self.code}: unknown fields {unknown}")
        object.__setattr__(self, "_index", MappingProxyType(index))

    @property
    def fields(self) -> tuple[str, ...]:
        """Item field names in answer order."""
        return tuple(item.field for item in self.items)

    def index_of(self, field_name: str) -> int:
        """Position of ``field_name`` in the answer list; raises ``KeyError`` for an unknown field."""
        return self._index[field_name]

    def item(self, field_name: str) -> Item:
        """The item called ``field_name``; raises ``KeyError`` for an unknown field."""
        return self.items[self._index[field_name]]

    def is_asked(self, item: Item, answered: Mapping[str, Answer]) -> bool:
        """Whether ``item`` is asked, given the answers so far (by field). Forms use it to show/hide."""
        condition = item.asked_when
        return condition is None or condition.holds(answered.get(condition.field))

    def bands_for(self, settings: MeasureSettings) -> tuple[Band, ...]:
        """The bands in force under ``settings`` (PCL-5 bands move with its cut-off)."""
        if self.bands_from_settings is not None:
            return self.bands_from_settings(settings)
        return self.bands

    def case_threshold(self, settings: MeasureSettings) -> int | None:
        """Total at or above which a person is a "case", or None when the instrument has no such cut."""
        if self.case_from_settings is not None:
            return self.case_from_settings(settings)
        return self.case_at_or_above

    def subscale(self, code: str) -> Subscale:
        """The subscale called ``code``; raises ``KeyError`` when there is none."""
        for subscale in self.subscales:
            if subscale.code == code:
                return subscale
        raise KeyError(code)


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """The outcome of scoring one administration.

    ``total`` is None for instruments without a total (C-SSRS, BAM). ``subscales`` maps subscale code
    to score (BAM ``use``/``risk``/``protective``; PCL-5 clusters ``b``-``e``). ``band`` is the
    severity band, zone, screen result or, for the C-SSRS, the risk level (``none``, ``low``,
    ``moderate``, ``high``). ``case`` is the caseness verdict where the instrument has a cut, else None.
    ``answers`` are the validated answers in item order (skipped items None).
    """

    code: str
    version: str
    answers: tuple[Answer, ...]
    total: int | None
    subscales: dict[str, int]
    band: Band | None
    flags: tuple[Flag, ...]
    case: bool | None

    @property
    def band_code(self) -> str | None:
        """The band's code, or None when the instrument has no bands."""
        return self.band.code if self.band is not None else None

    def band_label(self, language: str = "en") -> str | None:
        """The band's label in ``language``, or None when the instrument has no bands."""
        return self.band.label.get(language) if self.band is not None else None

    @property
    def risk_level(self) -> str | None:
        """C-SSRS risk level (``none``/``low``/``moderate``/``high``); None for other instruments."""
        return self.band_code if self.code == "cssrs" else None

    @property
    def flag_codes(self) -> tuple[str, ...]:
        """Codes of the raised flags, in the order they were raised."""
        return tuple(flag.code for flag in self.flags)

    def has_flag(self, code: str) -> bool:
        """True when the flag ``code`` was raised."""
        return any(flag.code == code for flag in self.flags)

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        """A JSON-friendly view, with band label and flag messages in ``language``."""
        return {
            "code": self.code,
            "version": self.version,
            "answers": list(self.answers),
            "total": self.total,
            "subscales": dict(self.subscales),
            "band": None if self.band is None else {"code": self.band.code, "label": self.band.label.get(language)},
            "flags": [{"code": f.code, "message": f.message.get(language)} for f in self.flags],
            "case": self.case,
        }
