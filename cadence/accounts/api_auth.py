from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja.security import HttpBearer

from .models import ApiToken, hash_token


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer TOKEN``: a live token of an active user; acts with that user's permissions."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        now = timezone.now()
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


def signed_in_or_token(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the OpenAPI schema and docs: a signed-in session or a valid bearer token, else 401."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or BearerTokenAuth().authenticate(request, token.strip()) is None:
                body = {
                    "detail": [{"field": "Authorization", "reason": "Sign in or send Authorization: Bearer TOKEN."}]
                }
                return JsonResponse(body, status=401)
        return view(request, *args, **kwargs)

    return wrapped
