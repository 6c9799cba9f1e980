"""Sufficient statistics of Dask collections: per-block tasks merged in a binary tree.

Dask is an optional dependency (``pip install 'bayesreg[dask]'``); it is imported only
here, when :meth:`bayesreg.core.stats.SufficientStats.from_dask` is called.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError, InputTypeError
from bayesreg.validation import as_design, as_target

if TYPE_CHECKING:
    from bayesreg.core.stats import BlockMoments

__all__ = ["dask_block_stats"]

BlockStats = Callable[[FloatArray, FloatArray, tuple[FloatArray, float]], "BlockMoments"]


def dask_block_stats(
    X: Any, y: Any, block_stats: BlockStats
) -> tuple[BlockMoments, tuple[str, ...] | None]:
    """Compute ``block_stats`` on every row block of ``(X, y)`` and merge the results.

    Every block is shifted by the first row ``(x_1, y_1)``; the merged moments are
    returned with the shift undone (unchecked: the caller constructs the statistics).

    ``X`` is a Dask array (n, p) or DataFrame (its column names are returned), ``y`` a
    Dask array or Series of n entries (or anything ``dask.array.asarray`` takes). The
    merges form a balanced binary tree of delayed tasks, so one ``dask.compute`` runs
    the whole reduction under the scheduler in effect.
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
    target = _as_dask_array(y, "y", da)
    if design.ndim != 2:
        raise DataError(
            f"X must be 2-D (n_samples, n_features); got {design.ndim}-D with shape {design.shape}."
        )
    if target.ndim == 2 and target.shape[1] == 1:
        target = target[:, 0]
    if target.ndim != 1:
        raise DataError(f"y must be 1-D (n_samples,); got shape {target.shape}.")
    if np.isnan(design.shape[0]) or np.isnan(target.shape[0]):
        raise DataError(
            "the number of rows of X or y is unknown (chunk sizes not computed); call "
            "X.compute_chunk_sizes() and y.compute_chunk_sizes() first."
        )
    if design.shape[0] != target.shape[0]:
        raise DataError(
            f"y has {target.shape[0]} entries but X has {design.shape[0]} rows; they must "
            "have the same number of samples."
        )
    # Every block holds all columns, and y is cut where X is.
    design = design.rechunk({1: -1})
    target = target.rechunk((design.chunks[0],))

    def first_row(x_first: Any, y_first: Any) -> tuple[FloatArray, float]:
        row = as_design(x_first, "X of block 0")[0]
        return row, float(as_target(y_first, 1, "y of block 0")[0])

    def one_block(
        x_block: Any, y_block: Any, shift: tuple[FloatArray, float], index: int
    ) -> BlockMoments:
        # Rows are shifted by the first row (x_1, y_1) of the data (see stats.py).
        block = as_design(x_block, f"X of block {index}")
        return block_stats(block, as_target(y_block, block.shape[0], f"y of block {index}"), shift)

    def merge(left: BlockMoments, right: BlockMoments) -> BlockMoments:
        return left.merge(right)

    shift = dask.delayed(first_row)(
        design[:1].to_delayed().ravel()[0], target[:1].to_delayed().ravel()[0]
    )
    level = [
        dask.delayed(one_block)(x_block, y_block, shift, index)
        for index, (x_block, y_block) in enumerate(
            zip(design.to_delayed().ravel(), target.to_delayed().ravel(), strict=True)
        )
    ]
    while len(level) > 1:
        pairs = [dask.delayed(merge)(a, b) for a, b in zip(level[::2], level[1::2], strict=False)]
        level = pairs + level[len(pairs) * 2 :]
    stats, (x_shift, y_shift) = dask.compute(level[0], shift)
    return stats.unshift(x_shift, y_shift), names


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
