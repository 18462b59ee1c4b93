"""Toolbar icons shipped with mgis (SVG files in ``mgis/resources/icons``)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from PySide6.QtGui import QIcon


@cache
def icon(name: str) -> QIcon:
    """Return the icon ``name`` (file stem in ``resources/icons``).

    Raises
    ------
    FileNotFoundError
        When no such icon ships with mgis (a packaging error, never user input).
    """
    resource = files("mgis") / "resources" / "icons" / f"{name}.svg"
    if not resource.is_file():
        raise FileNotFoundError(f"mgis icon {name!r} is missing from the installation")
    return QIcon(str(resource))
