"""The participant portal at /me/: the participant's own home, daily check-in, questionnaires, language,
and the pages that need no login (one-time questionnaire links and the set-password link).

A participant only ever reaches their own record: every view takes the participant from the signed-in
login (``Participant.portal_user``), never from the URL. Staff logins are refused (403); the boundary
middleware keeps participant logins inside /me/.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.http import require_http_methods, require_POST

from cadence.accounts.models import Role, User, hash_token
from cadence.accounts.scope import out_of_scope
from cadence.measures import actions as measure_actions
from cadence.measures.forms import ParticipantMeasureForm
from cadence.measures.instruments import INSTRUMENTS, SEXES, Instrument, describe
from cadence.measures.models import MeasureRequest, Source
from cadence.measures.rules import MeasurementError
from cadence.participants.models import Participant
from cadence.participants.queries import participant_today

from . import actions
from .forms import CheckInForm, LanguageForm
from .queries import allowed_instruments, has_checked_in, home_for
from .wording import language_of, words

GET_POST = require_http_methods(["GET", "POST"])
LANGUAGE_KEY = "portal_language"


def portal_participant(request: HttpRequest) -> tuple[User, Participant, str]:
    """The signed-in participant's login, record and language; 403 for anyone else. Every portal page of
    every app resolves its participant through this, never from the URL."""
    user = request.user
    if not isinstance(user, User) or user.role != Role.PARTICIPANT or not user.is_active:
        raise PermissionDenied("The portal is for participants.")
    participant = Participant.objects.filter(portal_user=user).first()
    if participant is None:
        raise PermissionDenied("This login is not linked to a participant.")
    return user, participant, language_of(request.session.get(LANGUAGE_KEY), participant.language)


def _page(request: HttpRequest, template: str, lang: str, status: int = 200, **context: object) -> HttpResponse:
    return render(request, template, {"lang": lang, "t": words(lang), **context}, status=status)


@require_http_methods(["GET"])
def home_view(request: HttpRequest) -> HttpResponse:
    _user, participant, lang = portal_participant(request)
    home = home_for(participant, timezone.now(), lang)
    greeting = words(lang)["hello"].format(name=home.name)
    return _page(request, "portal/home.html", lang, home=home, greeting=greeting)


@GET_POST
def check_in_view(request: HttpRequest) -> HttpResponse:
    """Today's check-in (one per day, in the site's time zone)."""
    user, participant, lang = portal_participant(request)
    now = timezone.now()
    t = words(lang)
    if has_checked_in(participant, now):
        messages.info(request, t["already_checked_in"])
        return redirect("portal:home")
    form = CheckInForm(request.POST if request.method == "POST" else None, language=lang)
    if request.method == "POST" and form.is_valid():
        try:
            measure_actions.record_check_in(
                participant=participant, values=form.values(), by=user, at=now, source=Source.PORTAL
            )
        except MeasurementError as err:
            reason = t["already_checked_in"] if err.field == "local_date" else err.reason
            form.add_error(err.field if err.field in form.fields else None, reason)
        else:
            messages.success(request, t["checkin_saved"])
            return redirect("portal:home")
    return _page(request, "portal/check_in.html", lang, form=form)


def _measure_form(request: HttpRequest, instrument: Instrument, lang: str, ask_sex: bool) -> ParticipantMeasureForm:
    return ParticipantMeasureForm(
        request.POST if request.method == "POST" else None, instrument=instrument, language=lang, ask_sex=ask_sex
    )


@GET_POST
def measure_view(request: HttpRequest, code: str) -> HttpResponse:
    """A questionnaire of the participant's measurement schedule, answered on their phone."""
    user, participant, lang = portal_participant(request)
    now = timezone.now()
    if code not in allowed_instruments(participant, now):
        raise Http404("Not a questionnaire of your program")
    instrument = INSTRUMENTS[code]
    form = _measure_form(request, instrument, lang, instrument.requires_sex and participant.sex_at_birth not in SEXES)
    if request.method == "POST" and form.is_valid():
        try:
            measure_actions.record_measure(
                participant=participant,
                instrument=code,
                answers=form.answers(),
                administered_on=participant_today(participant, now),
                sex=form.cleaned_data.get("sex") or None,
                language=lang,
                source=Source.PORTAL,
                by=user,
                at=now,
            )
        except MeasurementError as err:
            form.apply_error(err)
        else:
            messages.success(request, words(lang)["measure_saved"])
            return redirect("portal:home")
    return _page(request, "portal/measure.html", lang, form=form, description=describe(instrument, lang))


@require_POST
def language_view(request: HttpRequest) -> HttpResponse:
    """Switch the portal's language (kept in the session)."""
    form = LanguageForm(request.POST)
    if form.is_valid():
        request.session[LANGUAGE_KEY] = form.cleaned_data["language"]
    wanted = request.POST.get("next", "")
    if wanted.startswith("/me/") and url_has_allowed_host_and_scheme(wanted, {request.get_host()}):
        return redirect(wanted)
    return redirect("portal:home")


# --- Without a login -----------------------------------------------------------------------------


@login_not_required
@GET_POST
def link_view(request: HttpRequest, token: str) -> HttpResponse:
    """A one-time questionnaire link: no login; works once, until it expires, for its participant only."""
    now = timezone.now()
    row = MeasureRequest.objects.select_related("participant").filter(token_hash=hash_token(token)).first()
    user = request.user
    if (
        row is not None
        and isinstance(user, User)
        and user.role == Role.PARTICIPANT
        and row.participant.portal_user_id != user.pk
    ):
        raise out_of_scope(user, "measures.measurerequest", row.pk, row.participant_id)
    lang = language_of(request.GET.get("lang") or request.POST.get("lang"), row.language if row else "en")
    refusal = measure_actions.request_refusal(row, now)
    if refusal is not None or row is None:
        return _page(request, "portal/link_invalid.html", lang, status=404 if row is None else 410, reason=refusal)
    instrument = INSTRUMENTS[row.instrument]
    form = _measure_form(
        request, instrument, lang, instrument.requires_sex and row.participant.sex_at_birth not in SEXES
    )
    if request.method == "POST" and form.is_valid():
        try:
            measure_actions.complete_measure_request(
                raw_token=token, answers=form.answers(), at=now, language=lang, sex=form.cleaned_data.get("sex") or None
            )
        except MeasurementError as err:
            if err.field == "token":
                return _page(request, "portal/link_invalid.html", lang, status=410, reason=err.reason)
            form.apply_error(err)
        else:
            return _page(request, "portal/link_done.html", lang)
    return _page(request, "portal/measure.html", lang, form=form, description=describe(instrument, lang), one_time=True)


def _user_from(uidb64: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        return None
    return User.objects.filter(pk=pk, role=Role.PARTICIPANT, is_active=True).first()


@login_not_required
@GET_POST
def welcome_view(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The invitation link: the participant chooses a password and is signed in. Single use."""
    user = _user_from(uidb64)
    participant = Participant.objects.filter(portal_user=user).first() if user else None
    lang = language_of(request.GET.get("lang"), participant.language if participant else "en")
    if user is None or participant is None or not default_token_generator.check_token(user, token):
        return _page(request, "portal/welcome_invalid.html", lang, status=410)
    form = SetPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        actions.set_portal_password(user=user, password=form.cleaned_data["new_password1"], at=timezone.now())
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, words(lang)["password_saved"])
        return redirect("portal:home")
    intro = words(lang)["welcome_intro"].format(username=user.username)
    return _page(request, "portal/welcome.html", lang, form=form, username=user.username, intro=intro)
