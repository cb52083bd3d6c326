"""The registry of instruments and a JSON-friendly description of each for the API."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from .alcohol_drugs import AUDIT, AUDITC, DAST10
from .bam import BAM
from .cssrs import CSSRS
from .errors import MeasureError, UnknownInstrumentError
from .model import Instrument, Item, normalize_language
from .mood import GAD2, GAD7, PHQ2, PHQ9
from .settings import DEFAULT_SETTINGS, MeasureSettings
from .trauma_craving import PACS, PCL5

#: Every instrument by code, in the order an API should list them.
INSTRUMENTS: Mapping[str, Instrument] = MappingProxyType(
    {i.code: i for i in (PHQ9, GAD7, PHQ2, GAD2, CSSRS, BAM, AUDIT, AUDITC, DAST10, PCL5, PACS)}
)


def get_instrument(code: str) -> Instrument:
    """The instrument registered under ``code`` (for example ``"phq9"``).

    Raises ``UnknownInstrumentError`` for any other code (including non-strings).
    """
    instrument = INSTRUMENTS.get(code) if isinstance(code, str) else None
    if instrument is None:
        raise UnknownInstrumentError(code, tuple(INSTRUMENTS))
    return instrument


def _describe_item(instrument: Instrument, index: int, item: Item, language: str) -> dict[str, Any]:
    condition = item.asked_when
    asked_when = None
    if condition is not None:
        asked_when = {"field": condition.field, "values": list(condition.values)}
    return {
        "index": index,
        "field": item.field,
        "number": item.number,
        "text": item.text.get(language),
        "kind": item.kind.value,
        "options": [{"value": o.value, "label": o.label.get(language), "points": o.points} for o in item.options],
        "asked_when": asked_when,
        "empty_values": list(item.empty_values),
    }


def describe(
    instrument: Instrument | str, language: str = "en", *, settings: MeasureSettings | None = None
) -> dict[str, Any]:
    """Items, options, bands, subscales and flags of an instrument as JSON-ready data in ``language``.

    ``instrument`` may be an ``Instrument`` or its code. ``settings`` only matters for the PCL-5, whose
    bands follow the configured cut-off. Raises ``UnknownInstrumentError`` for an unknown code and
    ``MeasureError`` for an unsupported language.
    """
    chosen = get_instrument(instrument) if isinstance(instrument, str) else instrument
    if not isinstance(chosen, Instrument):
        raise MeasureError(f"expected an Instrument or a code, not {type(instrument).__name__}")
    lang = normalize_language(language)
    active = settings or DEFAULT_SETTINGS
    flags: list[dict[str, Any]] = []
    for item_flag in chosen.item_flags:
        flags.append(
            {
                "code": item_flag.flag.code,
                "message": item_flag.flag.message.get(lang),
                "when": {"field": item_flag.field, "above": item_flag.above},
            }
        )
    bands = chosen.bands_for(active)
    for band in bands:
        if band.flag is not None and all(f["code"] != band.flag.code for f in flags):
            flags.append({"code": band.flag.code, "message": band.flag.message.get(lang), "when": {"band": band.code}})
    for sub in chosen.subscales:
        if sub.concern_flag is not None:
            flags.append(
                {
                    "code": sub.concern_flag.code,
                    "message": sub.concern_flag.message.get(lang),
                    "when": {"subscale": sub.code},
                }
            )
    total = None if chosen.total_range is None else {"min": chosen.total_range[0], "max": chosen.total_range[1]}
    case_at = chosen.case_threshold(active)
    return {
        "code": chosen.code,
        "abbreviation": chosen.abbreviation,
        "name": chosen.name.get(lang),
        "version": chosen.version,
        "language": lang,
        "recall_period": chosen.recall_period.get(lang),
        "recall_duration": chosen.recall_duration,
        "instructions": chosen.instructions.get(lang),
        "source": chosen.source,
        "loinc": {"total": chosen.loinc_total, "panel": chosen.loinc_panel},
        "answer_count": len(chosen.items),
        "requires_sex": chosen.requires_sex,
        "total": total,
        "higher_is_better": chosen.higher_is_better,
        "items": [_describe_item(chosen, i, item, lang) for i, item in enumerate(chosen.items)],
        "bands": [
            {"code": b.code, "label": b.label.get(lang), "min": b.low, "max": b.high, "sex": b.sex} for b in bands
        ],
        "subscales": [
            {
                "code": s.code,
                "label": s.label.get(lang),
                "fields": list(s.fields),
                "min": s.low,
                "max": s.high,
                "higher_is_better": s.higher_is_better,
                "concern_at_or_above": s.concern_at_or_above,
                "concern_at_or_below": s.concern_at_or_below,
            }
            for s in chosen.subscales
        ],
        "flags": flags,
        "caseness": None if case_at is None else {"at_or_above": case_at},
    }
