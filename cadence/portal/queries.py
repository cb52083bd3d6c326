"""Reads for the participant portal, always of one participant (the signed-in one)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cadence.measures.display import plain_change, plain_result
from cadence.measures.instruments import INSTRUMENTS, ChangeCategory, classify_change
from cadence.measures.models import CheckIn, MeasureResult
from cadence.measures.queries import due_for_participant, rules_by_program
from cadence.participants.models import Episode, Participant
from cadence.participants.queries import current_episode, today_in

from .wording import short_date

RECENT_RESULTS = 5
RECENT_CHECK_INS = 7


@dataclass(frozen=True)
class DueItem:
    code: str
    name: str
    overdue: bool


@dataclass(frozen=True)
class RecentResult:
    day: str
    name: str
    sentence: str
    change: str


@dataclass(frozen=True)
class CheckInRow:
    day: str
    mood: int
    craving: int
    sleep_hours: str


@dataclass
class PortalHome:
    name: str
    today: dt.date
    episode: Episode | None
    checked_in_today: bool
    due: list[DueItem] = field(default_factory=list)
    recent: list[RecentResult] = field(default_factory=list)
    check_ins: list[CheckInRow] = field(default_factory=list)


def has_checked_in(participant: Participant, now: dt.datetime) -> bool:
    today = today_in(current_episode(participant), now)
    return CheckIn.objects.filter(participant=participant, local_date=today).exists()


def allowed_instruments(participant: Participant, now: dt.datetime) -> set[str]:
    """The instruments of the participant's program schedule (what the portal lets them answer)."""
    episode = current_episode(participant)
    if episode is None:
        return set()
    return {rule.instrument for rule in rules_by_program([episode.program_id])[episode.program_id]}


def _change(row: MeasureResult, baseline: MeasureResult | None, lang: str) -> str:
    if baseline is None or baseline.pk == row.pk or row.total is None or baseline.total is None:
        return ""
    if row.instrument not in ("phq9", "gad7", "phq2", "gad2", "pcl5", "pacs", "audit", "auditc", "dast10"):
        return ""
    category: ChangeCategory = classify_change(row.instrument, baseline.total, row.total).category
    return plain_change(category, lang)


def home_for(participant: Participant, now: dt.datetime, lang: str) -> PortalHome:
    """The participant's home: what is due, today's check-in, recent results in plain words."""
    episode, due = due_for_participant(participant, now)
    today = today_in(episode, now)
    home = PortalHome(
        name=participant.preferred_name or participant.legal_first_name,
        today=today,
        episode=episode,
        checked_in_today=CheckIn.objects.filter(participant=participant, local_date=today).exists(),
        due=[DueItem(d.instrument, INSTRUMENTS[d.instrument].name.get(lang), d.is_overdue) for d in due],
    )
    results = list(MeasureResult.objects.filter(participant=participant).order_by("administered_on", "administered_at"))
    baselines: dict[tuple[str, int | None], MeasureResult] = {}
    for row in results:
        baselines.setdefault((row.instrument, row.episode_id), row)
    for row in reversed(results[-RECENT_RESULTS:]):
        instrument = INSTRUMENTS[row.instrument]
        home.recent.append(
            RecentResult(
                day=short_date(row.administered_on, lang),
                name=f"{instrument.abbreviation} · {instrument.name.get(lang)}",
                sentence=plain_result(instrument, row.total, row.band, lang),
                change=_change(row, baselines.get((row.instrument, row.episode_id)), lang),
            )
        )
    latest = CheckIn.objects.filter(participant=participant).order_by("-local_date")[:RECENT_CHECK_INS]
    home.check_ins = [CheckInRow(short_date(c.local_date, lang), c.mood, c.craving, str(c.sleep_hours)) for c in latest]
    return home
