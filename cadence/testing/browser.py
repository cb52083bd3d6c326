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
from typing import Any

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


class WatchedBrowser:
    """A Chromium whose pages record script errors, CSP violations and missing assets (any non-document
    response of 400 or more; pages themselves may answer 404 on purpose) into ``errors``."""

    def __init__(self, browser: Any, base_url: str, answers_may_fail: tuple[str, ...] = ()) -> None:
        self.browser = browser
        self.base_url = base_url
        # Resource types whose 4xx answers are expected (e.g. "xhr" when htmx shows a refusal).
        self.answers_may_fail = ("document", *answers_may_fail)
        self.errors: list[str] = []

    def page(self, viewport: dict[str, int] | None = None) -> Any:
        """A page in a fresh context (its own cookies: one signed-in user per page)."""
        context = self.browser.new_context(base_url=self.base_url, viewport=viewport or {"width": 1280, "height": 900})
        tab = context.new_page()
        tab.on("console", self._on_console)
        tab.on("response", self._on_response)
        return tab

    def _on_console(self, msg: Any) -> None:
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            self.errors.append(msg.text)

    def _on_response(self, response: Any) -> None:
        if response.status >= 400 and response.request.resource_type not in self.answers_may_fail:
            self.errors.append(f"{response.status} {response.url}")


@contextmanager
def watched_browser(base_url: str, answers_may_fail: tuple[str, ...] = ()) -> Iterator[WatchedBrowser]:
    """Debian's Chromium through Playwright; on exit, fails the test if any page recorded an error."""
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        watched = WatchedBrowser(chromium, base_url, answers_may_fail)
        try:
            yield watched
        finally:
            watched.browser.close()
    assert not watched.errors, f"browser errors (CSP, script or missing asset): {watched.errors}"


@contextmanager
def watched_page(
    base_url: str, viewport: dict[str, int] | None = None, answers_may_fail: tuple[str, ...] = ()
) -> Iterator[Any]:
    """One page of a ``watched_browser``."""
    with watched_browser(base_url, answers_may_fail) as browser:
        yield browser.page(viewport)


def sign_in(page: Any, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form and wait for the landing page."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
