"""HTML views for participants: caseload, chart, registration and episode-of-care actions.

Each view fetches through an access-checking helper (404 and a DENIED audit entry for what the user may
not see), checks the role's capability (403), validates a form, calls one action from ``actions`` and
redirects with a message. Refusals from the action are shown on the form (``CadenceForm.apply_error``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, has_capability, require
from cadence.accounts.request import staff_user
from cadence.accounts.scope import visible_programs
from cadence.core.cards import chart_panels_for
from cadence.core.queries import local_now
from cadence.programs.models import Program

from . import actions
from .forms import (
    AdmitForm,
    CadenceForm,
    CaseloadFilterForm,
    CloseReferralForm,
    ContactForm,
    DetailsForm,
    DiagnosisForm,
    DischargeForm,
    LevelChangeForm,
    ProgramStepForm,
    ReferForm,
    RegisterForm,
    describe_filter,
)
from .models import Episode, LevelOfCareChange, Participant
from .queries import audit_list, caseload, current_episode, get_episode_for, get_participant_for, today_in
from .rules import ParticipantError

GET_POST = require_http_methods(["GET", "POST"])


# --- Helpers -----------------------------------------------------------------------------------


def capabilities(user: User) -> dict[str, bool]:
    """``{"admit": True, ...}`` for the templates, so actions show only when the role may use them."""
    return {cap.value: has_capability(user.role, cap) for cap in Capability}


def _participant(request: HttpRequest, pk: int, capability: Capability, purpose: str) -> tuple[User, Participant]:
    """The participant in scope (else 404, audited) whom the user may act on (else 403). Opening a form
    shows the participant's identity, so a GET by a user who may use the form is audited as a view."""
    user = staff_user(request)
    audit_view = request.method == "GET" and has_capability(user.role, capability)
    participant = get_participant_for(user, pk, audit_view=audit_view, purpose=purpose)
    require(user, capability)
    return user, participant


def _episode(request: HttpRequest, pk: int, capability: Capability) -> tuple[User, Episode]:
    user = staff_user(request)
    episode = get_episode_for(user, pk)
    require(user, capability)
    return user, episode


def _programs(user: User) -> QuerySet[Program]:
    return visible_programs(user).filter(active=True)


def _today(user: User) -> dt.date:
    return local_now(user, timezone.now()).date()


def _posted(request: HttpRequest) -> Any:
    """The submitted data on POST (even when empty, so required fields are reported), else None."""
    return request.POST if request.method == "POST" else None


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and "HX-History-Restore-Request" not in request.headers


def _form_page(
    request: HttpRequest,
    form: CadenceForm,
    *,
    title: str,
    submit: str,
    participant: Participant | None = None,
    episode: Episode | None = None,
    intro: str = "",
    method: str = "post",
    danger: bool = False,
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "submit": submit,
        "participant": participant,
        "episode": episode,
        "intro": intro,
        "method": method,
        "danger": danger,
    }
    return render(request, "participants/form.html", context)


def _done(request: HttpRequest, participant_id: int, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("participants:chart", participant_id)


# --- Caseload and chart ------------------------------------------------------------------------


@dataclass(frozen=True)
class EpisodeRow:
    """An episode with its days in program counted to today at its site."""

    episode: Episode
    days_in_program: int | None


@require_GET
def caseload_view(request: HttpRequest) -> HttpResponse:
    """Search and filter the episodes in scope; an htmx request gets only the results table."""
    user = staff_user(request)
    require(user, Capability.VIEW_PARTICIPANT)
    form = CaseloadFilterForm(request.GET or None, programs=visible_programs(user))
    flt = form.to_filter()
    page = Paginator(caseload(user, flt), settings.CADENCE_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [EpisodeRow(e, e.days_in_program(today_in(e, now))) for e in page.object_list]
    audit_list(user, what="Caseload", count=len(rows), query=describe_filter(flt))
    template = "participants/_caseload_results.html" if _is_htmx(request) else "participants/caseload.html"
    context = {"form": form, "filter": flt, "page": page, "rows": rows, "can": capabilities(user)}
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _chart_context(participant: Participant, now: dt.datetime) -> dict[str, Any]:
    """Everything the chart shows, in a fixed number of queries whatever the history's length."""
    current = current_episode(participant)
    today = today_in(current, now)
    changes = LevelOfCareChange.objects.select_related("level_of_care", "changed_by")
    episodes = participant.episodes.select_related(
        "program__site", "track", "level_of_care", "primary_clinician"
    ).prefetch_related(Prefetch("level_changes", queryset=changes))
    history = [EpisodeRow(e, e.days_in_program(today_in(e, now))) for e in episodes.order_by("-referred_on", "-pk")]
    return {
        "current": current,
        "days_in_program": current.days_in_program(today) if current else None,
        "age": participant.age_on(today),
        "history": history,
        "contacts": list(participant.emergency_contacts.all()),
        "diagnoses": list(participant.diagnoses.order_by(F("resolved_on").desc(nulls_first=True), "rank", "code")),
    }


@require_GET
def chart_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The participant's chart; opening it writes a VIEW audit entry."""
    user = staff_user(request)
    participant = get_participant_for(user, pk, purpose="Opened the chart")
    require(user, Capability.VIEW_PARTICIPANT)
    now = timezone.now()
    context = _chart_context(participant, now)
    context |= {
        "participant": participant,
        "can": capabilities(user),
        "panels": chart_panels_for(user, participant, now),
    }
    return render(request, "participants/chart.html", context)


# --- Registration and details ------------------------------------------------------------------


@GET_POST
def register_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    require(user, Capability.REGISTER_PARTICIPANT)
    form = RegisterForm(
        _posted(request),
        organization_id=user.organization_id,
        programs=_programs(user),
        initial={"referred_on": _today(user)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            episode = actions.register_participant(
                details=form.details(),
                program=data["program"],
                referred_on=data["referred_on"],
                referral_source=data["referral_source"],
                waitlist=data["waitlist"],
                contacts=form.contacts(),
                diagnoses=form.diagnoses(),
                by=user,
                at=timezone.now(),
            )
        except ParticipantError as err:
            form.apply_error(err)
        else:
            record = episode.participant.record_number
            return _done(request, episode.participant_id, f"Registered {record} with a referral to {data['program']}.")
    return _form_page(
        request,
        form,
        title="Register a participant",
        submit="Register and refer",
        intro="Creates the participant's record with a referral (or waitlist entry).",
    )


@GET_POST
def edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, participant = _participant(request, pk, Capability.EDIT_DEMOGRAPHICS, "Opened the edit details form")
    initial = {name: getattr(participant, name) for name in actions.EDITABLE_FIELDS}
    form = DetailsForm(_posted(request), organization_id=participant.organization_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_participant(participant=participant, changes=form.changes(), by=user, at=timezone.now())
        except ParticipantError as err:
            form.apply_error(err)
        else:
            return _done(request, participant.pk, "Details saved.")
    return _form_page(request, form, title="Edit details", submit="Save details", participant=participant)


@GET_POST
def add_contact_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, participant = _participant(request, pk, Capability.EDIT_DEMOGRAPHICS, "Opened the emergency contact form")
    form = ContactForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_emergency_contact(participant=participant, contact=form.contact(), by=user, at=timezone.now())
        except ParticipantError as err:
            form.apply_error(err)
        else:
            return _done(request, participant.pk, "Emergency contact added.")
    return _form_page(request, form, title="Add an emergency contact", submit="Add contact", participant=participant)


@GET_POST
def add_diagnosis_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, participant = _participant(request, pk, Capability.EDIT_CLINICAL, "Opened the diagnosis form")
    form = DiagnosisForm(_posted(request), initial={"noted_on": _today(user)})
    if request.method == "POST" and form.is_valid():
        try:
            row = actions.add_diagnosis(
                participant=participant,
                diagnosis=form.diagnosis(),
                noted_on=form.cleaned_data["noted_on"],
                by=user,
                at=timezone.now(),
            )
        except ParticipantError as err:
            form.apply_error(err)
        else:
            return _done(request, participant.pk, f"Diagnosis {row.code} added.")
    return _form_page(request, form, title="Add a diagnosis", submit="Add diagnosis", participant=participant)


# --- Episodes of care --------------------------------------------------------------------------


@GET_POST
def refer_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, participant = _participant(request, pk, Capability.REGISTER_PARTICIPANT, "Opened the referral form")
    form = ReferForm(_posted(request), programs=_programs(user), initial={"referred_on": _today(user)})
    if request.method == "POST" and form.is_valid():
        try:
            episode = actions.refer_participant(
                participant=participant, **form.cleaned_data, by=user, at=timezone.now()
            )
        except ParticipantError as err:
            form.apply_error(err)
        else:
            return _done(request, participant.pk, f"Referred to {episode.program.name}.")
    return _form_page(
        request,
        form,
        title="New referral",
        submit="Refer",
        participant=participant,
        intro="Opens a referral to another program; the current episode is not changed.",
    )


@GET_POST
def admit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Admit into the program named by ``?program=`` (step 1 asks for it): admits its open referral or
    opens a new episode."""
    user, participant = _participant(request, pk, Capability.ADMIT, "Opened the admission form")
    step = ProgramStepForm(request.GET or None, programs=_programs(user))
    if not step.is_valid():
        return _form_page(request, step, title="Admit", submit="Continue", participant=participant, method="get")
    program = step.cleaned_data["program"]
    form = AdmitForm(_posted(request), program=program, initial={"admitted_on": _today(user)})
    if request.method == "POST" and form.is_valid():
        try:
            actions.admit_participant(
                participant=participant, program=program, **form.cleaned_data, by=user, at=timezone.now()
            )
        except ParticipantError as err:
            form.apply_error(err)
        else:
            return _done(request, participant.pk, f"Admitted to {program.name}.")
    title = f"Admit to {program.name} ({program.site.name})"
    return _form_page(request, form, title=title, submit="Admit", participant=participant)


@require_POST
def waitlist_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, episode = _episode(request, pk, Capability.REGISTER_PARTICIPANT)
    try:
        actions.waitlist_episode(episode=episode, by=user, at=timezone.now())
    except ParticipantError as err:
        messages.error(request, err.reason)
        return redirect("participants:chart", episode.participant_id)
    return _done(request, episode.participant_id, f"Moved to the waitlist for {episode.program.name}.")


@GET_POST
def close_referral_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, episode = _episode(request, pk, Capability.REGISTER_PARTICIPANT)
    form = CloseReferralForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.close_referral(episode=episode, note=form.cleaned_data["note"], by=user, at=timezone.now())
        except ParticipantError as err:
            form.apply_error(err)
        else:
            return _done(request, episode.participant_id, f"Referral to {episode.program.name} closed.")
    return _form_page(
        request,
        form,
        title=f"Close the referral to {episode.program.name}",
        submit="Close referral",
        participant=episode.participant,
        episode=episode,
        danger=True,
    )


@GET_POST
def change_level_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, episode = _episode(request, pk, Capability.CHANGE_LEVEL_OF_CARE)
    form = LevelChangeForm(_posted(request), initial={"starts_on": today_in(episode, timezone.now())})
    if request.method == "POST" and form.is_valid():
        try:
            change = actions.change_level_of_care(episode=episode, **form.cleaned_data, by=user, at=timezone.now())
        except ParticipantError as err:
            form.apply_error(err)
        else:
            return _done(request, episode.participant_id, f"Level of care changed to {change.level_of_care}.")
    return _form_page(
        request,
        form,
        title="Change level of care",
        submit="Change level of care",
        participant=episode.participant,
        episode=episode,
    )


@GET_POST
def discharge_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, episode = _episode(request, pk, Capability.DISCHARGE)
    form = DischargeForm(_posted(request), initial={"discharged_on": today_in(episode, timezone.now())})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.discharge_participant(
                episode=episode,
                discharged_on=data["discharged_on"],
                reason=data["reason"],
                note=data["note"],
                step_down_to=data["step_down_to"],
                by=user,
                at=timezone.now(),
            )
        except ParticipantError as err:
            form.apply_error(err)
        else:
            return _done(request, episode.participant_id, f"Discharged from {episode.program.name}.")
    return _form_page(
        request,
        form,
        title=f"Discharge from {episode.program.name}",
        submit="Discharge",
        participant=episode.participant,
        episode=episode,
        danger=True,
    )
