"""Identifiers of a parcel layer for linking: rows, duplicates, fast suggestions."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from mgis.layers.parcel_columns import normalise_parcel_ids
from mgis.layers.parcel_ids import ParcelId
from mgis.layers.parcel_search import ParcelIndex
from mgis.layers.register import RegisterError

__all__ = ["LayerIds", "Suggester"]


class LayerIds:
    """Canonical identifiers of a layer: row of each id, duplicates, unreadable rows."""

    def __init__(self, values: list[object], field: str) -> None:
        canon = normalise_parcel_ids(values)  # type: ignore[arg-type]
        self.canon = canon
        self.row: dict[str | None, int] = dict(zip(canon, range(len(canon)), strict=True))
        self.row.pop(None, None)
        if not self.row:
            sample = next((repr(v) for v in values if v is not None), "no values")
            raise RegisterError(
                f"field {field!r} holds no parcel identifiers (first value: {sample}); "
                "choose the field with ids like 302101_1.0003.123/4"
            )
        series = pd.Series(canon, dtype="str")
        dup = series.duplicated(keep=False) & series.notna()
        self.extra: dict[str, list[int]] = {}
        for pos, key in zip(np.flatnonzero(dup.to_numpy()).tolist(), series[dup], strict=True):
            self.extra.setdefault(str(key), []).append(pos)
        self.duplicates = sorted(self.extra)
        self.invalid = [(i, values[i]) for i in np.flatnonzero(series.isna().to_numpy()).tolist()]
        self.unit_codes = tuple(sorted({str(k)[:8] for k in series.str[:8].dropna().unique()}))
        self._index: Suggester | None = None

    def rows(self, key: str) -> list[int]:
        """Row positions of a canonical id (several for a duplicate)."""
        return self.extra.get(key) or [self.row[key]]

    def suggest(self, wanted: tuple[ParcelId, ...]) -> tuple[str, ...]:
        """Existing identifiers close to the wanted ones (see :class:`Suggester`)."""
        if self._index is None:
            self._index = Suggester(self.row)
        return self._index.suggest(wanted)


class Suggester:
    """Candidates one edit away, ranked by :meth:`ParcelIndex.suggest`.

    Scanning every number of an obręb with difflib costs tens of milliseconds
    in a 300 000-parcel layer, and indexing the layer by number costs most of
    a second; instead the identifiers worth ranking are probed in the layer's
    dict: main numbers one edit (deletion, swap, change, insertion) away with
    the same or no sub-number, every sub-number up to 199 of the same main
    number, and the same number in the other obręby of the unit.
    """

    def __init__(self, rows: Mapping[str | None, int]) -> None:
        self.rows = rows
        self._prefixes: list[str] | None = None

    def _obreby(self) -> list[str]:
        """Return the ``WWPPGG_R.OOOO`` prefixes present in the layer (built once)."""
        if self._prefixes is None:
            self._prefixes = sorted({k[:13] for k in self.rows if k is not None})
        return self._prefixes

    def suggest(self, wanted: tuple[ParcelId, ...]) -> tuple[str, ...]:
        """Return up to five existing identifiers close to the wanted ones, best first."""
        rows = self.rows
        pool: list[str] = []
        for parcel in wanted:
            prefix = f"{parcel.unit_code}.{parcel.obreb}"
            main, slash, sub = parcel.number.partition("/")
            tails = ("", slash + sub) if slash else ("",)
            probes = [f"{prefix}.{m}{t}" for m in _edits(main) for t in tails]
            probes += [f"{prefix}.{main}/{n}" for n in range(1, 200)]
            probes += [f"{p}.{parcel.number}" for p in self._obreby() if p[:8] == prefix[:8]]
            pool.extend(k for k in probes if k in rows)
        return ParcelIndex(list(dict.fromkeys(pool))).suggest(list(wanted)) if pool else ()


def _edits(main: str) -> set[str]:
    """Texts one edit away from a main parcel number, the number itself included."""
    digits = "0123456789"
    splits = [(main[:i], main[i:]) for i in range(len(main) + 1)]
    out = {main}
    out.update(a + b[1:] for a, b in splits if b)
    out.update(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1)
    out.update(a + c + b[1:] for a, b in splits if b for c in digits)
    out.update(a + c + b for a, b in splits for c in digits)
    return out
