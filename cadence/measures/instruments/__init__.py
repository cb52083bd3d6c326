"""Pure instrument library for measurement-based care (no Django imports).

Definitions (items in English and Spanish, options, bands, subscales, flags, LOINC codes), scoring and
reliable-change classification for PHQ-9, GAD-7, PHQ-2, GAD-2, C-SSRS screener, BAM, AUDIT, AUDIT-C,
DAST-10, PCL-5 and PACS, exactly as DOMAIN.md §4 says.

    >>> from cadence.measures.instruments import score, classify_change
    >>> score("phq9", [1, 1, 1, 1, 1, 0, 0, 0, 1]).band_code
    'mild'
    >>> classify_change("phq9", 16, 9).category.value
    'reliable_improvement'
"""

from .bam import days_category
from .change import CATEGORY_LABELS, ChangeCategory, ChangeResult, classify_change
from .errors import ChangeError, MeasureError, Problem, ScoringError, UnknownInstrumentError
from .model import (
    Answer,
    Band,
    Condition,
    Flag,
    Instrument,
    Item,
    ItemFlag,
    ItemKind,
    Option,
    ScoreResult,
    Subscale,
    Text,
)
from .registry import INSTRUMENTS, describe, get_instrument
from .scoring import SEXES, missing_items, score, score_instrument, validate_answers
from .settings import (
    DEFAULT_CHANGE_RULES,
    DEFAULT_PCL5_CUTOFF,
    DEFAULT_SETTINGS,
    ChangeRule,
    MeasureSettings,
)

__all__ = [
    "missing_items",
    "CATEGORY_LABELS",
    "DEFAULT_CHANGE_RULES",
    "DEFAULT_PCL5_CUTOFF",
    "DEFAULT_SETTINGS",
    "INSTRUMENTS",
    "SEXES",
    "Answer",
    "Band",
    "ChangeCategory",
    "ChangeError",
    "ChangeResult",
    "ChangeRule",
    "Condition",
    "Flag",
    "Instrument",
    "Item",
    "ItemFlag",
    "ItemKind",
    "MeasureError",
    "MeasureSettings",
    "Option",
    "Problem",
    "ScoreResult",
    "ScoringError",
    "Subscale",
    "Text",
    "UnknownInstrumentError",
    "classify_change",
    "days_category",
    "describe",
    "get_instrument",
    "score",
    "score_instrument",
    "validate_answers",
]
