"""Centered data and the sufficient statistics the posterior samplers use.

With a flat prior on the intercept ``w0``, integrating it out of the Gaussian
likelihood leaves the likelihood of the centered data::

    ∫ N(y | w0 + X w, σ² I) dw0  ∝  σ^{-(n-1)} · exp(−||yc − Xc w||² / (2σ²))

so every sampler works with ``Xc = X − x̄``, ``yc = y − ȳ`` and ``n − 1`` degrees of
freedom, and draws the intercept afterwards from ``w0 | w, σ ~ N(ȳ − x̄ᵀw, σ²/n)``.
Without an intercept the data are used as they are, with ``n`` degrees of freedom.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bayesreg.core.objective import center
from bayesreg.validation import as_design, as_target, feature_names_of

__all__ = ["LinearData", "prepare_linear_data"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class LinearData:
    """Centered design, target and their cross products.

    Attributes
    ----------
    X, y : ndarray
        Centered design ``Xc`` (n, p) and target ``yc`` (n,) (as given without intercept).
    gram : ndarray of shape (p, p)
        ``Xcᵀ Xc``.
    xty : ndarray of shape (p,)
        ``Xcᵀ yc``.
    yty : float
        ``ycᵀ yc``.
    x_mean : ndarray of shape (p,)
    y_mean : float
    dof : int
        Degrees of freedom of the Gaussian likelihood: ``n − 1`` with the flat intercept
        integrated out, ``n`` without intercept.
    fit_intercept : bool
    feature_names : tuple of str
    """

    X: FloatArray
    y: FloatArray
    gram: FloatArray
    xty: FloatArray
    yty: float
    x_mean: FloatArray
    y_mean: float
    dof: int
    fit_intercept: bool
    feature_names: tuple[str, ...]

    @property
    def n_samples(self) -> int:
        """Number of rows ``n``."""
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        """Number of coefficients ``p``."""
        return int(self.X.shape[1])

    def residual_sum_of_squares(self, coef: FloatArray) -> FloatArray:
        """``||yc − Xc w||²`` for each row of ``coef`` (shape (..., p)).

        Computed from the cross products, ``ycᵀyc − 2 wᵀXcᵀyc + wᵀXcᵀXc w``, so its cost
        does not grow with ``n``. The result is clipped at 0 against rounding.
        """
        quadratic = np.einsum("...i,ij,...j->...", coef, self.gram, coef)
        rss: FloatArray = np.maximum(self.yty - 2.0 * (coef @ self.xty) + quadratic, 0.0)
        return rss


def prepare_linear_data(X: Any, y: Any, *, fit_intercept: bool) -> LinearData:
    """Validate ``X`` and ``y``, center them when an intercept is fitted, form cross products."""
    design = as_design(X)
    target = as_target(y, design.shape[0])
    centered = center(design, target, fit_intercept)
    n_samples = design.shape[0]
    return LinearData(
        X=centered.X,
        y=centered.y,
        gram=centered.X.T @ centered.X,
        xty=centered.X.T @ centered.y,
        yty=float(centered.y @ centered.y),
        x_mean=centered.x_mean,
        y_mean=centered.y_mean,
        dof=n_samples - 1 if fit_intercept else n_samples,
        fit_intercept=fit_intercept,
        feature_names=feature_names_of(X, design.shape[1]),
    )
