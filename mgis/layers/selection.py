"""Feature selection of a layer: sorted positional row indices, combined by mode (no Qt)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

import numpy as np
import numpy.typing as npt

Indices = npt.NDArray[np.int64]


class SelectMode(Enum):
    """How a new set of features combines with the current selection."""

    NEW = "new"
    ADD = "add"
    REMOVE = "remove"
    INTERSECT = "intersect"
    TOGGLE = "toggle"


def as_indices(values: Iterable[int] | npt.ArrayLike) -> Indices:
    """Return ``values`` as sorted unique int64 positional indices."""
    return np.unique(np.asarray(values, dtype=np.int64).ravel())


def combine(current: Indices, new: Iterable[int] | npt.ArrayLike, mode: SelectMode) -> Indices:
    """Combine the current selection with ``new`` feature indices.

    Parameters
    ----------
    current : numpy.ndarray
        The layer's current selection (sorted positional indices).
    new : array-like of int
        Positional indices of the features the user picked.
    mode : SelectMode
        NEW replaces, ADD unites, REMOVE subtracts, INTERSECT keeps the common
        features, TOGGLE flips each picked feature (Ctrl+click).

    Returns
    -------
    numpy.ndarray
        The new selection.

    Examples
    --------
    >>> combine(as_indices([1, 2]), [2, 3], SelectMode.TOGGLE).tolist()
    [1, 3]
    """
    picked = as_indices(new)
    if mode is SelectMode.NEW:
        return picked
    if mode is SelectMode.ADD:
        return np.union1d(current, picked)
    if mode is SelectMode.REMOVE:
        return np.setdiff1d(current, picked, assume_unique=True)
    if mode is SelectMode.INTERSECT:
        return np.intersect1d(current, picked, assume_unique=True)
    return np.setxor1d(current, picked, assume_unique=True)
