"""Sufficient statistics of Dask collections: per-block tasks merged in a binary tree.

Dask is an optional dependency (``pip install 'bayesreg[dask]'``); it is imported only
here, when :meth:`bayesreg.core.stats.SufficientStats.from_dask` is called.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from bayesreg.core.stats import (
    BlockMoments,
    check_block_weights,
    merge_moments,
    shifted_block_moments,
)
from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError, InputTypeError
from bayesreg.validation import as_design, as_target

__all__ = ["dask_block_stats"]


def dask_block_stats(
    X: Any, y: Any, sample_weight: Any = None
) -> tuple[BlockMoments, tuple[str, ...] | None]:
    """The moments of every row block of ``(X, y)``, merged (``bayesreg.core.stats``).

    Every block is shifted by the first row ``(x_1, y_1)``; the merged moments are
    returned with the shift undone (unchecked: the caller constructs the statistics).

    ``X`` is a Dask array (n, p) or DataFrame (its column names are returned), ``y`` and
    the optional observation weights ``sample_weight`` Dask arrays or Series of n entries
    (or anything ``dask.array.asarray`` takes). The merges form a balanced binary tree of
    delayed tasks, so one ``dask.compute`` runs the whole reduction under the scheduler
    in effect.

    Raises
    ------
    DataError
        For shapes that do not match, weights that are negative or not finite (naming
        the block), or weights that are all 0.
    """
    try:
        # Typed as Any: Dask's annotations are partial.
        dask: Any = importlib.import_module("dask")
        da: Any = importlib.import_module("dask.array")
    except ImportError:
        raise ImportError(
            "SufficientStats.from_dask needs dask; install it with pip install 'bayesreg[dask]'."
        ) from None

    columns = getattr(X, "columns", None)
    names = None if columns is None else tuple(str(column) for column in columns)
    design = _as_dask_array(X, "X", da)
    weights = None if sample_weight is None else _as_vector(sample_weight, "sample_weight", da)
    if design.ndim != 2:
        raise DataError(
            f"X must be 2-D (n_samples, n_features); got {design.ndim}-D with shape {design.shape}."
        )
    target = _as_vector(y, "y", da)
    rows = [design.shape[0], target.shape[0]] + ([] if weights is None else [weights.shape[0]])
    if any(np.isnan(count) for count in rows):
        raise DataError(
            "the number of rows of X or y is unknown (chunk sizes not computed); call "
            "X.compute_chunk_sizes() and y.compute_chunk_sizes() first."
        )
    if design.shape[0] != target.shape[0]:
        raise DataError(
            f"y has {target.shape[0]} entries but X has {design.shape[0]} rows; they must "
            "have the same number of samples."
        )
    if weights is not None and weights.shape[0] != design.shape[0]:
        raise DataError(
            f"sample_weight has {weights.shape[0]} entries but X has {design.shape[0]} rows; "
            "give one weight per row."
        )
    # Every block holds all columns, and y (and the weights) are cut where X is.
    design = design.rechunk({1: -1})
    target = target.rechunk((design.chunks[0],))
    weight_blocks = (
        [None] * len(design.chunks[0])
        if weights is None
        else list(weights.rechunk((design.chunks[0],)).to_delayed().ravel())
    )

    def first_row(x_first: Any, y_first: Any) -> tuple[FloatArray, float]:
        row = as_design(x_first, "X of block 0")[0]
        return row, float(as_target(y_first, 1, "y of block 0")[0])

    def one_block(
        x_block: Any, y_block: Any, s_block: Any, shift: tuple[FloatArray, float], index: int
    ) -> BlockMoments | None:
        # Rows are shifted by the first row (x_1, y_1) of the data (see stats.py).
        block = as_design(x_block, f"X of block {index}")
        n_rows = block.shape[0]
        target = as_target(y_block, n_rows, f"y of block {index}")
        block_weights = check_block_weights(s_block, n_rows, f"sample_weight of block {index}")
        return shifted_block_moments(block, target, shift, block_weights)

    shift = dask.delayed(first_row)(
        design[:1].to_delayed().ravel()[0], target[:1].to_delayed().ravel()[0]
    )
    blocks = zip(
        design.to_delayed().ravel(), target.to_delayed().ravel(), weight_blocks, strict=True
    )
    level = [
        dask.delayed(one_block)(x_block, y_block, s_block, shift, index)
        for index, (x_block, y_block, s_block) in enumerate(blocks)
    ]
    while len(level) > 1:
        pairs = [
            dask.delayed(merge_moments)(a, b) for a, b in zip(level[::2], level[1::2], strict=False)
        ]
        level = pairs + level[len(pairs) * 2 :]
    stats, (x_shift, y_shift) = dask.compute(level[0], shift)
    if stats is None:
        raise DataError(
            "sample_weight must have a positive sum (a zero weight drops its row, and at "
            "least one row must remain); got all weights 0."
        )
    return stats.unshift(x_shift, y_shift), names


def _as_vector(value: Any, name: str, da: Any) -> Any:
    """A 1-D Dask array (a single column is flattened)."""
    array = _as_dask_array(value, name, da)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise DataError(f"{name} must be 1-D (n_samples,); got shape {array.shape}.")
    return array


def _as_dask_array(value: Any, name: str, da: Any) -> Any:
    """A Dask array from a Dask array, DataFrame/Series, or an in-memory array-like."""
    if hasattr(value, "to_dask_array"):
        value = value.to_dask_array(lengths=True)
    array = value if isinstance(value, da.Array) else da.asarray(value)
    if array.dtype.kind not in "biuf":
        raise InputTypeError(
            f"{name} must hold real numbers; got dtype {array.dtype!s}. Convert it first."
        )
    return array
