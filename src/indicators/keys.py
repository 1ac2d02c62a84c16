"""Several integer code columns packed into one int64 key (mixed radix), with its overflow check.

Comparing, sorting and grouping one integer is what a merge or a group-by on several text columns
spends its time on. Every place that combines codes into one key goes through `pack_codes`, so
none can wrap around silently when a table holds more distinct values than 63 bits can combine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

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


# Stable 64-bit digests of rows, the same in every process, release and pandas version: the
# statistical secret recognises a cell it published earlier by them (`suppression`), so they
# must never depend on a library's internal hash.
_MASK = np.uint64(2**64 - 1)


def mix64(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64's finaliser: every input bit reaches every output bit (wrapping uint64 arithmetic)."""
    mixed = values.astype(np.uint64, copy=True)
    mixed ^= mixed >> np.uint64(30)
    mixed *= np.uint64(0xBF58476D1CE4E5B9)
    mixed ^= mixed >> np.uint64(27)
    mixed *= np.uint64(0x94D049BB133111EB)
    mixed ^= mixed >> np.uint64(31)
    return mixed & _MASK


def value_digests(column: npt.ArrayLike) -> npt.NDArray[np.uint64]:
    """A stable digest per value of one column: text through BLAKE2b (each distinct value once),
    integers and dates through their int64 representation."""
    array = np.asarray(column)
    if array.dtype.kind in "iub":
        return mix64(array.astype(np.int64).view(np.uint64))
    if array.dtype.kind == "M":
        return mix64(array.astype("datetime64[ns]").astype(np.int64).view(np.uint64))
    codes, distinct = pd.factorize(pd.Series(array, dtype="str"))
    digests = np.array(
        [int.from_bytes(hashlib.blake2b(str(text).encode(), digest_size=8).digest(), "little") for text in distinct],
        dtype=np.uint64,
    )
    return digests[codes]


def row_digests(columns: Sequence[npt.ArrayLike]) -> npt.NDArray[np.uint64]:
    """A stable digest per row of several columns: equal rows give equal digests, different rows
    differ but with probability about 2⁻⁶⁴."""
    digest = np.zeros(len(np.asarray(columns[0])) if columns else 0, dtype=np.uint64)
    for position, column in enumerate(columns):
        digest = mix64(digest * np.uint64(0x9E3779B97F4A7C15) + value_digests(column) + np.uint64(position))
    return digest
