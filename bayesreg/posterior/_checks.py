"""Argument checks specific to the posterior tools (the rest live in ``core._validation``)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from bayesreg.errors import InputTypeError, InputValueError

__all__ = ["check_nonneg_int", "check_probability", "check_seed"]


def check_nonneg_int(value: Any, name: str) -> int:
    """Return ``value`` as an int, requiring an integer ≥ 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputTypeError(
            f"{name} must be an integer ≥ 0; got {value!r} of type {type(value).__name__}."
        )
    if int(value) < 0:
        raise InputValueError(f"{name} must be an integer ≥ 0; got {int(value)}.")
    return int(value)


def check_probability(value: Any, name: str) -> float:
    """Return ``value`` as a float strictly between 0 and 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputTypeError(
            f"{name} must be a number in (0, 1); got {value!r} of type {type(value).__name__}."
        )
    number = float(value)
    if not 0.0 < number < 1.0:
        raise InputValueError(f"{name} must lie strictly between 0 and 1; got {number!r}.")
    return number


def check_seed(value: Any) -> int | np.random.Generator | None:
    """Accept ``None``, a non-negative int or a ``numpy.random.Generator`` as a seed."""
    if value is None or isinstance(value, np.random.Generator):
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 0:
        raise InputTypeError(
            f"random_seed must be None, an integer ≥ 0 or a numpy.random.Generator; got {value!r}."
        )
    return int(value)
