"""Helpers shared by the scoring and change tests (no tests here).

``answers_for_total`` builds a valid answer list that adds up to an exact total, so band tests can sit
on both sides of every cut without hand-writing answer lists.
"""

from __future__ import annotations

from functools import cache

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from cadence.measures.instruments import Answer, Instrument, get_instrument

#: Hypothesis settings for this suite: no example database on disk, no deadline (2 shared cores).
PROPERTY = settings(database=None, deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])


def answers_for_total(code: str, total: int) -> list[Answer]:
    """A valid answer list for an instrument without conditional items whose points sum to ``total``.

    Raises ``ValueError`` when no combination reaches ``total``.
    """
    instrument = get_instrument(code)
    items = instrument.items

    @cache
    def reach(index: int, remaining: int) -> tuple[Answer, ...] | None:
        if index == len(items):
            return () if remaining == 0 else None
        # Prefer big values first so the search finishes quickly.
        for option in sorted(items[index].options, key=lambda o: -o.points):
            if option.points <= remaining:
                rest = reach(index + 1, remaining - option.points)
                if rest is not None:
                    return (option.value, *rest)
        return None

    found = reach(0, total)
    if found is None:
        raise ValueError(f"{code}: no answers add up to {total}")
    return list(found)


def valid_answers(instrument: Instrument) -> st.SearchStrategy[list[Answer]]:
    """Any answer list the instrument accepts, following its skip logic."""

    @st.composite
    def build(draw: st.DrawFn) -> list[Answer]:
        answered: dict[str, Answer] = {}
        values: list[Answer] = []
        for item in instrument.items:
            value: Answer = None
            if instrument.is_asked(item, answered):
                value = draw(st.sampled_from(item.allowed_values))
            answered[item.field] = value
            values.append(value)
        return values

    return build()


def bam_answers(**by_number: Answer) -> list[Answer]:
    """BAM answers, all 0 / "no" (item 6 = 0, so 7A-7G None) unless given as ``n4=2``, ``n7c=1``, ``n14=True``."""
    instrument = get_instrument("bam")
    values: list[Answer] = []
    for item in instrument.items:
        key = "n" + item.number.lower()
        if key in by_number:
            values.append(by_number.pop(key))
        elif item.asked_when is not None:
            values.append(None)
        elif item.field == "bam_14":
            values.append(False)
        else:
            values.append(0)
    if by_number:
        raise ValueError(f"unknown BAM items {sorted(by_number)}")
    return values
