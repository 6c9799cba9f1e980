"""Centered data and the sufficient statistics the posterior samplers use.

With a flat prior on the intercept ``w0``, integrating it out of the Gaussian
likelihood leaves the likelihood of the centered data::

    ∫ N(y | w0 + X w, σ² I) dw0  ∝  σ^{-(n-1)} · exp(−||yc − Xc w||² / (2σ²))

so every sampler works with ``Xc = X − x̄``, ``yc = y − ȳ`` and ``n − 1`` degrees of
freedom, and draws the intercept afterwards from ``w0 | w, σ ~ N(ȳ − x̄ᵀw, σ²/n)``.
Without an intercept the data are used as they are, with ``n`` degrees of freedom.
Validation, centering and the choice between rows and sufficient statistics are those
of :mod:`bayesreg.core.data`; this module only collects what the samplers read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bayesreg.core.data import CenteredProblem, least_squares_data

__all__ = ["LinearData", "linear_data_from", "prepare_linear_data"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class LinearData:
    """Centered design, target and their cross products.

    Attributes
    ----------
    X, y : ndarray
        Centered design ``Xc`` (n, p) and target ``yc`` (n,) (as given without
        intercept); shapes (0, p) and (0,) when the data are sufficient statistics.
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
    n_samples : int
        Number of rows n (summarized by the statistics when there are no rows).
    has_rows : bool
        Whether ``X`` and ``y`` hold the rows (False for sufficient statistics).
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
    n_samples: int
    has_rows: bool

    @property
    def n_features(self) -> int:
        """Number of coefficients ``p``."""
        return int(self.gram.shape[0])

    def residual_sum_of_squares(self, coef: FloatArray) -> FloatArray:
        """``||yc − Xc w||²`` for each row of ``coef`` (shape (..., p)).

        Computed from the cross products, ``ycᵀyc − 2 wᵀXcᵀyc + wᵀXcᵀXc w``, so its cost
        does not grow with ``n``. The result is clipped at 0 against rounding.
        """
        quadratic = np.einsum("...i,ij,...j->...", coef, self.gram, coef)
        rss: FloatArray = np.maximum(self.yty - 2.0 * (coef @ self.xty) + quadratic, 0.0)
        return rss


def linear_data_from(problem: CenteredProblem) -> LinearData:
    """The samplers' view of validated data: dense rows, or statistics without rows.

    Raises
    ------
    DataError
        For a sparse design (the samplers work on dense rows).
    """
    if problem.has_rows:
        X, y = problem.dense_rows()
    else:
        X, y = np.empty((0, problem.n_features)), np.empty(0)
    return LinearData(
        X=X,
        y=y,
        gram=problem.gram(),
        xty=problem.xty,
        yty=problem.yty,
        x_mean=problem.x_mean,
        y_mean=problem.y_mean,
        dof=problem.dof,
        fit_intercept=problem.fit_intercept,
        feature_names=problem.feature_names,
        n_samples=problem.n_samples,
        has_rows=problem.has_rows,
    )


def prepare_linear_data(X: Any, y: Any, *, fit_intercept: bool) -> LinearData:
    """Validate dense rows ``X``, ``y``, center them when an intercept is fitted.

    Raises
    ------
    InputTypeError, DataError
        For a sparse ``X`` or sufficient statistics: the callers need the rows.
    """
    problem = least_squares_data(X, y, fit_intercept=fit_intercept, allow_sparse=False)
    problem.dense_rows()  # statistics have none: the message says to pass the rows
    return linear_data_from(problem)
