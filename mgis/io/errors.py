"""The one exception type raised by :mod:`mgis.io` for bad input."""

from __future__ import annotations


class MgisIOError(Exception):
    """A file could not be read or written; the message says which file and what to do.

    The message is meant to be shown to the user as it is: it names the file
    (and the row or field where known), says what is wrong and what to do about it.
    """
