from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from cadence.audit.actions import record
from cadence.audit.models import AuditAction

from . import actions
from .forms import OtpForm, TokenForm
from .middleware import allow_without_second_factor
from .models import ApiToken
from .request import staff_user


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


login_view = login_not_required(LoginView.as_view())


@require_POST
@allow_without_second_factor
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You are signed out.")
    return redirect("accounts:login")


def _safe_next(request: HttpRequest) -> str:
    """The ``next`` page if it is on this site, else the home page (no open redirects)."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure()):
        return wanted
    return "core:home"


@allow_without_second_factor
def verify_view(request: HttpRequest) -> HttpResponse:
    """Second step of the login for users with a confirmed authenticator. Wrong codes are audited."""
    user = staff_user(request)
    if not user_has_device(user) or user.is_verified():  # type: ignore[attr-defined]
        return redirect(_safe_next(request))
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["code"].strip())
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        record(action=AuditAction.LOGIN_FAILED, actor=user, summary="Wrong two-factor code")
        form.add_error("code", "That code is not valid. Use the newest code from your app.")
    return render(request, "accounts/verify.html", {"form": form})


@allow_without_second_factor
def two_factor_view(request: HttpRequest) -> HttpResponse:
    """Enrol (or see) the authenticator app; the code confirms the phone's clock and secret."""
    user = staff_user(request)
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed is not None:
        return render(request, "accounts/two_factor.html", {"confirmed": confirmed})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or actions.start_totp_enrolment(user=user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.confirm_totp_enrolment(device=device, code=form.cleaned_data["code"], by=user, at=timezone.now())
        except actions.AccountError as err:
            form.add_error("code", err.reason)
        else:
            otp_login(request, device)
            messages.success(request, "Two-factor authentication is on.")
            return redirect("core:home")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4)
    context: dict[str, Any] = {"form": form, "device": device, "qr_svg": qr_svg, "secret": device.config_url}
    response = render(request, "accounts/two_factor.html", context)
    add_never_cache_headers(response)  # the page shows the TOTP secret
    return response


def tokens_view(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens; POST creates one, whose raw value appears in this response only."""
    user = staff_user(request)
    new_raw = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_raw = actions.create_api_token(
                user=user, name=form.cleaned_data["name"], by=user, at=timezone.now()
            )
        except actions.AccountError as err:
            form.add_error(err.field if err.field in form.fields else None, err.reason)
        else:
            form = TokenForm()
    tokens = ApiToken.objects.filter(user=user)
    response = render(request, "accounts/tokens.html", {"form": form, "tokens": tokens, "new_raw": new_raw})
    add_never_cache_headers(response)
    return response


@require_POST
def revoke_token_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the user's own tokens (another user's token is a 404)."""
    user = staff_user(request)
    token = get_object_or_404(ApiToken, pk=pk, user=user)
    try:
        actions.revoke_api_token(token=token, by=user, at=timezone.now())
    except actions.AccountError as err:
        messages.error(request, err.reason)
    else:
        messages.success(request, f"Token {token.prefix}… revoked.")
    return redirect("accounts:tokens")
