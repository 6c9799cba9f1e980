"""Reading the CSV files shipped in ``bayesreg/datasets/data``, one loader for all of them.

Each bundled table is described by a :class:`TableSpec`: its file, how many leading
columns are predictors (the target is the next column), how the predictors are scaled
on request, and optionally a 0/1 column that splits the rows into training and test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from bayesreg.core.types import FloatArray
from bayesreg.validation import check_bool, check_choice

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BREAST_CANCER",
    "DIABETES",
    "PROSTATE",
    "RANDHIE",
    "ArrayPair",
    "FramePair",
    "TableSpec",
    "load_table",
    "read_csv",
    "standardize_columns",
    "unit_norm_columns",
]

type ArrayPair = tuple[FloatArray, FloatArray]
type FramePair = tuple[pd.DataFrame, pd.Series]


def read_csv(filename: str) -> tuple[list[str], FloatArray]:
    """Header and numeric body of a bundled CSV file."""
    source = resources.files("bayesreg.datasets").joinpath("data", filename)
    with source.open("r", encoding="utf-8") as handle:
        header = handle.readline().strip().split(",")
        body = np.loadtxt(handle, delimiter=",", dtype=np.float64, ndmin=2)
    return header, body


def unit_norm_columns(X: FloatArray) -> FloatArray:
    """Center each column and scale it to unit Euclidean norm (the LARS convention)."""
    centered = X - X.mean(axis=0)
    return centered / np.linalg.norm(centered, axis=0)


def standardize_columns(X: FloatArray) -> FloatArray:
    """Z-scores ``(X − mean) / sd`` per column, the sd with divisor n − 1."""
    return (X - X.mean(axis=0)) / X.std(axis=0, ddof=1)


@dataclass(frozen=True)
class TableSpec:
    """How to read one bundled table.

    Attributes
    ----------
    filename : str
        The CSV file in ``bayesreg/datasets/data`` (a header row of names, then numbers).
    n_features : int
        Columns ``0 .. n_features − 1`` are the predictors, column ``n_features`` the target.
    scale : callable
        Applied to all rows of the predictors when the loader's scaling option is True.
    scale_option : str
        The loader's name for that option, for error messages.
    split_column : int or None
        A column holding 1.0 for training rows and 0.0 for test rows, if any; the frame
        of such a table is indexed by the original row number 1..n (index ``row``).
    """

    filename: str
    n_features: int
    scale: Callable[[FloatArray], FloatArray]
    scale_option: str
    split_column: int | None = None


DIABETES = TableSpec("diabetes.csv", 10, unit_norm_columns, "scaled")
BREAST_CANCER = TableSpec("breast_cancer.csv", 30, standardize_columns, "standardize")
# columns: 8 predictors, the target lpsa, the 0/1 training indicator
PROSTATE = TableSpec("prostate.csv", 8, standardize_columns, "standardize", split_column=9)
# columns: 9 predictors, the count mdvis, the exposure time, the row in statsmodels' file
RANDHIE = TableSpec("randhie.csv", 9, standardize_columns, "standardize")
#: The column of randhie.csv holding each row's exposure (fraction of the year eligible).
RANDHIE_EXPOSURE_COLUMN = 10


def load_table(
    spec: TableSpec, *, scale: bool, as_frame: bool, split: str | None = None
) -> ArrayPair | FramePair:
    """The predictors and target of a bundled table, scaled and split as asked.

    Scaling uses all rows whatever ``split`` is; ``split`` ("train" or "test") then
    keeps the rows whose ``split_column`` is 1 or 0.
    """
    scaled = check_bool(scale, spec.scale_option)
    frame = check_bool(as_frame, "as_frame")
    if split is not None:
        check_choice(split, "split", ("train", "test"))
    header, body = read_csv(spec.filename)
    X = body[:, : spec.n_features]
    if scaled:
        X = spec.scale(X)
    rows = np.arange(body.shape[0])
    if spec.split_column is not None and split is not None:
        in_train = body[:, spec.split_column] == 1.0
        rows = rows[in_train if split == "train" else ~in_train]
    X = np.ascontiguousarray(X[rows])
    y = body[rows, spec.n_features].copy()
    if not frame:
        return X, y
    import pandas as pd

    index = (
        pd.RangeIndex(1, body.shape[0] + 1, name="row")[rows]
        if spec.split_column is not None
        else None
    )
    return (
        pd.DataFrame(X, columns=header[: spec.n_features], index=index),
        pd.Series(y, name=header[spec.n_features], index=index),
    )
