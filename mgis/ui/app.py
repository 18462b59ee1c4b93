"""Starting the desktop application."""

from __future__ import annotations

import os
import sys
from pathlib import Path

_HEADLESS_PLATFORMS = ("offscreen", "minimal", "vnc")


def display_available() -> bool:
    """Return True when a window can be shown (always on Windows and macOS).

    On Linux and other Unix systems a display is there when ``DISPLAY`` or
    ``WAYLAND_DISPLAY`` is set, or when ``QT_QPA_PLATFORM`` asks for a
    platform that needs none (offscreen, minimal, vnc).
    """
    if sys.platform.startswith(("win", "darwin")):
        return True
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return True
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0].strip().lower()
    return platform in _HEADLESS_PLATFORMS


def run_gui(project_path: Path | None = None) -> int:
    """Run the main window until it is closed.

    Parameters
    ----------
    project_path : pathlib.Path or None
        Project to open at start; errors are shown in a message box, not raised.

    Returns
    -------
    int
        The application exit code.
    """
    from PySide6.QtWidgets import QApplication

    from mgis.ui.i18n import current_language
    from mgis.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("mgis")
    current_language()  # choose the language before the first window string
    window = MainWindow()
    window.show()
    if project_path is not None:
        window.open_project(Path(project_path))
    return int(app.exec())
