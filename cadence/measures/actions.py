"""Every state change of measurement-based care. Keyword-only, atomic, audited.

Each raises ``MeasurementError(field, reason)`` for a broken rule and leaves the database unchanged. The
actions that save a result, a check-in or a drug screen raise their alerts in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, models, transaction
from django.db.models import Q

from cadence.accounts.models import STAFF_ROLES, User, hash_token
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Episode, EpisodeStatus, Participant
from cadence.participants.queries import participant_today

from . import alert_rules
from .alert_rules import AlertKind, AlertSpec, PanelFact, Severity
from .conf import craving_alert_at, link_lifetime, measure_settings
from .display import measure_keys
from .instruments import (
    SEXES,
    ChangeResult,
    Instrument,
    ScoreResult,
    ScoringError,
    UnknownInstrumentError,
    classify_change,
    get_instrument,
    score_instrument,
)
from .instruments.model import LANGUAGES
from .models import (
    Alert,
    AlertStatus,
    CheckIn,
    DrugScreen,
    DrugScreenPanel,
    MeasureRequest,
    MeasureResult,
    ScreenResult,
    Source,
    Substance,
)
from .queries import episode_for_day
from .rules import (
    CheckInValues,
    MeasurementError,
    PanelEntry,
    check_check_in,
    check_day,
    check_panels,
    scoring_refusal,
)
from .signals import alert_raised

AUTOMATIC = "Cadence (automatic)"
LINK_ACTOR = "One-time link"


def instrument_for(code: str, *, field: str = "instrument") -> Instrument:
    try:
        return get_instrument(code)
    except UnknownInstrumentError as err:
        raise MeasurementError(field, str(err)) from None


def _language(language: str) -> str:
    base = (language or "en").split("-")[0].lower()
    if base not in LANGUAGES:
        raise MeasurementError("language", f"Language must be one of {', '.join(LANGUAGES)}.")
    return base


def _check_source(participant: Participant, source: str, by: User | None) -> None:
    if source == Source.STAFF and (by is None or by.role not in STAFF_ROLES):
        raise MeasurementError("source", "A result entered by staff needs the staff member who entered it.")
    if source == Source.PORTAL and (by is None or by.pk != participant.portal_user_id):
        raise MeasurementError("source", "Only the participant's own portal login can submit in the portal.")
    if source == Source.LINK and by is not None:
        raise MeasurementError("source", "A one-time link is answered without a login.")
    if source not in Source.values:
        raise MeasurementError("source", f"Unknown source {source!r}.")


def _actor_label(by: User | None, source: str) -> str | None:
    """The audit label when no user acts: a one-time link, or Cadence itself (automatic alerts)."""
    if by is not None:
        return None
    return LINK_ACTOR if source == Source.LINK else AUTOMATIC


# --- Alerts --------------------------------------------------------------------------------------


def _active_episode(participant: Participant) -> Episode | None:
    episodes = participant.episodes.order_by("-referred_on", "-pk")
    return episodes.filter(status=EpisodeStatus.ACTIVE).first() or episodes.first()


@transaction.atomic
def raise_alert(
    *,
    participant: Participant,
    kind: AlertKind | str,
    severity: Severity | str,
    message: str,
    at: dt.datetime,
    source: models.Model | None = None,
    episode: Episode | None = None,
    by: User | None = None,
) -> Alert:
    """Raise an alert for the participant's clinician (shown on their dashboard and the trend page).

    ``source`` is what raised it (a result, a check-in, a crisis event...): an alert of one kind is raised
    once per source, so calling again returns the existing alert. ``episode`` defaults to the active
    episode (whose primary clinician sees it). ``by`` is None for automatic alerts. Raises
    ``MeasurementError`` for an unknown kind or severity or an empty message.
    """
    if kind not in {k.value for k in AlertKind}:
        raise MeasurementError("kind", f"Unknown alert kind {kind!r}.")
    if severity not in {s.value for s in Severity}:
        raise MeasurementError("severity", f"Unknown severity {severity!r}.")
    if not message.strip():
        raise MeasurementError("message", "Say what the alert is about.")
    source_type = source._meta.label_lower if source is not None else ""
    source_id = source.pk if source is not None else None
    if source_id is not None:
        existing = Alert.objects.filter(kind=kind, source_type=source_type, source_id=source_id).first()
        if existing is not None:
            return existing
    alert = Alert(
        participant=participant,
        episode=episode or _active_episode(participant),
        kind=str(kind),
        severity=str(severity),
        message=message.strip()[:300],
        source_type=source_type,
        source_id=source_id,
        raised_at=at,
        raised_by=by,
    )
    try:
        with transaction.atomic():
            alert.save()
    except IntegrityError:  # raised concurrently for the same source
        return Alert.objects.get(kind=kind, source_type=source_type, source_id=source_id)
    record(
        action=AuditAction.CREATE,
        obj=alert,
        participant_id=participant.pk,
        summary=f"Alert raised: {alert.get_kind_display()} ({alert.severity})",
        changes={"kind": alert.kind, "severity": alert.severity, "source": f"{source_type}#{source_id or ''}"},
        at=at,
        actor=by,
        actor_label=_actor_label(by, "automatic"),
    )
    alert_raised.send(sender=Alert, alert=alert, at=at)
    return alert


def _raise(
    spec: AlertSpec | None, *, participant: Participant, source: models.Model, episode: Episode | None, at: dt.datetime
) -> Alert | None:
    if spec is None:
        return None
    return raise_alert(
        participant=participant,
        kind=spec.kind,
        severity=spec.severity,
        message=spec.message,
        at=at,
        source=source,
        episode=episode,
    )


@transaction.atomic
def acknowledge_alert(*, alert: Alert, by: User, at: dt.datetime, note: str = "") -> Alert:
    """Mark an open alert as seen by ``by`` (an optional note becomes the start of the outcome)."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status != AlertStatus.OPEN:
        raise MeasurementError("status", f"This alert is already {alert.get_status_display().lower()}.")
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_by = by
    alert.acknowledged_at = at
    if note.strip():
        alert.outcome = note.strip()
    alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "outcome"])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=alert,
        participant_id=alert.participant_id,
        summary=f"Acknowledged alert: {alert.get_kind_display()}",
        changes={"status": ["open", "acknowledged"], "note": note.strip()},
        at=at,
    )
    return alert


@transaction.atomic
def close_alert(*, alert: Alert, outcome: str, by: User, at: dt.datetime) -> Alert:
    """Close an open or acknowledged alert with what was done (required); acknowledges it if needed."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status == AlertStatus.CLOSED:
        raise MeasurementError("status", "This alert is already closed.")
    if not outcome.strip():
        raise MeasurementError("outcome", "Say what was done about the alert (the outcome).")
    before = alert.status
    if alert.status == AlertStatus.OPEN:
        alert.acknowledged_by = by
        alert.acknowledged_at = at
    alert.status = AlertStatus.CLOSED
    alert.closed_by = by
    alert.closed_at = at
    alert.outcome = outcome.strip()
    alert.save()
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=alert,
        participant_id=alert.participant_id,
        summary=f"Closed alert: {alert.get_kind_display()}",
        changes={"status": [before, "closed"], "outcome": alert.outcome},
        at=at,
    )
    return alert


# --- Measure results -----------------------------------------------------------------------------


def _earlier(row: MeasureResult) -> Q:
    on, at = row.administered_on, row.administered_at
    return (
        Q(administered_on__lt=on)
        | Q(administered_on=on, administered_at__lt=at)
        | Q(administered_on=on, administered_at=at, pk__lt=row.pk)
    )


def _changes(instrument: Instrument, baseline: MeasureResult, row: MeasureResult) -> list[tuple[str, ChangeResult]]:
    settings = measure_settings()
    out = []
    for key in measure_keys(instrument, settings=settings):
        if not key.classify:
            continue
        before = key.value(baseline.total, baseline.subscales, baseline.band)
        after = key.value(row.total, row.subscales, row.band)
        if before is not None and after is not None:
            out.append((key.label, classify_change(key.key, before, after, settings)))
    return out


def _deterioration(instrument: Instrument, row: MeasureResult) -> AlertSpec | None:
    """Reliable deterioration of ``row`` against the first result of its episode (see alert_rules)."""
    if row.episode_id is None:
        return None
    earlier = MeasureResult.objects.filter(episode_id=row.episode_id, instrument=row.instrument).filter(_earlier(row))
    baseline = earlier.order_by("administered_on", "administered_at", "pk").first()
    if baseline is None:
        return None
    previous = earlier.order_by("-administered_on", "-administered_at", "-pk").first()
    before = dict(_changes(instrument, baseline, previous)) if previous and previous.pk != baseline.pk else {}
    specs = [
        spec
        for label, change in _changes(instrument, baseline, row)
        if (spec := alert_rules.reliable_deterioration(label, change, before.get(label))) is not None
    ]
    return alert_rules.merge(specs)


def _measure_alerts(instrument: Instrument, row: MeasureResult, scored: ScoreResult, at: dt.datetime) -> None:
    specs: list[AlertSpec | None] = []
    if instrument.code == "phq9":
        specs.append(alert_rules.phq9_self_harm(list(scored.answers)))
    if instrument.code == "cssrs":
        specs.append(alert_rules.cssrs_risk(scored.risk_level))
    specs.append(_deterioration(instrument, row))
    for spec in specs:
        _raise(spec, participant=row.participant, source=row, episode=row.episode, at=at)


@transaction.atomic
def record_measure(
    *,
    participant: Participant,
    instrument: str,
    answers: Sequence[object],
    administered_on: dt.date,
    by: User | None,
    at: dt.datetime,
    source: Source | str = Source.STAFF,
    language: str = "en",
    sex: str | None = None,
    episode: Episode | None = None,
) -> MeasureResult:
    """Score and save one administration of ``instrument`` for ``participant``, then raise its alerts.

    ``answers`` are in item order (see ``instruments.score``). ``by`` is the staff member (source staff),
    the participant's own login (portal), or None (one-time link). ``sex`` defaults to the participant's
    sex at birth where the instrument needs it (AUDIT-C). ``episode`` defaults to the episode that
    covers ``administered_on``. Raises ``MeasurementError``: unknown instrument or language,
    ``administered_on`` in the future, and every scoring problem (``answers[i]``, ``answers``, ``sex``).
    """
    chosen = instrument_for(instrument)
    lang = _language(language)
    _check_source(participant, str(source), by)
    check_day(
        "administered_on",
        administered_on,
        today=participant_today(participant, at),
        born=participant.date_of_birth,
        what="The date the measure was answered",
    )
    if chosen.requires_sex and not sex and participant.sex_at_birth in SEXES:
        sex = participant.sex_at_birth
    try:
        scored = score_instrument(chosen, list(answers), sex=sex, settings=measure_settings())
    except ScoringError as err:
        raise scoring_refusal(chosen, answers, err) from None
    row = MeasureResult.objects.create(
        participant=participant,
        episode=episode or episode_for_day(participant, administered_on),
        instrument=chosen.code,
        instrument_version=chosen.version,
        language=lang,
        answers=list(scored.answers),
        total=scored.total,
        subscales=dict(scored.subscales),
        band=scored.band_code or "",
        flags=list(scored.flag_codes),
        sex=sex if chosen.requires_sex and sex else "",
        administered_on=administered_on,
        administered_at=at,
        source=str(source),
        entered_by=by,
    )
    record(
        action=AuditAction.CREATE,
        obj=row,
        participant_id=participant.pk,
        summary=f"Recorded {chosen.abbreviation} ({Source(str(source)).label.lower()})",
        changes={
            "instrument": chosen.code,
            "version": chosen.version,
            "administered_on": administered_on,
            "total": scored.total,
            "subscales": dict(scored.subscales),
            "band": row.band,
            "flags": row.flags,
        },
        at=at,
        actor=by,
        actor_label=_actor_label(by, str(source)),
    )
    _measure_alerts(chosen, row, scored, at)
    return row


# --- One-time links ------------------------------------------------------------------------------


@transaction.atomic
def create_measure_request(
    *,
    participant: Participant,
    instrument: str,
    by: User,
    at: dt.datetime,
    language: str | None = None,
    lifetime: dt.timedelta | None = None,
) -> tuple[MeasureRequest, str]:
    """A one-time link for the participant to answer ``instrument`` without signing in. Returns the row and
    the raw token (shown once, never stored: only its SHA-256 is). Language defaults to the participant's."""
    chosen = instrument_for(instrument)
    lang = _language(language or (participant.language if participant.language in LANGUAGES else "en"))
    valid_for = lifetime or link_lifetime()
    if valid_for <= dt.timedelta(0):
        raise MeasurementError("lifetime", "A link must stay valid for some time.")
    raw = secrets.token_urlsafe(32)
    row = MeasureRequest.objects.create(
        participant=participant,
        episode=_active_episode(participant),
        instrument=chosen.code,
        language=lang,
        token_hash=hash_token(raw),
        created_by=by,
        created_at=at,
        expires_at=at + valid_for,
    )
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=row,
        participant_id=participant.pk,
        summary=f"Created a one-time {chosen.abbreviation} link",
        changes={"instrument": chosen.code, "expires_at": row.expires_at},
        at=at,
    )
    return row, raw


def request_refusal(row: MeasureRequest | None, at: dt.datetime) -> str | None:
    """Why a link cannot be used now (None when it can)."""
    if row is None:
        return "This link is not valid."
    if row.used_at is not None:
        return "This link was already used. Each link works once."
    if row.expires_at <= at:
        return "This link has expired. Ask your care team for a new one."
    return None


@transaction.atomic
def complete_measure_request(
    *, raw_token: str, answers: Sequence[object], at: dt.datetime, language: str = "", sex: str | None = None
) -> MeasureResult:
    """Answer the instrument of a one-time link: saves the result for the link's participant and marks the
    link used (once). Raises ``MeasurementError`` ('token') for an unknown, used or expired link, and the
    scoring problems of ``record_measure``."""
    row = (
        MeasureRequest.objects.select_for_update(of=("self",))
        .select_related("participant", "episode")
        .filter(token_hash=hash_token(raw_token))
        .first()
    )
    refusal = request_refusal(row, at)
    if refusal is not None or row is None:
        raise MeasurementError("token", refusal or "This link is not valid.")
    result = record_measure(
        participant=row.participant,
        instrument=row.instrument,
        answers=answers,
        administered_on=participant_today(row.participant, at),
        by=None,
        at=at,
        source=Source.LINK,
        language=language or row.language,
        sex=sex,
        episode=row.episode,
    )
    row.used_at = at
    row.result = result
    row.save(update_fields=["used_at", "result"])
    return result


# --- Check-ins -----------------------------------------------------------------------------------


@transaction.atomic
def record_check_in(
    *,
    participant: Participant,
    values: CheckInValues,
    by: User,
    at: dt.datetime,
    local_date: dt.date | None = None,
    source: Source | str = Source.PORTAL,
) -> CheckIn:
    """Save the participant's check-in for ``local_date`` (default: today at their site), one per day;
    raises the craving alert when craving is high on two consecutive check-ins. Raises
    ``MeasurementError`` for values out of range, a future day, or a second check-in the same day."""
    if source not in (Source.PORTAL, Source.STAFF):
        raise MeasurementError("source", "A check-in comes from the portal or from staff.")
    _check_source(participant, str(source), by)
    clean = check_check_in(values)
    today = participant_today(participant, at)
    day = local_date or today
    check_day("local_date", day, today=today, born=participant.date_of_birth, what="The check-in day")
    Participant.objects.select_for_update().filter(pk=participant.pk).first()  # one check-in at a time
    if CheckIn.objects.filter(participant=participant, local_date=day).exists():
        raise MeasurementError("local_date", f"There is already a check-in for {day:%d %B %Y}.")
    row = CheckIn(
        participant=participant,
        episode=episode_for_day(participant, day),
        local_date=day,
        mood=clean.mood,
        craving=clean.craving,
        sleep_hours=clean.sleep_hours,
        used=clean.used,
        used_what=clean.used_what,
        note=clean.note,
        source=str(source),
        entered_by=by,
        submitted_at=at,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:
        raise MeasurementError("local_date", f"There is already a check-in for {day:%d %B %Y}.") from exc
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=row,
        participant_id=participant.pk,
        summary=f"Daily check-in for {day:%Y-%m-%d} ({source})",
        changes={"mood": clean.mood, "craving": clean.craving, "sleep_hours": clean.sleep_hours, "used": clean.used},
        at=at,
    )
    before = CheckIn.objects.filter(participant=participant, local_date__lt=day).order_by("-local_date")
    cravings = [*reversed([c.craving for c in before[:2]]), clean.craving]
    spec = alert_rules.high_craving(cravings, threshold=craving_alert_at())
    _raise(spec, participant=participant, source=row, episode=row.episode, at=at)
    return row


# --- Drug screens --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScreenDetails:
    collected_on: dt.date
    observed: bool
    panels: Sequence[PanelEntry]
    note: str = ""


@transaction.atomic
def record_drug_screen(*, participant: Participant, details: ScreenDetails, by: User, at: dt.datetime) -> DrugScreen:
    """Save a drug screen with one panel row per substance; a positive that is not expected raises an
    alert. Raises ``MeasurementError`` for no panels, an unknown or repeated substance, an unknown result,
    or a collection day in the future."""
    if by.role not in STAFF_ROLES:
        raise MeasurementError("entered_by", "Drug screens are entered by staff.")
    check_day(
        "collected_on",
        details.collected_on,
        today=participant_today(participant, at),
        born=participant.date_of_birth,
        what="The collection date",
    )
    check_panels(details.panels, substances=Substance.values, results=ScreenResult.values)
    screen = DrugScreen.objects.create(
        participant=participant,
        episode=episode_for_day(participant, details.collected_on),
        collected_on=details.collected_on,
        observed=details.observed,
        note=details.note.strip(),
        entered_by=by,
        entered_at=at,
    )
    DrugScreenPanel.objects.bulk_create(
        DrugScreenPanel(screen=screen, substance=p.substance, result=p.result, expected=p.expected)
        for p in details.panels
    )
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=screen,
        participant_id=participant.pk,
        summary=f"Drug screen collected {details.collected_on:%Y-%m-%d} ({'' if details.observed else 'un'}observed)",
        changes={"panels": {p.substance: [p.result, "expected" if p.expected else ""] for p in details.panels}},
        at=at,
    )
    facts = [PanelFact(Substance(p.substance).label, p.result, p.expected) for p in details.panels]
    _raise(
        alert_rules.unexpected_positive(facts), participant=participant, source=screen, episode=screen.episode, at=at
    )
    return screen
