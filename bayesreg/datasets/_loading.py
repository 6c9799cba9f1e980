"""Reading the CSV files shipped in ``bayesreg/datasets/data``."""

from __future__ import annotations

from importlib import resources

import numpy as np
from numpy.typing import NDArray

__all__ = ["read_csv", "standardize_columns", "unit_norm_columns"]

FloatArray = NDArray[np.float64]


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
