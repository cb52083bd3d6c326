"""Shared fixtures. Django is imported lazily so pure tests can run with ``-p no:django``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from django.test import Client

    from cadence.accounts.models import User
    from cadence.testing.personas import World


@pytest.fixture(autouse=True)
def _fast_hasher(request: pytest.FixtureRequest) -> None:
    if (
        "settings" in request.fixturenames
        or request.node.get_closest_marker("django_db")
        or "db" in request.fixturenames
    ):
        settings = request.getfixturevalue("settings")
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db: None, settings: Any) -> World:
    from cadence.testing.personas import build_world

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world()


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    """A test client logged in as the user (no second factor unless the test adds one)."""
    from django.test import Client

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api_for() -> Callable[[User], Client]:
    """A test client that sends a fresh bearer token of the user on every request."""
    from django.test import Client

    from cadence.accounts.actions import create_api_token
    from cadence.testing.personas import NOW

    def make(user: User) -> Client:
        _token, raw = create_api_token(user=user, name="test", by=user, at=NOW)
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


def __getattr__(name: str) -> Any:
    """``from conftest import World, NOW`` keeps working; the import happens only when asked."""
    if name in {"World", "NOW"}:
        from cadence.testing import personas

        return getattr(personas, name)
    raise AttributeError(name)
