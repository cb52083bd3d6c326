"""Data tables behind the trend charts (their accessible text alternative), built as escaped HTML by a pure
function: two years of daily check-ins are hundreds of rows, which Python joins far faster than a template
loop. Every text is escaped; a ``Link`` cell becomes an anchor, a ``Badge`` cell a labelled span."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True, slots=True)
class Badge:
    text: str
    css: str = ""


Cell = str | int | Link | Badge | Sequence[Badge]
NUMERIC = ' class="num"'


def _cell(value: Cell) -> str:
    if isinstance(value, Link):
        return f'<a href="{escape(value.href)}">{escape(value.text)}</a>'
    if isinstance(value, Badge):
        return f'<span class="badge {escape(value.css)}">{escape(value.text)}</span>'
    if isinstance(value, (str, int)):
        return escape(str(value))
    return " ".join(_cell(badge) for badge in value)


def data_table(
    *, caption: str, columns: Sequence[str], rows: Iterable[Sequence[Cell]], numeric: frozenset[int] = frozenset()
) -> str:
    """An HTML table with a (visually hidden) caption, column headers, and one row per item of ``rows``.
    Columns whose index is in ``numeric`` are right-aligned."""

    def css(i: int) -> str:
        return NUMERIC if i in numeric else ""

    head = "".join(f'<th scope="col"{css(i)}>{escape(name)}</th>' for i, name in enumerate(columns))
    body = "".join(
        "<tr>" + "".join(f"<td{css(i)}>{_cell(v)}</td>" for i, v in enumerate(row)) + "</tr>" for row in rows
    )
    return (
        f'<div class="table-wrap"><table class="compact"><caption class="visually-hidden">{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )
