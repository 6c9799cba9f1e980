"""Array types and machine constants shared by the whole package.

One definition each, so that a signature means the same everywhere: ``FloatArray`` is a
float64 array, ``IndexArray`` an array of indices (``intp``), ``BoolArray`` a mask;
``EPS`` is the float64 machine epsilon ``2⁻⁵²`` that every rounding bound is written in;
:func:`frozen_array` makes the read-only copies every result holds.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["EPS", "BoolArray", "FloatArray", "IndexArray", "freeze_fields", "frozen_array"]

FloatArray = NDArray[np.float64]
IndexArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

#: float64 machine epsilon, ``2⁻⁵²``.
EPS = float(np.finfo(np.float64).eps)


def frozen_array(value: Any, dtype: type = np.float64) -> NDArray[Any]:
    """A read-only C-ordered copy of ``value`` as an array of ``dtype``.

    Results are frozen dataclasses; their arrays are copies that cannot be written, so a
    result never changes after it is returned, nor shares memory with the caller's data.
    """
    array: NDArray[Any] = np.array(value, dtype=dtype, copy=True, order="C")
    array.setflags(write=False)
    return array


def freeze_fields(result: Any, *names: str, dtype: type = np.float64) -> None:
    """Replace the fields ``names`` of a frozen dataclass by :func:`frozen_array` copies."""
    for name in names:
        object.__setattr__(result, name, frozen_array(getattr(result, name), dtype))
