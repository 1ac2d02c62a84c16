"""Several integer code columns packed into one int64 key (mixed radix), with its overflow check.

Comparing, sorting and grouping one integer is what a merge or a group-by on several text columns
spends its time on. Every place that combines codes into one key goes through `pack_codes`, so
none can wrap around silently when a table holds more distinct values than 63 bits can combine.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

# Below 2**63 with room to spare, so that a caller may still add one small column of its own.
KEY_CAPACITY = 2**62


class KeyOverflowError(OverflowError):
    """The columns have more combinations than one int64 key can hold."""


def fits_in_one_key(sizes: Sequence[int]) -> bool:
    """Whether columns of these sizes (distinct codes per column) combine into one int64 key."""
    capacity = 1
    for size in sizes:
        capacity *= max(int(size), 1)
    return capacity < KEY_CAPACITY


def pack_codes(columns: Sequence[npt.ArrayLike], sizes: Sequence[int]) -> npt.NDArray[np.int64]:
    """One int64 per row, equal for equal rows and ordered as the rows' tuples sort (the first column
    most significant). Each column holds codes in [0, size); KeyOverflowError when the sizes' product
    does not fit."""
    if len(columns) != len(sizes):
        raise ValueError("une taille par colonne")
    if not fits_in_one_key(sizes):
        raise KeyOverflowError(f"{len(sizes)} colonnes de tailles {list(sizes)} dépassent une clé de 64 bits")
    arrays = [np.asarray(column, dtype=np.int64) for column in columns]
    packed = np.zeros(len(arrays[0]) if arrays else 0, dtype=np.int64)
    for column, size in zip(arrays, sizes, strict=True):
        packed = packed * max(int(size), 1) + column
    return packed
