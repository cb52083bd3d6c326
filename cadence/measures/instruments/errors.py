"""Errors raised by the instrument library.

Every error is a ``MeasureError`` (a ``ValueError``), so a caller that only wants to say "these answers
cannot be scored" can catch one class; the subclasses say why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class MeasureError(ValueError):
    """Base class for every error raised by ``cadence.measures.instruments``."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a set of answers.

    ``index`` is the 0-based position in the answer list and ``field`` the item's stable field name;
    both are None for a problem that is not about one item (for example the wrong number of answers).
    """

    index: int | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.field} (index {self.index})" if self.field is not None else "answers"
        return f"{where}: {self.reason}"


class ScoringError(MeasureError):
    """Answers that cannot be scored: incomplete, out of range, wrong type, or not for this instrument.

    ``problems`` lists every problem found (a form can show them all); ``index``, ``field`` and
    ``reason`` repeat the first one for callers that only need one message.
    """

    def __init__(self, code: str, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("ScoringError needs at least one problem")
        self.code = code
        self.problems: tuple[Problem, ...] = tuple(problems)
        first = self.problems[0]
        self.index: int | None = first.index
        self.field: str | None = first.field
        self.reason: str = first.reason
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(f"{code}: {first}{more}")


class UnknownInstrumentError(MeasureError, LookupError):
    """No instrument is registered under the given code."""

    def __init__(self, code: object, known: Sequence[str]) -> None:
        self.code = code
        super().__init__(f"unknown instrument {code!r}; known codes: {', '.join(known)}")


class ChangeError(MeasureError):
    """Two scores cannot be compared (no score to compare, out of range, mismatched instrument)."""
