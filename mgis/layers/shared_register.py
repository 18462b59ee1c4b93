"""The project's register link when the register is shared in PostGIS.

Publishing stores a linked register (with the user's corrections applied) and
its parcel links in the database; opening, refreshing and saving an edit
return a new :class:`~mgis.layers.link_store.RegisterLink` whose copy and
:class:`~mgis.layers.shared_source.SharedSource` row versions are the
database's. An edit is saved on the version the copy was read at: when
another user saved that investment in between, :func:`save_investment`
raises :class:`~mgis.io.pg_register.RegisterConflictError` and nothing is
saved. These functions talk to the database: run them off the UI thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mgis.io.pg_register import InvestmentEdit, load_register, publish_register, save_edits
from mgis.io.register import parse_amount
from mgis.layers.link_store import RegisterLink, same_cell
from mgis.layers.register import ColumnMapping
from mgis.layers.shared_source import RowVersion, SharedSource

if TYPE_CHECKING:
    import pandas as pd

    from mgis.io.pg_register import SharedRegister

__all__ = [
    "cell_values",
    "link_from_shared",
    "next_id",
    "open_shared",
    "publish",
    "reload",
    "save_investment",
    "with_values",
]


def link_from_shared(
    shared: SharedRegister,
    connection: str,
    *,
    schema: str = "public",
    parcels_layer: str | None = None,
    id_field: str | None = None,
    unit_codes: tuple[str, ...] = (),
) -> RegisterLink:
    """Return the project link of a register read from the database.

    Parameters
    ----------
    shared : SharedRegister
        What :func:`~mgis.io.pg_register.load_register` returned.
    connection : str
        Name of the connection it was read through.
    schema : str
        Schema of the register tables.
    parcels_layer, id_field : str, optional
        The parcel layer of the project and its identifier field.
    unit_codes : tuple of str
        Unit codes for short parcel forms (empty: taken from the layer).
    """
    rows = tuple(
        RowVersion(
            i,
            shared.versions[i].version,
            shared.versions[i].changed_by,
            shared.versions[i].changed_at.isoformat() if shared.versions[i].changed_at else "",
        )
        for i in shared.ids
    )
    source = SharedSource(connection, shared.name, schema, rows)
    return RegisterLink(
        source=source.source(),
        checksum="",
        sheet=None,
        mapping=ColumnMapping.from_dict(shared.mapping),
        columns=shared.columns,
        records=shared.records,
        parcels_layer=parcels_layer,
        id_field=id_field,
        unit_codes=unit_codes,
        shared=source,
    )


def open_shared(
    connection: str,
    name: str,
    *,
    schema: str = "public",
    parcels_layer: str | None = None,
    id_field: str | None = None,
) -> RegisterLink:
    """Read the register ``name`` from the database as a project link."""
    shared = load_register(connection, name, schema=schema)
    return link_from_shared(
        shared, connection, schema=schema, parcels_layer=parcels_layer, id_field=id_field
    )


def publish(
    link: RegisterLink,
    links: pd.DataFrame | None,
    connection: str,
    name: str,
    *,
    schema: str = "public",
    replace_existing: bool = False,
    user: str | None = None,
) -> RegisterLink:
    """Store the linked register (corrections applied) and its parcel links; return the new link.

    Raises
    ------
    MgisIOError
        When a register of that name exists and ``replace_existing`` is False,
        or the database refuses; nothing is stored then.
    """
    source = link.shared.describe() if link.shared is not None else Path(link.source).name
    shared = publish_register(
        connection, name, link.corrected(), links, source=source, user=user,
        schema=schema, replace=replace_existing,
    )  # fmt: skip
    return link_from_shared(
        shared, connection, schema=schema, parcels_layer=link.parcels_layer,
        id_field=link.id_field, unit_codes=link.unit_codes,
    )  # fmt: skip


def reload(link: RegisterLink) -> RegisterLink:
    """Read a shared register again: the database's rows and versions, the link's layer."""
    shared = _shared(link)
    fresh = load_register(shared.connection, shared.register, schema=shared.schema)
    return link_from_shared(
        fresh, shared.connection, schema=shared.schema, parcels_layer=link.parcels_layer,
        id_field=link.id_field, unit_codes=link.unit_codes,
    )  # fmt: skip


def cell_values(link: RegisterLink, investment_id: str, texts: Mapping[str, str]) -> dict[str, Any]:
    """Turn the texts typed for an investment into cell values, keeping only changed cells.

    Amount columns (and cells holding numbers) accept Polish formats
    (``1 234 567,89``); whole numbers stay integers; empty text is an empty cell.
    For an investment the copy does not hold yet every typed cell counts.

    Raises
    ------
    ValueError
        When an amount cannot be read; the message names the column.
    """
    ids = link.register().ids
    is_new = investment_id not in ids
    old = {} if is_new else link.records[ids.index(investment_id)]
    money = set(link.mapping.money_columns)
    out: dict[str, Any] = {}
    for column, text in texts.items():
        before = old.get(column)
        like = _sample(link, column) if is_new else before  # a new row types like its column
        value = _typed(column, text.strip(), like, column in money)
        if is_new or not same_cell(before, value):
            out[column] = value
    return out


def _sample(link: RegisterLink, column: str) -> object:
    """Return the first filled cell of ``column`` (what a new cell should look like)."""
    return next((r[column] for r in link.records if r.get(column) not in (None, "")), None)


def with_values(link: RegisterLink, investment_id: str, values: Mapping[str, Any]) -> RegisterLink:
    """Return the link with one investment's cells changed in the copy (nothing saved)."""
    ids = link.register().ids
    records = list(link.records)
    if investment_id in ids:
        k = ids.index(investment_id)
        records[k] = {**records[k], **values}
        return replace(link, records=tuple(records))
    row = {c: values.get(c) for c in link.columns}
    shared = link.shared
    if shared is not None:  # keep the ids of the copy aligned with its rows
        shared = replace(shared, rows=(*shared.rows, RowVersion(investment_id, 0)))
    return replace(link, records=(*records, row), shared=shared)


def save_investment(
    link: RegisterLink,
    investment_id: str,
    values: Mapping[str, Any],
    parcels: tuple[str, ...] | None = None,
    *,
    user: str | None = None,
    delete: bool = False,
) -> RegisterLink:
    """Save one investment on the version the copy was read at; return the fresh link.

    An investment the copy does not hold is added (refused when another user
    added the same id meanwhile); ``delete`` removes it.

    Raises
    ------
    RegisterConflictError
        Another user saved the investment after the copy was read (nothing saved).
    MgisIOError
        The database refused or cannot be reached (nothing saved).
    """
    shared = _shared(link)
    row = shared.row(investment_id)
    edit = InvestmentEdit(
        investment_id, row.version if row else 0, dict(values), parcels, delete=delete
    )
    save_edits(shared.connection, shared.register, [edit], user=user, schema=shared.schema)
    return reload(link)


def next_id(link: RegisterLink) -> str:
    """Propose the id of a new investment: one more than the largest numeric id."""
    numbers = [int(i) for i in link.register().ids if i.isdigit()]
    return str(max(numbers, default=0) + 1)


def _shared(link: RegisterLink) -> SharedSource:
    """Return the link's database source; a file register has none."""
    if link.shared is None:
        raise ValueError("this register is not shared in a database; publish it first")
    return link.shared


def _typed(column: str, text: str, before: object, money: bool) -> Any:
    """Convert one typed cell like the value it replaces."""
    if not text:
        return None
    numeric = money or (isinstance(before, int | float) and not isinstance(before, bool))
    if not numeric:
        return text
    try:
        value = parse_amount(text)
    except ValueError:
        value = None
    if value is None:
        raise ValueError(f"{column}: {text!r} is not a number (write e.g. 1 234 567,89)")
    if isinstance(before, int) and float(value).is_integer():
        return int(value)
    return float(value)
