"""String work per distinct value gives what the same work per cell gives."""

import numpy as np
import pandas as pd
import pytest

from indicators.ingest.distinct import as_text, distinct_texts, per_distinct


@pytest.mark.parametrize("dtype", [object, "str", "category"])
def test_per_distinct_equals_the_transform_of_every_cell(dtype):
    values = pd.Series(["a", " b", None, "a", "B"], index=[5, 6, 7, 8, 9], dtype=dtype)

    def upper(cells):
        return cells.astype(str).str.strip().str.upper()

    pd.testing.assert_series_equal(per_distinct(values, upper), upper(values.astype(object)), check_dtype=False)
    spread = per_distinct(values, upper, categorical=True)
    assert isinstance(spread.dtype, pd.CategoricalDtype)
    pd.testing.assert_series_equal(as_text(spread), upper(values.astype(object)).astype("str"))


def test_frames_and_distinct_texts():
    values = pd.Series(["1", "2", "1"], dtype=object)
    checked = per_distinct(
        values, lambda cells: pd.DataFrame({"number": cells.astype(int), "even": cells.astype(int) % 2 == 0})
    )
    assert checked["number"].tolist() == [1, 2, 1] and checked["even"].tolist() == [False, True, False]
    assert distinct_texts(pd.Series(["x", np.nan, "y", "x"], dtype=object)).tolist() == ["x", "y"]
