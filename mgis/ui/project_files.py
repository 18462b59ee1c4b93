"""Project file handling: new, open, save, save as, recent projects, autosave and recovery.

A modified project is copied every few minutes to a recovery file beside it
(``NAME.recovery.gpkg``; untitled projects go to the user data folder). A clean
save or close deletes the copy; a copy found newer than its project at start or
open means mgis did not close properly, and the user is offered to recover it.

Before a project is read, mgis connects once, on the UI thread, to every
database its layers come from, so a password dialog appears at most once per
connection; the project itself is then always read off the UI thread, where no
dialog is shown: a layer whose database cannot be reached opens empty and the
user is told which one and why.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from mgis.io.pg_connect import connect
from mgis.project import Project, database_connections
from mgis.ui.controller import ProjectController
from mgis.ui.i18n import tr
from mgis.ui.settings import AppSettings
from mgis.ui.workers import ProgressPanel, Worker, readable_error

UNTITLED_RECOVERY = "untitled.recovery.gpkg"


def default_recovery_dir() -> Path:
    """Return the folder for recovery copies of untitled projects."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(base or Path.home() / ".mgis") / "recovery"


class ProjectFiles(QObject):
    """Opens and saves the controller's project, with prompts, recent files and autosave.

    Parameters
    ----------
    controller : ProjectController
        The open project.
    settings : AppSettings
        Recent projects and the autosave interval.
    progress : ProgressPanel
        Shows background opens and saves.
    parent : QWidget
        Parent of the dialogs (the main window).

    Signals
    -------
    stateChanged()
        The file name or the modified state changed (update the title).
    recentChanged()
        The recent-projects list changed.
    """

    stateChanged = Signal()  # noqa: N815 - Qt naming
    recentChanged = Signal()  # noqa: N815

    def __init__(
        self,
        controller: ProjectController,
        settings: AppSettings,
        progress: ProgressPanel,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.settings = settings
        self.progress = progress
        self.widget = parent
        self.recovery_dir = default_recovery_dir()
        self._recovered = False
        self._busy: Worker | None = None
        self._edits = 0
        controller.projectModified.connect(self._count_edit)
        self.autosave_timer = QTimer(self)
        self.autosave_timer.timeout.connect(lambda: self.autosave(background=True))
        self.set_autosave_minutes(settings.autosave_minutes)
        controller.cleanChanged.connect(lambda _clean: self.stateChanged.emit())
        controller.projectReplaced.connect(self.stateChanged.emit)

    # -- state ----------------------------------------------------------------------------

    @property
    def modified(self) -> bool:
        """True when the project has changes not saved to its file."""
        return self._recovered or not self.controller.stack.is_clean

    def busy(self) -> bool:
        """Return True while a project is opened or saved in the background."""
        return self._busy is not None

    def set_autosave_minutes(self, minutes: int) -> None:
        """Copy a modified project every ``minutes`` (0 turns autosave off)."""
        self.autosave_timer.stop()
        if minutes > 0:
            self.autosave_timer.start(minutes * 60_000)

    def recovery_path(self, path: Path | None = None) -> Path:
        """Return the recovery file of the project file ``path`` (None: the open project)."""
        path = path if path is not None else self.controller.project.path
        if path is None:
            return self.recovery_dir / UNTITLED_RECOVERY
        return path.with_name(path.stem + ".recovery.gpkg")

    # -- new / open -------------------------------------------------------------------------

    def new_project(self) -> bool:
        """Start an empty project after asking about unsaved changes."""
        if not self.maybe_save():
            return False
        self.discard_recovery()
        self._set(Project())
        return True

    def open_dialog(self) -> None:
        """Ask for a project file and open it in the background."""
        if not self.maybe_save():
            return
        name, _ = QFileDialog.getOpenFileName(
            self.widget, tr("Open project"), self._folder(), tr("mgis projects (*.gpkg)")
        )
        if name:
            self.open_path(Path(name), background=True, ask=False)

    def open_path(self, path: Path, *, background: bool = False, ask: bool = True) -> bool:
        """Open the project file ``path``; False (after telling the user why) on failure.

        Parameters
        ----------
        path : pathlib.Path
            The project file.
        background : bool
            Read it in a worker; the return value then only says it started.
        ask : bool
            Ask about unsaved changes of the open project first.
        """
        if ask and not self.maybe_save():
            return False
        path = Path(path)
        recovery = self.recovery_path(path)
        if _newer(recovery, path) and self._ask_recover(recovery):
            return self._open(recovery, path, background, recovered=True)
        recovery.unlink(missing_ok=True)
        return self._open(path, path, background, recovered=False)

    def offer_untitled_recovery(self) -> bool:
        """Offer the recovery copy of an untitled project left by a crash."""
        recovery = self.recovery_path(None)
        if recovery.is_file() and self._ask_recover(recovery):
            return self._open(recovery, None, background=False, recovered=True)
        return False

    def _open(self, read: Path, path: Path | None, background: bool, *, recovered: bool) -> bool:
        """Read ``read`` and show it as the project file ``path``."""

        def done(project: Project) -> None:
            project.path = path.resolve() if path else None
            self._set(project, recovered=recovered)
            if path is not None:
                self._add_recent(path)
            self._show_load_warnings(project)

        settle_passwords(read)
        if not background:
            try:
                project = _open_off_ui_thread(read)
            except Exception as exc:  # the user gets a message, never a traceback
                self._error(tr("Cannot open the project"), read, readable_error(exc))
                return False
            done(project)
            return True
        worker = Worker(Project.open, read, parent=self)
        worker.succeeded.connect(done)
        worker.failed.connect(lambda text: self._error(tr("Cannot open the project"), read, text))
        self._run(worker, f"{tr('Opening')} {read.name}…")
        return True

    # -- save -----------------------------------------------------------------------------

    def save(self, *, background: bool = False) -> bool:
        """Save to the project's file (asking for one when untitled)."""
        path = self.controller.project.path
        if path is None:
            return self.save_as(background=background)
        return self._save(path, background)

    def save_as(self, *, background: bool = False) -> bool:
        """Ask for a file name and save the project there."""
        name, _ = QFileDialog.getSaveFileName(
            self.widget, tr("Save project as"), self._folder(), tr("mgis projects (*.gpkg)")
        )
        if not name:
            return False
        path = Path(name)
        if path.suffix.lower() != ".gpkg":
            path = path.with_name(path.name + ".gpkg")
        return self._save(path, background)

    def _save(self, path: Path, background: bool) -> bool:
        """Save to ``path``; mark the project saved unless it changed meanwhile."""
        project = self.controller.project
        old_recovery = self.recovery_path()
        edits = self._edits

        def done(saved: Path) -> None:
            old_recovery.unlink(missing_ok=True)
            self._recovered = False
            if project is self.controller.project and self._edits == edits:
                self.controller.mark_saved()
            self._add_recent(saved)
            self.stateChanged.emit()

        if not background:
            try:
                saved = project.save(path)
            except Exception as exc:  # the user gets a message, never a traceback
                self._error(tr("Cannot save the project"), path, readable_error(exc))
                return False
            done(saved)
            return True
        worker = Worker(project.save, path, parent=self)
        worker.succeeded.connect(done)
        worker.failed.connect(lambda text: self._error(tr("Cannot save the project"), path, text))
        self._run(worker, f"{tr('Saving')} {path.name}…")
        return True

    def maybe_save(self) -> bool:
        """Ask Save / Discard / Cancel when modified; True when the caller may go on."""
        if not self.modified:
            return True
        answer = QMessageBox.question(
            self.widget,
            tr("Unsaved changes"),
            tr("The project has unsaved changes. Save them?"),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save(background=False)
        return answer == QMessageBox.StandardButton.Discard

    # -- autosave and recovery --------------------------------------------------------------

    def autosave(self, *, background: bool = False) -> Path | None:
        """Copy a modified project to its recovery file; return that file (None when clean)."""
        if not self.modified or self._busy is not None:
            return None
        project = self.controller.project
        target = self.recovery_path()
        if not background:
            try:
                return project.save_copy(target)
            except Exception:  # autosave must never interrupt work
                return None
        worker = Worker(project.save_copy, target, parent=self)
        worker.start()
        return target

    def discard_recovery(self) -> None:
        """Delete the recovery copy of the open project (clean close or discard)."""
        self.recovery_path().unlink(missing_ok=True)

    # -- helpers ----------------------------------------------------------------------------

    def _count_edit(self) -> None:
        """Count changes, so a background save knows whether it saved the latest state."""
        self._edits += 1

    def _set(self, project: Project, *, recovered: bool = False) -> None:
        """Show ``project``; a recovered one counts as modified."""
        self._recovered = recovered
        self.controller.set_project(project)
        self.stateChanged.emit()

    def _run(self, worker: Worker, text: str) -> None:
        """Run a background open or save with progress."""
        self._busy = worker

        def finished() -> None:
            self._busy = None

        worker.finished.connect(finished)
        self.progress.track(worker, text)
        worker.start()

    def _ask_recover(self, recovery: Path) -> bool:
        """Ask whether to open the recovery copy ``recovery``."""
        answer = QMessageBox.question(
            self.widget,
            tr("Recover project"),
            tr("mgis was not closed properly. Open the automatically saved copy?")
            + f"\n{recovery}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _add_recent(self, path: Path) -> None:
        """Remember ``path`` as the most recent project."""
        self.settings.add_recent(path)
        self.recentChanged.emit()

    def _folder(self) -> str:
        """Return the folder file dialogs start in."""
        path = self.controller.project.path
        if path is not None:
            return str(path.parent)
        recent = self.settings.recent_projects()
        return str(recent[0].parent) if recent else ""

    def _error(self, title: str, path: Path, text: str) -> None:
        """Show a failure naming the file."""
        QMessageBox.critical(self.widget, title, f"{path}:\n{text}")

    def _show_load_warnings(self, project: Project) -> None:
        """List the layers that could not be read, in one message box."""
        if project.load_warnings:
            QMessageBox.warning(
                self.widget,
                tr("Some layers could not be read"),
                tr("The project is open, but these layers have no features:")
                + "\n\n"
                + "\n\n".join(project.load_warnings),
            )


def settle_passwords(path: Path) -> None:
    """Connect once to each database the project ``path`` reads layers from (UI thread).

    A password the server asks for is asked now, once, and kept for the
    session; the project is then read off the UI thread without dialogs. A
    cancelled dialog or an unreachable server is left to the open, which keeps
    such a layer empty and says why.
    """
    try:
        names = database_connections(path)
    except Exception:  # not a project: opening it tells the user
        return
    for name in names:
        try:
            connect(name).close()
        except Exception:  # cancelled, wrong password or unreachable: the open reports it
            continue


def _open_off_ui_thread(path: Path) -> Project:
    """Read the project ``path`` in a thread and wait for it (no password dialog inside)."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mgis-open") as pool:
        return pool.submit(Project.open, path).result()


def _newer(recovery: Path, path: Path) -> bool:
    """Return True when ``recovery`` exists and is newer than ``path`` (or ``path`` is gone)."""
    if not recovery.is_file():
        return False
    return not path.is_file() or recovery.stat().st_mtime > path.stat().st_mtime
