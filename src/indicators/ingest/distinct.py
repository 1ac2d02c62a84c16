"""String work done once per distinct value: a large upload repeats a handful of labels.

A million-row file holds five indicator names, 36 commune codes and a few hundred periods;
normalising, parsing or matching each cell would redo the same work a million times.
`per_distinct` applies an element-wise transform to the distinct values only and spreads the
result back to every row, so the cost follows the number of distinct values, not of rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, overload

import numpy as np
import pandas as pd
from numpy.typing import NDArray


def factorized(values: pd.Series) -> tuple[NDArray[np.integer], pd.Series]:
    """Codes per row (−1 for a missing cell) and the distinct values (a categorical's categories)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(), pd.Series(values.cat.categories, dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, pd.Series(uniques, dtype=object)


@overload
def per_distinct(
    values: pd.Series, transform: Callable[[pd.Series], pd.DataFrame], categorical: Literal[False] = False
) -> pd.DataFrame: ...


@overload
def per_distinct(
    values: pd.Series, transform: Callable[[pd.Series], pd.Series], categorical: bool = False
) -> pd.Series: ...


def per_distinct(
    values: pd.Series, transform: Callable[[pd.Series], pd.Series | pd.DataFrame], categorical: bool = False
) -> pd.Series | pd.DataFrame:
    """`transform` (element-wise, Series → Series or DataFrame) of every value, computed on each
    distinct value once. Missing cells are transformed as a missing value; the result keeps
    `values`' index. `categorical`: a Series result comes as a categorical (cheap to compare,
    group and pass on; `as_text` turns it back into text).
    """
    codes, uniques = factorized(values)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(uniques), codes)
        uniques = pd.concat([uniques, pd.Series([np.nan], dtype=object)], ignore_index=True)
    transformed = transform(uniques).reset_index(drop=True)
    if categorical:
        if not isinstance(transformed, pd.Series):
            raise TypeError("categorical: the transform must return a Series")
        result_codes, categories = pd.factorize(transformed, use_na_sentinel=True)
        spread = pd.Categorical.from_codes(result_codes[codes], categories=pd.Index(categories, dtype=object))
        return pd.Series(spread, index=values.index)
    return transformed.take(codes).set_axis(values.index)


def as_text(values: pd.Series) -> pd.Series:
    """The values with the `str` dtype; a categorical is converted through Arrow, without a Python loop."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        return values.astype("str")
    import pyarrow as pa

    encoded = pa.array(values.array, type=pa.dictionary(pa.int32(), pa.string()))
    # pandas-stubs' pd.array overloads leave out pyarrow arrays, which pandas accepts.
    text = pd.array(encoded.cast(pa.string()), dtype="str")  # type: ignore[call-overload]
    return pd.Series(text, index=values.index, name=values.name)


def distinct_texts(values: pd.Series) -> pd.Series:
    """Distinct values as text, in first-seen order (missing cells left out)."""
    return factorized(values)[1].dropna().astype(str)
