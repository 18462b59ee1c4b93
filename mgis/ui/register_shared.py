"""The register shared in PostGIS, in the window: publish, open, edit, and refused conflicts.

Database work runs in workers; the password is settled on the UI thread first
(:func:`mgis.ui.db_actions.ensure_connection`). Publishing, opening and saving
change the project through :meth:`RegisterUi._store` (one undoable step for
the project's copy; what was saved in the database stays saved). A save made
on a stale copy is refused by the database: the user is told which
investment, who changed it and when, and may refresh at once.
The module-level dialog functions are the seams tests replace.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from mgis.io import MgisIOError
from mgis.io.pg_connect import get_connection
from mgis.io.pg_register import list_registers
from mgis.layers import shared_register
from mgis.ui.db_dialogs import ConnectionStore
from mgis.ui.i18n import tr
from mgis.ui.register_db_dialogs import (
    InvestmentDialog,
    Lister,
    OpenChoice,
    OpenSharedRegisterDialog,
    PublishChoice,
    PublishRegisterDialog,
)
from mgis.ui.register_shared_jobs import (
    SavedEdit,
    conflict_text,
    open_job,
    publish_job,
    save_job,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    import geopandas as gpd

    from mgis.layers.link_store import RegisterLink
    from mgis.project import Project
    from mgis.ui.register_actions import RegisterUi
    from mgis.ui.register_panel import RegisterPanel
    from mgis.ui.workers import Worker


# -- dialogs (replaced in tests) ---------------------------------------------------------


def choose_publish(parent: QWidget, store: ConnectionStore, name: str) -> PublishChoice | None:
    """Ask where to publish the register."""
    dialog = PublishRegisterDialog(store, name, parent)
    return dialog.choice() if dialog.exec() else None


def choose_shared(
    parent: QWidget, store: ConnectionStore, project: Project, lister: Lister
) -> OpenChoice | None:
    """Ask which shared register to open and with which parcel layer."""
    dialog = OpenSharedRegisterDialog(store, project, lister, parent)
    return dialog.choice() if dialog.exec() else None


def edit_investment(
    parent: QWidget, link: RegisterLink, investment_id: str
) -> dict[str, str] | None:
    """Show the investment's form (empty for a new id); return the texts, None when cancelled."""
    dialog = InvestmentDialog(link, investment_id, parent)
    return dialog.texts() if dialog.exec() else None


def confirm_replace(parent: QWidget, name: str) -> bool:
    """Ask before replacing a register of the same name in the database."""
    text = tr("A register named {name} is already in the database. Replace it?").format(
        name=repr(name)
    )
    answer = QMessageBox.question(parent, tr("Publish register to the database"), text)
    return answer == QMessageBox.StandardButton.Yes


def tell_conflict(parent: QWidget, text: str) -> bool:
    """Show a refused save; True when the user wants to refresh now."""
    box = QMessageBox(QMessageBox.Icon.Warning, tr("Not saved: changed by another user"), text,
                      parent=parent)  # fmt: skip
    refresh = box.addButton(tr("Refresh now"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    return box.clickedButton() is refresh


def confirm_remove(parent: QWidget, label: str) -> bool:
    """Ask before removing an investment from the shared register."""
    text = tr("Remove investment {investment} from the shared register for everyone?").format(
        investment=label
    )
    answer = QMessageBox.question(parent, tr("Shared register"), text)
    return answer == QMessageBox.StandardButton.Yes


def show_error(parent: QWidget, text: str) -> None:
    """Tell the user what went wrong, in plain words."""
    QMessageBox.warning(parent, tr("Shared register"), text)


# -- the actions -------------------------------------------------------------------------


class SharedRegisterActions(QObject):
    """Publish / open / edit actions of the Register menu.

    Signals
    -------
    conflict(str)
        A save was refused because another user saved first (the message shown).
    """

    conflict = Signal(str)

    def __init__(self, ui: RegisterUi) -> None:
        super().__init__(ui)
        self.ui = ui
        self.window = ui.window
        w = self.window
        self.publish_action = QAction(tr("&Publish register to the database…"), w)
        self.open_action = QAction(tr("&Open shared register…"), w)
        self.new_action = QAction(tr("&New investment…"), w)
        self.publish_action.triggered.connect(self.publish)
        self.open_action.triggered.connect(self.open_shared)
        self.new_action.triggered.connect(lambda: self.add())  # noqa: PLW0108 - drops `checked`

    @property
    def store(self) -> ConnectionStore:
        """The saved connections (shared with the PostGIS layer actions)."""
        postgis = getattr(self.window, "postgis", None)
        return postgis.store if postgis is not None else ConnectionStore(self.window.settings.store)

    def update(self, has_link: bool) -> None:
        """Enable what the project allows."""
        self.publish_action.setEnabled(has_link)
        link = self.ui.current_link()
        self.new_action.setEnabled(link is not None and link.shared is not None)

    def attach(self, panel: RegisterPanel) -> None:
        """Give the register panel's table a menu: edit, new and remove investment."""
        panel.editRequested.connect(self.edit)
        view = panel.view
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(lambda pos: self._panel_menu(panel, pos))

    def _panel_menu(self, panel: RegisterPanel, pos: QPoint) -> None:
        """Show the table's menu for a shared register."""
        link = self.ui.current_link()
        if link is None or link.shared is None:
            return
        ids = panel.selected_ids()
        menu = QMenu(panel)
        edit = menu.addAction(tr("Edit…"))
        edit.setEnabled(len(ids) == 1)
        edit.triggered.connect(lambda: self.edit(ids[0]))
        menu.addAction(self.new_action)
        remove = menu.addAction(tr("Remove investment"))
        remove.setEnabled(len(ids) == 1)
        remove.triggered.connect(lambda: self.remove(ids[0]))
        menu.popup(panel.view.viewport().mapToGlobal(pos))

    def _connected(self, name: str) -> bool:
        """Settle the password of connection ``name`` on the UI thread."""
        from mgis.ui.db_actions import ensure_connection

        self.store.load()
        return ensure_connection(self.window, get_connection(name))

    def list_registers(self, connection: str, schema: str) -> list[str] | None:
        """Names of the registers in ``schema`` (None, with a message, when that fails)."""
        if not connection or not self._connected(connection):
            return None
        try:
            return list_registers(connection, schema)
        except MgisIOError as exc:
            show_error(self.window, str(exc))
            return None

    def _parcels(self, link: RegisterLink) -> gpd.GeoDataFrame | None:
        """Return the frame of the link's parcel layer (None, with a message, when gone)."""
        project = self.ui.controller.project
        if link.parcels_layer not in project.layer_names():
            show_error(self.window, tr("The linked parcel layer is not in the project."))
            return None
        return project.layer(str(link.parcels_layer)).frame

    def publish(self) -> None:
        """Store the project's register and its parcel links in the database."""
        link, result = self.ui.current_link(), self.ui.state.result
        if link is None:
            return
        default = link.shared.register if link.shared else Path(link.source).stem
        choice = choose_publish(self.window, self.store, default)
        if choice is None or not self._connected(choice.connection):
            return
        existing = self.list_registers(choice.connection, choice.schema)
        if existing is None:
            return
        replace_existing = choice.name in existing
        if replace_existing and not confirm_replace(self.window, choice.name):
            return
        frame = self._parcels(link)
        if frame is None:
            return
        links = result.links if result is not None and self.ui.state.link is link else None
        self.ui._run(
            publish_job, link, links, choice, replace_existing, frame,
            text=tr("Publishing register…"),
            done=lambda outcome: self.ui._store(outcome, link, "Publish register"),
        )  # fmt: skip

    def open_shared(self) -> None:
        """Open a register from the database, linked to a parcel layer of the project."""
        project = self.ui.controller.project
        if not any(layer.family == "polygon" for layer in project.layers):
            show_error(self.window, tr("Add a parcel layer first."))
            return
        choice = choose_shared(self.window, self.store, project, self.list_registers)
        if choice is None or not self._connected(choice.connection):
            return
        old = self.ui.current_link()
        frame = project.layer(choice.layer).frame
        self.ui._run(
            open_job, choice, frame, text=tr("Reading register…"),
            done=lambda outcome: self.ui._store(outcome, old, "Open shared register"),
        )  # fmt: skip

    def edit(
        self, investment_id: str, texts: Mapping[str, str] | None = None, label: str = ""
    ) -> Worker | None:
        """Edit an investment of the shared register and save it to the database.

        Parameters
        ----------
        investment_id : str
            The investment.
        texts : mapping, optional
            Typed cells (the form is shown when None); columns left out keep their value.
        label : str
            Undo label of the step (``Save investment ID`` by default).

        Returns
        -------
        Worker or None
            The save running in the background; None when nothing is saved.
        """
        link = self.ui.current_link()
        if link is None or link.shared is None:
            return None
        if texts is None:
            texts = edit_investment(self.window, link, investment_id)
            if texts is None:
                return None
        return self._start_save(
            link, investment_id, texts, label=label or f"Save investment {investment_id}"
        )

    def _start_save(
        self, link: RegisterLink, investment_id: str, texts: Mapping[str, str], label: str
    ) -> Worker | None:
        """Check the typed cells, settle the password and save in a worker."""
        assert link.shared is not None
        try:
            values = shared_register.cell_values(link, investment_id, texts)
        except ValueError as exc:
            show_error(self.window, str(exc))
            return None
        frame = self._parcels(link)
        if not values or frame is None or not self._connected(link.shared.connection):
            return None
        return self.ui._run(
            save_job, link, investment_id, values, frame, text=tr("Saving to the database…"),
            done=lambda saved: self._saved(saved, link, label),
        )  # fmt: skip

    def add(self, texts: Mapping[str, str] | None = None) -> None:
        """Add an investment to the shared register (the form is shown when ``texts`` is None)."""
        link = self.ui.current_link()
        if link is None or link.shared is None:
            return
        proposed = shared_register.next_id(link)
        if texts is None:
            texts = edit_investment(self.window, link, proposed)
            if texts is None:
                return
        id_column = link.mapping.id
        iid = str(texts.get(id_column, "")).strip() if id_column else proposed
        if not iid:
            show_error(self.window, tr("Give the new investment an id in column {column}.")
                       .format(column=id_column))  # fmt: skip
            return
        if iid in link.register().ids:
            show_error(self.window, tr("Investment {investment} is already in the register.")
                       .format(investment=iid))  # fmt: skip
            return
        self._start_save(link, iid, texts, label=f"Add investment {iid}")

    def remove(self, investment_id: str) -> None:
        """Remove an investment from the shared register after asking."""
        link = self.ui.current_link()
        if link is None or link.shared is None:
            return
        name = self.ui.investment_names().get(investment_id)
        label = f"{investment_id} ({name})" if name else investment_id
        if not confirm_remove(self.window, label):
            return
        frame = self._parcels(link)
        if frame is None or not self._connected(link.shared.connection):
            return
        self.ui._run(
            save_job, link, investment_id, {}, frame, True, text=tr("Saving to the database…"),
            done=lambda saved: self._saved(saved, link, f"Remove investment {investment_id}"),
        )  # fmt: skip

    def _saved(self, saved: SavedEdit, old: RegisterLink, label: str = "") -> None:
        """Show the saved register, or tell why the database refused the change."""
        if saved.outcome is not None:
            self.ui._store(saved.outcome, old, label or f"Save investment {saved.investment_id}")
            return
        if saved.conflict is None:
            return
        text = conflict_text(saved.conflict, self.ui.investment_names())
        self.conflict.emit(text)
        if tell_conflict(self.window, text):
            self.ui.start_refresh()
