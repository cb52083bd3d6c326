"""HTML views for measurement-based care: the trend page, administering a measure (with a live score
preview), drug screens, one-time links, and alerts.

Each view fetches through an access-checking helper (404 and a DENIED audit entry for what the user may
not see; 403 for a role that may not), validates a form, calls one action and redirects; an action's
refusal is shown on the form.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.accounts.models import User
from cadence.accounts.request import staff_user
from cadence.participants.models import Participant
from cadence.participants.queries import audit_list, current_episode, get_participant_for, participant_today

from . import actions
from .access import can_invite_to_portal, can_record_measures, can_view_measures, require_record_measures
from .forms import AcknowledgeForm, CloseAlertForm, DrugScreenForm, LinkForm, StaffMeasureForm
from .instruments import INSTRUMENTS, SEXES, Instrument, ScoringError, describe, score_instrument
from .models import MeasureResult
from .queries import active_alerts_for, get_alert_for
from .rules import MeasurementError
from .trends import PERIOD_LABELS, trends_for

GET_POST = require_http_methods(["GET", "POST"])


def _participant(request: HttpRequest, pk: int, *, record: bool, purpose: str) -> tuple[User, Participant]:
    """The participant in scope (else 404, audited) whose measures the user may see, or record (else 403)."""
    user = staff_user(request)
    allowed = can_record_measures(user.role) if record else can_view_measures(user.role)
    participant = get_participant_for(user, pk, audit_view=allowed and request.method == "GET", purpose=purpose)
    if not allowed:
        raise PermissionDenied("Your role does not allow this (measures).")
    return user, participant


def _instrument(code: str) -> Instrument:
    instrument = INSTRUMENTS.get(code)
    if instrument is None:
        raise Http404("Unknown instrument")
    return instrument


def _language(request: HttpRequest, participant: Participant | None = None) -> str:
    wanted = request.GET.get("lang") or request.POST.get("lang") or ""
    if wanted in ("en", "es"):
        return wanted
    return "es" if participant is not None and participant.language == "es" else "en"


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure()):
        return redirect(wanted)
    return redirect(fallback)


def _trends_url(participant_id: int) -> str:
    return reverse("measures:trends", args=[participant_id])


# --- Trend page ----------------------------------------------------------------------------------


@require_GET
def trends_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Measures, check-ins, drug screens and alerts of one participant over time (the read is audited)."""
    user, participant = _participant(request, pk, record=False, purpose="Opened measures and trends")
    period = request.GET.get("period", "all")
    trends = trends_for(participant, timezone.now(), period)
    context = {
        "participant": participant,
        "episode": trends.current,
        "trends": trends,
        "periods": PERIOD_LABELS,
        "can_record": can_record_measures(user.role),
        "can_invite": can_invite_to_portal(user.role),
    }
    return render(request, "measures/trends.html", context)


@require_GET
def result_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One result with every item's wording and the answer given."""
    row = MeasureResult.objects.select_related("entered_by").filter(pk=pk).first()
    if row is None:
        raise Http404("Not found")
    _user, participant = _participant(request, row.participant_id, record=False, purpose=f"Opened result {pk}")
    instrument = row.definition
    lang = row.language if row.language in ("en", "es") else "en"
    answers = [
        (item, None if value is None else item.label_for(value, lang))
        for item, value in zip(instrument.items, row.answers, strict=False)
    ]
    context = {"participant": participant, "row": row, "instrument": instrument, "answers": answers, "lang": lang}
    return render(request, "measures/result.html", context)


# --- Administering -------------------------------------------------------------------------------


@require_GET
def choose_view(request: HttpRequest, pk: int) -> HttpResponse:
    _user, participant = _participant(request, pk, record=True, purpose="Opened the measure list")
    context = {"participant": participant, "episode": current_episode(participant), "instruments": INSTRUMENTS.values()}
    return render(request, "measures/choose.html", context)


@GET_POST
def administer_view(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Staff enter a measure for a participant; the score preview updates as items are answered (htmx)."""
    user, participant = _participant(request, pk, record=True, purpose="Opened a measure form")
    instrument = _instrument(code)
    lang = _language(request, participant)
    now = timezone.now()
    form = StaffMeasureForm(
        request.POST if request.method == "POST" else None,
        instrument=instrument,
        language=lang,
        today=participant_today(participant, now),
        sex=participant.sex_at_birth if participant.sex_at_birth in SEXES else "",
    )
    if request.method == "POST" and form.is_valid():
        try:
            row = actions.record_measure(
                participant=participant,
                instrument=instrument.code,
                answers=form.answers(),
                administered_on=form.cleaned_data["administered_on"],
                sex=form.cleaned_data.get("sex") or None,
                language=lang,
                by=user,
                at=now,
            )
        except MeasurementError as err:
            form.apply_error(err)
        else:
            total = f": {row.total}" if row.total is not None else ""
            messages.success(request, f"{instrument.abbreviation} saved{total} ({row.band_label or 'recorded'}).")
            return redirect(_trends_url(participant.pk))
    context = {
        "participant": participant,
        "episode": current_episode(participant),
        "instrument": instrument,
        "description": describe(instrument, lang),
        "form": form,
        "lang": lang,
    }
    return render(request, "measures/administer.html", context)


@require_POST
def preview_view(request: HttpRequest, code: str) -> HttpResponse:
    """The live score of a measure form being filled in (an htmx partial; nothing is saved)."""
    user = staff_user(request)
    require_record_measures(user)
    instrument = _instrument(code)
    lang = _language(request)
    form = StaffMeasureForm(request.POST, instrument=instrument, language=lang, today=timezone.now().date())
    form.is_valid()
    answers, missing = form.answers_with_skips()
    context: dict[str, Any] = {"instrument": instrument, "missing": missing, "lang": lang}
    if not missing:
        sex = form.cleaned_data.get("sex") or None
        try:
            context["score"] = score_instrument(instrument, answers, sex=sex)
        except ScoringError as err:
            context["problems"] = [p.reason for p in err.problems]
    return render(request, "measures/_preview.html", context)


# --- Drug screens and one-time links -------------------------------------------------------------


@GET_POST
def add_screen_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, participant = _participant(request, pk, record=True, purpose="Opened the drug screen form")
    now = timezone.now()
    form = DrugScreenForm(
        request.POST if request.method == "POST" else None,
        initial={"collected_on": participant_today(participant, now), "observed": "yes"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = actions.ScreenDetails(data["collected_on"], data["observed"], form.panels(), data["note"])
        try:
            actions.record_drug_screen(participant=participant, details=details, by=user, at=now)
        except MeasurementError as err:
            form.apply_error(err)
        else:
            messages.success(request, f"Drug screen of {data['collected_on']:%d %b %Y} saved.")
            return redirect(_trends_url(participant.pk))
    context = {"participant": participant, "episode": current_episode(participant), "form": form}
    return render(request, "measures/screen_form.html", context)


@GET_POST
def create_link_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a one-time link for the participant to answer a measure on their phone; shown once."""
    user, participant = _participant(request, pk, record=True, purpose="Opened the one-time link form")
    choices = [(code, f"{i.abbreviation} — {i.name.en}") for code, i in INSTRUMENTS.items()]
    form = LinkForm(
        request.POST if request.method == "POST" else None,
        instruments=choices,
        initial={"language": "es" if participant.language == "es" else "en"},
    )
    link = None
    if request.method == "POST" and form.is_valid():
        try:
            row, raw = actions.create_measure_request(
                participant=participant,
                instrument=form.cleaned_data["instrument"],
                language=form.cleaned_data["language"],
                by=user,
                at=timezone.now(),
            )
        except MeasurementError as err:
            form.add_error(None, err.reason)
        else:
            link = {"url": request.build_absolute_uri(reverse("portal:link", args=[raw])), "row": row}
    context = {"participant": participant, "episode": current_episode(participant), "form": form, "link": link}
    return render(request, "measures/link_form.html", context)


# --- Alerts --------------------------------------------------------------------------------------


@require_GET
def alerts_view(request: HttpRequest) -> HttpResponse:
    """Active alerts in the user's scope (``?mine=1``: of the participants they are primary clinician for)."""
    user = staff_user(request)
    require_record_measures(user)
    mine = request.GET.get("mine") == "1"
    alerts = list(active_alerts_for(user, mine_only=mine)[:200])
    audit_list(user, what="Alerts", count=len({a.participant_id for a in alerts}), query="mine" if mine else "")
    return render(request, "measures/alerts.html", {"alerts": alerts, "mine": mine})


@require_POST
def acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    alert = get_alert_for(user, pk)
    require_record_measures(user)
    form = AcknowledgeForm(request.POST)
    form.is_valid()
    try:
        actions.acknowledge_alert(alert=alert, note=form.cleaned_data.get("note", ""), by=user, at=timezone.now())
    except MeasurementError as err:
        messages.error(request, err.reason)
    else:
        messages.success(request, f"Alert acknowledged for {alert.participant.display_name}.")
    return _back(request, _trends_url(alert.participant_id))


@require_POST
def close_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    alert = get_alert_for(user, pk)
    require_record_measures(user)
    form = CloseAlertForm(request.POST)
    outcome = form.cleaned_data["outcome"] if form.is_valid() else ""
    try:
        actions.close_alert(alert=alert, outcome=outcome, by=user, at=timezone.now())
    except MeasurementError as err:
        messages.error(request, f"The alert was not closed: {err.reason}")
    else:
        messages.success(request, f"Alert closed for {alert.participant.display_name}.")
    return _back(request, _trends_url(alert.participant_id))
