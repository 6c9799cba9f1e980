"""The posterior tools' view of :class:`~bayesreg.core.stats.SufficientStats`.

With the intercept's flat prior integrated out, every Gaussian-likelihood posterior of
:mod:`bayesreg.posterior` depends on the data through ``XcᵀXc``, ``Xcᵀyc``, ``ycᵀyc``,
``x̄``, ``ȳ`` and n (see ``_data``); the samplers read exactly these when n ≥ p. So
statistics stand in for the rows wherever the rows themselves are not needed: the
exact posterior, the Gibbs samplers with n ≥ p (with p > n their algorithm works on
the rows), and the ridge evidence, whose SVD of ``Xc`` becomes the eigendecomposition
``XcᵀXc = V diag(λ) Vᵀ`` with ``d_j = λ_j`` and ``z_j = v_jᵀ Xcᵀyc / √λ_j`` (``= u_jᵀyc``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bayesreg.core._stats_solvers import gram_eigen
from bayesreg.core.stats import is_sufficient_stats
from bayesreg.errors import DataError
from bayesreg.posterior._data import LinearData, prepare_linear_data

__all__ = [
    "StatsLinearData",
    "eigen_spectrum",
    "gram_least_squares",
    "linear_data_of",
    "require_gram_form",
]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class StatsLinearData(LinearData):
    """:class:`LinearData` from sufficient statistics: the cross products without rows.

    ``X`` and ``y`` hold no rows (shapes (0, p) and (0,)); ``n_samples`` is the number of
    rows the statistics summarize.
    """

    rows: int

    @property
    def n_samples(self) -> int:
        """Number of rows n summarized by the statistics."""
        return self.rows


def linear_data_of(X: Any, y: Any, *, fit_intercept: bool) -> LinearData:
    """``prepare_linear_data(X, y)``, or the same cross products read from statistics."""
    if not is_sufficient_stats(X, y):
        return prepare_linear_data(X, y, fit_intercept=fit_intercept)
    gram, xty, yty = X.cross_products(fit_intercept=fit_intercept)
    centering = X.centering(fit_intercept=fit_intercept)
    return StatsLinearData(
        X=np.empty((0, X.n_features)),
        y=np.empty(0),
        gram=gram,
        xty=xty,
        yty=yty,
        x_mean=centering.x_mean,
        y_mean=centering.y_mean,
        dof=X.n_samples - 1 if fit_intercept else X.n_samples,
        fit_intercept=fit_intercept,
        feature_names=X.feature_names,
        rows=X.n_samples,
    )


def require_gram_form(data: LinearData, method: str) -> None:
    """Raise if ``data`` came from statistics with n < p (the samplers then need the rows)."""
    if isinstance(data, StatsLinearData) and data.n_samples < data.n_features:
        raise DataError(
            f"{method} from sufficient statistics needs n ≥ p (its p > n algorithm works on "
            f"the rows); the statistics have n = {data.n_samples} < p = {data.n_features}. "
            "Pass the rows X, y instead."
        )


def eigen_spectrum(data: LinearData) -> tuple[FloatArray, FloatArray, float]:
    """``(d, z, rest)`` of the ridge evidence from ``XcᵀXc`` (module docstring).

    ``d`` are the eigenvalues above the rank cutoff of :func:`gram_eigen`,
    ``z_j = v_jᵀ Xcᵀyc / √d_j`` and ``rest = ycᵀyc − ||z||²`` (clipped at 0).
    """
    eigenvalues, vectors, rank = gram_eigen(data.gram, data.n_samples)
    if rank == 0:
        raise DataError(
            "X has no variation (every column is constant after centering); the evidence "
            "does not depend on the prior scale. Pass a design with non-constant columns."
        )
    kept = eigenvalues[:rank]
    projection = (vectors[:, :rank].T @ data.xty) / np.sqrt(kept)
    rest = max(data.yty - float(projection @ projection), 0.0)
    return kept, projection, rest


def gram_least_squares(data: LinearData) -> FloatArray:
    """Minimum-norm least squares ``(XcᵀXc)⁺ Xcᵀyc`` on the numerical range of ``XcᵀXc``."""
    eigenvalues, vectors, rank = gram_eigen(data.gram, data.n_samples)
    kept = vectors[:, :rank]
    coef: FloatArray = kept @ ((kept.T @ data.xty) / eigenvalues[:rank])
    return coef
