"""Fixtures of these tests. Django is imported lazily so the pure tests can run with ``-p no:django``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture
def frozen() -> Iterator[None]:
    """The clock stopped at NOW (Monday 23 November 2026, 15:00 UTC)."""
    import time_machine

    from cadence.testing.personas import NOW

    with time_machine.travel(NOW, tick=False):
        yield
