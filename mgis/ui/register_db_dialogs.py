"""Dialogs of the shared register: publish to the database, open from it, edit one investment.

They only collect answers; :mod:`mgis.ui.register_shared` does the database
work in workers. The open dialog lists the registers through a function it
is given (so the password question stays with the window).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mgis.ui.db_dialogs import ConnectionDialog, ConnectionStore
from mgis.ui.dialog_buttons import ok_cancel
from mgis.ui.i18n import tr
from mgis.ui.parcel_search import guess_id_field
from mgis.ui.register_model import cell_text

if TYPE_CHECKING:
    from mgis.layers.link_store import RegisterLink
    from mgis.project import Project

Lister = Callable[[str, str], Sequence[str] | None]
"""``(connection name, schema) -> register names`` (None when the listing failed)."""


@dataclass(frozen=True)
class PublishChoice:
    """Where to publish: connection name, schema and register name."""

    connection: str
    schema: str
    name: str


@dataclass(frozen=True)
class OpenChoice:
    """Which shared register to open and the parcel layer to link it to."""

    connection: str
    schema: str
    name: str
    layer: str
    id_field: str


class _ConnectionRow(QWidget):
    """A saved-connection choice with a New… button (the connection dialog)."""

    def __init__(self, store: ConnectionStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.box = QComboBox()
        self.box.setMinimumContentsLength(18)
        new = QPushButton(tr("New…"))
        new.clicked.connect(self.new_connection)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.box, 1)
        row.addWidget(new)
        self.fill()

    def fill(self, current: str = "") -> None:
        """List the saved connections."""
        self.box.clear()
        self.box.addItems([c.name for c in self.store.load()])
        if current:
            self.box.setCurrentText(current)

    def new_connection(self) -> None:
        """Create a connection in its dialog and choose it."""
        dialog = ConnectionDialog(None, self)
        if dialog.exec():
            conn = dialog.connection()
            self.store.save(conn)
            dialog.keep_password()
            self.fill(conn.name)

    def name(self) -> str:
        """Return the chosen connection's name."""
        return self.box.currentText()


class PublishRegisterDialog(QDialog):
    """Choose the connection, schema and name under which the register is shared."""

    def __init__(self, store: ConnectionStore, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("Publish register to the database"))
        self.connection = _ConnectionRow(store, self)
        self.schema_edit = QLineEdit("public")
        self.name_edit = QLineEdit(name)
        self.name_edit.setMinimumWidth(260)
        note = QLabel(
            tr("Every department's mgis can then open the register from the database, "
               "edit investments and see the others' changes after a refresh.")
        )  # fmt: skip
        note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(note)
        form.addRow(tr("Connection"), self.connection)
        form.addRow(tr("Schema"), self.schema_edit)
        form.addRow(tr("Register name"), self.name_edit)
        form.addRow(ok_cancel(self))

    def choice(self) -> PublishChoice | None:
        """Return the answers, None when the connection or name is missing."""
        conn, name = self.connection.name(), self.name_edit.text().strip()
        if not conn or not name:
            return None
        return PublishChoice(conn, self.schema_edit.text().strip() or "public", name)


class OpenSharedRegisterDialog(QDialog):
    """Choose a register kept in the database and the parcel layer to link it to."""

    def __init__(
        self,
        store: ConnectionStore,
        project: Project,
        lister: Lister,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle(tr("Open shared register"))
        self.resize(520, 420)
        self.project = project
        self.lister = lister
        self.connection = _ConnectionRow(store, self)
        self.schema_edit = QLineEdit("public")
        self.list_button = QPushButton(tr("List registers"))
        self.list_button.clicked.connect(self.refresh)
        self.registers = QListWidget()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.layer_box = QComboBox()
        for layer in project.layers:
            if layer.family == "polygon":
                self.layer_box.addItem(layer.name)
        self.field_box = QComboBox()
        self.layer_box.currentTextChanged.connect(self._fill_fields)
        names = [self.layer_box.itemText(k) for k in range(self.layer_box.count())]
        default = next((k for k, n in enumerate(names) if guess_id_field(project.layer(n))), 0)
        self.layer_box.setCurrentIndex(default)
        self._fill_fields(self.layer_box.currentText())
        schema_row = QHBoxLayout()
        schema_row.addWidget(self.schema_edit, 1)
        schema_row.addWidget(self.list_button)
        form = QFormLayout()
        form.addRow(tr("Connection"), self.connection)
        form.addRow(tr("Schema"), schema_row)
        form.addRow(tr("Registers"), self.registers)
        form.addRow(self.status)
        form.addRow(tr("Parcel layer"), self.layer_box)
        form.addRow(tr("Parcel identifier field"), self.field_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self))

    def _fill_fields(self, name: str) -> None:
        """List the fields of the chosen parcel layer; preselect the identifier field."""
        self.field_box.clear()
        if name not in self.project.layer_names():
            return
        layer = self.project.layer(name)
        self.field_box.addItems(
            [str(c) for c in layer.frame.columns if c != layer.frame.geometry.name]
        )
        guess = guess_id_field(layer)
        if guess:
            self.field_box.setCurrentText(guess)

    def refresh(self) -> None:
        """List the registers of the chosen connection and schema."""
        self.registers.clear()
        names = self.lister(self.connection.name(), self.schema_edit.text().strip() or "public")
        if names is None:
            self.status.setText(tr("The registers could not be listed."))
            return
        self.registers.addItems(list(names))
        if names:
            self.registers.setCurrentRow(0)
            self.status.setText("")
        else:
            self.status.setText(tr("No register has been published in this schema yet."))

    def choice(self) -> OpenChoice | None:
        """Return the answers, None when something is missing."""
        item = self.registers.currentItem()
        if item is None or not self.connection.name() or not self.field_box.currentText():
            return None
        return OpenChoice(
            self.connection.name(),
            self.schema_edit.text().strip() or "public",
            item.text(),
            self.layer_box.currentText(),
            self.field_box.currentText(),
        )


class InvestmentDialog(QDialog):
    """Edit the cells of one investment of a shared register (a form, one row per column)."""

    def __init__(
        self, link: RegisterLink, investment_id: str | None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.resize(560, 560)
        ids = link.register().ids
        if investment_id in ids:
            self.setWindowTitle(f"{tr('Investment')} {investment_id}")
            record = link.records[ids.index(investment_id)]
        else:  # a new investment: its id proposed in the id column
            self.setWindowTitle(tr("New investment"))
            record = {link.mapping.id: investment_id} if link.mapping.id else {}
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for column in link.columns:
            edit = QLineEdit(cell_text(record.get(column)))
            edit.setMinimumWidth(300)
            self.edits[column] = edit
            form.addRow(column, edit)
        row = link.shared.row(investment_id or "") if link.shared is not None else None
        header = QLabel(
            _version_text(row.version, row.changed_by, row.changed_at)
            if row
            else tr("A new investment is saved to the database when you press OK.")
        )
        header.setWordWrap(True)
        inner = QWidget()
        inner.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addWidget(scroll, 1)
        layout.addWidget(ok_cancel(self))

    def texts(self) -> dict[str, str]:
        """Return the typed text of every column."""
        return {column: edit.text() for column, edit in self.edits.items()}

    def set_texts(self, texts: Mapping[str, Any]) -> None:
        """Fill some columns (used by tests and by "edit again" after an error)."""
        for column, text in texts.items():
            if column in self.edits:
                self.edits[column].setText(str(text))


def _version_text(version: int, who: str, when: str) -> str:
    """``Version 3, saved by anna on 2026-11-26 12:01``."""
    try:
        moment = datetime.fromisoformat(when).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        moment = when
    text = f"{tr('Version')} {version}"
    if who:
        text += f", {tr('saved by')} {who} {tr('on')} {moment}"
    return text + ". " + tr("Your changes are saved to the database when you press OK.")
