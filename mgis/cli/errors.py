"""User-facing errors of the command line."""

from __future__ import annotations

import sys


class CliError(Exception):
    """An error reported to the user as one line, with exit code 2."""


def describe(exc: BaseException) -> str:
    """Return the one-line, user-facing text of an error."""
    from mgis.io import MgisIOError
    from mgis.project import ProjectError

    if isinstance(exc, CliError | MgisIOError | ProjectError | ValueError):
        text = str(exc)
    elif isinstance(exc, OSError):
        text = f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
    elif _is_database_error(exc):
        lines = str(exc).strip().splitlines() or [type(exc).__name__]
        text = f"database error: {lines[0]}"
    else:
        text = f"unexpected error ({type(exc).__name__}: {exc}); please report it"
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def _is_database_error(exc: BaseException) -> bool:
    """Return True for a psycopg error (psycopg is looked at only when already imported)."""
    psycopg = sys.modules.get("psycopg")
    return psycopg is not None and isinstance(exc, psycopg.Error)
