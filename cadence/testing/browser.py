"""A real Cadence server in a subprocess (own SQLite file, seeded demo data) for browser tests and
screenshots, and a Playwright Chromium from Debian's package."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CADENCE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEMO_PASSWORD = "browser-test-password-1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(db_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cadence.settings",
            "CADENCE_SQLITE_PATH": str(db_path),
            "CADENCE_DEMO_PASSWORD": DEMO_PASSWORD,
            "CADENCE_DEBUG": "0",
            "CADENCE_LOGIN_FAILURE_LIMIT": "50",
        }
    )
    return env


@contextmanager
def running_server(participants: int = 40, extra: Sequence[Sequence[str]] = ()) -> Iterator[str]:
    """Migrate and seed a throwaway database, serve it, yield the base URL, stop on exit.

    ``extra`` lists further management commands (name and arguments) to run after ``seed_demo``,
    e.g. ``[["seed_schedule_demo", "--weeks", "1"]]``."""
    with tempfile.TemporaryDirectory(prefix="cadence-browser-") as tmp:
        env = _env(Path(tmp) / "db.sqlite3")
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
        subprocess.run(
            [*manage, "seed_demo", "--participants", str(participants), "--weeks", "6", "--seed", "11"],
            env=env,
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        for command in extra:
            subprocess.run([*manage, *command], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        port = _free_port()
        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(base + "/accounts/login/", timeout=2)  # noqa: S310 (loopback only)
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise RuntimeError("the Cadence test server did not start") from None
                    time.sleep(0.2)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=10)
