"""The investment register as a typed model: which column means what, one id per row.

:func:`detect_columns` recognises the usual Polish headers (``Nazwa zadania``,
``Jednostka realizująca``, ``Okres realizacji`` or ``Rok rozpoczęcia`` /
``Rok zakończenia``, ``Łączne nakłady``, ``Limit 2025`` or a bare ``2025``
under *limity wydatków*, ``Źródło finansowania``, ``Działki`` / ``Nr działki``,
``Obręb``) case- and diacritics-insensitively; the user maps the rest with
:meth:`ColumnMapping.with_roles`. :class:`Register` ties the rows to the
mapping and gives every row its investment id: the ``Lp.`` column when its
values are unique, the data row number otherwise.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import pandas as pd

from mgis.io.register import RegisterTable, parse_amount

__all__ = ["ROLES", "ColumnMapping", "Register", "RegisterError", "detect_columns"]

#: Single-column roles of :class:`ColumnMapping`, in detection order.
ROLES = (
    "parcels", "obreb", "id", "start_year", "end_year", "period", "total_cost", "funding",
    "department", "status", "name",
)  # fmt: skip

# Role -> (exact plain headers, plain-header prefixes). Earlier roles claim columns first.
_PATTERNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "parcels": (
        ("dzialki", "dzialka", "dz", "nr dz", "nr dzialki", "numer dzialki", "numery dzialek"),
        ("dzialki ", "dzialka ", "nr dzialk", "numer dzialk", "numery dzialek", "dz ewid",
         "dzialki ewid", "identyfikator dzialk", "id dzialk", "dzialk"),
    ),
    "obreb": (("obreb", "obr", "nr obrebu", "obreb ewidencyjny"), ("obreb", "nr obrebu")),
    "id": (
        ("lp", "l p", "nr", "id", "nr zadania", "numer zadania", "kod zadania",
         "nr przedsiewziecia"),
        ("lp ", "nr zadania", "numer zadania", "kod zadania"),
    ),
    "start_year": (
        ("rok rozpoczecia", "poczatek", "rozpoczecie", "od"),
        ("rok rozpocz", "data rozpocz", "rozpoczecie", "poczatek realizacji",
         "okres realizacji od"),
    ),
    "end_year": (
        ("rok zakonczenia", "koniec", "zakonczenie", "do"),
        ("rok zakoncz", "data zakoncz", "zakonczenie", "koniec realizacji", "okres realizacji do"),
    ),
    "period": ((), ("okres realizacji", "lata realizacji", "okres", "termin realizacji")),
    "total_cost": (
        (),
        ("laczne naklady", "naklady", "wartosc kosztorysowa", "wartosc zadania",
         "wartosc inwestycji", "koszt", "calkowity koszt", "wartosc calkowita", "wartosc", "kwota"),
    ),
    "funding": ((), ("zrodlo finansowania", "zrodla finansowania", "finansowanie", "zrodlo")),
    "department": (
        (),
        ("jednostka realizujaca", "jednostka odpowiedzialna", "jednostka organizacyjna",
         "realizator", "wydzial", "komorka", "jednostka"),
    ),
    "status": ((), ("status", "stan realizacji", "stan zadania", "etap")),
    "name": (
        (),
        ("nazwa zadania", "nazwa inwestycji", "nazwa przedsiewziecia", "nazwa projektu",
         "przedsiewziecie", "zadanie", "nazwa", "tytul"),
    ),
}  # fmt: skip
_YEAR = re.compile(r"\b(20\d\d)\b")
_PERIOD = re.compile(r"(20\d\d)\s*(?:[-\u2013\u2014/]|do)\s*(20\d\d)")
_LIMIT_WORDS = ("limit", "wydatk", "plan", "naklad", "kwota", "rok")
_TOTAL_ROW = re.compile(r"^(razem|ogółem|ogolem|suma|łącznie|lacznie)\b", re.IGNORECASE)


class RegisterError(ValueError):
    """The register cannot be used as mapped; the message names the column and what to do."""


def _plain(text: str) -> str:
    """Lower-case, strip diacritics, keep letters and digits separated by single spaces."""
    text = text.strip().lower().replace("ł", "l")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.findall(r"[a-z0-9]+", text))


@dataclass(frozen=True)
class ColumnMapping:
    """Which register column holds what; None where the register has no such column.

    Attributes
    ----------
    id, name, department, status, start_year, end_year, period, total_cost, funding,
    parcels, obreb : str or None
        Column names. ``period`` is a ``2024-2026`` column used when there are
        no start/end year columns; ``obreb`` gives the default obręb of a row.
    limits : tuple of (int, str)
        Yearly spending limits: ``(year, column)`` pairs, sorted by year.

    Examples
    --------
    >>> m = detect_columns(["Lp.", "Nazwa zadania", "Limit 2025", "Nr działki", "Obręb"])
    >>> m.id, m.name, m.parcels, m.obreb, m.limits
    ('Lp.', 'Nazwa zadania', 'Nr działki', 'Obręb', ((2025, 'Limit 2025'),))
    """

    id: str | None = None
    name: str | None = None
    department: str | None = None
    status: str | None = None
    start_year: str | None = None
    end_year: str | None = None
    period: str | None = None
    total_cost: str | None = None
    limits: tuple[tuple[int, str], ...] = ()
    funding: str | None = None
    parcels: str | None = None
    obreb: str | None = None

    @property
    def money_columns(self) -> tuple[str, ...]:
        """The total cost and yearly limit columns."""
        total = (self.total_cost,) if self.total_cost else ()
        return total + tuple(column for _, column in self.limits)

    def roles(self) -> dict[str, str]:
        """Return the mapped single-column roles: ``{role: column}``."""
        return {r: v for r in ROLES if (v := getattr(self, r)) is not None}

    def with_roles(self, **columns: str | None) -> ColumnMapping:
        """Return a copy with some roles mapped by the user (``parcels="Dz. ewid."``).

        Raises
        ------
        RegisterError
            For an unknown role name.
        """
        unknown = sorted(set(columns) - {*ROLES, "limits"})
        if unknown:
            raise RegisterError(f"unknown column role(s) {', '.join(unknown)}; use {ROLES}")
        return replace(self, **columns)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (limits as ``{"2025": column}``)."""
        out: dict[str, Any] = self.roles()
        out["limits"] = {str(y): c for y, c in self.limits}
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ColumnMapping:
        """Rebuild a mapping saved by :meth:`to_dict` (unknown keys are ignored)."""
        known = {f.name for f in fields(cls)} - {"limits"}
        roles = {k: (None if v is None else str(v)) for k, v in data.items() if k in known}
        limits = tuple(sorted((int(y), str(c)) for y, c in dict(data.get("limits", {})).items()))
        return cls(limits=limits, **roles)


def detect_columns(columns: Iterable[object]) -> ColumnMapping:
    """Recognise the register's columns from their headers.

    Parameters
    ----------
    columns : iterable
        The header texts, e.g. ``frame.columns``.

    Returns
    -------
    ColumnMapping
        Every recognised role; each column serves one role at most.

    Examples
    --------
    >>> m = detect_columns(["L.p.", "NAZWA ZADANIA", "Okres realizacji", "Łączne nakłady [zł]"])
    >>> m.id, m.name, m.period, m.total_cost
    ('L.p.', 'NAZWA ZADANIA', 'Okres realizacji', 'Łączne nakłady [zł]')
    """
    names = [str(c) for c in columns]
    plain = {name: _plain(name) for name in names}
    used: set[str] = set()
    limits: dict[int, str] = {}
    for name in names:
        words = plain[name].split()
        year = _YEAR.search(plain[name])
        limit_like = len(words) == 1 or any(w.startswith(_LIMIT_WORDS) for w in words)
        if (
            year
            and limit_like
            and not words[0].startswith(("rok", "data"))
            and int(year[1]) not in limits
        ):
            limits[int(year[1])] = name
            used.add(name)
    found: dict[str, str] = {}
    for role in ROLES:
        exact, prefixes = _PATTERNS[role]
        for name in names:
            p = plain[name]
            if name not in used and (p in exact or p.startswith(prefixes)):
                found[role] = name
                used.add(name)
                break
    return ColumnMapping(limits=tuple(sorted(limits.items())), **found)


def _as_id(value: object) -> str | None:
    """Return an investment id as text (``3``, ``3.0`` -> ``"3"``); None when missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip().rstrip(".")
    return text or None


def _as_year(value: object) -> int | None:
    """Return a year from ``2025``, ``2025.0``, ``"2025"`` or a date text; None otherwise."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    found = _YEAR.search(_as_id(value) or "")
    return int(found[1]) if found else None


@dataclass(frozen=True, eq=False)
class Register:
    """Register rows with their column mapping and investment ids.

    Attributes
    ----------
    frame : pandas.DataFrame
        The rows (summary rows such as ``Razem`` left out), index 0..n-1,
        amounts as float.
    mapping : ColumnMapping
        What the columns mean; ``mapping.parcels`` is always set.
    ids : tuple of str
        Investment id of every row (unique).
    warnings : tuple of str
        What was decided (ids by row number, skipped rows ...).
    """

    frame: pd.DataFrame
    mapping: ColumnMapping
    ids: tuple[str, ...]
    warnings: tuple[str, ...] = ()

    def __len__(self) -> int:
        """Return the number of investments."""
        return len(self.ids)

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        mapping: ColumnMapping | None = None,
        *,
        source: str = "register",
        **roles: str | None,
    ) -> Register:
        """Build the register from a frame, detecting unmapped columns.

        Parameters
        ----------
        frame : pandas.DataFrame
            The rows, e.g. ``read_register(path).frame``.
        mapping : ColumnMapping, optional
            Mapping to use; detected from the headers when None.
        source : str
            Name used in messages (the file name).
        **roles : str or None
            Overrides such as ``id="Nr"`` or ``parcels="Działki ewid."``.

        Returns
        -------
        Register

        Raises
        ------
        RegisterError
            When a mapped column is missing or no parcels column is known.
        """
        mapping = (mapping or detect_columns(frame.columns)).with_roles(**roles)
        for role, column in [*mapping.roles().items(), *((str(y), c) for y, c in mapping.limits)]:
            if column not in frame.columns:
                raise RegisterError(
                    f"{source}: there is no column {column!r} (for {role}); "
                    f"the columns are: {', '.join(map(str, frame.columns))}"
                )
        if mapping.parcels is None:
            raise RegisterError(
                f"{source}: no column of parcels found (looked for headers like 'Działki', "
                "'Nr działki'); name it with --parcels-column"
            )
        warnings: list[str] = []
        frame = _drop_summary_rows(frame, mapping, warnings).reset_index(drop=True)
        frame = _with_amounts(frame, mapping, source)
        ids = _investment_ids(frame, mapping, warnings)
        return cls(frame, mapping, ids, tuple(warnings))

    @classmethod
    def from_table(
        cls, table: RegisterTable, mapping: ColumnMapping | None = None, **roles: str | None
    ) -> Register:
        """Build the register from :func:`mgis.io.register.read_register` output."""
        return cls.from_frame(table.frame, mapping, source=table.path.name, **roles)

    def cells(self) -> list[tuple[str, str, str | None]]:
        """``(investment id, parcels cell, obręb cell)`` per row; empty text for empty cells."""
        parcels = self.frame[self.mapping.parcels].tolist()
        obreby = (
            self.frame[self.mapping.obreb].tolist()
            if self.mapping.obreb
            else [None] * len(self.ids)
        )
        return [
            (i, _as_id(p) or "", _as_id(o))
            for i, p, o in zip(self.ids, parcels, obreby, strict=True)
        ]

    def years(self) -> list[tuple[int | None, int | None]]:
        """``(start, end)`` year of every row, from the year columns or the period column."""
        m = self.frame
        starts = m[self.mapping.start_year].tolist() if self.mapping.start_year else None
        ends = m[self.mapping.end_year].tolist() if self.mapping.end_year else None
        periods = m[self.mapping.period].tolist() if self.mapping.period else None
        out: list[tuple[int | None, int | None]] = []
        for k in range(len(self.ids)):
            start = _as_year(starts[k]) if starts else None
            end = _as_year(ends[k]) if ends else None
            if periods and (start is None or end is None):
                span = _PERIOD.search(_as_id(periods[k]) or "")
                one = _as_year(periods[k])
                start = start or (int(span[1]) if span else one)
                end = end or (int(span[2]) if span else one)
            out.append((start, end))
        return out

    def records(self) -> list[dict[str, Any]]:
        """Rows as JSON-ready dicts (NaN/NA as None, numpy numbers as Python numbers)."""
        columns = [str(c) for c in self.frame.columns]
        rows = self.frame.astype(object).itertuples(index=False, name=None)
        return [{c: _json_value(v) for c, v in zip(columns, row, strict=True)} for row in rows]

    @classmethod
    def from_records(
        cls, records: Sequence[Mapping[str, Any]], columns: Sequence[str], mapping: ColumnMapping
    ) -> Register:
        """Rebuild a register saved with :meth:`records` (for example in a project)."""
        frame = pd.DataFrame.from_records(list(records), columns=list(columns))
        return cls.from_frame(frame, mapping, source="saved register")


def _json_value(value: object) -> object:
    """Return a cell as a JSON value."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else value
    item = getattr(value, "item", None)  # numpy scalars
    return item() if callable(item) else value


def _drop_summary_rows(
    frame: pd.DataFrame, mapping: ColumnMapping, warnings: list[str]
) -> pd.DataFrame:
    """Leave out ``Razem``/``Ogółem`` rows and rows with neither a name nor parcels."""
    texts = frame.astype(object).where(frame.notna(), None)
    name_at = texts.columns.get_loc(mapping.name) if mapping.name else None
    parcels_at = texts.columns.get_loc(mapping.parcels)
    keep: list[bool] = []
    for row in texts.itertuples(index=False, name=None):
        first = next((str(v).strip() for v in row if isinstance(v, str)), "")
        has_parcels = bool(row[parcels_at])
        has_name = name_at is None or bool(row[name_at])
        total = _TOTAL_ROW.match(first) is not None and not has_parcels
        keep.append(not total and (has_name or has_parcels))
    dropped = len(keep) - sum(keep)
    if dropped:
        warnings.append(f"left out {dropped} summary or empty row(s) (Razem, Ogółem, no name)")
    return frame.loc[keep]


def _with_amounts(frame: pd.DataFrame, mapping: ColumnMapping, source: str) -> pd.DataFrame:
    """Money columns mapped by the user but still text: parse them as Polish amounts."""
    out = frame
    for column in mapping.money_columns:
        if pd.api.types.is_numeric_dtype(out[column]):
            continue
        values: list[float] = []
        for k, value in enumerate(out[column].tolist()):
            try:
                amount = parse_amount(value)
            except ValueError as exc:
                raise RegisterError(
                    f"{source}: data row {k + 1}, column {column!r}: {exc}"
                ) from None
            values.append(math.nan if amount is None else amount)
        out = out.assign(**{column: pd.Series(values, index=out.index, dtype="float64")})
    return out


def _investment_ids(
    frame: pd.DataFrame, mapping: ColumnMapping, warnings: list[str]
) -> tuple[str, ...]:
    """Return the id column's values when present and unique, else data row numbers."""
    rows = tuple(str(k) for k in range(1, len(frame) + 1))
    if mapping.id is None:
        warnings.append("no Lp./id column: investments are numbered by data row")
        return rows
    ids = [_as_id(v) for v in frame[mapping.id].tolist()]
    missing = sum(1 for v in ids if v is None)
    repeated = len({v for v in ids if v is not None}) < len(ids) - missing
    if missing or repeated:
        what = f"{missing} empty" if missing else "repeated values"
        warnings.append(
            f"column {mapping.id!r} has {what}: investments are numbered by data row instead"
        )
        return rows
    return tuple(v for v in ids if v is not None)
