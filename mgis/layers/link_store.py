"""A register link kept in the project, and what changed when its spreadsheet changed.

:class:`RegisterLink` records where the register came from (path, sheet,
SHA-256 of the file), the column mapping, a copy of the rows and the parcel
layer it was linked to. When the file's checksum no longer matches,
:func:`refresh_diff` compares the saved copy with the new rows — added,
removed and changed investments, parcels added to or removed from an
investment — so the user sees the change before applying it.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mgis.io.register import RegisterTable, file_checksum, read_register
from mgis.layers.parcel_ids import ParcelContext
from mgis.layers.parcel_search import parse_parcel_list
from mgis.layers.register import ColumnMapping, Register
from mgis.layers.shared_source import SharedSource

__all__ = [
    "FieldChange",
    "InvestmentChange",
    "RegisterDiff",
    "RegisterLink",
    "links_from_json",
    "links_to_json",
    "refresh_diff",
    "reread",
    "same_cell",
]


@dataclass(frozen=True)
class RegisterLink:
    """A linked register as saved in the project.

    Attributes
    ----------
    source : str
        Path of the spreadsheet.
    checksum : str
        SHA-256 of the file when it was read.
    sheet : str or None
        XLSX sheet read.
    mapping : ColumnMapping
        What the columns mean.
    columns : tuple of str
        Register columns in order.
    records : tuple of dict
        Copy of the rows (JSON values).
    parcels_layer : str or None
        Name of the parcel layer linked to.
    id_field : str or None
        Its identifier field.
    unit_codes : tuple of str
        Unit codes used for short forms.
    corrections : tuple of (str, str, str)
        Fixes chosen by the user: ``(investment id, item as written, parcel id
        to use instead)``; applied by :meth:`corrected` before linking, never
        to the saved copy (which stays equal to the spreadsheet).
    shared : SharedSource or None
        Set when the register lives in PostGIS (shared by several users):
        where it is and the row versions of the copy; ``source`` then only
        describes it and ``checksum`` is empty.
    """

    source: str
    checksum: str
    sheet: str | None
    mapping: ColumnMapping
    columns: tuple[str, ...]
    records: tuple[dict[str, Any], ...] = field(repr=False)
    parcels_layer: str | None = None
    id_field: str | None = None
    unit_codes: tuple[str, ...] = ()
    corrections: tuple[tuple[str, str, str], ...] = ()
    shared: SharedSource | None = None

    @classmethod
    def create(
        cls,
        table: RegisterTable,
        register: Register,
        *,
        parcels_layer: str | None = None,
        id_field: str | None = None,
        context: ParcelContext | None = None,
    ) -> RegisterLink:
        """Record a register read from ``table`` and linked to a layer.

        Parameters
        ----------
        table : RegisterTable
            What :func:`~mgis.io.register.read_register` returned (path, sheet, checksum).
        register : Register
            The register built from it (mapping and rows are copied).
        parcels_layer : str, optional
            Name of the parcel layer in the project.
        id_field : str, optional
            Its identifier field.
        context : ParcelContext, optional
            The unit codes used (``LinkResult.context``).

        Returns
        -------
        RegisterLink
        """
        return cls(
            source=str(table.path.resolve()),
            checksum=table.checksum,
            sheet=table.sheet,
            mapping=register.mapping,
            columns=tuple(str(c) for c in register.frame.columns),
            records=tuple(register.records()),
            parcels_layer=parcels_layer,
            id_field=id_field,
            unit_codes=context.unit_codes if context is not None else (),
        )

    def register(self) -> Register:
        """Return the saved copy of the register (a shared one keeps the database's ids)."""
        register = Register.from_records(self.records, self.columns, self.mapping)
        ids = self.shared.ids if self.shared is not None else ()
        if ids and len(ids) == len(register.ids):
            return Register(register.frame, register.mapping, ids, register.warnings)
        return register

    def corrected(self, register: Register | None = None) -> Register:
        """Return ``register`` (the saved copy by default) with :attr:`corrections` applied.

        In the parcels cell of the investment, the item written as the wrong
        text is replaced by the chosen identifier; cells no longer holding
        that text are left as they are.
        """
        register = register if register is not None else self.register()
        if not self.corrections:
            return register
        column = register.mapping.parcels
        assert column is not None  # a Register always has a parcels column
        cells = register.frame[column].astype(object).tolist()
        position = {inv: k for k, inv in enumerate(register.ids)}
        for inv, wrong, right in self.corrections:
            k = position.get(inv)
            if k is not None and isinstance(cells[k], str):
                pattern = rf"(?<![^\s;,]){re.escape(wrong)}(?![^\s;,])"
                found = re.search(pattern, cells[k])
                if found is not None:
                    cells[k] = cells[k][: found.start()] + right + cells[k][found.end() :]
        frame = register.frame.assign(**{column: cells})
        return Register(frame, register.mapping, register.ids, register.warnings)

    def context(self) -> ParcelContext:
        """Return the context used for short forms."""
        return ParcelContext(self.unit_codes)

    def source_changed(self) -> bool | None:
        """Whether the spreadsheet differs from the saved copy; None when it is gone."""
        if self.shared is not None:
            return None
        path = Path(self.source)
        return file_checksum(path) != self.checksum if path.is_file() else None

    def to_dict(self, base: Path | None = None) -> dict[str, Any]:
        """JSON-ready form; ``source`` relative to ``base`` (the project folder) when possible."""
        source = self.source
        if base is not None and self.shared is None:
            with contextlib.suppress(ValueError):  # another drive on Windows
                source = Path(os.path.relpath(Path(source), base)).as_posix()
        return {
            "source": source,
            "checksum": self.checksum,
            "sheet": self.sheet,
            "mapping": self.mapping.to_dict(),
            "columns": list(self.columns),
            "records": list(self.records),
            "parcels_layer": self.parcels_layer,
            "id_field": self.id_field,
            "unit_codes": list(self.unit_codes),
            "corrections": [list(c) for c in self.corrections],
            "shared": self.shared.to_dict() if self.shared is not None else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], base: Path | None = None) -> RegisterLink:
        """Rebuild a link saved with :meth:`to_dict`."""
        shared = SharedSource.from_dict(data["shared"]) if data.get("shared") else None
        source = Path(str(data["source"]))
        if base is not None and shared is None and not source.is_absolute():
            source = (base / source).resolve()
        return cls(
            source=str(data["source"]) if shared is not None else str(source),
            checksum=str(data.get("checksum", "")),
            sheet=data.get("sheet"),
            mapping=ColumnMapping.from_dict(data.get("mapping", {})),
            columns=tuple(str(c) for c in data.get("columns", [])),
            records=tuple(dict(r) for r in data.get("records", [])),
            parcels_layer=data.get("parcels_layer"),
            id_field=data.get("id_field"),
            unit_codes=tuple(str(u) for u in data.get("unit_codes", [])),
            corrections=tuple(
                (str(c[0]), str(c[1]), str(c[2])) for c in data.get("corrections", [])
            ),
            shared=shared,
        )


def links_to_json(links: Sequence[RegisterLink], base: Path | None = None) -> list[dict[str, Any]]:
    """Serialise the project's register links (paths relative to ``base``)."""
    return [link.to_dict(base) for link in links]


def links_from_json(data: object, base: Path | None = None) -> list[RegisterLink]:
    """Read register links saved by :func:`links_to_json`; anything else gives none."""
    if not isinstance(data, list):
        return []
    return [RegisterLink.from_dict(d, base) for d in data if isinstance(d, Mapping)]


def reread(link: RegisterLink) -> tuple[RegisterTable, Register]:
    """Read the spreadsheet again with the saved mapping (detected anew when it no longer fits).

    Raises
    ------
    MgisIOError
        When the file is gone or unreadable.
    """
    table = read_register(link.source, sheet=link.sheet)
    wanted = [*link.mapping.roles().values(), *(c for _, c in link.mapping.limits)]
    fits = all(c in table.frame.columns for c in wanted)
    return table, Register.from_table(table, link.mapping if fits else None)


@dataclass(frozen=True)
class FieldChange:
    """One changed cell of an investment."""

    column: str
    old: object
    new: object


@dataclass(frozen=True)
class InvestmentChange:
    """An investment present before and after whose cells changed."""

    investment_id: str
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class RegisterDiff:
    """What a refresh would change.

    Attributes
    ----------
    added, removed : tuple of str
        Investment ids new in the spreadsheet, or gone from it.
    changed : tuple of InvestmentChange
        Investments whose cells changed.
    parcels_added, parcels_removed : tuple of (str, str)
        ``(investment id, parcel)`` pairs listed now but not before, and the reverse.
    """

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[InvestmentChange, ...] = ()
    parcels_added: tuple[tuple[str, str], ...] = ()
    parcels_removed: tuple[tuple[str, str], ...] = ()

    @property
    def empty(self) -> bool:
        """Whether nothing changed."""
        return not (
            self.added or self.removed or self.changed or self.parcels_added or self.parcels_removed
        )

    def lines(self) -> list[str]:
        """Describe the changes for the user, one line each."""
        if self.empty:
            return ["the register has not changed"]
        out = [f"investment added: {i}" for i in self.added]
        out += [f"investment removed: {i}" for i in self.removed]
        for change in self.changed:
            what = "; ".join(f"{f.column}: {f.old!r} -> {f.new!r}" for f in change.fields)
            out.append(f"investment {change.investment_id} changed: {what}")
        out += [f"parcel added to {i}: {p}" for i, p in self.parcels_added]
        out += [f"parcel removed from {i}: {p}" for i, p in self.parcels_removed]
        return out


def refresh_diff(old: RegisterLink, new: Register) -> RegisterDiff:
    """Compare the saved register with the rows read again from its spreadsheet.

    Parameters
    ----------
    old : RegisterLink
        The link saved in the project.
    new : Register
        The register read again (see :func:`reread`).

    Returns
    -------
    RegisterDiff
        Investments matched by id; parcels compared as canonical identifiers
        (with the link's unit codes and each row's obręb), so ``0003.12`` and
        ``12`` with obręb 3 are the same parcel.
    """
    before = old.register()
    old_rows = dict(zip(before.ids, before.records(), strict=True))
    new_rows = dict(zip(new.ids, new.records(), strict=True))
    added = tuple(i for i in new.ids if i not in old_rows)
    removed = tuple(i for i in before.ids if i not in new_rows)
    changed: list[InvestmentChange] = []
    for inv in new.ids:
        if inv not in old_rows:
            continue
        a, b = old_rows[inv], new_rows[inv]
        diffs = tuple(
            FieldChange(c, a.get(c), b.get(c))
            for c in dict.fromkeys([*a, *b])
            if not same_cell(a.get(c), b.get(c))
        )
        if diffs:
            changed.append(InvestmentChange(inv, diffs))
    context = old.context()
    pairs_old, pairs_new = _parcel_pairs(before, context), _parcel_pairs(new, context)
    return RegisterDiff(
        added,
        removed,
        tuple(changed),
        tuple(p for p in pairs_new if p not in pairs_old),
        tuple(p for p in pairs_old if p not in pairs_new),
    )


def same_cell(a: object, b: object) -> bool:
    """Compare two JSON cell values (numbers with a cent's tolerance, empty equals None)."""
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), abs_tol=0.005)
    return a == b


def _parcel_pairs(register: Register, context: ParcelContext) -> dict[tuple[str, str], None]:
    """``(investment id, parcel)`` pairs listed in the register, in order."""
    pairs: dict[tuple[str, str], None] = {}
    for inv, cell, obreb in register.cells():
        try:
            row_context = context.with_obreb(obreb)
        except ValueError:
            row_context = context
        for item in parse_parcel_list(cell, row_context):
            if item.parcel is not None:
                key = str(item.parcel)
            else:
                key = " or ".join(map(str, item.ambiguous)) or item.text
            pairs[(inv, key)] = None
    return pairs
