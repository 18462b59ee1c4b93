"""PostGIS dialogs: a connection (with Test connection), the database browser, saving a layer.

They only collect parameters; :mod:`mgis.ui.db_actions` reads and writes with them.
Saved connections live in the settings INI without any password: the password
is asked for, or kept in the system's credential store when the user ticks
"Remember the password".
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mgis.io import MgisIOError
from mgis.io.pg_connect import (
    SSL_MODES,
    PgConnection,
    check_connection,
    forget_password,
    register_connection,
    remember_password,
    unregister_connection,
)
from mgis.io.postgis import TableInfo
from mgis.ui.dialog_buttons import ok_cancel
from mgis.ui.i18n import tr

SETTINGS_GROUP = "postgis_connections"
LARGE_TABLE_ROWS = 100_000
_FIELDS = ("name", "host", "port", "database", "user", "sslmode", "service")


class ConnectionStore:
    """Saved connections in the settings INI (never a password).

    Parameters
    ----------
    store : QSettings
        The application's settings.
    """

    def __init__(self, store: QSettings) -> None:
        self.store = store

    def load(self) -> list[PgConnection]:
        """Return the saved connections and make them known to :mod:`mgis.io.pg_connect`."""
        out = []
        size = self.store.beginReadArray(SETTINGS_GROUP)
        for k in range(size):
            self.store.setArrayIndex(k)
            data = {f: self.store.value(f, "") for f in _FIELDS}
            if data["name"]:
                out.append(PgConnection.from_dict(data))
        self.store.endArray()
        for conn in out:
            register_connection(conn)
        return out

    def save(self, connection: PgConnection) -> None:
        """Add or replace ``connection`` (by name)."""
        self._write([c for c in self.load() if c.name != connection.name] + [connection])
        register_connection(connection)

    def remove(self, name: str) -> None:
        """Forget the connection ``name`` and its remembered password."""
        for conn in self.load():
            if conn.name == name:
                forget_password(conn)
        self._write([c for c in self.load() if c.name != name])
        unregister_connection(name)

    def _write(self, connections: list[PgConnection]) -> None:
        """Rewrite the whole list."""
        self.store.remove(SETTINGS_GROUP)
        self.store.beginWriteArray(SETTINGS_GROUP, len(connections))
        for k, conn in enumerate(sorted(connections, key=lambda c: c.name)):
            self.store.setArrayIndex(k)
            for key, value in conn.to_dict().items():
                self.store.setValue(key, value)
        self.store.endArray()
        self.store.sync()


class ConnectionDialog(QDialog):
    """Host, port, database, user, SSL mode or a pg_service name; password; Test connection.

    Parameters
    ----------
    connection : PgConnection, optional
        Settings to edit.
    parent : QWidget, optional
        Parent widget.
    """

    def __init__(self, connection: PgConnection | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("PostGIS connection"))
        conn = connection or PgConnection(name="", host="localhost")
        self.name_edit = QLineEdit(conn.name)
        self.service_edit = QLineEdit(conn.service)
        self.service_edit.setPlaceholderText(tr("optional: a pg_service.conf entry"))
        self.host_edit = QLineEdit(conn.host)
        self.port_box = QSpinBox()
        self.port_box.setRange(1, 65535)
        self.port_box.setValue(conn.port)
        self.database_edit = QLineEdit(conn.database)
        self.user_edit = QLineEdit(conn.user)
        self.ssl_box = QComboBox()
        self.ssl_box.addItems(list(SSL_MODES))
        self.ssl_box.setCurrentText(conn.sslmode)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember_box = QCheckBox(tr("Remember the password in the system's credential store"))
        self.test_button = QPushButton(tr("Test connection"))
        self.test_button.clicked.connect(self.test)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow(tr("Name"), self.name_edit)
        form.addRow(tr("Service"), self.service_edit)
        form.addRow(tr("Host"), self.host_edit)
        form.addRow(tr("Port"), self.port_box)
        form.addRow(tr("Database"), self.database_edit)
        form.addRow(tr("User"), self.user_edit)
        form.addRow(tr("SSL mode"), self.ssl_box)
        form.addRow(tr("Password"), self.password_edit)
        form.addRow("", self.remember_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.test_button)
        layout.addWidget(self.result_label)
        layout.addWidget(ok_cancel(self))

    def connection(self) -> PgConnection:
        """Return the settings typed (without the password)."""
        return PgConnection(
            name=self.name_edit.text().strip() or self.database_edit.text().strip(),
            host=self.host_edit.text().strip(),
            port=self.port_box.value(),
            database=self.database_edit.text().strip(),
            user=self.user_edit.text().strip(),
            sslmode=self.ssl_box.currentText(),
            service=self.service_edit.text().strip(),
        )

    def password(self) -> str | None:
        """Return the password typed, None when left empty."""
        return self.password_edit.text() or None

    def remember(self) -> bool:
        """Return True when the password should go to the credential store."""
        return self.remember_box.isChecked()

    def test(self) -> bool:
        """Try the connection and show the outcome in plain words; True on success."""
        try:
            text = check_connection(self.connection(), self.password())
        except MgisIOError as exc:
            self.result_label.setText(f"{tr('Connection failed')}: {exc}")
            return False
        self.result_label.setText(f"{tr('Connected')}: {text}")
        return True

    def keep_password(self) -> None:
        """Keep the typed password for this session, and in the credential store if asked."""
        password = self.password()
        if password:
            try:
                remember_password(self.connection(), password, store=self.remember())
            except MgisIOError as exc:
                self.result_label.setText(str(exc))


@dataclass(frozen=True)
class BrowserChoice:
    """What the database browser returns: a table or a saved query to add as a layer."""

    connection: str
    schema: str
    table: str
    sql: str
    name: str
    view_only: bool
    srid: int = 0


class DatabaseBrowserDialog(QDialog):
    """Connections, schemas and spatial tables (geometry type, SRID, row estimate), or SQL.

    Parameters
    ----------
    store : ConnectionStore
        The saved connections.
    parent : QWidget, optional
        Parent widget.
    """

    def __init__(self, store: ConnectionStore, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("Add PostGIS layer"))
        self.resize(640, 480)
        self.store = store
        self.connection_box = QComboBox()
        new_button = QPushButton(tr("New…"))
        edit_button = QPushButton(tr("Edit…"))
        self.connect_button = QPushButton(tr("Connect"))
        new_button.clicked.connect(lambda: self.edit_connection(None))
        edit_button.clicked.connect(lambda: self.edit_connection(self.current_connection()))
        self.connect_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Connection")))
        top.addWidget(self.connection_box, 1)
        top.addWidget(self.connect_button)
        top.addWidget(new_button)
        top.addWidget(edit_button)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([tr("Table"), tr("Geometry"), "SRID", tr("Rows (estimate)")])
        self.tree.itemSelectionChanged.connect(self._on_table)
        self.sql_edit = QPlainTextEdit()
        self.sql_edit.setPlaceholderText("SELECT id, geom FROM ...")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.tree, tr("Tables"))
        self.tabs.addTab(self.sql_edit, tr("Saved query"))
        self.name_edit = QLineEdit()
        self.view_box = QCheckBox(tr("Read only the current map view (for large tables)"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        form = QFormLayout()
        form.addRow(tr("Layer name"), self.name_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(form)
        layout.addWidget(self.view_box)
        layout.addWidget(self.status)
        layout.addWidget(ok_cancel(self))
        self.fill_connections()

    def fill_connections(self, current: str = "") -> None:
        """List the saved connections."""
        self.connection_box.clear()
        for conn in self.store.load():
            self.connection_box.addItem(conn.name)
        if current:
            self.connection_box.setCurrentText(current)

    def current_connection(self) -> PgConnection | None:
        """Return the chosen saved connection."""
        name = self.connection_box.currentText()
        return next((c for c in self.store.load() if c.name == name), None)

    def edit_connection(self, connection: PgConnection | None) -> None:
        """Create or edit a connection in its dialog."""
        dialog = ConnectionDialog(connection, self)
        if dialog.exec():
            conn = dialog.connection()
            self.store.save(conn)
            dialog.keep_password()
            self.fill_connections(conn.name)

    def show_tables(self, tables: list[TableInfo]) -> None:
        """Fill the tree: one branch per schema, one row per spatial table."""
        self.tree.clear()
        branches: dict[str, QTreeWidgetItem] = {}
        for info in tables:
            if info.schema not in branches:
                branches[info.schema] = QTreeWidgetItem(self.tree, [info.schema])
                branches[info.schema].setExpanded(True)
            rows = "?" if info.row_estimate is None else f"{info.row_estimate:,}".replace(",", " ")
            item = QTreeWidgetItem(
                branches[info.schema], [info.table, info.geometry_type, str(info.srid), rows]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, info)
            item.setToolTip(0, info.comment)
        self.status.setText(f"{tr('Spatial tables')}: {len(tables)}")

    def refresh(self) -> None:
        """List the tables of the chosen connection (asking for a password if needed)."""
        from mgis.ui.db_actions import list_tables_with_password

        conn = self.current_connection()
        if conn is None:
            self.status.setText(tr("Create a connection first."))
            return
        tables = list_tables_with_password(self, conn)
        if tables is not None:
            self.show_tables(tables)

    def selected_table(self) -> TableInfo | None:
        """Return the table chosen in the tree."""
        items = self.tree.selectedItems()
        data = items[0].data(0, Qt.ItemDataRole.UserRole) if items else None
        return data if isinstance(data, TableInfo) else None

    def _on_table(self) -> None:
        """Propose the table name as layer name and view-only reading for large tables."""
        info = self.selected_table()
        if info is not None:
            self.name_edit.setText(info.table)
            self.view_box.setChecked((info.row_estimate or 0) >= LARGE_TABLE_ROWS)

    def choice(self) -> BrowserChoice | None:
        """Return the chosen table or query, None when nothing usable is chosen."""
        conn = self.connection_box.currentText()
        if not conn:
            return None
        sql = self.sql_edit.toPlainText().strip()
        if self.tabs.currentWidget() is self.sql_edit and sql:
            name = self.name_edit.text().strip() or tr("Query")
            return BrowserChoice(conn, "", "", sql, name, self.view_box.isChecked())
        info = self.selected_table()
        if info is None:
            return None
        name = self.name_edit.text().strip() or info.table
        view = self.view_box.isChecked()
        return BrowserChoice(conn, info.schema, info.table, "", name, view, info.srid)


@dataclass(frozen=True)
class SaveChoice:
    """Where to save a layer: connection, schema, table, mode and comment."""

    connection: str
    schema: str
    table: str
    mode: str
    comment: str


class SaveToPostgisDialog(QDialog):
    """Choose the connection, schema and table name, and create, replace or append.

    Parameters
    ----------
    store : ConnectionStore
        The saved connections.
    layer_name : str
        The layer to save (proposed as table name).
    parent : QWidget, optional
        Parent widget.
    """

    def __init__(self, store: ConnectionStore, layer_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("Save layer to PostGIS"))
        self.connection_box = QComboBox()
        self.connection_box.addItems([c.name for c in store.load()])
        self.schema_edit = QLineEdit("public")
        self.table_edit = QLineEdit(_table_name(layer_name))
        self.mode_box = QComboBox()
        for mode, label in (
            ("create", tr("Create a new table")),
            ("replace", tr("Replace the table")),
            ("append", tr("Append to the table")),
        ):
            self.mode_box.addItem(label, mode)
        self.comment_edit = QLineEdit(layer_name)
        form = QFormLayout(self)
        form.addRow(tr("Connection"), self.connection_box)
        form.addRow(tr("Schema"), self.schema_edit)
        form.addRow(tr("Table"), self.table_edit)
        form.addRow(tr("Mode"), self.mode_box)
        form.addRow(tr("Comment"), self.comment_edit)
        form.addRow(ok_cancel(self))

    def choice(self) -> SaveChoice | None:
        """Return the answers, None when the connection or table is missing."""
        conn, table = self.connection_box.currentText(), self.table_edit.text().strip()
        if not conn or not table:
            return None
        schema = self.schema_edit.text().strip() or "public"
        mode = str(self.mode_box.currentData())
        return SaveChoice(conn, schema, table, mode, self.comment_edit.text().strip())


def _table_name(layer_name: str) -> str:
    """Propose a lower-case table name for a layer name (any name is allowed, quoted)."""
    return "_".join(layer_name.lower().split()) or "layer"
