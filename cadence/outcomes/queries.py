"""Reads of program outcomes shared by the pages, the API, the home card and the bench.

A report reads in a fixed number of queries whatever the number of episodes: the episodes of the period
(one query, record numbers joined in), then their participants' results of the measures wanted (one query
for the totals, one more for BAM's subscales when asked for), grouped in Python and handed to the pure
rules (``rules.episode_outcome`` and ``rules.summarize``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from cadence.accounts.models import User
from cadence.accounts.scope import out_of_scope, visible_programs
from cadence.measures.conf import measure_settings
from cadence.measures.instruments import MeasureSettings
from cadence.measures.models import MeasureResult
from cadence.participants.models import Episode, EpisodeStatus
from cadence.programs.models import Program

from .conf import baseline_days_before
from .rules import (
    Administration,
    EpisodeFacts,
    EpisodeOutcome,
    Mode,
    Period,
    ProgramSummary,
    episode_outcome,
    measure_keys,
    summarize,
)


@dataclass(frozen=True)
class OutcomeReport:
    """The outcomes of a period in some programs: one ``EpisodeOutcome`` per episode, and their summary."""

    programs: list[Program]
    period: Period
    outcomes: list[EpisodeOutcome]
    summary: ProgramSummary
    days_before: int

    @property
    def participant_count(self) -> int:
        return len({o.facts.participant_id for o in self.outcomes})


def get_program_for(user: User, pk: int) -> Program:
    """The program if the user may see it, else an audited 404."""
    program = visible_programs(user).select_related("site").filter(pk=pk).first()
    if program is None:
        raise out_of_scope(user, "programs.program", pk)
    return program


def programs_for(user: User) -> list[Program]:
    return list(visible_programs(user).select_related("site").order_by("site__name", "name"))


def period_episodes(programs: Iterable[Program | int], period: Period) -> QuerySet[Episode]:
    """Admitted episodes of ``programs`` that the period holds (see ``Mode``)."""
    ids = [p if isinstance(p, int) else p.pk for p in programs]
    rows = Episode.objects.filter(program_id__in=ids, admitted_on__isnull=False)
    if period.mode is Mode.ACTIVE:
        return rows.filter(
            status__in=(EpisodeStatus.ACTIVE, EpisodeStatus.DISCHARGED),
            admitted_on__lte=period.ends_on,
        ).filter(Q(discharged_on__isnull=True) | Q(discharged_on__gte=period.starts_on))
    return rows.filter(
        status=EpisodeStatus.DISCHARGED, discharged_on__gte=period.starts_on, discharged_on__lte=period.ends_on
    )


def _value(key: str, total: int | None, subscales: dict[str, int] | None) -> int | None:
    _code, _, sub = key.partition(".")
    if not sub:
        return total
    found = (subscales or {}).get(sub)
    return found if isinstance(found, int) and not isinstance(found, bool) else None


def load_administrations(
    participant_ids: QuerySet[Episode] | Sequence[int], *, keys: Sequence[str], since: dt.date, until: dt.date
) -> dict[int, dict[str, list[Administration]]]:
    """participant id -> measure key -> results (oldest first) answered from ``since`` to ``until``.

    ``participant_ids`` is a list or an ``Episode`` queryset (used as a subquery on its participants). One
    query for the instruments with totals, one more when a subscale key (``bam.use``...) is asked for.
    """
    codes_with_total = sorted({k for k in keys if "." not in k})
    codes_with_subscales = sorted({k.partition(".")[0] for k in keys if "." in k})
    who = participant_ids.values("participant_id") if isinstance(participant_ids, QuerySet) else participant_ids
    base = MeasureResult.objects.filter(participant_id__in=who, administered_on__gte=since, administered_on__lte=until)
    found: dict[int, dict[str, list[Administration]]] = defaultdict(lambda: defaultdict(list))
    if codes_with_total:
        # Incomplete results are never used (the rules skip them too); leaving them here saves the fetch.
        rows = base.filter(instrument__in=codes_with_total, total__isnull=False).values_list(
            "participant_id", "episode_id", "instrument", "total", "administered_on", "id"
        )
        for participant_id, episode_id, code, total, day, pk in rows.order_by():
            found[participant_id][code].append(Administration(day, total, episode_id, pk, pk))
    if codes_with_subscales:
        rows_sub = base.filter(instrument__in=codes_with_subscales).values_list(
            "participant_id", "episode_id", "instrument", "subscales", "administered_on", "id"
        )
        for participant_id, episode_id, code, subscales, day, pk in rows_sub.order_by():
            for key in keys:
                if key.startswith(f"{code}."):
                    value = _value(key, None, subscales)
                    found[participant_id][key].append(Administration(day, value, episode_id, pk, pk))
    return found


@dataclass(frozen=True, slots=True)
class _EpisodeRow:
    facts: EpisodeFacts
    ends_on: dt.date


def outcome_report(
    *,
    programs: Sequence[Program],
    period: Period,
    keys: Sequence[str] | None = None,
    days_before: int | None = None,
    settings: MeasureSettings | None = None,
) -> OutcomeReport:
    """The outcomes of every episode the period holds in ``programs``, and their summary (2-3 queries).

    A post may be answered up to the discharge day, or up to the end of the period for an episode still
    open then (or discharged after it; such an episode counts as not yet discharged).
    """
    days_before = baseline_days_before() if days_before is None else days_before
    settings = settings or measure_settings()
    wanted = tuple(keys) if keys is not None else measure_keys(settings)
    episodes = period_episodes(programs, period)
    rows: list[_EpisodeRow] = []
    participant_of: dict[int, int] = {}
    for pk, participant_id, record_number, admitted_on, discharged_on, reason in episodes.values_list(
        "pk", "participant_id", "participant__record_number", "admitted_on", "discharged_on", "discharge_reason"
    ).order_by("participant__record_number", "admitted_on", "pk"):
        if admitted_on is None:  # excluded by the filter; keeps the types honest
            continue
        ended = discharged_on if discharged_on is not None and discharged_on <= period.ends_on else None
        facts = EpisodeFacts(pk, record_number, admitted_on, ended, reason if ended else None, participant_id)
        rows.append(_EpisodeRow(facts, ended or period.ends_on))
        participant_of[pk] = participant_id
    outcomes: list[EpisodeOutcome] = []
    if rows:
        since = min(r.facts.admitted_on for r in rows) - dt.timedelta(days=days_before)
        until = max(r.ends_on for r in rows)
        results = load_administrations(episodes, keys=wanted, since=since, until=until)
        for row in rows:
            outcomes.append(
                episode_outcome(
                    row.facts,
                    results.get(participant_of[row.facts.episode_id], {}),
                    ends_on=row.ends_on,
                    days_before=days_before,
                    settings=settings,
                    keys=wanted,
                )
            )
    return OutcomeReport(list(programs), period, outcomes, summarize(outcomes), days_before)


def episode_outcomes(episode: Episode, *, today: dt.date, days_before: int | None = None) -> EpisodeOutcome:
    """One episode's outcome on every supported measure (one query for its participant's results)."""
    days_before = baseline_days_before() if days_before is None else days_before
    settings = measure_settings()
    keys = measure_keys(settings)
    if episode.admitted_on is None:
        facts = EpisodeFacts(episode.pk, episode.participant.record_number, today, None, None, episode.participant_id)
        return EpisodeOutcome(facts, {})
    ends_on = episode.discharged_on or today
    facts = EpisodeFacts(
        episode.pk,
        episode.participant.record_number,
        episode.admitted_on,
        episode.discharged_on,
        episode.discharge_reason,
        episode.participant_id,
    )
    since = episode.admitted_on - dt.timedelta(days=days_before)
    results = load_administrations([episode.participant_id], keys=keys, since=since, until=ends_on)
    return episode_outcome(
        facts,
        results.get(episode.participant_id, {}),
        ends_on=ends_on,
        days_before=days_before,
        settings=settings,
        keys=keys,
    )
