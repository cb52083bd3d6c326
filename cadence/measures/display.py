"""How results are shown: band labels, the measures a trend plots for each instrument (totals, BAM
subscales, C-SSRS risk levels), and results in plain words for participants. Pure (no database)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .instruments import (
    DEFAULT_SETTINGS,
    Band,
    ChangeCategory,
    Instrument,
    MeasureSettings,
    Text,
)

#: C-SSRS risk levels plotted as an ordinal scale 0-3.
CSSRS_LEVELS = ("none", "low", "moderate", "high")


def band_label(instrument: Instrument, code: str, language: str = "en") -> str:
    """The label of the band ``code`` of ``instrument`` in ``language`` (the code itself if unknown)."""
    for band in instrument.bands_for(DEFAULT_SETTINGS):
        if band.code == code:
            return band.label.get(language)
    return code


@dataclass(frozen=True, slots=True)
class Shade:
    """A range of scores ``low`` to ``high`` (inclusive) shaded on a chart, with a tone from 0 (best) to
    4 (worst)."""

    low: float
    high: float
    label: str
    tone: int


@dataclass(frozen=True, slots=True)
class MeasureKey:
    """One line a trend plots for an instrument: its total, a subscale (``bam.use``) or the C-SSRS level."""

    key: str
    label: str
    low: int
    high: int
    higher_is_better: bool
    shades: tuple[Shade, ...]
    classify: bool  # reliable change can be computed for it

    def value(self, total: int | None, subscales: Mapping[str, int], band: str) -> int | None:
        """The plotted value of one result."""
        if self.key == "cssrs":
            return CSSRS_LEVELS.index(band) if band in CSSRS_LEVELS else None
        code, _, sub = self.key.partition(".")
        if sub:
            value = subscales.get(sub)
            return value if isinstance(value, int) else None
        return total


def _tones(count: int) -> list[int]:
    if count <= 1:
        return [0] * count
    return [round(i * 4 / (count - 1)) for i in range(count)]


def _band_shades(bands: tuple[Band, ...], sex: str | None, higher_is_better: bool) -> tuple[Shade, ...]:
    usable = [b for b in bands if b.low is not None and b.high is not None and (b.sex is None or b.sex == sex)]
    usable.sort(key=lambda b: b.low or 0)
    tones = _tones(len(usable))
    if higher_is_better:
        tones.reverse()
    return tuple(Shade(b.low or 0, b.high or 0, b.label.en, tone) for b, tone in zip(usable, tones, strict=True))


def measure_keys(
    instrument: Instrument, *, sex: str | None = None, settings: MeasureSettings | None = None
) -> list[MeasureKey]:
    """The lines to plot for ``instrument``; ``sex`` picks AUDIT-C's bands for shading."""
    active = settings or DEFAULT_SETTINGS
    if instrument.code == "cssrs":
        shades = tuple(
            Shade(i, i, band_label(instrument, level), (0, 2, 3, 4)[i]) for i, level in enumerate(CSSRS_LEVELS)
        )
        return [MeasureKey("cssrs", "C-SSRS risk level", 0, 3, False, shades, classify=False)]
    keys: list[MeasureKey] = []
    if instrument.total_range is not None:
        low, high = instrument.total_range
        shades = _band_shades(instrument.bands_for(active), sex, instrument.higher_is_better)
        has_rule = active.change_rule(instrument.code) is not None
        keys.append(
            MeasureKey(
                instrument.code,
                f"{instrument.abbreviation} total",
                low,
                high,
                instrument.higher_is_better,
                shades,
                has_rule,
            )
        )
    if instrument.code == "bam":
        for sub in instrument.subscales:
            if sub.concern_at_or_above is not None:
                shades = (
                    Shade(sub.low, sub.concern_at_or_above - 1, "No concern", 0),
                    Shade(sub.concern_at_or_above, sub.high, "Concern", 4),
                )
            elif sub.concern_at_or_below is not None:
                shades = (
                    Shade(sub.low, sub.concern_at_or_below, "Concern", 4),
                    Shade(sub.concern_at_or_below + 1, sub.high, "No concern", 0),
                )
            else:
                shades = ()
            key = f"bam.{sub.code}"
            keys.append(
                MeasureKey(
                    key,
                    f"BAM {sub.label.en.lower()}",
                    sub.low,
                    sub.high,
                    sub.higher_is_better,
                    shades,
                    active.change_rule(key) is not None,
                )
            )
    return keys


# --- Plain words for participants ------------------------------------------------------------------

_THANKS_REVIEW = Text(
    "Thank you for answering. Your care team reviews these answers with you.",
    "Gracias por responder. Su equipo de atención revisa estas respuestas con usted.",
)
_SCORE = Text("Your score was {total} out of {high}", "Su puntaje fue {total} de {high}")
_HIGHER_WORSE = Text("(a higher score means more difficulty)", "(un puntaje más alto indica más dificultad)")
_CHANGE_WORDS = {
    ChangeCategory.RELIABLE_IMPROVEMENT: Text(
        "That is a clear improvement since you started.", "Es una mejoría clara desde que empezó."
    ),
    ChangeCategory.NO_RELIABLE_CHANGE: Text(
        "That is about the same as when you started.", "Es más o menos igual que cuando empezó."
    ),
    ChangeCategory.RELIABLE_DETERIORATION: Text(
        "That is higher than when you started; talk with your clinician about it.",
        "Es más alto que cuando empezó; hable de esto con su clínico.",
    ),
}


def plain_result(instrument: Instrument, total: int | None, band: str, language: str = "en") -> str:
    """One sentence a participant understands about one of their results. C-SSRS and BAM results are
    not scored for the participant: their care team goes over them."""
    if instrument.code in ("cssrs", "bam") or total is None or instrument.total_range is None:
        return _THANKS_REVIEW.get(language)
    sentence = _SCORE.get(language).format(total=total, high=instrument.total_range[1])
    if band:
        sentence += f": {band_label(instrument, band, language).lower()}."
    else:
        sentence += f" {_HIGHER_WORSE.get(language)}."
    return sentence


def plain_change(category: ChangeCategory, language: str = "en") -> str:
    return _CHANGE_WORDS[category].get(language)
