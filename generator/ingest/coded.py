"""Columns as codes into their distinct values, so that checking a row costs a lookup.

A 10-million-row export has a few thousand distinct dates, a few hundred scores and at most a
few hundred thousand learner ids. ``normalise`` parses and checks each *distinct* value once,
with the same pandas functions as before, and gathers the answers to the rows by code: the
per-row results are exactly those of running the functions on every row, at a fraction of the
cost, and no Python object is made per row.

Arrow-backed columns (the csv fast path) are encoded by Arrow's hash kernel, which releases the
GIL, so the columns of a table are encoded on all cores at once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Coded:
    """Row ``i`` holds ``values[codes[i]]``; ``values`` are positional (index 0..k-1)."""

    codes: np.ndarray
    values: pd.Series

    def __len__(self) -> int:
        return len(self.codes)

    def rows(self, per_value: pd.Series | np.ndarray) -> np.ndarray:
        """A per-value answer gathered to the rows."""
        return np.asarray(per_value)[self.codes]

    def where(self, per_value: pd.Series) -> np.ndarray | None:
        """Rows whose value satisfies the per-value mask; None when no value does (no row pass)."""
        mask = per_value.to_numpy(dtype=bool, na_value=False)
        if not mask.any():
            return None
        return mask[self.codes]

    def with_values(self, values: pd.Series) -> Coded:
        """The same rows with each distinct value replaced (values may now repeat)."""
        return Coded(self.codes, values.reset_index(drop=True))

    def canonical_codes(self) -> tuple[np.ndarray, int]:
        """Per-row codes under which equal values (NA included) share a code, and their count."""
        merged, uniques = pd.factorize(self.values, use_na_sentinel=False)
        if len(uniques) == len(self.values):  # values already distinct: the codes will do
            return self.codes, len(uniques)
        return merged[self.codes], len(uniques)


def encode(values: pd.Series) -> Coded:
    """Codes and distinct values of a column; NA is a value of its own."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        categories = pd.Series(values.cat.categories)
        if len(codes) and codes.min() < 0:  # NA: one more value
            codes = np.where(codes < 0, len(categories), codes)
            categories = pd.concat([categories.astype(object), pd.Series([pd.NA], dtype=object)])
        return Coded(codes, categories.reset_index(drop=True))
    if _arrow_backed(values):
        arrow = pa.array(values.array)
        chunks = arrow if isinstance(arrow, pa.ChunkedArray) else pa.chunked_array([arrow])
        encoded = pc.dictionary_encode(chunks, null_encoding="encode")
        if encoded.num_chunks == 0:
            return Coded(np.zeros(0, np.int32), pd.Series([], dtype=object))
        dictionary = encoded.chunk(encoded.num_chunks - 1).dictionary
        # Encoding a chunked array shares one dictionary (it only grows) among the chunks.
        assert all(len(c.dictionary) == len(dictionary) for c in encoded.chunks)
        codes = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in encoded.chunks])
        return Coded(codes, dictionary.to_pandas())
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return Coded(codes, pd.Series(uniques))


def missing(rows: int) -> Coded:
    """A column the source does not have: NA in every row."""
    return Coded(np.zeros(rows, np.int8), pd.Series([pd.NA], dtype=object))


def categorical(column: Coded, rows: np.ndarray | None) -> pd.Series:
    """The column as a pandas categorical of text for the selected rows: the distinct values
    once, and one small integer per row: copying ten million strings out of a dictionary is
    slow, a gather of the codes is not."""
    merged, uniques = pd.factorize(column.values.astype("string"))  # NA: -1
    codes = column.codes if rows is None else column.codes[rows]
    narrow = narrowest_codes(len(uniques))
    row_codes = merged.astype(narrow, copy=False)[codes]
    dtype = pd.CategoricalDtype(pd.Index(uniques, dtype="string"))
    return pd.Series(pd.Categorical.from_codes(row_codes, dtype=dtype, validate=False), copy=False)


def narrowest_codes(categories: int) -> np.dtype:
    """The integer type pandas keeps a categorical's codes in for this many categories (codes of
    another type are copied into it)."""
    for kind in (np.int8, np.int16, np.int32):
        if categories < np.iinfo(kind).max:
            return np.dtype(kind)
    return np.dtype(np.int64)


def parallel(func: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """``map`` on up to as many threads as cores (Arrow and numpy release the GIL)."""
    work = list(items)
    workers = min(len(work), os.cpu_count() or 1, 8)
    if workers <= 1:
        return [func(item) for item in work]
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(func, work))


def _arrow_backed(values: pd.Series) -> bool:
    dtype = values.dtype
    if isinstance(dtype, pd.ArrowDtype):
        return pa.types.is_string(dtype.pyarrow_dtype) or pa.types.is_large_string(
            dtype.pyarrow_dtype
        )
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"
