"""Starting the desktop application."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mgis.ui.main_window import MainWindow

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


def choose_language(stored: str) -> str:
    """Use ``MGIS_LANG`` if set, else the ``stored`` setting, else the system language.

    Parameters
    ----------
    stored : str
        Language from the settings (``""`` = follow the system).

    Returns
    -------
    str
        The language now in use.
    """
    from mgis.ui import i18n

    if not os.environ.get("MGIS_LANG", "").strip() and stored in i18n.LANGUAGES:
        i18n.set_language(stored)
    else:
        i18n.use_system_language()
    return i18n.current_language()


def run_gui(project_path: Path | None = None) -> int:
    """Run the main window until it is closed.

    The language comes from ``MGIS_LANG``, else the Settings dialog, else the
    system locale. ``MGIS_SCREENSHOT=<file.png>`` (used by the end-to-end test)
    saves a picture of the window after the first finished map render.

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

    from mgis.ui import i18n
    from mgis.ui.main_window import MainWindow
    from mgis.ui.settings import AppSettings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("mgis")
    app.setOrganizationName("mgis")
    settings = AppSettings()
    choose_language(settings.language)
    i18n.install_qt_translations()
    window = MainWindow(settings=settings)
    window.show()
    shot = os.environ.get("MGIS_SCREENSHOT", "").strip()
    if shot:
        _screenshot_after_render(window, Path(shot))
    if project_path is not None:
        window.files.open_path(Path(project_path), background=True, ask=False)
    else:
        window.files.offer_untitled_recovery()
    return int(app.exec())


def _screenshot_after_render(window: MainWindow, path: Path) -> None:
    """Save ``window`` as PNG to ``path`` once a map with layers has been rendered.

    Beside it, ``<path>.windows.txt`` lists the visible top-level windows
    (class and title), so a test can tell that no error dialog appeared.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def save() -> None:
        window.grab().save(str(path), "PNG")
        shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        lines = [f"{type(w).__name__}\t{w.windowTitle()}" for w in shown]
        Path(f"{path}.windows.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")

    scheduled: list[bool] = []

    def grab(_seconds: float) -> None:
        if window.project.layers and not scheduled:
            scheduled.append(True)
            QTimer.singleShot(500, save)  # let the status bar and the panel repaint first

    window.canvas.rendered.connect(grab)
