from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

# The API authenticates every operation itself (bearer token or session) and answers 401 in JSON.
_OPEN_PREFIXES = ("/api/", "/static/", "/favicon.ico")


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Every page needs a login (Django's middleware), and a second factor where one applies:
    a user with a confirmed TOTP device must pass it; administrators must enrol one when
    ``CADENCE_REQUIRE_2FA_FOR_ADMINS`` is on."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.path.startswith(_OPEN_PREFIXES):
            return None
        denied = super().process_view(request, view_func, view_args, view_kwargs)
        if denied is not None or not getattr(view_func, "login_required", True):
            return denied
        return self._second_factor(request, view_func)

    def _second_factor(self, request: HttpRequest, view_func: Callable[..., Any]) -> HttpResponse | None:
        if getattr(view_func, "allow_without_second_factor", False):
            return None
        from django_otp import user_has_device

        user = request.user
        if user_has_device(user):
            if not user.is_verified():  # type: ignore[union-attr]
                return redirect(f"{reverse('accounts:verify')}?{urlencode({'next': request.get_full_path()})}")
            return None
        if settings.CADENCE_REQUIRE_2FA_FOR_ADMINS and getattr(user, "role", "") == "admin":
            return redirect("accounts:two_factor")
        return None


def allow_without_second_factor(view: Callable[..., Any]) -> Callable[..., Any]:
    view.allow_without_second_factor = True  # type: ignore[attr-defined]
    return view
