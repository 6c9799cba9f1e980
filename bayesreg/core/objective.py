"""The objective convention of bayesreg, written once.

    Gaussian:   F(w, w0) = 1/(2n) · ||y − w0 − X w||² + alpha · P(w)
    Bernoulli:  F(w, w0) = 1/n · Σ_i [log(1 + exp(η_i)) − y_i η_i] + alpha · P(w),  η = w0 + X w
    P(w) = l1_ratio · ||w||₁ + (1 − l1_ratio)/2 · ||w||²

The intercept ``w0`` is never penalized.
"""

from __future__ import annotations

import numpy as np

from bayesreg.core.penalties import penalty_value, subdiff_distance
from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError, InputValueError
from bayesreg.validation import check_finite_nonneg, check_l1_ratio

__all__ = [
    "bernoulli_loss",
    "gaussian_loss",
    "kkt_residual",
    "log1pexp",
    "objective",
]


def log1pexp(eta: FloatArray) -> FloatArray:
    """``log(1 + exp(η))`` without overflow: max(η, 0) + log1p(exp(−|η|))."""
    result: FloatArray = np.maximum(eta, 0.0) + np.log1p(np.exp(-np.abs(eta)))
    return result


def gaussian_loss(X: FloatArray, y: FloatArray, coef: FloatArray, intercept: float) -> float:
    """``1/(2n) · ||y − w0 − X w||²``."""
    residual = y - intercept - X @ coef
    return float(residual @ residual) / (2.0 * len(y))


def bernoulli_loss(X: FloatArray, y: FloatArray, coef: FloatArray, intercept: float) -> float:
    """``1/n · Σ [log(1 + exp(η)) − y η]`` with ``η = w0 + X w``."""
    eta = intercept + X @ coef
    return float(np.mean(log1pexp(eta) - y * eta))


_LOSSES = {"gaussian": gaussian_loss, "bernoulli": bernoulli_loss}


def _check_point(
    X: FloatArray,
    y: FloatArray,
    coef: FloatArray,
    alpha: float,
    l1_ratio: float,
    likelihood: str,
) -> None:
    """The arguments shared by :func:`objective` and :func:`kkt_residual`."""
    if likelihood not in _LOSSES:
        raise InputValueError(
            f"likelihood must be one of 'gaussian', 'bernoulli'; got {likelihood!r}."
        )
    _check_shapes(X, y, coef)
    check_finite_nonneg(alpha, "alpha")
    check_l1_ratio(l1_ratio)


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
) -> float:
    """``F(w, w0)`` for the given likelihood (``"gaussian"`` or ``"bernoulli"``)."""
    _check_point(X, y, coef, alpha, l1_ratio, likelihood)
    loss = _LOSSES[likelihood]
    return loss(X, y, coef, intercept) + penalty_value(coef, alpha, l1_ratio)


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
) -> float:
    """The KKT residual of any point ``(w, w0)`` for ``min F``, in the units of F.

    The optimality condition is ``0 ∈ ∇L(w, w0) + alpha·∂P(w)`` with ``∂L/∂w0 = 0``.
    With ``g = ∂L/∂η_i`` per sample (``−(y_i − η_i)/n`` for the Gaussian loss,
    ``(sigmoid(η_i) − y_i)/n`` for the Bernoulli loss, ``η = w0 + Xw``), ``∇_w L = Xᵀg``
    and ``∂L/∂w0 = Σ_i g_i``; the residual is the sup norm of
    ``subdiff_distance(w, Xᵀg, alpha, l1_ratio)`` and, when the intercept is fitted,
    ``|Σ_i g_i|``. It is 0 exactly at the minimizer, whatever produced the point.
    """
    _check_point(X, y, coef, alpha, l1_ratio, likelihood)
    eta = intercept + X @ coef
    if likelihood == "gaussian":
        sample_grad = (eta - y) / len(y)
    else:
        # sigmoid(η) = exp(η − log(1 + exp(η))), without overflow
        sample_grad = (np.exp(eta - log1pexp(eta)) - y) / len(y)
    distance = subdiff_distance(coef, X.T @ sample_grad, alpha, l1_ratio)
    residual = float(np.max(distance, initial=0.0))
    if fit_intercept:
        residual = max(residual, abs(float(np.sum(sample_grad))))
    return residual
