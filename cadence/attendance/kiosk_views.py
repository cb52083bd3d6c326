"""The lobby kiosk of a site: a staff member with access to the site opens it (their login is then
closed in that browser), and it accepts check-ins with a code and PIN until it is locked or
``conf.kiosk_unlock_hours`` have passed. The kiosk pages need no login; what they may do is held in the
browser's session (``KIOSK_KEY``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cadence.accounts.models import STAFF_ROLES, User
from cadence.accounts.permissions import Capability, has_capability, require, roles_with
from cadence.accounts.request import staff_user
from cadence.programs.models import Site

from . import actions, conf, queries
from .forms import KioskForm
from .rules import AttendanceError

KIOSK_KEY = "attendance_kiosk"
FLASH_KEY = "attendance_kiosk_flash"


def unlocked_by(request: HttpRequest, site: Site, now: dt.datetime) -> User | None:
    """The staff member who unlocked this browser's kiosk for ``site``, while it is still unlocked."""
    state = request.session.get(KIOSK_KEY)
    if not isinstance(state, dict) or state.get("site") != site.pk:
        return None
    try:
        since = dt.datetime.fromisoformat(state["at"])
    except (KeyError, TypeError, ValueError):
        return None
    if now - since > dt.timedelta(hours=conf.kiosk_unlock_hours()):
        return None
    by = state.get("by")
    if not isinstance(by, int):
        return None
    return User.objects.filter(pk=by, is_active=True, role__in=roles_with(Capability.TAKE_ATTENDANCE)).first()


def _site(site_id: int) -> Site:
    site = Site.objects.filter(pk=site_id).first()
    if site is None:
        raise Http404("Not found")
    return site


@login_not_required
@require_http_methods(["GET", "POST"])
def kiosk_view(request: HttpRequest, site_id: int) -> HttpResponse:
    """Unlocked: the check-in form. Locked: an "unlock" button for staff with access to the site, a
    sign-in link for everyone else."""
    site = _site(site_id)
    now = timezone.now()
    opener = unlocked_by(request, site, now)
    if opener is None:
        return _locked(request, site)
    form = KioskForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            check_in = actions.kiosk_check_in(
                site=site, code=form.cleaned_data["code"], pin=form.cleaned_data["pin"], unlocked_by=opener, at=now
            )
        except AttendanceError as err:
            request.session[FLASH_KEY] = {"ok": False, "text": err.reason}
        else:
            session = check_in.session
            first = check_in.participant.preferred_name or check_in.participant.legal_first_name
            request.session[FLASH_KEY] = {
                "ok": True,
                "text": f"Thank you, {first}. You are checked in for {session.service_type.name} at "
                f"{session.starts_at.astimezone(site.zone):%H:%M}. Staff will confirm it.",
            }
        return redirect("attendance:kiosk", site.pk)
    flash: dict[str, Any] | None = request.session.pop(FLASH_KEY, None)
    context = {
        "site": site,
        "form": form,
        "flash": flash,
        "now": now.astimezone(site.zone),
        "opens": conf.kiosk_opens_minutes_before(),
        "closes": conf.kiosk_closes_minutes_after(),
    }
    return render(request, "attendance/kiosk.html", context)


def _locked(request: HttpRequest, site: Site) -> HttpResponse:
    user = request.user
    staff = isinstance(user, User) and user.is_active and user.role in STAFF_ROLES
    may_unlock = False
    if isinstance(user, User) and staff:
        queries.get_site_for(user, site.pk)  # 404 (audited) for a site out of scope
        may_unlock = has_capability(user.role, Capability.TAKE_ATTENDANCE)
    context = {"site": site, "staff": staff, "may_unlock": may_unlock}
    return render(request, "attendance/kiosk_locked.html", context, status=200 if staff else 403)


@require_POST
def unlock_view(request: HttpRequest, site_id: int) -> HttpResponse:
    """Open the kiosk in this browser: audited, then the staff login here is closed so the lobby tablet
    holds no staff session."""
    user = staff_user(request)
    site = queries.get_site_for(user, site_id)
    require(user, Capability.TAKE_ATTENDANCE)
    now = timezone.now()
    actions.unlock_kiosk(site=site, by=user, at=now)
    logout(request)
    request.session[KIOSK_KEY] = {"site": site.pk, "by": user.pk, "at": now.isoformat()}
    request.session.set_expiry(conf.kiosk_unlock_hours() * 3600)
    return redirect("attendance:kiosk", site.pk)


@login_not_required
@require_POST
def lock_view(request: HttpRequest, site_id: int) -> HttpResponse:
    site = _site(site_id)
    opener = unlocked_by(request, site, timezone.now())
    if opener is not None:
        actions.lock_kiosk(site=site, unlocked_by=opener, at=timezone.now())
    request.session.flush()
    return redirect("attendance:kiosk", site.pk)
