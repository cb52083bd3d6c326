"""The JSON API at /api/v1/: token (Bearer) or session auth, the same scope checks and actions as the UI,
and every error as a 4xx with the field and the reason."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import SessionAuth

from cadence.accounts.api_auth import BearerTokenAuth, signed_in_or_token
from cadence.core.errors import DomainError

api = NinjaAPI(
    title="Cadence API",
    version="1",
    description=(
        "Intensive Outpatient Program platform. Authenticate with `Authorization: Bearer TOKEN` "
        "(create a token under Account > API tokens or with `manage.py create_token USERNAME`). "
        'Errors answer `{"detail": [{"field": ..., "reason": ...}]}`.'
    ),
    auth=[BearerTokenAuth(), SessionAuth()],
    urls_namespace="api",
    docs_decorator=signed_in_or_token,
)


def _errors(request: HttpRequest, status: int, items: list[dict[str, str]]) -> HttpResponse:
    return api.create_response(request, {"detail": items}, status=status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    items = []
    for err in exc.errors:
        loc = [str(part) for part in err.get("loc", []) if part not in ("body", "payload", "query", "path")]
        items.append({"field": ".".join(loc) or "body", "reason": str(err.get("msg", "invalid"))})
    return _errors(request, 422, items)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _errors(request, 400, [{"field": exc.field, "reason": exc.reason}])


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _errors(request, 404, [{"field": "id", "reason": "Not found."}])


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _errors(request, 403, [{"field": "", "reason": str(exc) or "Your role does not allow this."}])


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _errors(
        request, 401, [{"field": "Authorization", "reason": "Send a valid token: Authorization: Bearer TOKEN."}]
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _errors(request, exc.status_code, [{"field": "", "reason": str(exc)}])


def _register_routers() -> None:
    from cadence.accounts.api import router as staff_router
    from cadence.attendance.api import router as attendance_router
    from cadence.consents.api import router as consents_router
    from cadence.interop.api import router as fhir_router
    from cadence.measures.api import router as measures_router
    from cadence.notes.api import router as notes_router
    from cadence.outcomes.api import router as outcomes_router
    from cadence.participants.api import router as participants_router
    from cadence.plans.api import router as plans_router
    from cadence.programs.api import router as programs_router
    from cadence.safety.api import router as safety_router
    from cadence.safetyplans.api import router as safetyplans_router
    from cadence.scheduling.api import router as scheduling_router

    api.add_router("/participants", participants_router)
    api.add_router("/", programs_router)
    api.add_router("/staff", staff_router)
    api.add_router("/schedule", scheduling_router)
    api.add_router("/attendance", attendance_router)
    api.add_router("/", measures_router)
    api.add_router("/plans", plans_router)
    api.add_router("/notes", notes_router)
    api.add_router("/safety", safety_router)
    api.add_router("/safety-plans", safetyplans_router)
    api.add_router("/consents", consents_router)
    api.add_router("/outcomes", outcomes_router)
    api.add_router("/fhir", fhir_router)


_register_routers()

__all__: list[Any] = ["api"]
