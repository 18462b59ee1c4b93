"""User settings (language, autosave, recent projects) and the Settings dialog.

Settings live in an INI file through ``QSettings`` (organisation and
application ``mgis``). Tests point ``QSettings.setPath`` for the INI format at a
temporary folder so they never touch the user's own settings.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mgis.ui.i18n import LANGUAGES, tr

MAX_RECENT = 8
DEFAULT_AUTOSAVE_MINUTES = 3
SYSTEM_LANGUAGE = ""
"""Stored language value meaning: follow the system locale."""


class AppSettings:
    """Typed access to the stored mgis settings.

    Parameters
    ----------
    store : QSettings, optional
        Backing store; by default the user's ``mgis`` INI file.
    """

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store or QSettings(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope, "mgis", "mgis"
        )

    @property
    def language(self) -> str:
        """Chosen language (``"pl"``, ``"en"``) or ``""`` for the system language."""
        value = str(self.store.value("ui/language", SYSTEM_LANGUAGE) or "")
        return value if value in LANGUAGES else SYSTEM_LANGUAGE

    @language.setter
    def language(self, value: str) -> None:
        self.store.setValue("ui/language", value if value in LANGUAGES else SYSTEM_LANGUAGE)

    @property
    def autosave_minutes(self) -> int:
        """Minutes between recovery copies of a modified project (0 = off)."""
        try:
            value = int(str(self.store.value("project/autosave_minutes", "")))
        except ValueError:
            return DEFAULT_AUTOSAVE_MINUTES
        return max(0, value)

    @autosave_minutes.setter
    def autosave_minutes(self, value: int) -> None:
        self.store.setValue("project/autosave_minutes", max(0, int(value)))

    def recent_projects(self) -> list[Path]:
        """Return recently used project files, most recent first."""
        value = self.store.value("project/recent", [])
        items: list[object] = (
            [value] if isinstance(value, str) else list(value) if isinstance(value, list) else []
        )
        return [Path(str(item)) for item in items if str(item)][:MAX_RECENT]

    def add_recent(self, path: Path) -> None:
        """Put ``path`` first in the recent projects (at most :data:`MAX_RECENT`)."""
        path = Path(path).resolve()
        paths = [path, *(p for p in self.recent_projects() if p != path)]
        self.store.setValue("project/recent", [str(p) for p in paths[:MAX_RECENT]])

    def remove_recent(self, path: Path) -> None:
        """Forget ``path`` (e.g. when the file no longer exists)."""
        paths = [p for p in self.recent_projects() if p != Path(path)]
        self.store.setValue("project/recent", [str(p) for p in paths])

    def sync(self) -> None:
        """Write pending changes to disk."""
        self.store.sync()


class SettingsDialog(QDialog):
    """Asks for the language and the autosave interval; the window stores them.

    Parameters
    ----------
    language : str
        Current language setting (``""`` = system).
    autosave_minutes : int
        Current autosave interval.
    parent : QWidget, optional
        Parent widget.
    """

    def __init__(self, language: str, autosave_minutes: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Settings"))
        self.language_box = QComboBox()
        for text, value in (
            (tr("System language"), SYSTEM_LANGUAGE),
            ("Polski", "pl"),
            ("English", "en"),
        ):
            self.language_box.addItem(text, value)
        self.language_box.setCurrentIndex(max(0, self.language_box.findData(language)))
        self.autosave_box = QSpinBox()
        self.autosave_box.setRange(0, 120)
        self.autosave_box.setSuffix(" " + tr("min"))
        self.autosave_box.setSpecialValueText(tr("off"))
        self.autosave_box.setValue(autosave_minutes)
        form = QFormLayout()
        form.addRow(tr("Language:"), self.language_box)
        form.addRow(tr("Autosave every:"), self.autosave_box)
        note = QLabel(tr("A new language is used after mgis is restarted."))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def language(self) -> str:
        """Return the chosen language (``""`` = system)."""
        return str(self.language_box.currentData())

    def autosave_minutes(self) -> int:
        """Return the chosen autosave interval in minutes (0 = off)."""
        return int(self.autosave_box.value())
