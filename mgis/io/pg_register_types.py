"""What the shared investment register is made of: edits, row versions, the stored register.

The plain records :mod:`mgis.io.pg_register` reads and writes, and the error it
raises when another user saved first: :class:`InvestmentEdit` names the
``row_version`` an edit was made on, :class:`SharedRegister` is a register as
read from the database (columns, mapping dictionary, records, row versions,
parcel links) and :class:`RegisterConflictError` refuses a save that would
overwrite another user's change, with the check that raises it when a locked
row moved on since the user read it. Every public name is re-exported by
:mod:`mgis.io.pg_register`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import pandas as pd

from mgis.io.errors import MgisIOError

__all__ = [
    "InvestmentEdit",
    "RegisterConflictError",
    "RegisterLike",
    "SharedRegister",
    "Version",
]


class RegisterLike(Protocol):
    """What :func:`publish_register` needs of a register (``mgis.layers.register.Register``)."""

    @property
    def ids(self) -> tuple[str, ...]:
        """Investment id of every row."""

    @property
    def frame(self) -> pd.DataFrame:
        """The rows."""

    @property
    def mapping(self) -> Any:
        """The column mapping (with ``to_dict()``)."""

    def records(self) -> list[dict[str, Any]]:
        """Rows as JSON-ready dicts."""


class RegisterConflictError(MgisIOError):
    """Another user saved an investment after it was read; nothing was saved."""

    def __init__(
        self, message: str, investment_id: str, changed_by: str, changed_at: datetime | None
    ):
        super().__init__(message)
        self.investment_id = investment_id
        self.changed_by = changed_by
        self.changed_at = changed_at


@dataclass(frozen=True)
class Version:
    """Row version of one investment and who saved it when."""

    version: int
    changed_by: str
    changed_at: datetime


@dataclass(frozen=True)
class InvestmentEdit:
    """One change to save: cells, the parcel list, or removal, made on ``expected_version``.

    Attributes
    ----------
    investment_id : str
        The investment.
    expected_version : int
        ``row_version`` the user started from (0 adds a new investment).
    values : mapping
        Changed cells ``{column: value}`` (JSON values).
    parcels : tuple of str or None
        New parcel list (canonical ids), None to keep the links.
    delete : bool
        Remove the investment.
    """

    investment_id: str
    expected_version: int
    values: Mapping[str, Any] = field(default_factory=dict)
    parcels: tuple[str, ...] | None = None
    delete: bool = False


@dataclass(frozen=True, eq=False)
class SharedRegister:
    """A register as read from the database."""

    name: str
    columns: tuple[str, ...]
    mapping: dict[str, Any]
    ids: tuple[str, ...]
    records: tuple[dict[str, Any], ...]
    versions: dict[str, Version]
    links: pd.DataFrame
    source: str = ""

    def version(self, investment_id: str) -> int:
        """Return the row version of an investment (what an edit must name)."""
        return self.versions[investment_id].version

    def record(self, investment_id: str) -> dict[str, Any]:
        """Return the cells of an investment."""
        return self.records[self.ids.index(investment_id)]

    def parcels(self, investment_id: str) -> list[str]:
        """Return the parcel ids linked to an investment."""
        links = self.links
        return links.loc[links["investment_id"] == investment_id, "parcel_id"].tolist()


def _check(edit: InvestmentEdit, row: tuple[Any, ...] | None, mapping: Mapping[str, Any]) -> None:
    """Raise :class:`RegisterConflictError` when the row moved on since the user read it."""
    iid = edit.investment_id
    if edit.expected_version == 0:
        if row is not None:
            raise RegisterConflictError(
                f"Investment {iid} was added by {row[1]} at {_when(row[2])} while you were "
                "adding it; refresh the register and choose another id.",
                iid,
                str(row[1]),
                row[2],
            )
        return
    if row is None:
        raise RegisterConflictError(
            f"Investment {iid} was removed by another user; your change was not saved. "
            "Refresh the register.",
            iid,
            "",
            None,
        )
    version, who, when, data = row
    if int(version) != edit.expected_version:
        title = data.get(str(mapping.get("name"))) if mapping.get("name") else None
        label = f"{iid} ({title})" if title else iid
        raise RegisterConflictError(
            f"Investment {label} was changed by {who} at {_when(when)} after you opened it "
            f"(version {version}, you edited version {edit.expected_version}). Your changes "
            "were not saved: refresh the register and make them again.",
            iid,
            str(who),
            when,
        )


def _when(moment: datetime | None) -> str:
    """Format a time for a message, in local time to the minute."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment is not None else "?"
