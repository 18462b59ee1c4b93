"""User-facing errors of the command line."""

from __future__ import annotations


class CliError(Exception):
    """An error reported to the user as one line, with exit code 2."""


def describe(exc: BaseException) -> str:
    """Return the one-line, user-facing text of an error."""
    from mgis.io import MgisIOError
    from mgis.project import ProjectError

    if isinstance(exc, CliError | MgisIOError | ProjectError | ValueError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
    return f"unexpected error ({type(exc).__name__}: {exc}); please report it"
