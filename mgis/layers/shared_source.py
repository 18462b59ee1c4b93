"""Where a shared investment register lives in PostGIS, and the row versions a copy was read at.

A :class:`~mgis.layers.link_store.RegisterLink` whose register is kept in the
town's database carries a :class:`SharedSource`: the connection's *name* (never
its password), the schema and the register's name, and for every investment
the ``row_version`` the project's copy was read at, who saved it and when.
An edit names that version, so a save made on a stale copy is refused by the
database (see :mod:`mgis.io.pg_register`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["SOURCE_PREFIX", "RowVersion", "SharedSource"]

SOURCE_PREFIX = "postgis-register:"
"""Start of ``RegisterLink.source`` for a register kept in PostGIS."""


@dataclass(frozen=True)
class RowVersion:
    """The version of one investment in the copy, and who saved it when.

    Attributes
    ----------
    investment_id : str
        The investment.
    version : int
        Its ``row_version`` when the copy was read.
    changed_by : str
        Who saved that version.
    changed_at : str
        When, as ISO 8601 text (local time with offset).
    """

    investment_id: str
    version: int
    changed_by: str = ""
    changed_at: str = ""


@dataclass(frozen=True)
class SharedSource:
    """A register in PostGIS: connection name, schema, register name and row versions.

    Attributes
    ----------
    connection : str
        Name of the connection (as saved in mgis, or a ``pg_service``).
    register : str
        The register's name in the database.
    schema : str
        Schema of the register tables.
    rows : tuple of RowVersion
        Versions of the investments, in register order.
    """

    connection: str
    register: str
    schema: str = "public"
    rows: tuple[RowVersion, ...] = ()

    @property
    def ids(self) -> tuple[str, ...]:
        """Investment ids in register order."""
        return tuple(r.investment_id for r in self.rows)

    def row(self, investment_id: str) -> RowVersion | None:
        """Return the version record of an investment, None when the copy lacks it."""
        return next((r for r in self.rows if r.investment_id == investment_id), None)

    def source(self) -> str:
        """Return the text kept as the link's ``source`` (names only)."""
        return f"{SOURCE_PREFIX}{self.connection}/{self.schema}/{self.register}"

    def describe(self) -> str:
        """Return a short description for the user."""
        return f"{self.register} ({self.schema}, {self.connection})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (no password: there is none to keep)."""
        return {
            "connection": self.connection,
            "register": self.register,
            "schema": self.schema,
            "rows": [[r.investment_id, r.version, r.changed_by, r.changed_at] for r in self.rows],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SharedSource:
        """Rebuild a source saved with :meth:`to_dict`."""
        return cls(
            connection=str(data.get("connection", "")),
            register=str(data.get("register", "")),
            schema=str(data.get("schema") or "public"),
            rows=tuple(
                RowVersion(str(r[0]), int(r[1]), str(r[2] or ""), str(r[3] or ""))
                for r in data.get("rows", [])
                if isinstance(r, list | tuple) and len(r) >= 4
            ),
        )
