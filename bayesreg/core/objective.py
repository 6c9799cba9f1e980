"""The objective convention of bayesreg, written once.

    F(w, w0) = L(η) + alpha · P(w),   η = w0 + X w,
    P(w) = l1_ratio · ||w||₁ + (1 − l1_ratio)/2 · ||w||²,

with L the averaged negative log-likelihood of :mod:`bayesreg.core.datafits`::

    Gaussian:   L = 1/(2n) · ||y − η||²
    Bernoulli:  L = 1/n · Σ_i [log(1 + exp(η_i)) − y_i η_i]
    Poisson:    L = 1/n · Σ_i [exp(o_i + η_i) − y_i (o_i + η_i)]   (o a known offset)

The intercept ``w0`` is never penalized. :func:`objective` and :func:`kkt_residual` read
the loss and its gradient from the same datafit objects the solvers minimize, so the
value a solver reports and the one computed here are one formula.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bayesreg.core.datafits import datafit_of, log1pexp
from bayesreg.core.penalties import penalty_value, subdiff_distance
from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError, InputValueError
from bayesreg.validation import (
    as_target,
    check_finite_nonneg,
    check_l1_ratio,
    check_offset_likelihood,
)

__all__ = [
    "LOSS_LIKELIHOODS",
    "bernoulli_loss",
    "gaussian_loss",
    "kkt_residual",
    "log1pexp",
    "objective",
]

#: The likelihoods :func:`objective` and :func:`kkt_residual` evaluate.
LOSS_LIKELIHOODS = ("gaussian", "bernoulli", "poisson")


def gaussian_loss(X: FloatArray, y: FloatArray, coef: FloatArray, intercept: float) -> float:
    """``1/(2n) · ||y − w0 − X w||²``."""
    return datafit_of("gaussian", y).value(intercept + X @ coef)


def bernoulli_loss(X: FloatArray, y: FloatArray, coef: FloatArray, intercept: float) -> float:
    """``1/n · Σ [log(1 + exp(η)) − y η]`` with ``η = w0 + X w``."""
    return datafit_of("bernoulli", y).value(intercept + X @ coef)


def _check_point(
    X: FloatArray,
    y: FloatArray,
    coef: FloatArray,
    alpha: float,
    l1_ratio: float,
    likelihood: str,
    offset: Any,
) -> FloatArray | None:
    """The arguments shared by :func:`objective` and :func:`kkt_residual`; the offset."""
    if likelihood not in LOSS_LIKELIHOODS:
        allowed = ", ".join(repr(name) for name in LOSS_LIKELIHOODS)
        raise InputValueError(f"likelihood must be one of {allowed}; got {likelihood!r}.")
    _check_shapes(X, y, coef)
    check_finite_nonneg(alpha, "alpha")
    check_l1_ratio(l1_ratio)
    check_offset_likelihood(offset, likelihood)
    return None if offset is None else as_target(offset, np.shape(y)[0], name="offset")


def _check_shapes(X: FloatArray, y: FloatArray, coef: FloatArray) -> None:
    """Require ``X`` of shape (n, p), ``y`` of shape (n,) and ``coef`` of shape (p,)."""
    X_shape, y_shape, coef_shape = np.shape(X), np.shape(y), np.shape(coef)
    if len(X_shape) != 2 or y_shape != X_shape[:1] or coef_shape != X_shape[1:]:
        raise DataError(
            f"X, y and coef must have shapes (n, p), (n,) and (p,); got {X_shape}, "
            f"{y_shape} and {coef_shape}."
        )


def objective(
    X: FloatArray,
    y: FloatArray,
    coef: FloatArray,
    intercept: float,
    alpha: float,
    l1_ratio: float,
    likelihood: str = "gaussian",
    *,
    offset: Any = None,
) -> float:
    """``F(w, w0)`` for the given likelihood (``"gaussian"``, ``"bernoulli"``, ``"poisson"``).

    ``offset`` (Poisson only) is the known term o of the linear predictor.

    Examples
    --------
    The value a solver reports is ``F`` at its solution, and no other point does better:

    >>> import numpy as np
    >>> from bayesreg.core import lasso, objective
    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes()
    >>> fit = lasso(X, y, 0.5)
    >>> value = objective(X, y, fit.coef, fit.intercept, fit.alpha, fit.l1_ratio)
    >>> bool(np.isclose(value, fit.objective))
    True
    >>> bool(objective(X, y, 0.9 * fit.coef, fit.intercept, 0.5, 1.0) > value)
    True
    """
    shift = _check_point(X, y, coef, alpha, l1_ratio, likelihood, offset)
    loss = datafit_of(likelihood, y, shift).value(intercept + X @ coef)
    return loss + penalty_value(coef, alpha, l1_ratio)


def kkt_residual(
    X: FloatArray,
    y: FloatArray,
    coef: FloatArray,
    intercept: float,
    alpha: float,
    l1_ratio: float,
    likelihood: str = "gaussian",
    *,
    fit_intercept: bool = True,
    offset: Any = None,
) -> float:
    """The KKT residual of any point ``(w, w0)`` for ``min F``, in the units of F.

    The optimality condition is ``0 ∈ ∇L(w, w0) + alpha·∂P(w)`` with ``∂L/∂w0 = 0``.
    With ``g = ∂L/∂η_i`` per sample (``−(y_i − η_i)/n`` for the Gaussian loss,
    ``(sigmoid(η_i) − y_i)/n`` for the Bernoulli loss, ``(exp(o_i + η_i) − y_i)/n`` for
    the Poisson loss, ``η = w0 + Xw``), ``∇_w L = Xᵀg`` and ``∂L/∂w0 = Σ_i g_i``; the
    residual is the sup norm of ``subdiff_distance(w, Xᵀg, alpha, l1_ratio)`` and, when
    the intercept is fitted, ``|Σ_i g_i|``. It is 0 exactly at the minimizer, whatever
    produced the point.
    """
    shift = _check_point(X, y, coef, alpha, l1_ratio, likelihood, offset)
    sample_grad, _ = datafit_of(likelihood, y, shift).derivatives(intercept + X @ coef)
    distance = subdiff_distance(coef, X.T @ sample_grad, alpha, l1_ratio)
    residual = float(np.max(distance, initial=0.0))
    if fit_intercept:
        residual = max(residual, abs(float(np.sum(sample_grad))))
    return residual
