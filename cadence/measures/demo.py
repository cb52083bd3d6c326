"""Synthetic measurement-based-care data for the demo (``manage.py seed_measures``).

For every admitted episode of the demo: weekly PHQ-9 and GAD-7 since admission (improving, flat or
worsening), BAM every 30 days, C-SSRS at admission, daily check-ins for about half the participants over
the last four weeks, weekly drug screens for most (buprenorphine prescribed, so expected, for some), and
the alerts those data raise under the same pure rules the actions use (older ones closed with an outcome).
Scores come from the instrument library. Deterministic for the same seed and day. One audit entry.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction

from cadence.accounts.models import Role, User
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Episode, EpisodeStatus

from . import alert_rules
from .alert_rules import AlertSpec
from .instruments import INSTRUMENTS, Answer, ScoreResult, classify_change, score
from .models import Alert, AlertStatus, CheckIn, DrugScreen, DrugScreenPanel, MeasureResult, Source

DEMO_PORTAL_USERNAME = "participant"
MAX_WEEKS = 26
CHECK_IN_DAYS = 28
ALERT_OPEN_DAYS = 10
SCREENED = ("buprenorphine", "cocaine", "fentanyl", "opiates", "amphetamines", "cannabis", "alcohol")
CSSRS_PRESETS: tuple[tuple[list[Answer], int], ...] = (
    ([False, False, None, None, None, False, None], 88),
    ([True, False, None, None, None, False, None], 7),
    ([True, True, True, False, False, False, None], 4),
    ([True, True, True, True, False, True, False], 1),
)


@dataclass
class MeasuresSummary:
    episodes: int = 0
    results: int = 0
    check_ins: int = 0
    drug_screens: int = 0
    alerts: int = 0
    open_alerts: int = 0
    portal_login: str = ""


def _spread(rng: random.Random, total: int, items: int, top: int) -> list[int]:
    """``items`` answers from 0 to ``top`` adding up to ``total`` (clamped to what fits)."""
    total = max(0, min(total, items * top))
    answers = [0] * items
    for _ in range(total):
        open_items = [i for i, v in enumerate(answers) if v < top]
        answers[rng.choice(open_items)] += 1
    return answers


def _bam(rng: random.Random, severity: float) -> list[Answer]:
    instrument = INSTRUMENTS["bam"]
    answered: dict[str, Answer] = {}
    values: list[Answer] = []
    for item in instrument.items:
        value: Answer = None
        if instrument.is_asked(item, answered):
            options = item.allowed_values
            if isinstance(options[0], bool):
                value = rng.random() > 0.3
            else:
                index = min(len(options) - 1, max(0, round(severity * (len(options) - 1) + rng.uniform(-1, 1))))
                value = options[index]
        answered[item.field] = value
        values.append(value)
    return values


class _Seeder:
    def __init__(self, *, seed: int, now: dt.datetime) -> None:
        self.seed = seed
        self.now = now
        self.results: list[MeasureResult] = []
        self.check_ins: list[CheckIn] = []
        self.screens: list[tuple[DrugScreen, list[DrugScreenPanel]]] = []
        self.alerts: list[Alert] = []
        self.summary = MeasuresSummary()

    def result(
        self, episode: Episode, code: str, answers: list[Answer], day: dt.date
    ) -> tuple[MeasureResult, ScoreResult]:
        scored = score(code, answers, sex="male" if code == "auditc" else None)
        row = MeasureResult(
            participant_id=episode.participant_id,
            episode=episode,
            instrument=code,
            instrument_version=scored.version,
            language=episode.participant.language if episode.participant.language in ("en", "es") else "en",
            answers=list(scored.answers),
            total=scored.total,
            subscales=scored.subscales,
            band=scored.band_code or "",
            flags=list(scored.flag_codes),
            administered_on=day,
            administered_at=dt.datetime.combine(day, dt.time(15), tzinfo=dt.UTC),
            source=Source.STAFF,
            entered_by=episode.primary_clinician,
        )
        self.results.append(row)
        return row, scored

    def alert(self, episode: Episode, spec: AlertSpec | None, day: dt.date, source: object) -> None:
        if spec is None:
            return
        self.alerts.append(
            Alert(
                participant_id=episode.participant_id,
                episode=episode,
                kind=spec.kind,
                severity=spec.severity,
                message=spec.message,
                source_type=source._meta.label_lower,  # type: ignore[attr-defined]
                raised_at=dt.datetime.combine(day, dt.time(16), tzinfo=dt.UTC),
            )
        )
        self.alerts[-1]._source = source  # type: ignore[attr-defined]

    def episode(self, episode: Episode, today: dt.date) -> None:
        rng = random.Random(self.seed * 100_003 + episode.pk)  # noqa: S311 - synthetic demo data, not secrets
        admitted = episode.admitted_on or today
        course = rng.choices(("improving", "flat", "worsening"), weights=(60, 25, 15))[0]
        start = max(admitted, today - dt.timedelta(weeks=MAX_WEEKS))
        weeks = (today - start).days // 7 + 1
        missing = rng.random() < 0.35  # the last week or two not done yet: overdue
        last_week = weeks - (rng.choice((1, 2)) if missing and weeks >= 3 else 0)
        first_phq = rng.randint(10, 22)
        for code, items, top in (("phq9", 9, 3), ("gad7", 7, 3)):
            baseline: int | None = None
            previous_change = None
            base = first_phq if code == "phq9" else round(first_phq * 0.75)
            for week in range(last_week):
                drift = {"improving": -0.6, "flat": 0.0, "worsening": 0.45}[course] * week
                total = max(0, min(items * top, round(base + drift + rng.uniform(-2, 2))))
                answers: list[Answer] = list(_spread(rng, total, items, top))
                if code == "phq9":
                    answers = [*_spread(rng, total, 8, 3), 1 if rng.random() < 0.03 else 0]
                row, scored = self.result(episode, code, answers, start + dt.timedelta(days=7 * week))
                if code == "phq9":
                    self.alert(episode, alert_rules.phq9_self_harm(answers), row.administered_on, row)
                if baseline is None:
                    baseline = scored.total
                    continue
                change = classify_change(code, baseline, scored.total or 0)
                label = f"{INSTRUMENTS[code].abbreviation} total"
                spec = alert_rules.reliable_deterioration(label, change, previous_change)
                self.alert(episode, spec, row.administered_on, row)
                previous_change = change
        cssrs = rng.choices([p for p, _ in CSSRS_PRESETS], weights=[w for _, w in CSSRS_PRESETS])[0]
        row, scored = self.result(episode, "cssrs", list(cssrs), admitted)
        self.alert(episode, alert_rules.cssrs_risk(scored.risk_level), row.administered_on, row)
        severity = {"improving": 0.3, "flat": 0.45, "worsening": 0.6}[course]
        for offset in range(0, (today - admitted).days + 1, 30):
            if not missing or offset + 30 <= (today - admitted).days:
                self.result(episode, "bam", _bam(rng, severity), admitted + dt.timedelta(days=offset))
        if rng.random() < 0.5:
            self.daily(episode, admitted, today, rng, course)
        if rng.random() < 0.7:
            self.drug_screens(episode, admitted, today, rng)

    def daily(self, episode: Episode, admitted: dt.date, today: dt.date, rng: random.Random, course: str) -> None:
        cravings: list[int] = []
        high_run = rng.random() < 0.08
        for back in range(min(CHECK_IN_DAYS, (today - admitted).days), -1, -1):
            if rng.random() > 0.85:
                continue
            day = today - dt.timedelta(days=back)
            craving = min(10, max(0, round({"improving": 3, "flat": 4, "worsening": 6}[course] + rng.uniform(-2, 2))))
            if high_run and back < 3:
                craving = rng.randint(8, 10)
            used = rng.random() < (0.12 if course == "worsening" else 0.03)
            row = CheckIn(
                participant_id=episode.participant_id,
                episode=episode,
                local_date=day,
                mood=min(10, max(0, 10 - craving + rng.randint(-2, 1))),
                craving=craving,
                sleep_hours=Decimal(rng.randint(45, 85)) / 10,
                used=used,
                used_what=rng.choice(("alcohol", "cannabis", "cocaine")) if used else "",
                source=Source.STAFF,
                entered_by=episode.primary_clinician,
                submitted_at=dt.datetime.combine(day, dt.time(23), tzinfo=dt.UTC),
            )
            self.check_ins.append(row)
            cravings.append(craving)
            self.alert(episode, alert_rules.high_craving(cravings), day, row)

    def drug_screens(self, episode: Episode, admitted: dt.date, today: dt.date, rng: random.Random) -> None:
        on_bup = rng.random() < 0.3
        day = admitted + dt.timedelta(days=1)
        while day <= today:
            screen = DrugScreen(
                participant_id=episode.participant_id,
                episode=episode,
                collected_on=day,
                observed=rng.random() < 0.6,
                entered_by=episode.primary_clinician,
                entered_at=dt.datetime.combine(day, dt.time(17), tzinfo=dt.UTC),
            )
            panels = []
            for substance in SCREENED:
                positive = (substance == "buprenorphine" and on_bup) or rng.random() < 0.015
                result = "invalid" if rng.random() < 0.005 else ("positive" if positive else "negative")
                panels.append(
                    DrugScreenPanel(
                        substance=substance, result=result, expected=substance == "buprenorphine" and on_bup
                    )
                )
            self.screens.append((screen, panels))
            facts = [alert_rules.PanelFact(p.get_substance_display(), p.result, p.expected) for p in panels]
            self.alert(episode, alert_rules.unexpected_positive(facts), day, screen)
            day += dt.timedelta(days=7)

    def write(self, today: dt.date) -> None:
        MeasureResult.objects.bulk_create(self.results, batch_size=500)
        CheckIn.objects.bulk_create(self.check_ins, batch_size=500)
        DrugScreen.objects.bulk_create([s for s, _ in self.screens], batch_size=500)
        for screen, panels in self.screens:
            for panel in panels:
                panel.screen = screen
        DrugScreenPanel.objects.bulk_create([p for _, ps in self.screens for p in ps], batch_size=500)
        for alert in self.alerts:
            alert.source_id = alert._source.pk  # type: ignore[attr-defined]
            if alert.raised_at.date() < today - dt.timedelta(days=ALERT_OPEN_DAYS):
                clinician = alert.episode.primary_clinician if alert.episode else None
                if clinician is not None:
                    alert.status = AlertStatus.CLOSED
                    alert.acknowledged_by = alert.closed_by = clinician
                    alert.acknowledged_at = alert.closed_at = alert.raised_at + dt.timedelta(hours=3)
                    alert.outcome = "Reviewed with the participant; plan updated (demo)."
        Alert.objects.bulk_create(self.alerts, batch_size=500)
        self.summary.results = len(self.results)
        self.summary.check_ins = len(self.check_ins)
        self.summary.drug_screens = len(self.screens)
        self.summary.alerts = len(self.alerts)
        self.summary.open_alerts = sum(1 for a in self.alerts if a.status != AlertStatus.CLOSED)


def _portal_login(password: str) -> str:
    """A portal login for the first admitted participant of the demo clinician ``clinician``."""
    if User.objects.filter(username=DEMO_PORTAL_USERNAME).exists():
        return ""
    episode = (
        Episode.objects.filter(status=EpisodeStatus.ACTIVE, primary_clinician__username="clinician")
        .select_related("participant")
        .order_by("participant__legal_last_name", "pk")
        .first()
    )
    if episode is None or episode.participant.portal_user_id is not None:
        return ""
    user = User.objects.create(
        username=DEMO_PORTAL_USERNAME,
        role=Role.PARTICIPANT,
        organization_id=episode.participant.organization_id,
        first_name=episode.participant.preferred_name or episode.participant.legal_first_name,
        last_name=episode.participant.legal_last_name,
        password=make_password(password),
    )
    episode.participant.portal_user = user
    episode.participant.save(update_fields=["portal_user"])
    return f"{DEMO_PORTAL_USERNAME} ({episode.participant.display_name})"


def seed_measures(
    *, seed: int, now: dt.datetime, password: str, progress: Callable[[str], None] | None = None
) -> MeasuresSummary:
    """Fill the measures of every admitted episode (see the module docstring); deterministic."""
    say = progress or (lambda _message: None)
    with transaction.atomic():
        episodes = list(
            Episode.objects.filter(
                status=EpisodeStatus.ACTIVE, admitted_on__isnull=False, primary_clinician__isnull=False
            )
            .select_related("participant", "program__site", "primary_clinician")
            .order_by("pk")
        )
        seeder = _Seeder(seed=seed, now=now)
        say(f"Planning measures for {len(episodes)} admitted episodes (seed {seed})")
        for episode in episodes:
            seeder.episode(episode, now.astimezone(episode.program.site.zone).date())
        say("Writing rows")
        seeder.write(now.date())
        seeder.summary.episodes = len(episodes)
        seeder.summary.portal_login = _portal_login(password)
        record(
            action=AuditAction.CREATE,
            actor=None,
            actor_label="seed_measures",
            object_type="demo.seed",
            object_id="measures",
            at=now,
            summary=f"Seeded synthetic measures, check-ins, drug screens and alerts (seed {seed})",
            changes=asdict(seeder.summary),
        )
    return seeder.summary
