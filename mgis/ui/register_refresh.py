"""The refresh dialog: what changed in the register spreadsheet, shown before applying it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mgis.layers.link_store import RegisterDiff
from mgis.ui.i18n import tr


def _change(column: str, old: object, new: object) -> str:
    """Return ``column: old → new``."""
    return f"{column}: {_cell(old)} → {_cell(new)}"


def _cell(value: object) -> str:
    """Return a changed cell value as short text."""
    return "∅" if value in (None, "") else str(value).replace("\n", " ")


class RefreshDialog(QDialog):
    """List added, removed and changed investments and parcels; OK applies them.

    Parameters
    ----------
    diff : RegisterDiff
        What :func:`~mgis.layers.link_store.refresh_diff` found.
    names : dict of str to str, optional
        Investment names by id, shown beside the ids.
    parent : QWidget, optional
        Usually the main window.
    """

    def __init__(
        self, diff: RegisterDiff, names: dict[str, str] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Refresh register"))
        self.diff = diff
        names = names or {}

        def named(inv: str) -> str:
            return f"{inv} — {names[inv]}" if names.get(inv) else inv

        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        changes = {
            named(c.investment_id): [
                f"{f.column}: {_cell(f.old)} → {_cell(f.new)}" for f in c.fields
            ]
            for c in diff.changed
        }
        groups: list[tuple[str, dict[str, list[str]], bool]] = [
            (tr("Investments added"), {named(i): [] for i in diff.added}, False),
            (tr("Investments removed"), {named(i): [] for i in diff.removed}, False),
            (tr("Investments changed"), changes, False),
            (tr("Parcels added"), _by_investment(diff.parcels_added, named), True),
            (tr("Parcels removed"), _by_investment(diff.parcels_removed, named), True),
        ]
        opened: list[QTreeWidgetItem] = []
        for title, items, parcels in groups:
            count = sum(len(v) for v in items.values()) if parcels else len(items)
            top = QTreeWidgetItem([f"{title} ({count})"])
            for text, details in items.items():
                child = QTreeWidgetItem([text])
                child.addChildren([QTreeWidgetItem([d]) for d in details])
                top.addChild(child)
                opened.append(child)
            self.tree.addTopLevelItem(top)
            top.setExpanded(bool(items))
        for child in opened:  # expanding works once the items are in the tree
            child.setExpanded(child.childCount() <= 20)
        message = (
            tr("The register has not changed.")
            if diff.empty
            else tr("The spreadsheet changed. Apply these changes and link again?")
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(message))
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.resize(640, 420)

    def lines(self) -> list[str]:
        """Return every line of the tree, depth first (for tests)."""
        out: list[str] = []

        def walk(item: QTreeWidgetItem | None) -> None:
            if item is None:
                return
            out.append(item.text(0))
            for j in range(item.childCount()):
                walk(item.child(j))

        for k in range(self.tree.topLevelItemCount()):
            walk(self.tree.topLevelItem(k))
        return out


def _by_investment(
    pairs: tuple[tuple[str, str], ...], named: Callable[[str], str]
) -> dict[str, list[str]]:
    """Group ``(investment, parcel)`` pairs by investment."""
    out: dict[str, list[str]] = {}
    for inv, parcel in pairs:
        out.setdefault(named(inv), []).append(parcel)
    return out
