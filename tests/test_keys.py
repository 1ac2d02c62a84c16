"""One key per row from several code columns: order kept, equal rows equal, overflow refused."""

import itertools

import numpy as np
import pytest

from indicators.keys import KEY_CAPACITY, KeyOverflowError, fits_in_one_key, pack_codes


def test_packed_keys_sort_as_the_tuples_and_are_equal_only_for_equal_rows():
    sizes = [3, 4, 5]
    rows = list(itertools.product(*(range(size) for size in sizes)))
    rng = np.random.default_rng(7)
    shuffled = [rows[i] for i in rng.permutation(len(rows))]
    packed = pack_codes([np.array(column) for column in zip(*shuffled)], sizes)
    assert [shuffled[i] for i in np.argsort(packed)] == sorted(shuffled)
    assert len(set(packed.tolist())) == len(rows)


def test_columns_too_many_for_one_key_are_refused_not_wrapped():
    sizes = [2**31, 2**31]
    assert not fits_in_one_key(sizes) and fits_in_one_key([2**31, 2**30 - 1])
    with pytest.raises(KeyOverflowError):
        pack_codes([np.array([0]), np.array([0])], sizes)
    assert np.iinfo(np.int64).max > KEY_CAPACITY


def test_an_empty_column_set_or_table_packs_to_nothing():
    assert pack_codes([np.array([], dtype=np.int64)], [0]).tolist() == []
