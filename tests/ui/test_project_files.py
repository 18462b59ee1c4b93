from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from mgis.commands import RemoveLayer
from mgis.ui import i18n
from mgis.ui.main_window import MainWindow
from mgis.ui.settings import AppSettings, SettingsDialog

Button = QMessageBox.StandardButton


@pytest.fixture
def window(qtbot, project_file: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    i18n.set_language("en")
    win = MainWindow()
    win.files.recovery_dir = tmp_path / "recovery"
    qtbot.addWidget(win)
    win.show()
    assert win.open_project(project_file)
    yield win
    win.canvas.shutdown()


def answer(monkeypatch, button: QMessageBox.StandardButton) -> list[str]:  # type: ignore[no-untyped-def]
    asked: list[str] = []

    def question(*args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(str(args[1]))
        return button

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_save_as_then_open_round_trip(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    window.controller.push(RemoveLayer("Drogi"))
    assert window.windowTitle() == "mgis — Testowo*"
    target = tmp_path / "copy"  # the .gpkg suffix is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    assert window.files.save_as()
    assert window.project.path == target.with_suffix(".gpkg").resolve()
    assert window.windowTitle() == "mgis — Testowo"
    assert window.settings.recent_projects()[0] == window.project.path
    assert window.menu_actions.recent_menu.actions()[0].text() == "&1 copy.gpkg"
    other = MainWindow()
    qtbot.addWidget(other)
    assert other.open_project(target.with_suffix(".gpkg"))
    assert other.project.layer_names() == ["Działki"]
    other.canvas.shutdown()


def test_background_save_marks_clean(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    path = window.project.path
    assert path is not None
    before = path.stat().st_mtime_ns
    window.controller.push(RemoveLayer("Drogi"))
    assert window.files.modified
    window.menu_actions.save.trigger()  # runs in a worker
    qtbot.waitUntil(lambda: not window.files.modified, timeout=20_000)
    qtbot.waitUntil(lambda: not window.files.busy(), timeout=5_000)
    assert path.stat().st_mtime_ns != before
    assert not window.progress.isVisible()


def test_background_open(qtbot, window: MainWindow, project_file: Path) -> None:  # type: ignore[no-untyped-def]
    window.files.new_project()
    assert window.project.layer_names() == []
    window.files.open_path(project_file, background=True)
    qtbot.waitUntil(lambda: window.project.layer_names() == ["Działki", "Drogi"], timeout=20_000)
    assert window.windowTitle() == "mgis — Testowo"


def test_unsaved_changes_prompt(window: MainWindow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window.controller.push(RemoveLayer("Drogi"))
    asked = answer(monkeypatch, Button.Cancel)
    assert not window.files.new_project()
    assert asked == ["Unsaved changes"]
    assert window.project.layer_names() == ["Działki"]
    assert not window.close()  # Cancel keeps the window open
    assert window.isVisible()
    answer(monkeypatch, Button.Discard)
    assert window.files.new_project()
    assert window.project.layer_names() == []
    assert window.windowTitle() == "mgis — Untitled"


def test_prompt_save_writes_the_file(window: MainWindow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window.controller.push(RemoveLayer("Drogi"))
    answer(monkeypatch, Button.Save)
    assert window.files.new_project()
    path = window.settings.recent_projects()[0]
    from mgis.project import Project

    assert Project.open(path).layer_names() == ["Działki"]


def test_autosave_and_recovery(qtbot, window: MainWindow, project_file: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert window.files.autosave() is None  # nothing to save while clean
    window.controller.push(RemoveLayer("Drogi"))
    recovery = window.files.autosave()
    assert recovery == project_file.with_name("p.recovery.gpkg").resolve()
    assert recovery.is_file()
    assert window.project.path == project_file.resolve()  # still the real file
    now = time.time()
    os.utime(project_file, (now - 60, now - 60))  # the crash: recovery newer than project
    window.controller.mark_saved()  # the "crashed" window must not ask anything later

    asked = answer(monkeypatch, Button.Yes)
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.open_project(project_file)
    assert asked == ["Recover project"]
    assert again.project.layer_names() == ["Działki"]
    assert again.project.path == project_file.resolve()
    assert again.windowTitle().endswith("*")
    answer(monkeypatch, Button.Save)
    assert again.files.save()
    assert not recovery.exists()  # a clean save deletes the copy
    assert not again.windowTitle().endswith("*")
    again.canvas.shutdown()


def test_declined_recovery_is_deleted(
    qtbot, window: MainWindow, project_file: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    window.controller.push(RemoveLayer("Drogi"))
    recovery = window.files.autosave()
    assert recovery is not None
    now = time.time()
    os.utime(project_file, (now - 60, now - 60))
    answer(monkeypatch, Button.No)
    assert window.files.open_path(project_file, ask=False)
    assert window.project.layer_names() == ["Działki", "Drogi"]
    assert not recovery.exists()


def test_untitled_recovery(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window.files.new_project()
    window.files._recovered = True  # an untitled project with changes
    recovery = window.files.autosave()
    assert recovery == tmp_path / "recovery" / "untitled.recovery.gpkg"
    assert recovery.is_file()
    answer(monkeypatch, Button.Yes)
    assert window.files.offer_untitled_recovery()
    assert window.project.path is None
    window.files.discard_recovery()
    assert not recovery.exists()


def test_autosave_timer_interval(window: MainWindow) -> None:
    assert window.files.autosave_timer.interval() == 3 * 60_000
    window.files.set_autosave_minutes(0)
    assert not window.files.autosave_timer.isActive()


def test_settings_round_trip_and_dialog(window: MainWindow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings = AppSettings()
    assert settings.language == ""
    settings.language = "pl"
    settings.autosave_minutes = 5
    for n in range(10):
        settings.add_recent(Path(f"/tmp/p{n}.gpkg"))
    assert AppSettings().language == "pl"
    assert AppSettings().autosave_minutes == 5
    assert len(AppSettings().recent_projects()) == 8
    assert AppSettings().recent_projects()[0] == Path("/tmp/p9.gpkg").resolve()

    def fake_exec(dialog: SettingsDialog) -> int:
        assert dialog.language() == "pl"
        dialog.language_box.setCurrentIndex(dialog.language_box.findData("en"))
        dialog.autosave_box.setValue(10)
        return 1

    monkeypatch.setattr(SettingsDialog, "exec", fake_exec)
    window.edit_settings()
    assert window.settings.language == "en"
    assert window.files.autosave_timer.interval() == 10 * 60_000


def test_language_setting_applies_unless_env_overrides(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from mgis.ui.app import choose_language

    try:
        monkeypatch.delenv("MGIS_LANG", raising=False)
        assert choose_language("pl") == "pl"
        assert choose_language("en") == "en"
        monkeypatch.setenv("MGIS_LANG", "pl")
        assert choose_language("en") == "pl"
        monkeypatch.setenv("MGIS_LANG", "en")
        assert choose_language("") == "en"
    finally:
        i18n.set_language("en")
