"""Helpers for building answer options, shared by the instrument definitions."""

from __future__ import annotations

from .model import Option, Text

YES = Text("Yes", "Sí")
NO = Text("No", "No")


def scale(*labels: tuple[str, str], values: tuple[int, ...] | None = None) -> tuple[Option, ...]:
    """Options scored by their own value: 0, 1, 2... by default, or the given ``values`` (AUDIT 9-10).

    Each label is an ``(english, spanish)`` pair. Raises ``ValueError`` when the counts differ.
    """
    chosen = values if values is not None else tuple(range(len(labels)))
    if len(chosen) != len(labels):
        raise ValueError("one value per label")
    return tuple(Option(value, Text(en, es), value) for value, (en, es) in zip(chosen, labels, strict=True))


def yes_no(*, yes_points: int = 1, no_points: int = 0) -> tuple[Option, ...]:
    """Yes/no options answered with ``True``/``False``; points default to yes = 1, no = 0."""
    return (Option(True, YES, yes_points), Option(False, NO, no_points))
