"""The throwaway database each benchmark size runs in (shared by every script in bench/):
a temporary SQLite file (CADENCE_SQLITE_PATH), or, when DATABASE_URL points at PostgreSQL, a database this
helper creates and drops (the database named in DATABASE_URL is only used to connect)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


class Database:
    """A fresh empty database per size: a temporary SQLite file, or a PostgreSQL database we create and drop."""

    def __init__(self, url: str | None, pg_name: str) -> None:
        self.url = url
        self.pg_name = pg_name
        self.tmp: str | None = None

    def __enter__(self) -> dict[str, str]:
        return self.open()

    def open(self) -> dict[str, str]:
        """Create the database; return the environment a Django process needs to use it."""
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CADENCE_SQLITE_PATH")}
        env["DJANGO_SETTINGS_MODULE"] = "cadence.settings"
        env["CADENCE_DEBUG"] = "0"
        if not self.url:
            self.tmp = tempfile.mkdtemp(prefix="cadence-bench-")
            env["CADENCE_SQLITE_PATH"] = str(Path(self.tmp) / "bench.sqlite3")
            return env
        parts = urlsplit(self.url)
        if parts.path.strip("/") == self.pg_name:
            raise SystemExit(f"DATABASE_URL already names {self.pg_name!r}; the benchmark would drop it. Use another.")
        self._admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.pg_name}"')
        env["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + self.pg_name))
        return env

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Remove the database (the temporary SQLite file or the PostgreSQL database)."""
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
        elif self.url:
            self._admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')

    def _admin(self, sql: str) -> None:
        import psycopg

        assert self.url is not None
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]


def open_in_this_process(pg_name: str) -> Database:
    """For a benchmark that sets Django up in its own process: create a fresh database and point this
    process's environment at it (before ``django.setup()``). Close Django's connections, then call
    ``close()`` on the result when done."""
    database = Database(os.environ.get("DATABASE_URL") or None, pg_name)
    env = database.open()
    for key in ("DATABASE_URL", "CADENCE_SQLITE_PATH"):
        os.environ.pop(key, None)
    os.environ.update(env)
    return database
