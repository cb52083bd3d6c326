"""Per-request context (request id, client IP) that audit entries pick up without threading it through."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar("cadence_request", default=RequestContext())


def current() -> RequestContext:
    return _current.get()


def bind(ctx: RequestContext) -> contextvars.Token[RequestContext]:
    return _current.set(ctx)


def unbind(token: contextvars.Token[RequestContext]) -> None:
    _current.reset(token)
